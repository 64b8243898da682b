"""Event-coding speed on already-parsed documents: sentences per second on one core.

Parses the input once (default: the FA-KES dev articles, else the seed article repeated), runs the
grounding stages once, then times only `code_events` over all documents, best of --repeat runs.

usage: python bench/coding.py [--input CSV_OR_TXT] [-n N] [--repeat R]
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def documents(path: Path, n: int) -> list:
    from eventwire.ingest.text import parse_text

    if path.suffix == ".csv":
        csv.field_size_limit(sys.maxsize)
        with path.open(encoding="utf-8", newline="") as handle:
            rows = [r for _, r in zip(range(n), csv.DictReader(handle))]
        return [parse_text(r["article_content"], f"row{i}", title=r.get("article_title")) for i, r in enumerate(rows)]
    text = path.read_text(encoding="utf-8")
    return [parse_text(text, f"copy{i}") for i in range(n)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = SHARED / "eval" / "casualties" / "fakes-dev.csv"
    ap.add_argument("--input", default=str(default if default.exists() else SHARED / "corpus" / "seed-idlib" / "article.txt"))
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from eventwire.coding.codebook import load_codebook
    from eventwire.coding.events import code_events
    from eventwire.ground.actor_kb import load_actor_kb
    from eventwire.ground.actors import resolve_actors
    from eventwire.ground.event_place import event_place
    from eventwire.ground.places import resolve_places
    from eventwire.ground.quantities import resolve_quantities
    from eventwire.ground.quotes import resolve_quotes
    from eventwire.ground.times import resolve_times
    from eventwire.read import load_model, read_many

    nlp, kb, codebook = load_model(), load_actor_kb(), load_codebook()
    prepared = []
    for parsed in read_many(documents(Path(args.input), args.n), nlp):
        actors = resolve_actors(parsed, kb)
        times = resolve_times(parsed)
        prepared.append((parsed, actors, dict(times=times, places=resolve_places(parsed, actors),
                                              quantities=resolve_quantities(parsed, actors),
                                              quotes=resolve_quotes(parsed, actors, times), place_of=event_place)))
    sentences = sum(len(p.sentences) for p, _, _ in prepared)
    best, best_cpu, events = float("inf"), float("inf"), 0
    for _ in range(args.repeat):
        # The trigger lookups the coder keeps on each Doc (for the ACLED typing after it) would make the
        # later repeats cheaper than coding an article once: each repeat starts without them.
        for p, _, _ in prepared:
            for paragraph in p.paragraphs:
                paragraph.doc.user_data.pop("eventwire.trigger_lookups", None)
        start, cpu_start = time.perf_counter(), time.process_time()
        events = sum(len(code_events(p, a, codebook, **kw)) for p, a, kw in prepared)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu_start)
    print(f"{len(prepared)} documents, {sentences} sentences, {events} events")
    print(f"coding: {best:.3f} s -> {sentences / best:,.0f} sentences/s, {len(prepared) / best:,.0f} documents/s (one core)")
    # CPU time is the steadier figure when other work shares the machine
    print(f"coding CPU: {best_cpu:.3f} s -> {sentences / best_cpu:,.0f} sentences per CPU second "
          f"(load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
