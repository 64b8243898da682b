"""What `ingest --workers 1` costs beyond `extract --jsonl` on the same articles, and the store's share.

    python bench/ingest_cost.py [--n 120] [--rounds 3] [--before OLD/src] [--json]

The first N FA-KES dev articles (text files, corpus.py's `fakes_articles`) go through whole commands,
interleaved round by round: `eventwire extract --jsonl`, then `eventwire ingest --workers 1` into a
fresh database (with `--before`, also both commands with another checkout's source, PYTHONPATH=OLD/src,
in the same round, each version's ingest over its own extract). CPU seconds are the command's and every process it waited for (the worker, the
resource tracker). The ingest runs inside this script (`--driver`), which splits the driver
process's CPU into its imports, the batch writes (`_write_batch`: the store opened, the batch's
transaction, its inputs marked, the store closed and checkpointed) and the rest (planning, the pool,
receiving results, progress); the worker processes' CPU is the rest of the command's.

The store's share of ingest: the driver's batch writes plus the store rows the worker makes
(`run.work._rows`: Arrow tables and the record JSON), timed apart in this process over the same
articles in chunks of 16 (as the worker gets them), over the ingest's CPU. The record JSON is
made by `extract --jsonl` too; it is shown apart.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def driver(args: list[str]) -> None:
    """`eventwire ARGS` in this process, then one JSON line on stdout: the driver's CPU split."""
    from eventwire.cli import app
    from eventwire.run import driver as run_driver

    imports = _self_cpu()
    writes = [0.0]
    write_batch = run_driver._write_batch

    def timed(*a, **k):
        started = time.process_time()  # the whole process: the pool's result thread included
        try:
            return write_batch(*a, **k)
        finally:
            writes[0] += time.process_time() - started

    run_driver._write_batch = timed
    sys.argv = ["eventwire", *args]
    code = 0
    try:
        app()
    except SystemExit as exc:
        code = exc.code or 0
    total = _self_cpu()
    print(json.dumps({"driver_cpu_s": round(total, 2), "imports_s": round(imports, 2),
                      "writes_s": round(writes[0], 2), "rest_s": round(total - imports - writes[0], 2),
                      "exit": code}))


def timed_command(cmd: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(wall s, CPU s of the command and every process it waited for, its stdout)."""
    before, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return time.perf_counter() - started, _children_cpu() - before, done.stdout


def rows_cpu(paths: list[str]) -> dict:
    """CPU seconds of the worker's store rows over these inputs in chunks of 16, and of the record
    JSON within them."""
    from eventwire.config import load_settings
    from eventwire.run import work
    from eventwire.store import rows as store_rows

    settings = load_settings(None)
    spent = {"rows": 0.0, "json": 0.0}

    def clock(name, fn):
        def timed(*a, **k):
            started = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[name] += time.process_time() - started
        return timed

    work._rows = clock("rows", work._rows)
    store_rows.record_json = clock("json", store_rows.record_json)
    work.warm_up_worker(settings)
    spent.update(rows=0.0, json=0.0)  # the warm-up article's rows are not the articles'
    for start in range(0, len(paths), 16):
        work.process_chunk([work.InputItem(p) for p in paths[start:start + 16]], settings)
    return {"rows_s": round(spent["rows"], 2), "record_json_s": round(spent["json"], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", help="another checkout's src folder, measured in the same rounds")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--driver", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.driver is not None:
        driver(args.driver)
        return
    from corpus import SHARED, fakes_articles

    exe = str(Path(sys.executable).with_name("eventwire"))
    versions = {"after": None} if not args.before else {"before": args.before, "after": None}
    out: dict = {"n": args.n, "rounds": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        paths = fakes_articles(SHARED, args.n, folder)
        for r in range(args.rounds):
            got: dict = {"load": round(os.getloadavg()[0], 2)}
            order = list(versions.items()) if r % 2 == 0 else list(reversed(versions.items()))
            for name, src in order:
                env = dict(os.environ, PYTHONPATH=src) if src else None
                # Each version's ingest over its own extract: both sides of a ratio run the same code.
                wall, cpu, _ = timed_command([exe, "extract", str(folder), "--jsonl"], env)
                got[f"extract_{name}"] = {"wall_s": round(wall, 1), "cpu_s": round(cpu, 2)}
                db = str(Path(tmp) / f"{name}{r}.duckdb")
                wall, cpu, text = timed_command([sys.executable, __file__, "--driver", "ingest", str(folder),
                                                 "--db", db, "--workers", "1"], env)
                split = json.loads(text.strip().splitlines()[-1])
                got[name] = {"wall_s": round(wall, 1), "cpu_s": round(cpu, 2), **split,
                             "workers_cpu_s": round(cpu - split["driver_cpu_s"], 2),
                             "ratio_cpu": round(cpu / got[f"extract_{name}"]["cpu_s"], 3)}
            got["load_after"] = round(os.getloadavg()[0], 2)
            out["rounds"].append(got)
            if not args.json:
                print(json.dumps(got), file=sys.stderr)
        out["rows"] = rows_cpu(paths)
    for name in versions:
        runs = [r[name] for r in out["rounds"]]
        ratios = sorted(x["ratio_cpu"] for x in runs)
        cpu = sorted(x["cpu_s"] for x in runs)[len(runs) // 2]
        writes = sorted(x["writes_s"] for x in runs)[len(runs) // 2]
        out[name] = {"ratio_cpu_median": ratios[len(ratios) // 2],
                     "driver_cpu_s_median": sorted(x["driver_cpu_s"] for x in runs)[len(runs) // 2],
                     "writes_s_median": writes,
                     "store_share": round((writes + out["rows"]["rows_s"]) / cpu, 3),
                     "store_share_without_json": round((writes + out["rows"]["rows_s"]
                                                        - out["rows"]["record_json_s"]) / cpu, 3)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
