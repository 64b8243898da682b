"""Latency of the HTTP API on 1M synthetic events in DuckDB: each request alone, or many clients at once.

    python bench/api_latency.py [--events N] [--db PATH] [--rounds R] [--json]
    python bench/api_latency.py --concurrency 20 [--duration S] [--events N] [--db PATH] [--json]
    python bench/api_latency.py --cpu 100 [--seed 7] [--db PATH]

Builds (once; reused when --db exists with the same size) a store with N synthetic events: 10 per
document, one source and one target actor each (with country and sector), a place with coordinates
and a country, dates over 2015-2025 (some month-grain only), PLOVER types, ACLED types, modalities
and template evidence sentences. The rows are made as Arrow tables of the store's row schema
(store/rows.py) and appended as the ingester appends them (store/writes.py append_batch), 20,000
documents per transaction: about a minute for 1M events.

Without --concurrency, each request of REQUESTS is timed alone in-process through FastAPI's
TestClient (routing, validation, the queries and JSON serialisation; no network), after one
warm-up call. With --concurrency N, `eventwire serve` runs in a process of its own and N client
threads (keep-alive HTTP connections) each send requests one after another for --duration seconds,
drawn from MIX (event lists with random filters and their next pages, timelines, facet counts,
facets, map, totals, dyads); the report gives p50/p95/p99 per kind and overall, the server's CPU
time per request and the clients' own (this process's: they share the cores with the server), and
the load average before and during. With --cpu N, N requests drawn from MIX are each computed (no
answers kept) and sent alone in process: the CPU time per request by kind, the figure to compare on
a shared machine. The target in the issue: p95 below 300 ms at 20
clients on 1M events.
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


# Countries the places lie in (a place's country is how `country=` matches an event without an actor of it).
PLACE_COUNTRIES = ["UKR", "RUS", "SYR", "ISR", "PSE", "NGA", "NER", "TUR", "IRN", "USA", "GRC", "ARM", "AZE", "PAK",
                   "IND", "DEU", "FRA", "GBR", "CHN"]


def _synthetic_tables(first: int, stop: int, per_doc: int) -> dict[str, str]:
    """The SQL of each table's synthetic rows for documents first..stop-1, columns named as in the store."""
    docs = f"range({first}, {stop})"
    codes = "[" + ",".join(f"'{c}'" for c in CODES) + "]"
    names = "map {" + ",".join(f"'{k}': '{v}'" for k, v in NAMES.items()) + "}"
    plover = "[" + ",".join(f"{{'t': '{t}', 'c': '{c}', 'q': {q}}}" for t, c, q in PLOVER) + "]"
    templates = "[" + ",".join("'" + t.replace("'", "''") + "'" for t in TEMPLATES) + "]"
    places = "[" + ",".join(f"'{c}'" for c in PLACE_COUNTRIES) + "]"
    doc = "'d' || lpad(i::VARCHAR, 8, '0')"
    generic = "('NGO','CVL','MED','LAB','REB','COP')"
    return {
        "documents": f"""SELECT {doc} AS doc_id, 'synthetic/' || i AS source, 'text' AS input_kind,
            'https://example.org/' || i AS url, 'Example Wire' AS outlet, 'Synthetic article ' || i AS title,
            strftime(DATE '2015-01-01' + (i * 37 % 4000)::INTEGER, '%Y-%m-%d') || 'T09:00:00' AS published,
            'synthetic' AS published_from, 'en' AS language, 'body' AS text, 'h' || i AS content_hash,
            '1.0.0' AS record_version, '{{}}' AS record, now()::TIMESTAMP AS ingested_at FROM {docs} t(i)""",
        # Five actors per document; events pick source and target among them.
        "actors": f"""SELECT {doc} AS doc_id, 'actor' || (k + 1) AS actor_id, coalesce(({names})[c], c) AS name,
            c AS code, CASE WHEN c NOT IN {generic} THEN left(c, 3) END AS country,
            CASE WHEN length(c) > 3 THEN substr(c, 4) WHEN c IN {generic} THEN c END AS sector,
            'state' AS kind, 'synthetic' AS resolved_by, false AS media_only, 'x' AS evidence_text,
            'body' AS section, 0 AS sent_start, 1 AS sent_end
            FROM (SELECT i, k, {codes}[((i * 7 + k * 13) % {len(CODES)}) + 1] AS c
                  FROM {docs} t(i), range(5) u(k))""",
        "places": f"""SELECT {doc} AS doc_id, 'place' || (k + 1) AS place_id, 'Place ' || (i % 5000) AS name,
            'city' AS kind, {places}[((i * 11 + k * 5) % {len(PLACE_COUNTRIES)}) + 1] AS country,
            ((i * 31 + k * 17) % 1400) / 10.0 - 60 AS lat, ((i * 53 + k * 29) % 3500) / 10.0 - 175 AS lon,
            'synthetic' AS resolved_by, 'x' AS evidence_text, 'body' AS section, 0 AS sent_start, 1 AS sent_end
            FROM {docs} t(i), range(3) u(k)""",
        "events": f"""SELECT d AS doc_id, 'event' || (j + 1) AS event_id, p.c AS cameo, 'name ' || p.c AS cameo_name,
            p.q AS quad_class, CASE p.q WHEN 4 THEN -9.5 WHEN 3 THEN -4 ELSE 3 END AS goldstein,
            p.t AS plover_type, CASE WHEN (i + j) % 10 = 0 THEN left(day, 7) ELSE day END AS date_value,
            CASE WHEN (i + j) % 10 = 0 THEN 'month' ELSE 'day' END AS date_grain, 'published' AS date_anchor,
            CASE (i + j) % 4 WHEN 0 THEN ['asserted'] WHEN 1 THEN ['asserted', 'reported']
                 WHEN 2 THEN ['intended', 'reported'] ELSE ['threatened'] END AS modality,
            'place' || ((i + j) % 3 + 1) AS place_id, 'preposition' AS place_how, 'trigger' AS trigger,
            'synthetic' AS rule,
            replace(replace({templates}[((i + j) % {len(TEMPLATES)}) + 1], '{{s}}', s), '{{t}}', t) AS evidence_text,
            'body' AS section, j * 100 AS sent_start, j * 100 + 90 AS sent_end,
            CASE WHEN (i + j) % 10 = 0 THEN left(day, 7) ELSE day END AS date_iso,
            CASE WHEN (i + j) % 10 = 0 THEN 'month' ELSE 'day' END AS date_iso_grain,
            CASE p.q WHEN 4 THEN 'Battles' WHEN 3 THEN 'Protests' END AS acled_type,
            CASE p.q WHEN 4 THEN 'Armed clash' WHEN 3 THEN 'Peaceful protest' END AS acled_sub_type
            FROM (SELECT i, j, {doc} AS d,
                    strftime(DATE '2015-01-01' + ((i * 37 + j * 3) % 4000)::INTEGER, '%Y-%m-%d') AS day,
                    {plover}[((i * 3 + j * 7) % {len(PLOVER)}) + 1] AS p,
                    {codes}[((i * 7 + (j % 5) * 13) % {len(CODES)}) + 1] AS s,
                    {codes}[((i * 7 + ((j + 2) % 5) * 13) % {len(CODES)}) + 1] AS t
                  FROM {docs} a(i), range({per_doc}) b(j))""",
        "event_actors": f"""SELECT {doc} AS doc_id, 'event' || (j + 1) AS event_id, 'actor' || ((j % 5) + 1) AS actor_id,
                'source' AS role FROM {docs} a(i), range({per_doc}) b(j)
            UNION ALL
            SELECT {doc}, 'event' || (j + 1), 'actor' || (((j + 2) % 5) + 1), 'target'
                FROM {docs} a(i), range({per_doc}) b(j)""",
    }


def _conformed(table, schema):
    """`table` with exactly the store's columns (store/rows.py TABLES) in order: the ones it lacks empty."""
    import pyarrow as pa

    return pa.Table.from_arrays(
        [table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(table.num_rows, f.type)
         for f in schema], schema=schema)


def build(path: str, n_events: int, chunk_docs: int = 20_000) -> None:
    """N synthetic events written as the ingester writes: Arrow tables of the store's row schema
    (store/rows.py) appended per table (store/writes.py append_batch), one transaction per chunk,
    the events table rewritten in date order when the writer would (store/date_order.py)."""
    import duckdb

    from eventwire.store.date_order import keep_in_date_order
    from eventwire.store.duckdb import open_store
    from eventwire.store.rows import TABLES
    from eventwire.store.schema import denormalised_sql
    from eventwire.store.writes import append_batch

    per_doc = 10
    n_docs = max(1, n_events // per_doc)
    maker = duckdb.connect()  # in memory: makes the rows
    with open_store(path) as store:
        con = store.con
        for first in range(0, n_docs, chunk_docs):
            count = min(chunk_docs, n_docs - first)
            batch = {}
            for name, sql in _synthetic_tables(first, first + count, per_doc).items():
                batch[name] = maker.sql(sql).to_arrow_table()
                maker.register(name, batch[name])
            # The events' copies of their place's and actors' fields, as store/rows.py makes them.
            batch["events"] = maker.sql(f"""SELECT e.*, d.* EXCLUDE (doc_id, event_id) FROM events e
                JOIN ({denormalised_sql(maker)}) d ON d.doc_id = e.doc_id AND d.event_id = e.event_id""").to_arrow_table()
            batch = {name: _conformed(table, TABLES[name]) for name, table in batch.items()}
            for name in TABLES:
                if name in batch:
                    maker.unregister(name)
            con.execute("BEGIN TRANSACTION")
            append_batch(con, batch)
            con.execute("COMMIT")
            keep_in_date_order(con)  # as the ingester's writer does after each batch
        con.execute("INSERT OR REPLACE INTO meta VALUES ('synthetic_events', ?)", [str(n_events)])
        con.execute("CHECKPOINT")
    maker.close()


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
    ("facets (the filters' menus)", "/api/facets"),
    ("facet counts, unfiltered", "/api/facet-counts"),
    ("facet counts, by country (UKR)", "/api/facet-counts?country=UKR"),
    ("totals, by actor (RUSGOV)", "/api/totals?actor=RUSGOV"),
    ("map, PLOVER filter", "/api/map?plover=ASSAULT"),
    ("dyads, date range", "/api/dyads?since=2020-01&until=2020-12&limit=50"),
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def _summary(times: list[float]) -> dict[str, float]:
    return {"n": len(times), "p50_ms": round(percentile(times, 50), 1), "p95_ms": round(percentile(times, 95), 1),
            "p99_ms": round(percentile(times, 99), 1), "max_ms": round(max(times), 1)}


# The mix of a dashboard's users: what each request is, how often, and which filters it draws.
MIX = [("events", 35), ("events next page", 10), ("timeline", 20), ("facet counts", 15), ("facets", 5),
       ("map", 5), ("totals", 5), ("dyads", 5)]
_BOXES = ["20,40,40,60", "-10,30,50,60", "30,10,60,45", "-130,20,-60,55", "60,0,100,40"]
_QUERY_WORDS = ["shelled", "ceasefire", "protested", "aid", "talks", "killing"]


def random_filters(rng, at_most: int) -> dict[str, str]:
    """Up to `at_most` filters, as a user picks them from the dashboard's menus."""
    choices = {
        "actor": lambda: rng.choice(CODES[:44]),
        "country": lambda: rng.choice(PLACE_COUNTRIES),
        "plover": lambda: rng.choice(PLOVER)[0],
        "cameo": lambda: rng.choice(PLOVER)[1][:2],
        "modality": lambda: rng.choice(["asserted", "intended", "threatened", "reported"]),
        "since": lambda: f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}",
        "bbox": lambda: rng.choice(_BOXES),
        "q": lambda: rng.choice(_QUERY_WORDS),
        "quad_class": lambda: str(rng.randint(1, 4)),
    }
    picked = rng.sample(sorted(choices), rng.randint(0, at_most))
    return {name: choices[name]() for name in picked}


def next_request(rng, last_cursor: str | None) -> tuple[str, str]:
    from urllib.parse import urlencode

    kind = rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX])[0]
    if kind == "events next page" and not last_cursor:
        kind = "events"
    filters = random_filters(rng, 2)
    if kind == "events":
        return kind, "/api/events?" + urlencode({**filters, "limit": rng.choice([20, 50, 50, 100])})
    if kind == "events next page":
        return kind, last_cursor
    if kind == "timeline":
        return kind, "/api/timeline?" + urlencode({**filters, "grain": rng.choice(["month", "month", "week", "day"])})
    if kind == "facet counts":
        return kind, "/api/facet-counts?" + urlencode(filters)
    if kind == "facets":
        return kind, "/api/facets"
    if kind == "map":
        return kind, "/api/map?" + urlencode(filters)
    if kind == "totals":
        return kind, "/api/totals?" + urlencode(filters)
    return kind, "/api/dyads?" + urlencode({**filters, "limit": 50})


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_concurrent(path: str, concurrency: int, duration: float, seed: int, kept_answers: int,
                   query_threads: int) -> dict:
    """`concurrency` clients (threads with keep-alive connections) against `eventwire serve` in a
    process of its own, each sending the mix one request after another for `duration` seconds."""
    import http.client
    import random
    import subprocess
    import threading
    from urllib.parse import urlencode

    port = _free_port()
    # What `eventwire serve` runs, with the answer cache's size and the threads per query as asked
    # (-1: the server's own default; an older checkout, measured for a "before" figure, may have no
    # cache to size nor threads to set).
    serve = ("import inspect, sys, uvicorn; from eventwire.api import create_app; "
             "given = inspect.signature(create_app).parameters; "
             "options = {'kept_answers': int(sys.argv[3]), 'query_threads': int(sys.argv[4]) or None}; "
             "options = {k: v for k, v in options.items() if v != -1}; "
             "app = create_app(sys.argv[1], **{k: v for k, v in options.items() if k in given}); "
             "uvicorn.run(app, host='127.0.0.1', port=int(sys.argv[2]), log_level='warning')")
    server = subprocess.Popen([sys.executable, "-c", serve, path, str(port), str(kept_answers), str(query_threads)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                con = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
                con.request("GET", "/api/health")
                health = con.getresponse()
                health.read()
                if health.status == 200:
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: {server.stderr.read()}") from None
                time.sleep(0.2)
        # One pass over each kind of request first (the reader opens, DuckDB reads the file in).
        for kind, _ in MIX:
            if kind != "events next page":
                con.request("GET", next_request(random.Random(kind), None)[1])
                con.getresponse().read()
        con.close()

        samples: list[tuple[str, float, int]] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + duration
        loads = []

        def client(k: int) -> None:
            rng = random.Random(seed * 1000 + k)
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            mine, cursor = [], None
            while time.monotonic() < stop_at:
                kind, url = next_request(rng, cursor)
                t0 = time.perf_counter()
                con.request("GET", url)
                response = con.getresponse()
                body = response.read()
                elapsed = (time.perf_counter() - t0) * 1000
                mine.append((kind, elapsed, response.status))
                cursor = None
                if kind.startswith("events") and response.status == 200:
                    nxt = json.loads(body).get("next_cursor")
                    if nxt:
                        base = url.split("?", 1)[1] if "?" in url else ""
                        kept = "&".join(p for p in base.split("&") if p and not p.startswith("cursor="))
                        cursor = "/api/events?" + (kept + "&" if kept else "") + urlencode({"cursor": nxt})
            con.close()
            with lock:
                samples.extend(mine)

        def sample_load() -> None:
            while time.monotonic() < stop_at:
                loads.append(os.getloadavg()[0])
                time.sleep(1)

        def server_cpu_seconds() -> float:  # user + system time of the server process (Linux)
            try:
                with open(f"/proc/{server.pid}/stat", encoding="ascii") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except (OSError, ValueError, IndexError):
                return float("nan")

        load_before = os.getloadavg()
        cpu_before = server_cpu_seconds()
        client_cpu_before = time.process_time()  # this process: the client threads (the load sampler sleeps)
        threads = [threading.Thread(target=client, args=(k,)) for k in range(concurrency)]
        threads.append(threading.Thread(target=sample_load))
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - started
        server_cpu = server_cpu_seconds() - cpu_before
        client_cpu = time.process_time() - client_cpu_before
    finally:
        server.terminate()
        server.wait(timeout=30)
    errors = [s for s in samples if s[2] != 200]
    kinds = {}
    for kind, _ in MIX:
        times = [ms for k, ms, _ in samples if k == kind]
        if times:
            kinds[kind] = _summary(times)
    return {"concurrency": concurrency, "seconds": round(wall, 1), "requests": len(samples),
            "requests_per_s": round(len(samples) / wall, 1), "errors": len(errors),
            "error_statuses": sorted({s[2] for s in errors}),
            "all": _summary([ms for _, ms, _ in samples]), "by_kind": kinds,
            "server_cpu_ms_per_request": round(server_cpu * 1000 / max(1, len(samples)), 1),
            "client_cpu_ms_per_request": round(client_cpu * 1000 / max(1, len(samples)), 2),
            "cpu_share_of_clients": round(client_cpu / max(1e-9, client_cpu + server_cpu), 3),
            "load_before": [round(x, 2) for x in load_before],
            "load_during": round(statistics.mean(loads), 2) if loads else None}


def run_endpoints(path: str, rounds: int) -> list[dict]:
    """Each request of REQUESTS alone, one after another, in process (TestClient), with no answers kept:
    a repeated request would otherwise time the cache, not the query."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    import duckdb

    from eventwire.api import create_app
    from eventwire.api.params import encode_cursor

    # The sort key of the event half way down the list, as a cursor would carry it.
    con = duckdb.connect(path, read_only=True)
    middle = con.execute("""SELECT coalesce(date_iso, '') AS k, doc_id, event_id FROM events
        ORDER BY k DESC, doc_id DESC, event_id DESC LIMIT 1 OFFSET (SELECT count(*) // 2 FROM events)""").fetchone()
    con.close()
    results = []
    with TestClient(create_app(path, kept_answers=0), base_url="http://localhost") as client:
        cursor = client.get("/api/events?limit=50").json()["next_cursor"]
        deep = encode_cursor("desc", middle)
        for label, url in REQUESTS:
            url = {"CURSOR": f"/api/events?limit=50&cursor={cursor}",
                   "DEEP": f"/api/events?limit=50&cursor={deep}"}.get(url, url)
            response = client.get(url)  # warm-up
            assert response.status_code == 200, (url, response.text)
            times = []
            for _ in range(rounds):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            body = response.json()
            if isinstance(body, list):
                matched = len(body)
            else:
                matched = body.get("total", body.get("events", sum(s["total"] for s in body.get("series", []))))
            results.append({"request": label, "url": url, "matched": matched, **_summary(times)})
    return results


def run_cpu(path: str, n: int, seed: int, query_threads: int) -> dict:
    """`n` requests drawn from MIX (next pages follow the last events request's cursor), each computed
    (no answers kept) and sent alone in process (TestClient), after one warm-up pass: the CPU time of
    the process (all its threads: DuckDB's too) and the wall time of each, per kind. On a shared
    machine the CPU time is the figure to compare."""
    import random

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from eventwire.api import create_app

    import inspect

    rng = random.Random(seed)
    drawn, cursor = [], None
    # An older checkout, measured for a "before" figure, has no thread setting (DuckDB's default).
    threads = ({"query_threads": query_threads or None}
               if query_threads != -1 and "query_threads" in inspect.signature(create_app).parameters else {})
    with TestClient(create_app(path, kept_answers=0, **threads), base_url="http://localhost") as client:
        for kind, _ in MIX:  # the reader opens, DuckDB reads the file in
            if kind != "events next page":
                client.get(next_request(random.Random(kind), None)[1])
        client.get("/api/facet-counts?q=talks")  # a server's generation makes its table of counts once
        for _ in range(n):
            kind, url = next_request(rng, cursor)
            cpu0, t0 = time.process_time(), time.perf_counter()
            response = client.get(url)
            wall, cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - cpu0) * 1000
            assert response.status_code == 200, (url, response.text)
            drawn.append((kind, cpu, wall))
            cursor = None
            if kind.startswith("events"):
                nxt = response.json().get("next_cursor")
                if nxt:
                    base = url.split("?", 1)[1] if "?" in url else ""
                    kept = "&".join(p for p in base.split("&") if p and not p.startswith("cursor="))
                    cursor = "/api/events?" + (kept + "&" if kept else "") + f"cursor={nxt}"
    kinds = {}
    for kind, _ in MIX:
        cpus = [c for k, c, _ in drawn if k == kind]
        walls = [w for k, _, w in drawn if k == kind]
        if cpus:
            kinds[kind] = {"n": len(cpus), "cpu_p50_ms": round(percentile(cpus, 50), 1),
                           "cpu_mean_ms": round(statistics.mean(cpus), 1), "wall_p50_ms": round(percentile(walls, 50), 1)}
    return {"requests": n, "seed": seed, "cpu_mean_ms": round(statistics.mean(c for _, c, _ in drawn), 1),
            "cpu_p50_ms": round(percentile([c for _, c, _ in drawn], 50), 1),
            "cpu_p95_ms": round(percentile([c for _, c, _ in drawn], 95), 1), "by_kind": kinds,
            "load": [round(x, 2) for x in os.getloadavg()]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", help="Store to build or reuse [default: a temporary file]")
    parser.add_argument("--rounds", type=int, default=20, help="Timed requests per endpoint (without --concurrency)")
    parser.add_argument("--concurrency", type=int, help="Clients at once, each sending the mix (MIX) to a server")
    parser.add_argument("--cpu", type=int, metavar="N",
                        help="N requests drawn from the mix, each computed and sent alone: CPU ms per request by kind")
    parser.add_argument("--duration", type=float, default=60, help="Seconds of load with --concurrency")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kept-answers", type=int, default=-1,
                        help="With --concurrency: answers the server keeps while the store is unchanged (0: none, every "
                             "request computed; -1: the server's default); single requests are always computed")
    parser.add_argument("--query-threads", type=int, default=-1,
                        help="Threads per query of the server (-1: the server's default; 0: DuckDB's, one per core)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    import duckdb

    tmp = None
    path = args.db
    if path is None:
        tmp = tempfile.TemporaryDirectory()
        path = os.path.join(tmp.name, "synthetic.duckdb")
    reuse = False
    if Path(path).exists():
        try:
            con = duckdb.connect(path, read_only=True)
            row = con.execute("SELECT value FROM meta WHERE key = 'synthetic_events'").fetchone()
            con.close()
        except duckdb.Error:
            row = None
        reuse = row is not None and int(row[0]) == args.events
        if not reuse:
            Path(path).unlink()
    started = time.perf_counter()
    if not reuse:
        build(path, args.events)
    build_seconds = time.perf_counter() - started
    report = {"events": args.events, "build_seconds": round(build_seconds, 1), "reused_db": reuse,
              "cpus": os.cpu_count(), "kept_answers": args.kept_answers}
    if args.cpu:
        report.update(run_cpu(path, args.cpu, args.seed, args.query_threads))
    elif args.concurrency:
        report.update(run_concurrent(path, args.concurrency, args.duration, args.seed, args.kept_answers,
                                     args.query_threads))
    else:
        report["rounds"] = args.rounds
        report["results"] = run_endpoints(path, args.rounds)
        report["worst_p95_ms"] = max(r["p95_ms"] for r in report["results"])
        report["load"] = [round(x, 2) for x in os.getloadavg()]
    if args.json or args.cpu:
        json.dump(report, sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif args.concurrency:
        print(f"{args.events:,} events ({'reused' if reuse else f'built in {build_seconds:.0f} s'}), "
              f"{report['concurrency']} clients for {report['seconds']} s, {os.cpu_count()} CPUs, "
              f"load average {report['load_before'][0]} before, {report['load_during']} during")
        print(f"{report['requests']} requests ({report['requests_per_s']}/s), {report['errors']} errors, "
              f"server CPU {report['server_cpu_ms_per_request']} ms per request, the clients' "
              f"{report['client_cpu_ms_per_request']} ms ({report['cpu_share_of_clients']:.0%} of the two)")
        print(f"{'request':20} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        for kind, r in [("all", report["all"]), *report["by_kind"].items()]:
            print(f"{kind:20} {r['n']:>6} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8} {r['max_ms']:>8}")
    else:
        print(f"{args.events:,} events ({'reused' if reuse else f'built in {build_seconds:.0f} s'}), "
              f"{args.rounds} timed requests each, {os.cpu_count()} CPUs, load average {report['load'][0]}")
        print(f"{'request':45} {'matched':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        for r in report["results"]:
            print(f"{r['request']:45} {r['matched']:>9,} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8} "
                  f"{r['max_ms']:>8}")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
