"""Where a worker's memory goes: resident memory after each load step and over N articles.

    python bench/worker_memory.py [--n 300] [--chunk 16] [--json]
    PYTHONPATH=/older/checkout/src python bench/worker_memory.py   # another version of eventwire

Runs in one process what a pool worker runs (run/work.py): the imports, `warm_up`'s loads one at a
time (spaCy model, actor KB, codebook, gazetteer, then the warm-up article that loads every lazy
table), then `process_chunk` over N articles of the `corpus.py` mix (real news texts and HTML pages
from ../shared/eval, cycled), in chunks of --chunk inputs as the driver gives them. After each step:
the process's current RSS and its anonymous part (/proc/self/status: RssAnon, the memory a forked
child would share copy-on-write until written), the peak so far (ru_maxrss, what the driver reports
per worker), and the size of spaCy's string store and vocabulary; at the end, whether pandas was
imported (a worker should not need it). Linux only (reads /proc).
"""
from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def memory() -> dict:
    status = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile"):
                status[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss": status.get("VmRSS"), "anon": status.get("RssAnon"), "file": status.get("RssFile"),
            "peak": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def _lexemes(nlp) -> int:
    """The lexemes spaCy's vocabulary holds (len(nlp.vocab) counts every one ever added, also those a
    memory zone has freed)."""
    return sum(1 for _ in nlp.vocab)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--chunk", type=int, default=16)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    steps: list[dict] = []

    cpu_at = [time.process_time()]

    def step(name: str, started: float, **extra) -> None:
        gc.collect()
        row = {"step": name, "s": round(time.perf_counter() - started, 2),
               "cpu_s": round(time.process_time() - cpu_at[0], 2), **memory(), **extra}
        steps.append(row)
        cpu_at[0] = time.process_time()
        if not args.json:
            print(json.dumps(row), file=sys.stderr)

    t = time.perf_counter()
    step("python", t)
    t = time.perf_counter()
    import eventwire.run.work as work  # noqa: F401  (what a spawned worker imports first)
    step("import eventwire.run.work", t)
    t = time.perf_counter()
    if hasattr(work, "_arrow_without_pandas"):  # absent from older versions (--src)
        work._arrow_without_pandas()  # as warm_up_worker does first
    step("pyarrow told there is no pandas", t)
    from eventwire.config import load_settings
    from eventwire.coding.codebook import load_codebook
    from eventwire.ground.actor_kb import load_actor_kb
    from eventwire.ground.gazetteer import load_gazetteer
    from eventwire.read import load_model
    settings = load_settings(None)
    t = time.perf_counter()
    nlp = load_model(settings.model, settings.blis)
    step("spaCy model", t)
    t = time.perf_counter()
    load_actor_kb(settings.actors)
    step("actor KB", t)
    t = time.perf_counter()
    load_codebook()
    step("codebook", t)
    t = time.perf_counter()
    load_gazetteer()
    step("gazetteer", t)
    t = time.perf_counter()
    work.warm_up(settings)
    step("warm-up article (lazy tables)", t, strings=len(nlp.vocab.strings), lexemes=_lexemes(nlp))

    from corpus import SHARED, source_articles, write_inputs
    articles = source_articles(SHARED)
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_inputs(Path(tmp), args.n, articles)
        items = [work.InputItem(p) for p in paths]
        done = 0
        for start in range(0, len(items), args.chunk):
            t = time.perf_counter()
            result = work.process_chunk(items[start:start + args.chunk], settings)
            done += len(result.rows)
            del result
            step(f"articles {done}", t, strings=len(nlp.vocab.strings), lexemes=_lexemes(nlp))
    chunks = [r for r in steps if r["step"].startswith("articles")]
    summary = {"peak_mb": steps[-1]["peak"], "rss_after_warm_up_mb": steps[-len(chunks) - 1]["rss"],
               "rss_end_mb": steps[-1]["rss"], "articles_cpu_s": round(sum(r["cpu_s"] for r in chunks), 1),
               "load": round(os.getloadavg()[0], 2)}
    if not args.json:
        print(json.dumps(summary), file=sys.stderr)
        print(f"pandas imported: {'pandas' in sys.modules}", file=sys.stderr)
    if args.json:
        print(json.dumps({"n": args.n, **summary, "pandas_imported": "pandas" in sys.modules, "pid": os.getpid(), "steps": steps}, indent=1))


if __name__ == "__main__":
    main()
