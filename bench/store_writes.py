"""Store write cost per article: one transaction per article against batches of articles.

    python bench/store_writes.py --from STORE.duckdb [--n 300] [--batch 100] [--json]

Reads N records (their JSON) from an existing store (e.g. one `bench/corpus.py` or `eventwire
ingest` wrote) and writes them into fresh DuckDB files, timed in this process (wall and CPU):

- **single**: `Store.write(record)` per article, each its own transaction (with eventwire before
  issue 19: `executemany` per table and 12 DELETEs per article);
- **batched**: the records made into store rows as a worker does (`article_batch`: Arrow tables,
  record JSON made once; timed apart, it runs in the workers) and written by `Store.write_batch`,
  `--batch` articles per transaction (the driver's part);
- **re-ingest**: the same batches written again (every article unchanged).

Run it against an older checkout (PYTHONPATH=OLD/src) to time the old write path: the modes that
need store/rows.py are skipped there.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def timed(fn) -> tuple[float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from", dest="source", required=True, type=Path, help="a store to take records from")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    import duckdb

    from eventwire.link.load import record_from_json
    from eventwire.store.duckdb import open_store

    con = duckdb.connect(str(args.source), read_only=True)
    texts = [r[0] for r in con.execute("SELECT record FROM documents ORDER BY doc_id LIMIT ?", [args.n]).fetchall()]
    con.close()
    records = [record_from_json(json.loads(t)) for t in texts]
    n = len(records)
    out: dict = {"n": n, "batch": args.batch, "load": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory() as tmp:
        with open_store(str(Path(tmp) / "single.duckdb")) as store:
            wall, cpu = timed(lambda: [store.write(r) for r in records])
        out["single_ms_per_article"] = {"wall": round(1000 * wall / n, 1), "cpu": round(1000 * cpu / n, 1)}
        try:
            from eventwire.store.rows import article_batch
        except ImportError:
            article_batch = None
        if article_batch is not None:
            chunks = [records[i:i + args.batch] for i in range(0, n, args.batch)]
            batches = []
            wall, cpu = timed(lambda: batches.extend(article_batch(c) for c in chunks))
            out["rows_ms_per_article"] = {"wall": round(1000 * wall / n, 1), "cpu": round(1000 * cpu / n, 1)}
            with open_store(str(Path(tmp) / "batched.duckdb")) as store:
                wall, cpu = timed(lambda: [store.write_batch(b) for b in batches])
                out["batched_ms_per_article"] = {"wall": round(1000 * wall / n, 1), "cpu": round(1000 * cpu / n, 1)}
                wall, cpu = timed(lambda: [store.write_batch(b) for b in batches])
                out["reingest_ms_per_article"] = {"wall": round(1000 * wall / n, 1), "cpu": round(1000 * cpu / n, 1)}
    print(json.dumps(out, indent=None if args.json else 1))


if __name__ == "__main__":
    sys.exit(main())
