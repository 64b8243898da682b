"""Latency of the HTTP API's events list and timeline on 1M synthetic events in DuckDB.

    python bench/api_latency.py [--events N] [--db PATH] [--rounds R] [--json]

Builds (once; reused when --db exists with the same size) a store with N synthetic events: 10 per
document, one source and one target actor each, a place with coordinates, dates over 2015-2025
(some month-grain only), PLOVER types, modalities and template evidence sentences. Then times each
request in-process through FastAPI's TestClient (routing, validation, the DuckDB queries and JSON
serialisation; no network), after one warm-up call, and reports p50/p95/max in milliseconds.
The target in the issue: p95 below 300 ms for the events list and the timeline.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

CODES = ["USA", "USAGOV", "USAMIL", "RUS", "RUSGOV", "RUSMIL", "UKR", "UKRGOV", "UKRMIL", "CHN", "CHNGOV", "SYR",
         "SYRGOV", "SYRREB", "TUR", "TURGOV", "ISR", "ISRMIL", "PSE", "PSEREB", "IRN", "IRNGOV", "IGOUNO", "NGO",
         "GRC", "GRCCOP", "GRCLAB", "NGA", "NGAMIL", "NER", "NERGOV", "ARM", "ARMGOV", "AZE", "AZEGOV", "DEU",
         "DEUGOV", "FRA", "FRAGOV", "GBR", "GBRGOV", "IND", "INDGOV", "PAK", "PAKMIL", "CVL", "MED", "LAB", "REB", "COP"]
NAMES = {"USA": "United States", "RUSGOV": "Kremlin", "UKRMIL": "Ukrainian army", "SYRREB": "Syrian rebels",
         "IGOUNO": "United Nations", "GRCCOP": "Greek police"}
PLOVER = [("AGREE", "036", 1), ("CONSULT", "040", 1), ("SUPPORT", "051", 1), ("COOPERATE", "062", 2),
          ("AID", "070", 2), ("REQUEST", "020", 1), ("ACCUSE", "111", 3), ("REJECT", "120", 3),
          ("THREATEN", "138", 3), ("PROTEST", "141", 3), ("SANCTION", "163", 3), ("MOBILIZE", "150", 4),
          ("COERCE", "173", 4), ("ASSAULT", "190", 4), ("ASSAULT", "193", 4), ("ASSAULT", "194", 4)]
TEMPLATES = ["{s} accused {t} of violating the ceasefire near the border on Monday, officials said.",
             "{s} shelled positions held by {t} overnight, killing at least 12 people.",
             "{s} and {t} agreed to resume talks next month in the capital.",
             "Thousands of workers protested against {t} in the port city, {s} said.",
             "{s} called on {t} to allow humanitarian aid into the besieged district."]


def build(path: str, n_events: int) -> None:
    from eventwire.store.duckdb import open_store

    per_doc = 10
    n_docs = max(1, n_events // per_doc)
    with open_store(path) as store:
        con = store.con
        codes = "[" + ",".join(f"'{c}'" for c in CODES) + "]"
        names = "map {" + ",".join(f"'{k}': '{v}'" for k, v in NAMES.items()) + "}"
        plover = "[" + ",".join(f"{{'t': '{t}', 'c': '{c}', 'q': {q}}}" for t, c, q in PLOVER) + "]"
        templates = "[" + ",".join("'" + t.replace("'", "''") + "'" for t in TEMPLATES) + "]"
        con.execute("BEGIN TRANSACTION")
        con.execute(f"""INSERT INTO documents SELECT 'd' || lpad(i::VARCHAR, 8, '0'), 'synthetic/' || i, 'text',
            'https://example.org/' || i, 'Example Wire', 'Synthetic article ' || i,
            strftime(DATE '2015-01-01' + (i * 37 % 4000)::INTEGER, '%Y-%m-%d') || 'T09:00:00', 'synthetic', 'en',
            'body', 'h' || i, '1.0.0', '{{}}', now()::TIMESTAMP FROM range({n_docs}) t(i)""")
        # Five actors per document; events pick source and target among them.
        con.execute(f"""INSERT INTO actors SELECT 'd' || lpad(i::VARCHAR, 8, '0'), 'actor' || (k + 1), 
            coalesce(({names})[c], c), c, CASE WHEN length(c) >= 3 AND c NOT IN ('NGO','CVL','MED','LAB','REB','COP')
            THEN left(c, 3) END, NULL, 'state', NULL, NULL, 'synthetic', false, 'x', 'body', NULL, 0, 1
            FROM (SELECT i, k, {codes}[((i * 7 + k * 13) % {len(CODES)}) + 1] AS c
                  FROM range({n_docs}) t(i), range(5) u(k))""")
        con.execute(f"""INSERT INTO places SELECT 'd' || lpad(i::VARCHAR, 8, '0'), 'place' || (k + 1), 'Place ' || (i % 5000),
            'city', 'XXX', NULL, ((i * 31 + k * 17) % 1400) / 10.0 - 60, ((i * 53 + k * 29) % 3500) / 10.0 - 175,
            NULL, 'synthetic', 'x', 'body', NULL, 0, 1 FROM range({n_docs}) t(i), range(3) u(k)""")
        con.execute(f"""INSERT INTO events SELECT d, 'event' || (j + 1), p.c, 'name ' || p.c, p.q,
            CASE p.q WHEN 4 THEN -9.5 WHEN 3 THEN -4 ELSE 3 END, p.t, NULL, NULL,
            CASE WHEN (i + j) % 10 = 0 THEN left(day, 7) ELSE day END, NULL, NULL,
            CASE WHEN (i + j) % 10 = 0 THEN 'month' ELSE 'day' END, 'published',
            CASE (i + j) % 4 WHEN 0 THEN ['asserted'] WHEN 1 THEN ['asserted', 'reported']
                 WHEN 2 THEN ['intended', 'reported'] ELSE ['threatened'] END,
            'place' || ((i + j) % 3 + 1), 'preposition', 'trigger', 'synthetic',
            replace(replace({templates}[((i + j) % {len(TEMPLATES)}) + 1], '{{s}}', s), '{{t}}', t),
            'body', NULL, j * 100, j * 100 + 90
            FROM (SELECT i, j, 'd' || lpad(i::VARCHAR, 8, '0') AS d,
                    strftime(DATE '2015-01-01' + ((i * 37 + j * 3) % 4000)::INTEGER, '%Y-%m-%d') AS day,
                    {plover}[((i * 3 + j * 7) % {len(PLOVER)}) + 1] AS p,
                    {codes}[((i * 7 + (j % 5) * 13) % {len(CODES)}) + 1] AS s,
                    {codes}[((i * 7 + ((j + 2) % 5) * 13) % {len(CODES)}) + 1] AS t
                  FROM range({n_docs}) a(i), range({per_doc}) b(j))""")
        con.execute(f"""INSERT INTO event_actors
            SELECT doc_id, event_id, 'actor' || ((j % 5) + 1), 'source' FROM
                (SELECT doc_id, event_id, CAST(substr(event_id, 6) AS INTEGER) - 1 AS j FROM events)
            UNION ALL
            SELECT doc_id, event_id, 'actor' || (((j + 2) % 5) + 1), 'target' FROM
                (SELECT doc_id, event_id, CAST(substr(event_id, 6) AS INTEGER) - 1 AS j FROM events)""")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('synthetic_events', ?)", [str(n_events)])
        con.execute("COMMIT")
        con.execute("CHECKPOINT")


REQUESTS = [
    ("events list, first page (limit 50)", "/api/events?limit=50"),
    ("events list, limit 500", "/api/events?limit=500"),
    ("events list, page 2 by cursor", "CURSOR"),
    ("events list, by cursor half way down", "DEEP"),
    ("events list, offset 5000 (the maximum)", "/api/events?limit=50&offset=5000"),
    ("events by actor (RUSGOV)", "/api/events?actor=RUSGOV"),
    ("events by actor name (kremlin)", "/api/events?actor=kremlin"),
    ("events by country (UKR)", "/api/events?country=UKR"),
    ("events by PLOVER + modality", "/api/events?plover=ASSAULT&modality=threatened"),
    ("events by CAMEO root + date range", "/api/events?cameo=19&since=2020-01&until=2020-12"),
    ("events in a bbox", "/api/events?bbox=20,40,40,60"),
    ("events with text search (q=shelled)", "/api/events?q=shelled"),
    ("events, all filters", "/api/events?actor=SYR&plover=ASSAULT&since=2016&until=2024&bbox=-60,-40,60,60&q=killing"),
    ("timeline by month", "/api/timeline?grain=month"),
    ("timeline by week", "/api/timeline?grain=week"),
    ("timeline by day", "/api/timeline?grain=day"),
    ("timeline by month, actor filter", "/api/timeline?grain=month&actor=RUSGOV"),
    ("timeline by day, PLOVER + bbox", "/api/timeline?grain=day&plover=ASSAULT&bbox=-60,-40,60,60"),
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", help="Store to build or reuse [default: a temporary file]")
    parser.add_argument("--rounds", type=int, default=20, help="Timed requests per endpoint")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    import duckdb

    from eventwire.api import create_app
    from eventwire.api.app import _encode_cursor

    tmp = None
    path = args.db
    if path is None:
        tmp = tempfile.TemporaryDirectory()
        path = os.path.join(tmp.name, "synthetic.duckdb")
    reuse = False
    if Path(path).exists():
        con = duckdb.connect(path, read_only=True)
        row = con.execute("SELECT value FROM meta WHERE key = 'synthetic_events'").fetchone()
        con.close()
        reuse = row is not None and int(row[0]) == args.events
        if not reuse:
            Path(path).unlink()
    started = time.perf_counter()
    if not reuse:
        build(path, args.events)
    build_seconds = time.perf_counter() - started

    # The sort key of the event half way down the list, as a cursor would carry it.
    con = duckdb.connect(path, read_only=True)
    middle = con.execute("""SELECT coalesce(date_value, date_start, '') AS k, doc_id, event_id FROM events
        ORDER BY k DESC, doc_id DESC, event_id DESC LIMIT 1 OFFSET (SELECT count(*) // 2 FROM events)""").fetchone()
    con.close()
    results = []
    with TestClient(create_app(path)) as client:
        total = client.get("/api/events?limit=1").json()["total"]
        cursor = client.get("/api/events?limit=50").json()["next_cursor"]
        deep = _encode_cursor("desc", middle)
        for label, url in REQUESTS:
            url = {"CURSOR": f"/api/events?limit=50&cursor={cursor}",
                   "DEEP": f"/api/events?limit=50&cursor={deep}"}.get(url, url)
            response = client.get(url)  # warm-up
            assert response.status_code == 200, (url, response.text)
            times = []
            for _ in range(args.rounds):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            body = response.json()
            matched = body.get("total", sum(s["total"] for s in body.get("series", [])))
            results.append({"request": label, "url": url, "matched": matched,
                            "p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 95), 1),
                            "max_ms": round(max(times), 1)})
    report = {"events": total, "build_seconds": round(build_seconds, 1), "reused_db": reuse,
              "rounds": args.rounds, "cpus": os.cpu_count(), "results": results,
              "worst_p95_ms": max(r["p95_ms"] for r in results)}
    if args.json:
        json.dump(report, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(f"{total:,} events ({'reused' if reuse else f'built in {build_seconds:.0f} s'}), "
              f"{args.rounds} timed requests each, {os.cpu_count()} CPUs")
        print(f"{'request':45} {'matched':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for r in results:
            print(f"{r['request']:45} {r['matched']:>9,} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['max_ms']:>8}")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
