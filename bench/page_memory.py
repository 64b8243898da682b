"""A worker's peak memory over long HTML pages: every page of the extraction set, as a worker runs them.

    python bench/page_memory.py [--chunk 16] [--json]
    PYTHONPATH=/older/checkout/src python bench/page_memory.py   # another version of eventwire

News texts keep a worker at about 420-480 MB (worker_memory.py); whole web pages are harder: their
page furniture (tables, lists, menus) gives "sentences" of thousands of characters, parsed and
written like any other. This runs in one process what a pool worker runs (run/work.py):
`warm_up_worker`, then `process_chunk` over every page of ../shared/eval/extraction (181 gzipped
HTML pages, each written as a one-line JSONL input), in chunks of --chunk inputs as the driver gives
them (its MAX_CHUNK is 16). After each chunk: current RSS, the peak so far (ru_maxrss, what the driver
reports per worker), and what the chunk's store rows carry: characters of evidence text per table, of
record JSON, and the longest evidence. Linux only (reads /proc).
"""
from __future__ import annotations

import argparse
import gc
import gzip
import json
import logging
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
_EVIDENCE_TABLES = ("actors", "places", "times", "quantities", "quotes", "events")


def memory() -> dict:
    with open("/proc/self/status") as fh:
        rss = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
    return {"rss": round(rss / 1024, 1), "peak": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def pages(shared: Path) -> list[Path]:
    return sorted(shared.glob("eval/extraction/**/*.html.gz"))


def row_sizes(rows) -> dict:
    """Characters of evidence text per table, of record JSON, and the longest evidence, in a chunk's rows."""
    out = {}
    longest = 0
    for name in _EVIDENCE_TABLES:
        texts = [t for t in rows.tables[name].column("evidence_text").to_pylist() if t]
        out[f"evidence_{name}_chars"] = sum(map(len, texts))
        longest = max([longest, *map(len, texts)])
    out["record_json_chars"] = sum(len(r or "") for r in rows.tables["documents"].column("record").to_pylist())
    out["longest_evidence"] = longest
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chunk", type=int, default=16)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    import eventwire.run.work as work
    from eventwire.config import load_settings

    settings = load_settings(None)
    t = time.perf_counter()
    if hasattr(work, "warm_up_worker"):
        work.warm_up_worker(settings)
    else:
        work.warm_up(settings)
    gc.collect()
    warm = {"step": "warm-up", "s": round(time.perf_counter() - t, 1), **memory()}
    steps = [warm]
    if not args.json:
        print(json.dumps(warm), file=sys.stderr)
    files = pages(args.shared)
    totals: dict[str, int] = {}
    articles = 0
    cpu = time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        items = []
        for i, path in enumerate(files):
            html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
            target = Path(tmp) / f"p{i:04d}.jsonl"
            # ASCII JSON: a raw U+2028 in a page would split the line for str.splitlines().
            target.write_text(json.dumps({"html": html, "url": f"https://bench.example/page/{i}"}) + "\n",
                              encoding="utf-8")
            items.append(work.InputItem(str(target)))
        for start in range(0, len(items), args.chunk):
            t = time.perf_counter()
            result = work.process_chunk(items[start:start + args.chunk], settings)
            sizes = row_sizes(result.rows)
            articles += len(result.rows)
            del result
            gc.collect()
            row = {"step": f"pages {start + 1}-{min(start + args.chunk, len(items))}",
                   "s": round(time.perf_counter() - t, 1), **memory(), **sizes}
            steps.append(row)
            for key, value in sizes.items():
                totals[key] = max(totals.get(key, 0), value) if key == "longest_evidence" else totals.get(key, 0) + value
            if not args.json:
                print(json.dumps(row), file=sys.stderr)
    summary = {"pages": len(files), "articles": articles, "chunk": args.chunk,
               "rss_after_warm_up_mb": warm["rss"], "peak_after_warm_up_mb": warm["peak"],
               "peak_mb": steps[-1]["peak"], "rss_end_mb": steps[-1]["rss"],
               "peak_reached_in": next(r["step"] for r in steps if r["peak"] == steps[-1]["peak"]),
               "cpu_s": round(time.process_time() - cpu, 1), "load": round(os.getloadavg()[0], 2), **totals}
    print(json.dumps({**summary, "steps": steps} if args.json else summary, indent=None if not args.json else 1))


if __name__ == "__main__":
    main()
