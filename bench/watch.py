"""Watch throughput: articles/s fetched, coded and stored by the watcher from a local site.

    python bench/watch.py [--n 1000] [--pages shared|generated] [--batch 8] [--json]

A LocalSite (tests/localsite.py) on 127.0.0.1 lists N article URLs in a sitemap; the pages are the
saved news pages of ../shared/eval/extraction (cycled, each under its own URL so each is its own
document) or, with --pages generated (or without ../shared), the site's generated reports. One
Watcher polls the sitemap once and works through the queue (`run_once`: the path of
`eventwire watch --once`, robots.txt honoured, no host pacing) into a fresh DuckDB store.

Reported: the wall time and articles/s end to end (model loading excluded: one warm-up article
is coded first), the time inside HTTP fetching and inside coding+storing, events stored, alerts
raised by one broad watchlist, and the link step at the end.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--pages", choices=("shared", "generated"), default="shared")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from localsite import LocalSite

    from eventwire.config import load_settings
    from eventwire.pipeline import extract_documents
    from eventwire.record import Document
    from eventwire.watch.sources import parse_watch_config
    from eventwire.watch.watcher import Watcher

    shared_pages = sorted((SHARED / "eval" / "extraction").glob("**/*.html.gz")) if args.pages == "shared" else []
    kind = "shared" if shared_pages else "article"
    settings = load_settings()
    started = time.monotonic()
    list(extract_documents([Document(id="warm", source="warm", input_kind="text", title="Warm-up",
                                     text="Troops shelled the town on Monday, killing three people.")], settings))
    loading = time.monotonic() - started

    with LocalSite(shared_pages=shared_pages) as site, tempfile.TemporaryDirectory() as tmp:
        site.sitemap_urls = [site.url(f"/{kind}/{i}.html") for i in range(args.n)]
        config = parse_watch_config({
            "watch": {"host_interval": 0, "batch": args.batch, "alerts_file": os.path.join(tmp, "alerts.jsonl"),
                      "link_every": "1d"},
            "sitemap": [{"url": site.url("/sitemap.xml"), "every": 60}],
            "watchlist": [{"name": "fighting", "cameo": ["18", "19", "20"]}]})
        watcher = Watcher(os.path.join(tmp, "bench.duckdb"), config, settings)
        fetch_time = [0.0]
        code_time = [0.0]
        real_get, real_code = watcher.fetcher.get, watcher._code_and_store

        def timed_get(*a, **k):
            t = time.monotonic()
            try:
                return real_get(*a, **k)
            finally:
                fetch_time[0] += time.monotonic() - t

        def timed_code(*a, **k):
            t = time.monotonic()
            try:
                return real_code(*a, **k)
            finally:
                code_time[0] += time.monotonic() - t

        watcher.fetcher.get, watcher._code_and_store = timed_get, timed_code
        t0 = time.monotonic()
        for source in config.sources:
            watcher.poll(source)
        while watcher.process():
            pass
        watcher.deliver()
        processed = time.monotonic() - t0
        t1 = time.monotonic()
        watcher.link(force=True)
        linking = time.monotonic() - t1
        stats = watcher.stats
        events = watcher.store.count("events")
        watcher.close()

    stored = stats.stored + stats.replaced + stats.unchanged
    result = {
        "n": args.n, "pages": kind, "batch": args.batch, "stored": stored, "failed": stats.failed,
        "events": events, "alerts": stats.alerts, "seconds": round(processed, 2),
        "articles_per_s": round(stored / processed, 2) if processed else None,
        "fetch_seconds": round(fetch_time[0], 2), "code_store_seconds": round(code_time[0], 2),
        "fetch_pages_per_s": round(stats.fetched / fetch_time[0], 1) if fetch_time[0] else None,
        "link_seconds": round(linking, 2), "model_loading_seconds": round(loading, 2),
        "load_average": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"{result['n']} {kind} pages: {stored} stored, {stats.failed} failed, {events} events, "
          f"{stats.alerts} alerts in {processed:.1f} s -> {result['articles_per_s']} articles/s "
          f"(fetching {fetch_time[0]:.1f} s, {result['fetch_pages_per_s']} pages/s; coding and storing "
          f"{code_time[0]:.1f} s); link {linking:.1f} s; model loading {loading:.1f} s; load {result['load_average']}")


if __name__ == "__main__":
    main()
