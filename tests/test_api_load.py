"""What keeps the API fast under load gives the same answers: the events' copies of their actors'
and place's fields (a store made before them gains them, or reads them through a view), and the
answers kept while the store is unchanged (api/cache.py)."""
import shutil
import threading
import time
import warnings

import duckdb
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from eventwire.api import create_app
from eventwire.api.cache import AnswerCache
from eventwire.store.schema import DENORMALISED_COLUMNS

from test_api import build_example_db, example_records


def _requests(client) -> list[tuple[str, dict]]:
    """Requests whose filters read the copies, with values the examples have."""
    counts = client.get("/api/facet-counts", params={"limit": 3}).json()
    point = client.get("/api/map").json()[0]
    box = f"{point['lon'] - 1},{point['lat'] - 1},{point['lon'] + 1},{point['lat'] + 1}"
    asked = [("/api/facet-counts", {}), ("/api/timeline", {"bbox": box}), ("/api/events", {"bbox": box, "limit": 500})]
    for country in counts["country"]:
        asked += [("/api/events", {"country": country["value"], "limit": 500}),
                  ("/api/facet-counts", {"country": country["value"]})]
    for actor in counts["actor"]:
        code = actor["value"]
        asked += [("/api/events", {"actor": code, "limit": 500}), ("/api/events", {"source": code[:3], "limit": 500}),
                  ("/api/events", {"target": code, "limit": 500}), ("/api/totals", {"actor": code}),
                  ("/api/dyads", {"actor": code})]
    name = client.get("/api/events", params={"limit": 1}).json()["items"][0]["source"]
    if name:
        asked.append(("/api/events", {"actor": name[0]["name"][1:5].lower(), "limit": 500}))
    return asked


def _answers(path, asked=None):
    with TestClient(create_app(path), base_url="http://localhost") as client:
        asked = asked or _requests(client)
        out = []
        for url, params in asked:
            response = client.get(url, params=params)
            assert response.status_code == 200, response.text
            out.append(response.json())
        return asked, out


def test_a_store_made_before_the_copies_answers_the_same(tmp_path):
    path = build_example_db(tmp_path / "new.duckdb")
    asked, expected = _answers(path)
    assert len(asked) > 10 and any(a["total"] for a in expected if isinstance(a, dict) and "total" in a
                                   and a.get("items") is not None)
    old = str(tmp_path / "old.duckdb")
    shutil.copy(path, old)
    con = duckdb.connect(old)
    for column, _ in DENORMALISED_COLUMNS:
        con.execute(f"ALTER TABLE events DROP COLUMN {column}")
    con.close()
    # Read-only, it cannot gain them: a view computes them from the tables they copy.
    assert _answers(old, asked)[1] == expected
    # Opened for writing, it gains them, filled in.
    from eventwire.store.duckdb import open_store

    with open_store(old) as store:
        filled = store.con.execute("SELECT count(*) FROM events WHERE place_country IS NOT NULL "
                                   "OR len(actor_countries) > 0").fetchone()[0]
    assert filled > 0
    assert _answers(old, asked)[1] == expected


def test_kept_answers_follow_a_write(tmp_path, monkeypatch):
    from eventwire.store.access import Database
    from eventwire.store.queries import EventQueries

    computed = []
    facets = EventQueries.facets
    monkeypatch.setattr(EventQueries, "facets", lambda self: computed.append(1) or facets(self))
    records = example_records()
    path = str(tmp_path / "grow.duckdb")
    with Database(path).writing() as store:
        store.write(records[0])
    with TestClient(create_app(path), base_url="http://localhost") as client:
        before = client.get("/api/facets").json()
        assert client.get("/api/facets").json() == before
        assert len(computed) == 1  # the second answer was kept, not computed again
        with Database(path).writing() as store:  # the server's reader gives way, then reopens
            for record in records[1:]:
                store.write(record)
        after = client.get("/api/facets").json()
        assert len(computed) == 2
        assert after["documents"] == len(records) > before["documents"]
        assert after["events"] == sum(len(r.events) for r in records)


def test_concurrent_askers_share_one_computation():
    cache = AnswerCache()
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.2)
        return {"n": len(calls)}

    got = []
    threads = [threading.Thread(target=lambda: got.append(cache.get(("db", 1), "k", compute))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and got == [{"n": 1}] * 8
    assert cache.get(("db", 2), "k", compute) == {"n": 2}  # a new generation computes again
    assert cache.get(None, "k", compute) == {"n": 3}  # no generation: never kept
    assert cache.get(None, "k", compute) == {"n": 4}


def test_what_answers_are_computed_from_lasts_the_generation_however_few_answers_are_kept():
    for size in (0, 1):
        cache = AnswerCache(size)
        calls = []
        assert cache.get(("db", 1), "table", lambda: calls.append(1) or len(calls), lasting=True) == 1
        for k in range(3):  # answers come and go (none kept at size 0): the table stays
            cache.get(("db", 1), f"answer {k}", lambda: k)
        assert cache.get(("db", 1), "table", lambda: calls.append(1) or len(calls), lasting=True) == 1
        assert cache.lasting(("db", 1), "table") == 1 and cache.lasting(("db", 1), "answer 0") is None
        assert cache.get(("db", 2), "table", lambda: calls.append(1) or len(calls), lasting=True) == 2
        assert cache.lasting(("db", 1), "table") is None  # an older generation's
        assert cache.get(None, "table", lambda: calls.append(1) or len(calls), lasting=True) == 3


def test_kept_answers_stay_within_their_byte_budget():
    cache = AnswerCache(size=100, max_bytes=250)
    computed = []

    def answer(key, size: int = 100):
        return cache.get(("db", 1), key, lambda: computed.append(key) or b"x" * size)

    for key in range(5):
        answer(key)
    computed.clear()
    for key in (4, 3, 2):  # 250 bytes hold the last two of 100 bytes; the third is computed again
        answer(key)
    assert computed == [2]
    answer("large", 300)  # larger than the budget: sent, not kept, and nothing dropped for it
    answer("large", 300)
    assert computed == [2, "large", "large"]
    answer(2)
    answer(3)
    assert computed == [2, "large", "large"]
    assert AnswerCache(size=3).get(("db", 1), "k", lambda: {"n": 1}) == {"n": 1}  # not bytes: counted, not weighed


def test_a_failed_computation_is_not_kept():
    cache = AnswerCache()

    def fail():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        cache.get(("db", 1), "k", fail)
    assert cache.get(("db", 1), "k", lambda: 7) == 7


def test_a_postgresql_store_made_before_the_copies_gains_them(request, tmp_path):
    from conftest import new_database
    from eventwire.store.duckdb import open_store

    url = build_example_db(new_database("postgresql", tmp_path, request))
    asked, expected = _answers(url)
    with open_store(url) as store:
        for column, _ in DENORMALISED_COLUMNS:
            store.con.execute(f"ALTER TABLE events DROP COLUMN {column}")
    with open_store(url) as store:  # gains them, filled from the tables
        filled = store.con.execute("SELECT count(*) FROM events WHERE place_country IS NOT NULL "
                                   "OR cardinality(actor_countries) > 0").fetchone()[0]
    assert filled > 0
    assert _answers(url, asked)[1] == expected


def test_first_requests_together_on_a_writable_server_open_one_store(tmp_path, monkeypatch):
    """A writable server (`serve --watch`) opens its one read-write store on the first request; when
    several arrive at once, one of them opens it (two would race on the schema's writes) and every
    one is answered."""
    import eventwire.api.app as app_module

    path = str(tmp_path / "w.duckdb")
    build_example_db(path)
    opened = []

    def slow_open(*args, **kwargs):
        opened.append(args)
        time.sleep(0.3)  # long enough for every waiting request to reach the open
        return real_open(*args, **kwargs)

    real_open = app_module.open_store
    monkeypatch.setattr(app_module, "open_store", slow_open)
    app = create_app(path, writable=True)
    start = threading.Barrier(6)
    statuses: list[int] = []

    def ask():
        client = TestClient(app, base_url="http://localhost")
        start.wait()
        statuses.append(client.get("/api/facets").status_code)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [200] * 6
    assert len(opened) == 1


def test_the_copies_written_with_an_event_are_the_ones_computed_from_the_tables(tmp_path):
    from eventwire.store.schema import denormalised_sql

    path = build_example_db(tmp_path / "copies.duckdb")
    con = duckdb.connect(path, read_only=True)
    columns = ", ".join(c for c, _ in DENORMALISED_COLUMNS)
    written = con.execute(f"SELECT doc_id, event_id, {columns} FROM events ORDER BY 1, 2").fetchall()
    computed = con.execute(f"SELECT doc_id, event_id, {columns} FROM ({denormalised_sql(con)}) AS d "
                           "ORDER BY 1, 2").fetchall()
    con.close()
    assert written == computed
    # Each event's countries and actor codes once, sorted, without NULLs: what facet counts unnest.
    at = {c: k + 2 for k, (c, _) in enumerate(DENORMALISED_COLUMNS)}
    assert any(len(row[at["countries"]]) > 1 for row in written)
    for row in written:
        assert row[at["countries"]] == sorted(set(row[at["actor_countries"]]) | ({row[at["place_country"]]} - {None}))
        assert row[at["actor_codes"]] == sorted(set(row[at["source_codes"]] + row[at["target_codes"]]) - {None})


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
def test_the_page_the_map_and_the_filters_read_from_the_copies_what_the_tables_hold(backend, request, tmp_path):
    from conftest import new_database
    from eventwire.store.duckdb import open_store
    from eventwire.store.schema import ACTOR_MARK

    records = example_records()
    url = build_example_db(new_database(backend, tmp_path, request))
    with open_store(url) as store:
        page = store.search_events(limit=500)
        assert page["total"] == len(page["items"]) == sum(len(r.events) for r in records)
        for item in page["items"]:  # each event's actors and place, as the tables join them
            for role in ("source", "target"):
                joined = [{"id": i, "name": n, "code": c} for i, n, c in store.con.execute(
                    """SELECT a.actor_id, a.name, a.code FROM event_actors x JOIN actors a USING (doc_id, actor_id)
                    WHERE x.doc_id = ? AND x.event_id = ? AND x.role = ? ORDER BY a.actor_id""",
                    [item["doc_id"], item["event_id"], role]).fetchall()]
                assert item[role] == joined
            if item["place"]:
                name, country, lat, lon = store.con.execute(
                    "SELECT name, country, lat, lon FROM places WHERE doc_id = ? AND place_id = ?",
                    [item["doc_id"], item["place"]["id"]]).fetchone()
                assert item["place"] == {"id": item["place"]["id"], "name": name, "country": country,
                                         "lat": lat, "lon": lon}
        assert any(item["source"] and item["target"] for item in page["items"])
        # The map: the places' coordinates and names, as the join to places gave them.
        joined = [{"lat": lat, "lon": lon, "name": name, "events": n, "material_conflict": mc}
                  for lat, lon, name, n, mc in store.con.execute(f"""
            SELECT p.lat, p.lon, {store.dialect.mode("p.name")}, count(*), count(*) FILTER (WHERE e.quad_class = 4)
            FROM events e JOIN places p ON p.doc_id = e.doc_id AND p.place_id = e.place_id
            WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL GROUP BY p.lat, p.lon
            ORDER BY 4 DESC, p.lat, p.lon""").fetchall()]
        assert store.event_points() == joined and joined

        # The actor filters, against the records: a code prefix of a side's actor, or part of a name.
        def matching(value: str, roles=("source", "target")) -> int:
            found = 0
            for record in records:
                actors = {a.id: a for a in record.actors}
                for event in record.events:
                    side = [actors[a] for role in roles for a in getattr(event, role) if a in actors]
                    found += any((a.code or "").startswith(value.upper()) and a.code
                                 or value.lower() in (a.name or "").lower() for a in side)
            return found

        codes = sorted({a.code for r in records for a in r.actors if a.code})
        names = sorted({a.name for r in records for a in r.actors if a.name})
        asked = [codes[0], codes[-1][:3], names[0][1:4].lower(), names[-1].upper(), "zzzz", ACTOR_MARK + codes[0]]
        for value in asked:
            assert store.search_events(actor=value, limit=1)["total"] == matching(value), value
            assert store.search_events(source=value, limit=1)["total"] == matching(value, ("source",)), value
            assert store.search_events(target=value, limit=1)["total"] == matching(value, ("target",)), value
        assert sum(matching(v) > 0 for v in asked) >= 3
        languages = [r.document.language for r in records for _ in r.events]
        for language in set(languages) - {None}:
            assert store.search_events(lang=language, limit=1)["total"] == languages.count(language)


def test_the_opening_answers_are_computed_when_a_generation_starts(tmp_path, monkeypatch):
    from eventwire.api import views
    from eventwire.store.queries import EventQueries

    path = build_example_db(tmp_path / "opening.duckdb")
    asked = ["/api/facets", "/api/events?limit=50", "/api/facet-counts", "/api/totals", "/api/timeline",
             "/api/timeline?grain=day", "/api/timeline?grain=week", "/api/timeline?grain=year", "/api/map",
             "/api/dyads"]
    with TestClient(create_app(path, kept_answers=0), base_url="http://localhost") as client:
        computed = [client.get(url).json() for url in asked]
    with TestClient(create_app(path), base_url="http://localhost") as client:
        assert client.get("/api/facets").status_code == 200  # the generation's first request
        for thread in [t for t in threading.enumerate() if t.name == "eventwire-warm"]:
            thread.join(60)

        def not_again(*args, **kwargs):
            raise AssertionError("computed again")

        for name in ("facets", "search_events", "timeline", "event_points", "dyads"):
            monkeypatch.setattr(EventQueries, name, not_again)
        monkeypatch.setattr(views, "facet_counts", not_again)
        monkeypatch.setattr(views, "totals", not_again)
        assert [client.get(url).json() for url in asked] == computed


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
def test_a_dyads_example_is_its_most_frequent_name_and_class_the_smallest_on_a_tie(backend, request, tmp_path):
    from collections import Counter

    from conftest import new_database
    from eventwire.store.duckdb import open_store

    records = example_records()
    names: dict[tuple, Counter] = {}
    classes: dict[tuple, Counter] = {}
    for record in records:  # each event's distinct source codes times its distinct target codes
        actors = {a.id: a for a in record.actors}
        for event in record.events:
            sources = {actors[a].code for a in event.source if a in actors} or {None}
            targets = {actors[a].code for a in event.target if a in actors} or {None}
            for pair in ((s, t, event.plover) for s in sources for t in targets):
                names.setdefault(pair, Counter())[event.cameo_name] += 1
                classes.setdefault(pair, Counter())[event.quad_class] += 1

    def most_frequent(counts: Counter):
        kept = {v: n for v, n in counts.items() if v is not None}
        return min(kept, key=lambda v: (-kept[v], v)) if kept else None

    url = build_example_db(new_database(backend, tmp_path, request))
    with open_store(url) as store:
        dyads = store.dyads(limit=500)
    assert len(dyads) == len(names) > 5
    for dyad in dyads:
        pair = (dyad["source"], dyad["target"], dyad["plover"])
        assert dyad["events"] == sum(names[pair].values())
        assert (dyad["example"], dyad["quad_class"]) == (most_frequent(names[pair]), most_frequent(classes[pair]))
    assert [d["events"] for d in dyads] == sorted((d["events"] for d in dyads), reverse=True)


def test_facet_counts_and_dyads_from_the_generations_table_of_counts_are_those_counted_over_the_events(tmp_path):
    import dataclasses
    from itertools import combinations

    import pyarrow as pa

    from eventwire.api import facet_table as tables, views
    from eventwire.store.duckdb import open_store

    path = build_example_db(tmp_path / "counted.duckdb")
    with open_store(path) as store:
        counted = tables.facet_table(store)
        assert 0 < counted.counted.num_rows <= store.count("events")
        assert counted.groups.num_rows == store.count("events")
        full = views.facet_counts(store)
        point = store.event_points()[0]
        words = store.con.execute("SELECT evidence_text FROM events ORDER BY doc_id, event_id LIMIT 1").fetchall()[0][0].split()
        values = {"country": [c["value"] for c in full["country"][:3]],
                  "cameo": sorted({c["value"] for c in full["cameo_root"]})[:3],
                  "plover": [c["value"] for c in full["plover"][:3]],
                  "modality": [c["value"] for c in full["modality"][:3]],
                  "quad_class": [int(c["value"]) for c in full["quad_class"]],
                  "lang": [c["value"] for c in full["language"]],
                  # filters the table does not hold: the matching events are counted per group
                  "actor": [c["value"] for c in full["actor"][:3]],
                  "since": ["2000", "2023-06"], "q": [words[0].lower(), words[-1].lower()],
                  "bbox": [((point["lon"] - 1, point["lat"] - 1, point["lon"] + 1, point["lat"] + 1),)]}
        asked = [{}] + [{name: v} for name, vs in values.items() for v in vs]
        asked += [{a: values[a][0], b: values[b][-1]} for a, b in combinations(values, 2)]
        for filters in asked:
            for limit in (2, 12):
                assert (views.facet_counts(store, limit=limit, counted=counted, **filters)
                        == views.facet_counts(store, limit=limit, **filters)), (filters, limit)
            for limit in (3, 500):  # dyads, too: the same SQL over the groups that match
                assert (tables.table_dyads(store, counted, limit, **filters)
                        == store.dyads(limit=limit, **filters)), (filters, limit)
            if filters and set(filters) <= tables.FACET_TABLE_FILTERS:  # a page's count, too
                assert tables.counted_events(store, counted, **filters) == store.search_events(**filters)["total"]
            else:
                assert tables.counted_events(store, counted, **filters) is None
        assert sum(bool(views.facet_counts(store, **f)["plover"]) for f in asked) > len(asked) // 2
        # It is what is read: rows counting no event give empty answers under the table's filters; every
        # event taken for the first group's gives other answers under the others.
        zero = counted.counted.set_column(counted.counted.schema.get_field_index("n"), "n",
                                          pa.array([0] * counted.counted.num_rows, pa.int64()))
        plover = values["plover"][0]
        assert all(not v for v in views.facet_counts(store, counted=dataclasses.replace(counted, counted=zero),
                                                    plover=plover).values())
        assert tables.table_dyads(store, dataclasses.replace(counted, counted=zero), 50, plover=plover) == []
        assert store.dyads(limit=50, plover=plover) and len(store.dyads(limit=500)) > 5
        code = full["actor"][0]["value"]
        first = pa.table({"h": pa.array([counted.counted["h"][0].as_py()] * counted.groups.num_rows, pa.uint64())})
        assert (views.facet_counts(store, counted=dataclasses.replace(counted, groups=first), actor=code)
                != views.facet_counts(store, actor=code))
        matching = store.search_events(actor=code)["total"]
        assert matching > 1 and {d["events"] for d in tables.table_dyads(
            store, dataclasses.replace(counted, groups=first), 500, actor=code)} == {matching}
        # Without the groups (two of them sharing a hash), the events are read.
        ungrouped = dataclasses.replace(counted, counted=zero, groups=None)
        assert views.facet_counts(store, counted=ungrouped, actor=code) == views.facet_counts(store, actor=code)


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
def test_a_map_markers_name_is_its_most_frequent_place_name_the_smallest_on_a_tie(backend, request, tmp_path):
    from conftest import new_database
    from eventwire.store.duckdb import open_store

    # Markers at coordinates no example place has: ties of two names written in either order, a
    # name that wins outright over a smaller one, and a NULL name, which names nothing.
    layout = {(-60.5, -150.5): ["Zeta", "Alpha"], (-61.5, -151.5): ["Alpha", "Zeta"],
              (-62.5, -152.5): ["Omega", "Delta", "Omega", "Delta"], (-63.5, -153.5): ["Mu", "Kappa", "Mu"],
              (-64.5, -154.5): [None, None, "Sigma"]}
    expected = {(-60.5, -150.5): "Alpha", (-61.5, -151.5): "Alpha", (-62.5, -152.5): "Delta",
                (-63.5, -153.5): "Mu", (-64.5, -154.5): "Sigma"}
    url = build_example_db(new_database(backend, tmp_path, request))
    with open_store(url) as store:
        keys = store.con.execute("SELECT doc_id, event_id FROM events ORDER BY doc_id, event_id").fetchall()
        placed = [(lat, lon, name) for (lat, lon), names in layout.items() for name in names]
        assert len(keys) >= len(placed)
        for (doc_id, event_id), (lat, lon, name) in zip(keys, placed):
            store.con.execute("UPDATE events SET place_lat = ?, place_lon = ?, place_name = ? "
                              "WHERE doc_id = ? AND event_id = ?", [lat, lon, name, doc_id, event_id])
        points = store.event_points(limit=5000)
    named = {(p["lat"], p["lon"]): (p["name"], p["events"]) for p in points}
    assert {k: named[k] for k in expected} == {k: (name, len(layout[k])) for k, name in expected.items()}
    assert [p["events"] for p in points] == sorted((p["events"] for p in points), reverse=True)


def test_the_opening_answers_are_kept_under_the_keys_the_routes_ask_for(tmp_path, monkeypatch):
    """The warm-up and the routes take their keys from one function: a key spelled differently there
    (as a renamed route would give) still finds the opening answers, each asked by a dashboard's opening."""
    import eventwire.api.app as app_module

    path = build_example_db(tmp_path / "keys.duckdb")
    real_key = app_module.answer_key
    monkeypatch.setattr(app_module, "answer_key", lambda *args: ("renamed", *real_key(*args)))
    asked: list[tuple[str, tuple]] = []
    real_get = AnswerCache.get

    def spy(self, generation, key, compute, **kwargs):
        asked.append((threading.current_thread().name, key))
        return real_get(self, generation, key, compute, **kwargs)

    monkeypatch.setattr(AnswerCache, "get", spy)
    opening = ["/api/facets", "/api/events", "/api/facet-counts", "/api/totals", "/api/timeline",
               "/api/timeline?grain=week", "/api/timeline?grain=day", "/api/timeline?grain=year", "/api/map", "/api/dyads"]
    with TestClient(create_app(path), base_url="http://localhost") as client:
        assert client.get("/api/totals", params={"cameo": "19"}).status_code == 200  # the generation's first request
        for thread in [t for t in threading.enumerate() if t.name == "eventwire-warm"]:
            thread.join(60)
        warmed = {key for name, key in asked if name == "eventwire-warm" and key[0] == "renamed"}
        asked.clear()
        assert all(client.get(url).status_code == 200 for url in opening)
        from_routes = {key for _, key in asked if key[0] == "renamed"}
    assert len(warmed) == len(app_module.OPENING_ANSWERS) == len(opening)
    assert warmed == from_routes


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
def test_a_timeline_is_the_events_counted_per_period_and_class(backend, request, tmp_path):
    """One row per period with its classes as columns gives what a row per (period, class) gave:
    classes 1-4 always there, "unknown" for no class (and for 0, which no class names either, the
    missing class winning), any other class under its number; undated events apart."""
    import re
    from collections import Counter
    from datetime import date, timedelta

    from conftest import new_database
    from eventwire.store.duckdb import open_store

    dates = ["2021-03-05", "2021-03", "2021", None, "2021-03-07", "2020-12-31", "2021-W10", "2021-03-08"]
    classes = [1, 4, None, 0, 5, 2, None, 3, 0]
    url = build_example_db(new_database(backend, tmp_path, request))
    with open_store(url) as store:
        keys = store.con.execute("SELECT doc_id, event_id FROM events ORDER BY doc_id, event_id").fetchall()
        assert len(keys) > len(classes)
        for k, (doc_id, event_id) in enumerate(keys):
            store.con.execute("UPDATE events SET date_iso = ?, quad_class = ? WHERE doc_id = ? AND event_id = ?",
                              [dates[k % len(dates)], classes[k % len(classes)], doc_id, event_id])
        answers = {grain: store.timeline(grain) for grain in ("day", "week", "month", "year")}

    def period(iso: str | None, grain: str) -> str | None:
        text = {4: f"{iso}-01-01", 7: f"{iso}-01"}.get(len(iso), iso[:10]) if iso else ""
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # as the SQL dates a key: a week's text is no date
            return None
        day = date.fromisoformat(text)
        return {"day": day, "week": day - timedelta(days=day.weekday()), "month": day.replace(day=1),
                "year": day.replace(month=1, day=1)}[grain].isoformat()

    rows = [(dates[k % len(dates)], classes[k % len(classes)]) for k in range(len(keys))]
    for grain, answer in answers.items():
        counted = Counter((period(iso, grain), quad) for iso, quad in rows)
        expected: dict[str, dict] = {}
        for (when, quad), n in sorted(counted.items(), key=lambda kv: (kv[0][1] is None, kv[0][1] or 0)):
            if when is not None:
                slot = expected.setdefault(when, {"period": when, "total": 0,
                                                  "quad_class": {"1": 0, "2": 0, "3": 0, "4": 0}})
                slot["quad_class"][str(quad) if quad else "unknown"] = n
                slot["total"] += n
        assert answer["series"] == [expected[p] for p in sorted(expected)], grain
        assert answer["undated"] == sum(n for (when, _), n in counted.items() if when is None)
        assert any("5" in s["quad_class"] and "unknown" in s["quad_class"] for s in answer["series"])


def test_kept_values_look_up_only_those_not_kept():
    from eventwire.api.cache import KeptValues

    kept = KeptValues(size=3)
    asked = []

    def look_up(keys):
        asked.append(list(keys))
        return {k: (k.upper(), f"2024-0{len(k)}", None) for k in keys if k != "gone"}

    assert kept.many(["a", "b"], look_up) == {"a": ("A", "2024-01", None), "b": ("B", "2024-01", None)}
    assert kept.many(["a", "b", "c"], look_up) == {"a": ("A", "2024-01", None), "b": ("B", "2024-01", None),
                                                  "c": ("C", "2024-01", None)}
    assert asked == [["a", "b"], ["c"]]
    assert kept.many(["gone"], look_up) == {} and kept.many(["gone"], look_up) == {}  # not found: asked again
    assert asked[-2:] == [["gone"], ["gone"]]
    kept.many(["a"], look_up)  # a used last: b is now the least recently used, dropped for d
    kept.many(["d"], look_up)
    asked.clear()
    assert set(kept.many(["a", "b", "c", "d"], look_up)) == {"a", "b", "c", "d"}
    assert asked == [["b"]]
    assert kept.one("e", lambda: 5) == 5 and kept.one("e", lambda: 6) == 5


def test_a_pages_documents_are_read_once_per_generation(tmp_path, monkeypatch):
    import dataclasses

    from eventwire.store.access import Database
    from eventwire.store.queries import EventQueries

    path = build_example_db(tmp_path / "docs.duckdb")
    looked_up = []
    document_refs = EventQueries.document_refs
    monkeypatch.setattr(EventQueries, "document_refs",
                        lambda self, doc_ids: looked_up.append(list(doc_ids)) or document_refs(self, doc_ids))
    con = duckdb.connect(path, read_only=True)
    stored = {d: (t, p, u) for d, t, p, u in con.execute("SELECT doc_id, title, published, url FROM documents").fetchall()}
    con.close()

    def shown(page):
        return {i["document"]["id"]: (i["document"]["title"], i["document"]["published"], i["document"]["url"])
                for i in page["items"]}

    with TestClient(create_app(path, kept_answers=0), base_url="http://localhost") as client:
        newest = client.get("/api/events", params={"limit": 500}).json()
        assert len(shown(newest)) > 3 and shown(newest) == {d: stored[d] for d in shown(newest)}
        assert sorted(looked_up[0]) == sorted(shown(newest))
        looked_up.clear()
        oldest = client.get("/api/events", params={"limit": 500, "order": "asc"}).json()  # computed again
        assert shown(oldest) == shown(newest) and looked_up == []  # its documents were read for the first page
        record = next(r for r in example_records() if r.document.id in shown(newest))
        with Database(path).writing() as store:  # the server's reader gives way: a new generation
            store.write(dataclasses.replace(record, document=dataclasses.replace(record.document, title="Retitled")))
        retitled = client.get("/api/events", params={"limit": 500}).json()
        assert shown(retitled)[record.document.id][0] == "Retitled"
        assert looked_up and sorted(looked_up[0]) == sorted(shown(retitled))


def test_a_filters_count_is_counted_once_per_generation_for_its_pages(tmp_path, monkeypatch):
    from eventwire.store.access import Database
    from eventwire.store.queries import EventQueries

    path = build_example_db(tmp_path / "counts.duckdb")
    counted = []
    count_events = EventQueries.count_events
    monkeypatch.setattr(EventQueries, "count_events",
                        lambda self, **filters: counted.append(filters) or count_events(self, **filters))
    with TestClient(create_app(path, kept_answers=0), base_url="http://localhost") as client:
        q = client.get("/api/events", params={"limit": 1}).json()["items"][0]["evidence"].split()[0].lower()
        counted.clear()
        first = client.get("/api/events", params={"q": q, "limit": 1}).json()
        assert first["total"] > 1 and first["next_cursor"] and len(counted) == 1
        second = client.get("/api/events", params={"q": q, "limit": 1, "cursor": first["next_cursor"]}).json()
        wider = client.get("/api/events", params={"q": q, "limit": 5}).json()
        assert second["total"] == wider["total"] == first["total"] and len(counted) == 1
        assert second["items"][0] == wider["items"][1]
        with Database(path).writing() as store:  # a new generation: counted again, with the new events
            store.con.execute("DELETE FROM events WHERE doc_id = ?", [first["items"][0]["doc_id"]])
        after = client.get("/api/events", params={"q": q, "limit": 1}).json()
        assert len(counted) == 2 and after["total"] < first["total"]
        con = duckdb.connect(path, read_only=True)
        assert after["total"] == con.execute("SELECT count(*) FROM events WHERE strpos(lower(evidence_text), ?) > 0",
                                             [q]).fetchone()[0]
        con.close()


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
def test_answers_rendered_as_computed_are_their_models_rendering(backend, request, tmp_path):
    """The routes of RENDERED_AS_COMPUTED send what they computed without validating it: the bytes must
    be those of the route's model validating and rendering it (every field, in the model's order, of
    the model's types), with odd classes, undated events and unnamed places among the examples."""
    from pydantic import TypeAdapter

    from conftest import new_database
    from eventwire.api.app import RENDERED_AS_COMPUTED
    from eventwire.api.models import MapPoint, Timeline
    from eventwire.store.duckdb import open_store

    models = {"timeline": TypeAdapter(Timeline), "map": TypeAdapter(list[MapPoint])}
    assert set(models) == RENDERED_AS_COMPUTED
    url = build_example_db(new_database(backend, tmp_path, request))
    dates, classes = ["2021-03-05", "2021-03", "2021", None, "2020-12-31", "2021-W10"], [1, 4, None, 0, 5, 2, 3]
    with open_store(url) as store:
        keys = store.con.execute("SELECT doc_id, event_id FROM events ORDER BY doc_id, event_id").fetchall()
        for k, (doc_id, event_id) in enumerate(keys[:40]):
            store.con.execute("UPDATE events SET date_iso = ?, quad_class = ?, place_name = ? "
                              "WHERE doc_id = ? AND event_id = ?",
                              [dates[k % len(dates)], classes[k % len(classes)], None if k % 3 else "Anywhere",
                               doc_id, event_id])
    asked = [("timeline", {"grain": grain, **filters}) for grain in ("day", "week", "month", "year")
             for filters in ({}, {"quad_class": 4}, {"since": "2021"})]
    asked += [("map", {"limit": limit, **filters}) for limit in (1, 2000) for filters in ({}, {"quad_class": 4})]
    with TestClient(create_app(url), base_url="http://localhost") as client:
        for route, params in asked:
            response = client.get(f"/api/{route}", params=params)
            assert response.status_code == 200, response.text
            model = models[route]
            assert response.content == model.dump_json(model.validate_json(response.content)), (route, params)
            assert response.json()  # something to compare: periods or markers


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
def test_the_facets_are_listed_in_value_order(backend, request, tmp_path):
    """Their order is the answer's bytes: it must not follow the grouping's order, which changes with
    DuckDB's threads (one per query on the server, one per core elsewhere)."""
    from conftest import new_database

    url = build_example_db(new_database(backend, tmp_path, request))
    with TestClient(create_app(url), base_url="http://localhost") as client:
        facets = client.get("/api/facets").json()
    for facet in ("plover", "modality", "cameo_root"):
        assert len(facets[facet]) > 2 and list(facets[facet]) == sorted(facets[facet]), facet
