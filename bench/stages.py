"""CPU seconds of each stage after the parse, on real articles parsed once.

The articles (default: the first 100 FA-KES dev articles; `--set mix` takes the corpus mix of
bench/corpus.py) are parsed once with spaCy (timed: the floor the other stages are compared with);
then read's own work after the parse (paragraphs and sentences), and every stage that
pipeline.ground_and_code calls, are timed apart in CPU seconds: each function ground_and_code looks
up in eventwire.pipeline is wrapped by a timer for the run, so the split follows whatever the
pipeline calls. A stage's figure includes what it calls. `--profile N` prints cProfile's top N
entries of read's work and ground_and_code, by own time and by cumulative time.

usage: python bench/stages.py [--set fakes|mix] [-n N] [--profile N]
"""
from __future__ import annotations

import argparse
import cProfile
import csv
import os
import pstats
import sys
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def documents(which: str, n: int) -> list:
    from eventwire.ingest import read_bytes
    from eventwire.record import Document

    if which == "fakes":
        from eventwire.ingest.text import parse_text

        csv.field_size_limit(sys.maxsize)
        with (SHARED / "eval" / "casualties" / "fakes-dev.csv").open(encoding="utf-8", newline="") as handle:
            rows = [r for _, r in zip(range(n), csv.DictReader(handle))]
        return [parse_text(r["article_content"], f"fakes{i}", title=r.get("article_title")) for i, r in enumerate(rows)]
    sys.path.insert(0, str(Path(__file__).parent))
    import json

    from corpus import source_articles

    out = []
    for i, article in enumerate(source_articles(SHARED)[:n]):
        line = json.dumps(dict(article, url=f"https://bench.example/article/{i}")).encode()
        out.extend(d for d in read_bytes(line, f"mix{i}.jsonl") if isinstance(d, Document))
    return out


class StageClock:
    """Wraps named functions of a module, adding each call's CPU seconds to its name."""

    def __init__(self, module, names: list[str]) -> None:
        self.module, self.seconds, self.saved = module, {}, {}
        for name in names:
            function = getattr(module, name, None)
            if callable(function):
                self.saved[name] = function
                setattr(module, name, self._timed(name, function))

    def _timed(self, name: str, function):
        def timed(*args, **kwargs):
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.process_time() - started
        return timed

    def restore(self) -> None:
        for name, function in self.saved.items():
            setattr(self.module, name, function)


def print_profile(profile: cProfile.Profile, top: int) -> None:
    for key in ("tottime", "cumulative"):
        print(f"--- cProfile, top {top} by {key}")
        pstats.Stats(profile, stream=sys.stdout).strip_dirs().sort_stats(key).print_stats(top)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=("fakes", "mix"), default="fakes")
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--profile", type=int, default=0, help="print cProfile's top N (the stage times then include its overhead)")
    ap.add_argument("--profile-out", type=Path, help="with --profile: also save the raw profile there (pstats)")
    args = ap.parse_args()

    import eventwire.pipeline as pipeline
    import eventwire.read as read
    from eventwire.coding.codebook import load_codebook
    from eventwire.config import load_settings
    from eventwire.ground.actor_kb import load_actor_kb

    settings = load_settings()
    nlp, kb, codebook = read.load_model(settings.model, settings.blis), load_actor_kb(settings.actors), load_codebook()
    docs = documents(args.set, args.n)
    list(pipeline.extract_documents(docs[:1], settings))  # warm-up: whatever the stages load lazily

    texts = [t for d in docs for (_, _, _, t) in read._paragraph_slices(d)[0]]
    started = time.process_time()
    spacy_docs = list(read._pipe_bounded(nlp, texts, settings.batch_size))
    parse_cpu = time.process_time() - started

    profile = cProfile.Profile() if args.profile else None
    pipe_bounded = read._pipe_bounded
    read._pipe_bounded = lambda _nlp, _texts, _size: iter(spacy_docs)
    started = time.process_time()
    if profile:
        profile.enable()
    parsed = list(read.read_many(docs, nlp, settings.batch_size))
    if profile:
        profile.disable()
    read_cpu = time.process_time() - started
    read._pipe_bounded = pipe_bounded

    names = [n for n in vars(pipeline) if not n.startswith("_") and n not in
             ("extract_documents", "extract_paths", "extract_bytes", "extract_items", "ground_and_code",
              "load_settings", "load_model", "load_actor_kb", "load_codebook", "read_many", "read_bytes",
              "read_path", "identify_language", "is_analysed", "islice", "replace")]
    clock = StageClock(pipeline, names)
    started = time.process_time()
    if profile:
        profile.enable()
    for p in parsed:
        pipeline.ground_and_code(p, kb, codebook)
    if profile:
        profile.disable()
    ground_cpu = time.process_time() - started
    clock.restore()

    sentences = sum(len(p.sentences) for p in parsed)
    print(f"{len(parsed)} articles ({args.set}), {len(texts)} paragraphs, {sentences} sentences; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"parse (spaCy)              {parse_cpu:7.2f} s CPU")
    print(f"read after the parse       {read_cpu:7.2f} s CPU")
    for name, seconds in sorted(clock.seconds.items(), key=lambda kv: -kv[1]):
        print(f"  {name:24s} {seconds:7.2f} s")
    print(f"ground_and_code            {ground_cpu:7.2f} s CPU "
          f"({ground_cpu / parse_cpu:.0%} of the parse; with read's work {(ground_cpu + read_cpu) / parse_cpu:.0%})")
    if profile:
        print_profile(profile, args.profile)
        if args.profile_out:
            profile.dump_stats(args.profile_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
