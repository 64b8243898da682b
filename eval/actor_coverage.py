"""Actor code coverage on real ingested text: the share of actors that carry a code.

    python eval/actor_coverage.py [PATH ...] [--json]

PATHs (files or folders; default: ../shared/eval/ingest/feeds and ../shared/eval/ingest/warc) are
read as eventwire ingests them (feeds, WARC archives, HTML, text). Only English documents count:
a document is English when at least a fifth of its words are English function words (spaCy's
English stop-word list), so a Spanish or German feed item does not count against the coder. Each
document goes through the reading stage and `resolve_actors` (the publication date as the day);
an actor "carries a code" when its code is not empty (a sector alone, "---COP", counts: the text
gave no country). Reported: documents read, English documents, actors, coded actors and the share.
"""
from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from collections import Counter
from pathlib import Path

_SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "ingest"
DEFAULT_PATHS = [_SHARED / "feeds", _SHARED / "warc"]
_INPUT_SUFFIXES = (".rss", ".atom", ".xml", ".warc", ".warc.gz", ".html", ".htm", ".txt", ".jsonl")
_WORD = re.compile(r"[A-Za-z']+")


def is_english(text: str, least: float = 0.2) -> bool:
    from spacy.lang.en.stop_words import STOP_WORDS

    words = [w.lower() for w in _WORD.findall(text)]
    return len(words) >= 20 and sum(w in STOP_WORDS for w in words) / len(words) >= least


def input_files(paths: list[str | Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.iterdir() if f.is_file() and f.name.lower().endswith(_INPUT_SUFFIXES))
        elif p.is_file():
            files.append(p)
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    return files


def score(paths: list[str | Path] | None = None) -> dict:
    from eventwire.errors import InputError
    from eventwire.ground.actor_kb import load_actor_kb
    from eventwire.ground.actors import resolve_actors
    from eventwire.ingest import read_path
    from eventwire.read import load_model, read_many

    documents, read_errors = [], 0
    files = input_files(paths or DEFAULT_PATHS)
    for f in files:
        for item in read_path(str(f)):
            if isinstance(item, InputError):
                read_errors += 1
            else:
                documents.append(item)
    english = [d for d in documents if is_english(d.text)]
    nlp, kb = load_model(), load_actor_kb()
    started = time.perf_counter()
    n = coded = 0
    by_kind: Counter[str] = Counter()
    uncoded_kind: Counter[str] = Counter()
    uncoded: Counter[str] = Counter()
    for parsed in read_many(english, nlp):
        for actor in resolve_actors(parsed, kb):
            n += 1
            by_kind[actor.kind] += 1
            if actor.code:
                coded += 1
            else:
                uncoded_kind[actor.kind] += 1
                uncoded[actor.name] += 1
    return {
        "coverage": coded / n if n else 0.0,
        "actors": n,
        "coded": coded,
        "files": len(files),
        "documents": len(documents),
        "english_documents": len(english),
        "input_errors": read_errors,
        "by_kind": dict(by_kind),
        "uncoded_by_kind": dict(uncoded_kind),
        "most_common_uncoded": uncoded.most_common(40),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="feed, WARC, HTML or text files or folders")
    parser.add_argument("--json", action="store_true", help="print every figure as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    try:
        result = score(args.paths or None)
    except FileNotFoundError as exc:
        sys.stderr.write(f"actor_coverage: {exc}\n")
        return 2
    if args.json:
        json.dump(result, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    sys.stdout.write(f"actor_coverage: {result['coverage']:.4f} ({result['coded']}/{result['actors']} actors coded) "
                     f"in {result['english_documents']} English of {result['documents']} documents "
                     f"({result['seconds']} s)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
