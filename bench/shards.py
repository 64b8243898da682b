"""The driver's work with and without shards: rows sent to the driver vs Parquet shards the workers write.

    python bench/shards.py [--n 120] [--rounds 2] [--engine dask|local] [--workers 2] [--json]

The articles are the first N FA-KES dev articles (../shared/eval/casualties/fakes-dev.csv) as text
files. A fresh engine is started (a Dask LocalCluster of `--workers` single-threaded
worker processes, or a local pool) for each run and started before the clock, so start-up is not
measured; each run ingests all N into a fresh DuckDB store through run_ingest, rows to the driver
and shards interleaved round by round. Reported per run: wall seconds; the driver process's CPU
seconds (every thread: with a LocalCluster that includes the Dask scheduler and the client's
network loop, which run in this process) and those of the driver's own thread (planning, reading
shards, writing batches); the part of the wall time spent in batch writes (shards read
included), batches, shards loaded, the bytes of Parquet written per article, and the load average.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import SHARED, fakes_articles  # noqa: E402


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.parquet"))


def one_run(mode: str, runner, settings, paths: list[str], folder: Path, r: int) -> dict:
    from eventwire.run import run_ingest
    from eventwire.store.access import Database

    db = str(folder / f"{mode}-{r}.duckdb")
    shards = folder / "shards" if mode == "shards" else None
    written = []
    if shards is not None:  # the shard bytes, counted as each chunk arrives (the driver removes them later)
        on_chunk = lambda result: written.append(_size(Path(result.shard)) if result.shard else 0)  # noqa: E731
    else:
        on_chunk = None
    started, cpu, own = time.perf_counter(), time.process_time(), time.thread_time()
    summary = run_ingest(paths, Database(db), replace(settings, db=db), engine=runner,
                         shards=str(shards) if shards else "", on_chunk=on_chunk)
    wall, cpu, own = time.perf_counter() - started, time.process_time() - cpu, time.thread_time() - own
    return {"mode": mode, "round": r, "articles": summary.articles_read, "failed": summary.failed,
            "wall_s": round(wall, 1), "driver_cpu_s": round(cpu, 2), "driver_thread_cpu_s": round(own, 2),
            "driver_cpu_ms_per_article": round(1000 * cpu / max(1, summary.articles_read), 1),
            "write_s": round(summary.write_seconds, 2), "batches": summary.batches, "shards": summary.shards,
            "parquet_kb_per_article": round(sum(written) / 1024 / max(1, summary.articles_read), 1) if written else None,
            "load": round(os.getloadavg()[0], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--engine", choices=("dask", "local"), default="dask")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    from eventwire.config import load_settings
    from eventwire.run.engines import DaskEngine, LocalEngine

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = fakes_articles(args.shared, args.n, folder / "in")
        settings = load_settings(None)
        runs = []
        for r in range(args.rounds):
            for mode in ("rows", "shards") if r % 2 == 0 else ("shards", "rows"):
                # A fresh engine per run, started before the clock: a task's settings say where its
                # rows go, and only this run's cluster talks to this process while it runs.
                mine = replace(settings, shards=str(folder / "shards") if mode == "shards" else None)
                runner = (DaskEngine(mine, workers=args.workers) if args.engine == "dask"
                          else LocalEngine(mine, args.workers))
                try:
                    if hasattr(runner, "warm"):
                        runner.warm()
                    got = one_run(mode, runner, settings, paths, folder, r)
                finally:
                    runner.close()
                runs.append(got)
                if not args.json:
                    print(json.dumps(got), file=sys.stderr)
    report = {"n": args.n, "engine": args.engine, "workers": args.workers, "cpus": os.cpu_count(), "runs": runs}
    if args.json:
        print(json.dumps(report, indent=1))
        return
    print(f"{args.n} FA-KES articles, {args.engine} with {args.workers} workers, {os.cpu_count()} CPUs")
    print("| rows go | round | wall s | driver process CPU s | driver thread CPU s | process CPU ms / article | batch writes s | batches | shards | Parquet KB / article | load |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for x in runs:
        print(f"| {'to the driver' if x['mode'] == 'rows' else 'to shards'} | {x['round'] + 1} | {x['wall_s']} | "
              f"{x['driver_cpu_s']} | {x['driver_thread_cpu_s']} | {x['driver_cpu_ms_per_article']} | {x['write_s']} | {x['batches']} | "
              f"{x['shards']} | {x['parquet_kb_per_article'] or '—'} | {x['load']} |")


if __name__ == "__main__":
    main()
