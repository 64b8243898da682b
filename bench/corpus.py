"""Corpus throughput: articles/s with 1 and 2 local worker processes and with Dask, on N articles.

    python bench/corpus.py [--n 1000] [--workers 2] [--configs local1,local2,dask2] [--json]

The articles are the real news texts and pages under ../shared/eval (geo, quotes and clusters
texts; extraction HTML pages), cycled to N, each written as its own one-line JSONL input with a
distinct URL so every article is a distinct document. Each configuration ingests all N into a
fresh DuckDB store through eventwire.run.run_ingest, the same path as `eventwire ingest`.

Reported per configuration: wall time including worker start-up (spawn + model load), the
start-up alone, the CPU seconds of the driver and of the workers, the driver's time writing store
batches, articles/s over the processing time (wall - start-up), scaling efficiency
(rate with k workers / (k x rate with 1 worker)), the peak resident memory of each worker
process (its ru_maxrss, reported by the worker), and the projected CPU-hours for 300,000
articles (300,000 x workers / rate: the cores kept busy, the driver's own work not counted).
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
PROJECT = 300_000


def source_articles(shared: Path) -> list[dict]:
    """Distinct article objects ({"text"} or {"html"}) from the shared dev sets."""
    out: list[dict] = []
    for pattern in ("eval/geo/**/*.txt", "eval/quotes/**/text/*.txt", "eval/clusters/**/*.txt"):
        for path in sorted(shared.glob(pattern)):
            text = path.read_text(encoding="utf-8", errors="replace")
            if len(text.split()) >= 40:
                out.append({"text": text})
    for path in sorted(shared.glob("eval/extraction/**/*.html.gz")):
        out.append({"html": gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")})
    return out


def write_inputs(folder: Path, n: int, articles: list[dict]) -> list[str]:
    paths = []
    for i in range(n):
        obj = dict(articles[i % len(articles)], url=f"https://bench.example/article/{i}")
        path = folder / f"a{i:06d}.jsonl"
        # ASCII JSON: a raw U+2028 in a page would split the line for str.splitlines() in the JSONL reader.
        path.write_text(json.dumps(obj) + "\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def run_config(name: str, engine: str, workers: int, paths: list[str], folder: Path) -> dict:
    from eventwire.config import load_settings
    from eventwire.run import run_ingest
    from eventwire.run.engines import make_engine
    from eventwire.store.access import Database

    import resource

    db = str(folder / f"{name}.duckdb")
    settings = load_settings(None, db=db)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started, cpu_started = time.perf_counter(), time.process_time()
    runner = make_engine(engine, settings, workers)
    if hasattr(runner, "warm"):
        runner.warm()  # a local pool starts its processes (and loads the model) on demand
    startup = time.perf_counter() - started
    try:
        # As `eventwire ingest` does: the database opened for each chunk's writes (docs/storage.md).
        summary = run_ingest(paths, Database(db), settings, engine=runner)
    finally:
        runner.close()
    wall = time.perf_counter() - started
    driver_cpu = time.process_time() - cpu_started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # worker processes, reaped when the pool closed
    workers_cpu = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    processing = wall - startup
    rate = summary.articles_read / processing if processing > 0 else 0.0
    return {
        "config": name, "engine": engine, "workers": runner.workers, "articles": summary.articles_read,
        "failed": summary.failed, "wall_s": round(wall, 1), "startup_s": round(startup, 1),
        "articles_per_s": round(rate, 2), "articles_per_s_incl_startup": round(summary.articles_read / wall, 2),
        "peak_rss_mb_per_worker": sorted(round(v) for v in summary.peak_rss_mb.values()),
        "cpu_hours_300k": round(PROJECT * runner.workers / rate / 3600, 1) if rate else None,
        # CPU seconds: the driver (this process: planning, appending results, writing batches) and the
        # worker processes; honest where wall time is not, on a loaded machine.
        "driver_cpu_s": round(driver_cpu, 1), "workers_cpu_s": round(workers_cpu, 1),
        "write_s": round(getattr(summary, "write_seconds", 0.0), 1), "batches": getattr(summary, "batches", None),
        "load_after": round(os.getloadavg()[0], 2),
    }


def fakes_articles(shared: Path, n: int, folder: Path) -> list[str]:
    """The first `n` FA-KES dev articles (title, blank line, text) as text files in `folder`."""
    import csv

    csv.field_size_limit(sys.maxsize)
    with (shared / "eval" / "casualties" / "fakes-dev.csv").open(encoding="utf-8", newline="") as handle:
        rows = [r for _, r in zip(range(n), csv.DictReader(handle))]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, row in enumerate(rows):
        path = folder / f"fakes{i:04d}.txt"
        path.write_text(f"{row['article_title']}\n\n{row['article_content']}\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="articles (default 1000)")
    parser.add_argument("--workers", type=int, default=2, help="workers of the parallel configurations")
    parser.add_argument("--configs", default="local1,local2,dask2",
                        help="comma-separated: local<k>, dask<k> or serial")
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    articles = source_articles(args.shared)
    if not articles:
        sys.exit(f"no articles under {args.shared}/eval")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_inputs(folder, args.n, articles)
        for config in args.configs.split(","):
            engine = "serial" if config == "serial" else config.rstrip("0123456789")
            workers = int(config[len(engine):] or 1) if engine != "serial" else 1
            result = run_config(config, engine, workers, paths, folder)
            results.append(result)
            if not args.json:
                print(json.dumps(result), file=sys.stderr)
    one = next((r for r in results if r["workers"] == 1 and r["engine"] in ("local", "serial")), None)
    for r in results:
        r["scaling_efficiency"] = round(r["articles_per_s"] / (r["workers"] * one["articles_per_s"]), 2) if one else None
    report = {"n": args.n, "distinct_articles": len(articles), "cpus": os.cpu_count(), "results": results}
    if args.json:
        print(json.dumps(report, indent=1))
        return
    print(f"{args.n} articles ({len(articles)} distinct), {os.cpu_count()} CPUs")
    print("| config | workers | articles/s | incl. start-up | start-up s | wall s | scaling eff. | peak MB/worker | CPU-h / 300k |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['config']} | {r['workers']} | {r['articles_per_s']} | {r['articles_per_s_incl_startup']} | "
              f"{r['startup_s']} | {r['wall_s']} | {r['scaling_efficiency']} | "
              f"{', '.join(map(str, r['peak_rss_mb_per_worker']))} | {r['cpu_hours_300k']} |")


if __name__ == "__main__":
    main()
