"""Throughput of eventwire's extract stage against the spaCy-only floor: one article copied N times,
or N real articles.

    python bench/throughput.py [--copies N] [--input PATH] [--blis/--no-blis] [--json]
    python bench/throughput.py --articles N [--json]         # N real news articles, not copies
    python bench/throughput.py --compare-ops [--rounds R]   # blis vs NumpyOps(use_blis=False)

Each copy is parsed with parse_text under its own source and URL, so the Documents have distinct
ids but the same text. With --articles, the inputs are N of the real news texts and HTML pages of
bench/corpus.py's mix (source_articles: the geo, quotes and clusters texts and the extraction pages
under ../shared/eval), taken evenly across the mix so texts and pages both count, read as
`eventwire ingest` reads them (one JSONL line each) and kept when in English, so the extract and
the floor parse the same articles (the language filter is applied before either is timed). Loading (spaCy model, actor KB, codebook) is reported apart and excluded, and
so is one warm-up article, which absorbs whatever the stages load lazily. The floor is nlp.pipe over exactly the paragraph texts that
read_many parses, with the same batch size. Peak memory is the process's ru_maxrss.

The extract, the floor and the stages are each timed in a fresh process after the same loading and
warm-up, so each starts from the same state: timed one after the other in one process, the floor
and the stages found spaCy's lexemes, tokenizer and lemmatizer caches (and the stages' own caches)
filled by the extract before them, about 3 s of 24 on 97 real articles (bench/README.md,
"End-to-end overhead"). --compare-ops still times everything in one process per ops variant.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

DEFAULT_INPUT = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "seed-idlib" / "article.txt"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Timer:
    def __enter__(self) -> Timer:
        self.start, self.cpu_start = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
        self.cpu = time.process_time() - self.cpu_start  # all threads: BLAS workers count too


def source_fingerprint() -> str:
    """Hash of the installed eventwire sources and data: a comparison is void if they changed between runs."""
    import eventwire

    root = Path(eventwire.__file__).parent
    digest = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".tsv", ".json")):
        digest.update(str(f.relative_to(root)).encode() + f.read_bytes())
    return digest.hexdigest()


def copies_of(path: Path, copies: int) -> tuple[Callable[[], list], Callable[[], list]]:
    """(warm-up documents, measured documents) makers: the article, then its `copies` copies."""
    from eventwire.ingest.text import parse_text

    text = path.read_text("utf-8")
    return (lambda: [parse_text(text, "warm-up")],
            lambda: [parse_text(text, f"{path}#{i}", url=f"bench://copy/{i}") for i in range(copies)])


def real_articles(n: int) -> tuple[Callable[[], list], Callable[[], list]]:
    """(warm-up documents, measured documents) makers: n articles of bench/corpus.py's mix, evenly
    spread over it, each read from one JSONL line as `eventwire ingest` reads it; only English ones
    (what extract parses), so the floor parses the same texts."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from corpus import SHARED, source_articles

    from eventwire.ingest import read_bytes
    from eventwire.language import identify_language, is_analysed
    from eventwire.record import Document

    mix = source_articles(SHARED)
    if not mix:
        raise SystemExit(f"no articles under {SHARED / 'eval'}: --articles needs the shared dev sets")
    chosen = [mix[i * len(mix) // n] for i in range(n)] if n <= len(mix) else [mix[i % len(mix)] for i in range(n)]

    def read(objs: list[dict], prefix: str) -> list:
        docs = []
        for i, obj in enumerate(objs):
            line = json.dumps(dict(obj, url=f"https://bench.example/{prefix}/{i}")) + "\n"
            docs.extend(d for d in read_bytes(line.encode("utf-8"), f"{prefix}{i:05d}.jsonl")
                        if isinstance(d, Document))
        return [d for d in docs if is_analysed(identify_language(d))]

    return (lambda: read(chosen[:1], "warm-up"), lambda: read(chosen, "article"))


PASSES = ("extract", "floor", "stages")


def measure(inputs: tuple[Callable[[], list], Callable[[], list]], blis: bool | None,
            dump: Path | None = None, input_name: str = "copies", passes: tuple[str, ...] = PASSES) -> dict:
    """Run the given timings in this process, after loading and the warm-up article; ops are
    process-global, so one ops variant per process. The passes: `extract` (extract_documents),
    `floor` (nlp.pipe over the same paragraphs), `stages` (read_many, then ground_and_code and
    resolve_actors, each over Docs parsed afresh)."""
    from eventwire import extract_documents, load_settings, to_json
    from eventwire.coding.codebook import load_codebook
    from eventwire.ground.actor_kb import load_actor_kb
    from eventwire.ground.actors import resolve_actors
    from eventwire.pipeline import ground_and_code
    from eventwire.read import _paragraph_slices, load_model, read_many
    from eventwire.run.work import freeze_loaded_objects

    settings = load_settings(blis=blis)
    warm_docs, measured_docs = inputs
    with Timer() as load:
        nlp = load_model(settings.model, settings.blis)
        kb = load_actor_kb(settings.actors)
        codebook = load_codebook()
    rss_loaded = peak_rss_mib()
    ops = next(proc.model.ops for _, proc in nlp.pipeline if hasattr(proc, "model"))
    with Timer() as warm:  # the first article also loads whatever the stages load lazily
        list(extract_documents(warm_docs(), settings))
    freeze_loaded_objects()  # as a worker's warm-up does (run/work.warm_up)

    with Timer() as ingest:
        docs = measured_docs()
    copies = len(docs)
    texts = [t for doc in docs for (_, _, _, t) in _paragraph_slices(doc)[0]]
    words = sum(len(t.split()) for t in texts)
    m = {
        "ops": f"{type(ops).__name__}(use_blis={getattr(ops, 'use_blis', None)})",
        "copies": copies,  # the articles measured: copies, or real articles with --articles
        "input": input_name,
        "paragraphs": len(texts),
        "words": words,
        "batch_size": settings.batch_size,
        "load_s": round(load.seconds, 3),
        "warm_up_s": round(warm.seconds, 3),
        "rss_after_load_mib": round(rss_loaded, 1),
        "stages_s": {"ingest": round(ingest.seconds, 3)},
        "stages_cpu_s": {"ingest": round(ingest.cpu, 3)},
    }
    dumped: dict = {"source": source_fingerprint()}

    if "extract" in passes:
        with Timer() as extract:
            records = list(extract_documents(docs, settings))
        m["peak_rss_after_extract_mib"] = round(peak_rss_mib(), 1)
        m.update(extract_s=round(extract.seconds, 3), extract_cpu_s=round(extract.cpu, 3))
        dumped["records"] = [to_json(r) for r in records]
    if "floor" in passes:
        with Timer() as floor:
            spacy_docs = list(nlp.pipe(texts, batch_size=settings.batch_size))
        m.update(spacy_only_s=round(floor.seconds, 3), spacy_only_cpu_s=round(floor.cpu, 3))
        dumped["tokens"] = [[(t.text, t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.is_sent_start) for t in d]
                            for d in spacy_docs]
    if "stages" in passes:
        with Timer() as read:
            parsed = list(read_many(docs, nlp, batch_size=settings.batch_size))
        # Each of the two timings below runs on Docs parsed afresh: the grounding stages keep what they
        # read of a Doc (its text, token offsets and columns) on it, so a second pass over the same
        # Docs would find that work done.
        with Timer() as ground:
            for p in parsed:
                ground_and_code(p, kb, codebook)
        parsed = list(read_many(docs, nlp, batch_size=settings.batch_size))
        with Timer() as actors:
            for p in parsed:
                resolve_actors(p, kb)
        for key, timer in (("read", read), ("ground_and_code", ground), ("of_which_actors", actors)):
            m["stages_s"][key], m["stages_cpu_s"][key] = round(timer.seconds, 3), round(timer.cpu, 3)

    if dump is not None:
        dump.write_text(json.dumps(dumped), "utf-8")
    m["load_average_1m"] = os.getloadavg()[0]  # other work on the machine skews every figure
    return derived(m) if set(passes) == set(PASSES) else m


def in_fresh_processes(argv: list[str]) -> dict:
    """Each pass in a process of its own, after the same loading and warm-up, so that every pass
    starts from the same state: in one process the first pass paid for what later ones find cached
    (spaCy's new lexemes, its tokenizer's and lemmatizer's caches, the stages' own caches), and the
    floor and the stages ran after the extract."""
    merged: dict = {}
    for name in PASSES:  # what all three measure (loading, ingest, RSS after load) is the first's
        out = subprocess.run([sys.executable, __file__, *argv, "--json", "--pass", name],
                             check=True, capture_output=True, text=True).stdout
        got = json.loads(out)
        for key in ("stages_s", "stages_cpu_s"):
            merged[key] = {**got[key], **merged.get(key, {})}
        merged["load_average_1m"] = max(got["load_average_1m"], merged.get("load_average_1m", 0.0))
        merged = {**got, **merged}
    return derived(merged)


def derived(m: dict) -> dict:
    """The rates and ratios of a measurement with every pass."""
    s, c, words = m["stages_s"], m["stages_cpu_s"], m["words"]
    return m | {
        "articles_per_s": round(m["copies"] / m["extract_s"], 2),
        "words_per_s": round(words / m["extract_s"]),
        "spacy_only_words_per_s": round(words / m["spacy_only_s"]),
        "extract_over_spacy": round(m["extract_s"] / m["spacy_only_s"], 3),
        # actor resolution's share of the extract stages (issue 14 budget: <= 15%)
        "actor_share": round(s["of_which_actors"] / (s["ingest"] + s["read"] + s["ground_and_code"]), 4),
        # the same by CPU time, steadier than wall time when other work shares the machine
        "actor_share_cpu": round(c["of_which_actors"] / (c["ingest"] + c["read"] + c["ground_and_code"]), 4),
        # issue 19: grounding + coding <= 40% of the parse (read) time; extract / spaCy <= 1.43x
        "ground_over_read_cpu": round(c["ground_and_code"] / c["read"], 3),
        "extract_over_spacy_cpu": round(m["extract_cpu_s"] / m["spacy_only_cpu_s"], 3),
    }


def report(m: dict) -> None:
    s = m["stages_s"]
    print(f"ops                 {m['ops']}")
    print(f"input               {m['copies']} {m['input']}, {m['paragraphs']} paragraphs, {m['words']} words, "
          f"batch {m['batch_size']}")
    print(f"model load          {m['load_s']:.2f} s, then warm-up article {m['warm_up_s']:.2f} s (both excluded)")
    print(f"extract             {m['extract_s']:.2f} s  {m['articles_per_s']:.1f} articles/s  "
          f"{m['words_per_s']} words/s  (CPU {m['extract_cpu_s']:.2f} s)")
    print(f"spaCy-only floor    {m['spacy_only_s']:.2f} s  {m['spacy_only_words_per_s']} words/s  (CPU {m['spacy_only_cpu_s']:.2f} s)")
    print(f"extract / spaCy     {m['extract_over_spacy']:.2f}x")
    print(f"stages              ingest {s['ingest']:.2f} s, read {s['read']:.2f} s, "
          f"ground+code {s['ground_and_code']:.2f} s (of which actors {s['of_which_actors']:.2f} s)")
    print(f"actor share         {m['actor_share']:.1%} of ingest + read + ground+code wall time, "
          f"{m['actor_share_cpu']:.1%} of their CPU time (budget 15%)")
    c = m["stages_cpu_s"]
    print(f"stages, CPU         ingest {c['ingest']:.2f} s, read {c['read']:.2f} s, ground+code "
          f"{c['ground_and_code']:.2f} s (of which actors {c['of_which_actors']:.2f} s)")
    print(f"by CPU              ground+code / read {m['ground_over_read_cpu']:.2f} (target <= 0.40), "
          f"extract / spaCy {m['extract_over_spacy_cpu']:.2f}x (target <= 1.43x)")
    print(f"peak RSS            {m['rss_after_load_mib']:.0f} MiB after load, "
          f"{m['peak_rss_after_extract_mib']:.0f} MiB after extract")
    print(f"load average        {m['load_average_1m']:.2f} (1 min, at the end; {os.cpu_count()} CPUs)")


def compare_ops(path: Path, copies: int, rounds: int) -> dict:
    """Each variant in its own subprocess, alternating order per round; best time per variant.
    Outputs are compared per round: spaCy tokens (tag, dep, head, ent, sentence start) and records."""
    runs: dict[str, list[dict]] = {"blis": [], "numpy": []}
    same = {"tokens": True, "records": True, "source": True}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            order = ("blis", "numpy") if r % 2 == 0 else ("numpy", "blis")
            dumps = {}
            for variant in order:
                dumps[variant] = Path(tmp) / f"{variant}-{r}.json"
                flag = "--blis" if variant == "blis" else "--no-blis"
                out = subprocess.run([sys.executable, __file__, "--copies", str(copies), "--input", str(path),
                                      flag, "--json", "--pass", "all", "--dump", str(dumps[variant])],
                                     check=True, capture_output=True, text=True).stdout
                runs[variant].append(json.loads(out))
            b, n = (json.loads(dumps[v].read_text("utf-8")) for v in ("blis", "numpy"))
            for key in same:
                same[key] &= b[key] == n[key]
    best = {v: min(ms, key=lambda m: m["extract_s"]) for v, ms in runs.items()}
    return {"rounds": rounds, "best": best,
            "all_extract_s": {v: [m["extract_s"] for m in ms] for v, ms in runs.items()},
            "numpy_speedup": round(best["blis"]["extract_s"] / best["numpy"]["extract_s"], 3),
            "identical_tokens": same["tokens"], "identical_records": same["records"],
            "source_unchanged": same["source"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=200)
    ap.add_argument("--articles", type=int, help="N real articles of bench/corpus.py's mix instead of copies")
    ap.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    ap.add_argument("--blis", action=argparse.BooleanOptionalAction, default=None,
                    help="thinc ops: blis gemm, or NumpyOps(use_blis=False) (default: the settings' value)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--compare-ops", action="store_true", help="run blis and no-blis in two subprocesses")
    ap.add_argument("--rounds", type=int, default=1, help="with --compare-ops: runs per variant")
    ap.add_argument("--dump", type=Path, help=argparse.SUPPRESS)  # records + tokens, for --compare-ops
    # One pass in this process (what in_fresh_processes runs), or "all": every pass in this process.
    ap.add_argument("--pass", dest="one_pass", choices=(*PASSES, "all"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    if args.compare_ops:
        result = compare_ops(args.input, args.copies, args.rounds)
        if args.json:
            print(json.dumps(result, indent=2))
            return 0
        for variant, m in result["best"].items():
            print(f"== {variant}  (extract_s over rounds: {result['all_extract_s'][variant]})")
            report(m)
        print(f"NumpyOps speed-up over blis: {result['numpy_speedup']:.2f}x (best of {args.rounds})")
        print(f"identical spaCy output (tag/dep/head/ent/sent per token): {result['identical_tokens']}")
        print(f"identical records (to_json of every article): {result['identical_records']}")
        if not result["source_unchanged"]:
            print("WARNING: eventwire's sources changed between the two runs; the comparison is void, rerun")
        return 0

    if args.one_pass is None:
        same = ["--copies", str(args.copies), "--input", str(args.input)]
        same += ["--articles", str(args.articles)] if args.articles else []
        same += [] if args.blis is None else ["--blis" if args.blis else "--no-blis"]
        m = in_fresh_processes(same)
    else:
        inputs = real_articles(args.articles) if args.articles else copies_of(args.input, args.copies)
        m = measure(inputs, args.blis, args.dump, "real articles" if args.articles else f"copies of {args.input.name}",
                    PASSES if args.one_pass == "all" else (args.one_pass,))
    if args.json:
        print(json.dumps(m))
    else:
        report(m)
    return 0


if __name__ == "__main__":
    sys.exit(main())
