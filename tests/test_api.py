"""The HTTP API in-process, on a database built from the bundled examples (on DuckDB and on
PostgreSQL): every endpoint, the filters, paging, the evidence spans, and clear 4xx answers to bad
requests."""
import functools
import shutil
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about its httpx-based test client
    from fastapi.testclient import TestClient

from eventwire.api import create_app

from conftest import BACKENDS, REPO, new_database

TOKEN = "s3cret-token"


@functools.lru_cache(maxsize=None)
def example_records() -> tuple:
    from eventwire.ingest import expand_paths
    from eventwire.pipeline import extract_paths

    return tuple(extract_paths(expand_paths([str(REPO / "examples")])))


def build_example_db(path) -> str:
    """The bundled examples stored at `path` (a DuckDB file or a postgresql:// URL)."""
    from eventwire.store.duckdb import open_store

    with open_store(str(path)) as store:
        for record in example_records():
            store.write(record)
    return str(path)


@pytest.fixture(scope="module", params=BACKENDS)
def db_path(request, tmp_path_factory):
    return build_example_db(new_database(request.param, tmp_path_factory.mktemp("api"), request))


@pytest.fixture(scope="module")
def client(db_path):
    with TestClient(create_app(db_path), base_url="http://localhost") as c:
        yield c


@pytest.fixture(scope="module")
def http_client(tmp_path_factory):
    """For the endpoints that never read the store (extraction, static files, the schema): one backend."""
    path = build_example_db(tmp_path_factory.mktemp("api-http") / "examples.duckdb")
    with TestClient(create_app(path), base_url="http://localhost") as c:
        yield c


def events(client, **params):
    response = client.get("/api/events", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def detail_of(response) -> str:
    body = response.json()
    return body["detail"] if isinstance(body["detail"], str) else " ".join(str(d) for d in body["detail"])


# ---------------------------------------------------------------- reading

def test_health_and_facets(client):
    assert client.get("/api/health").json() == {"status": "ok", "ingest": False}
    facets = client.get("/api/facets").json()
    assert facets["documents"] == 4 and facets["events"] >= 5
    assert sum(facets["plover"].values()) <= facets["events"]
    assert facets["first_date"] <= facets["last_date"]


def test_events_list_is_newest_first_with_evidence(client):
    page = events(client)
    assert page["total"] == len(page["items"]) >= 5
    dates = [e["date"] for e in page["items"] if e["date"]]
    assert dates == sorted(dates, reverse=True)
    assert events(client, order="asc")["items"][0]["date"] == min(dates)
    for item in page["items"]:
        assert item["evidence"] and item["document"]["id"] == item["doc_id"]
        # a CAMEO event, or an incident outside CAMEO (a flood, a found arms cache) with its ACLED type
        assert item["cameo"].isdigit() or (item["cameo"] == "" and item["acled_sub_type"])


def test_cursor_paging_visits_every_event_once(client):
    total = events(client)["total"]
    seen, cursor = [], None
    while True:
        page = events(client, limit=2, **({"cursor": cursor} if cursor else {}))
        seen += [(e["doc_id"], e["event_id"]) for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == total
    by_offset = [(e["doc_id"], e["event_id"]) for e in events(client, limit=3, offset=3)["items"]]
    assert by_offset == seen[3:6]


def test_filters(client):
    everything = events(client)["items"]

    def ids(page):
        return {(e["doc_id"], e["event_id"]) for e in page["items"]}

    acted = next(e for e in everything if e["source"])
    actor = acted["source"][0]
    key = (acted["doc_id"], acted["event_id"])
    by_code = events(client, actor=actor["code"])
    assert key in ids(by_code)
    assert all(any(a["code"].startswith(actor["code"]) for a in e["source"] + e["target"]) for e in by_code["items"])
    by_name = events(client, actor=actor["name"].upper())  # part of a name, any case
    assert key in ids(by_name)
    assert all(any(actor["name"].lower() in a["name"].lower() or a["code"].startswith(actor["name"].upper())
                   for a in e["source"] + e["target"]) for e in by_name["items"])
    as_source = events(client, source=actor["code"])
    assert key in ids(as_source)
    assert all(any(a["code"].startswith(actor["code"]) for a in e["source"]) for e in as_source["items"])
    assert all(any(a["code"].startswith(actor["code"]) for a in e["target"])
               for e in events(client, target=actor["code"])["items"])

    greek = events(client, country="grc")
    assert greek["total"] >= 1
    assert all((e["place"] or {}).get("country") == "GRC"
               or any(a["code"].startswith("GRC") for a in e["source"] + e["target"]) for e in greek["items"])

    for e in events(client, cameo="19")["items"]:
        assert e["cameo"].startswith("19")
    plover = everything[0]["plover"]
    assert {e["plover"] for e in events(client, plover=plover)["items"]} == {plover}
    assert all("intended" in e["modality"] for e in events(client, modality="intended")["items"])
    assert all(e["quad_class"] == 4 for e in events(client, quad_class=4)["items"])

    dated = sorted(e["date"] for e in everything if e["date"])
    window = events(client, since=dated[1][:7], until=dated[-2][:7])["items"]
    assert window and all(dated[1][:7] <= e["date"][:7] <= dated[-2][:7] for e in window)

    box = events(client, bbox="0,30,30,60")["items"]
    assert box and all(0 <= e["place"]["lon"] <= 30 and 30 <= e["place"]["lat"] <= 60 for e in box)
    assert ids(events(client, bbox="0,60,30,30")) == ids(events(client, bbox="0,30,30,60"))  # corners any order
    placed = [e for e in everything if e["place"] and e["place"]["lon"] is not None]
    across = events(client, bbox="20,-90,0,90")  # west edge east of the east edge: across the antimeridian
    assert across["total"] == sum(1 for e in placed if e["place"]["lon"] >= 20 or e["place"]["lon"] <= 0)
    backwards = client.get("/api/events", params={"since": "2030", "until": "2020-06"})
    assert backwards.status_code == 400 and "until: 2020-06 is before since 2030" in backwards.json()["detail"]

    word = everything[0]["evidence"].split()[1]
    found = events(client, q=word.upper())["items"]
    assert found and all(word.lower() in e["evidence"].lower() for e in found)
    assert events(client, q="%")["total"] == sum("%" in e["evidence"] for e in everything)  # no wildcard leak

    doc = everything[0]["doc_id"]
    assert {e["doc_id"] for e in events(client, doc_id=doc)["items"]} == {doc}


@pytest.mark.parametrize("params, status, words", [
    ({"limit": 0}, 422, "limit"),
    ({"limit": 501}, 422, "500"),
    ({"offset": -1}, 422, "offset"),
    ({"offset": 5_001}, 422, "offset"),
    ({"cameo": "ab"}, 422, "cameo"),
    ({"cameo": "19999"}, 422, "cameo"),
    ({"plover": "FIGHT"}, 422, "plover"),
    ({"modality": "certain"}, 422, "modality"),
    ({"quad_class": 5}, 422, "quad_class"),
    ({"country": "GM"}, 422, "ambiguous"),
    ({"country": "ZZ"}, 422, "country"),
    ({"country": "Narnia"}, 422, "country"),
    ({"since": "2030", "until": "2020-06"}, 400, "before since"),
    ({"since": "2023-02-30"}, 422, "since"),
    ({"sort": "colour"}, 422, "sort"),
    ({"since": "2023-13-01"}, 422, "since"),
    ({"since": "yesterday"}, 422, "since"),
    ({"until": "2023-02-1"}, 422, "until"),
    ({"bbox": "1,2,3"}, 422, "bbox"),
    ({"bbox": "190,0,200,10"}, 422, "bbox"),
    ({"bbox": "0,0,10,95"}, 422, "bbox"),
    ({"bbox": "a,b,c,d"}, 422, "bbox"),
    ({"order": "sideways"}, 422, "order"),
    ({"q": "x" * 201}, 422, "q"),
    ({"cursor": "not-a-cursor"}, 400, "cursor"),
])
def test_bad_event_parameters_are_clear_4xx(client, params, status, words):
    response = client.get("/api/events", params=params)
    assert response.status_code == status, response.text
    assert words in detail_of(response)


def test_cursor_must_match_order_and_excludes_offset(client):
    cursor = events(client, limit=1)["next_cursor"]
    assert client.get("/api/events", params={"cursor": cursor, "order": "asc"}).status_code == 400
    response = client.get("/api/events", params={"cursor": cursor, "offset": 2})
    assert response.status_code == 400 and "offset" in detail_of(response)


def test_event_detail_spans_index_the_sentence(client):
    for item in events(client)["items"]:
        response = client.get(f"/api/events/{item['doc_id']}/{item['event_id']}")
        assert response.status_code == 200
        ev = response.json()
        sentence = ev["evidence"]["text"]
        assert sentence == item["evidence"]
        assert ev["document"]["id"] == item["doc_id"] and ev["document"]["title"]
        for span in ev["spans"]:
            assert sentence[span["start"]:span["end"]] == span["text"]
        kinds = {s["kind"] for s in ev["spans"]}
        if ev["source"]:
            assert "source" in kinds or any(a["kind"] == "state" for a in ev["source"])
        if ev["quantities"]:
            assert "quantity" in kinds


def test_event_detail_highlights_the_source_and_trigger(client):
    acted = next(e for e in events(client)["items"] if e["source"])
    ev = client.get(f"/api/events/{acted['doc_id']}/{acted['event_id']}").json()
    source = [s for s in ev["spans"] if s["kind"] == "source"]
    assert source and source[0]["ref"] in {a["id"] for a in ev["source"]}
    assert any(s["kind"] == "trigger" for s in ev["spans"])


def hand_built_record():
    """One article whose event has all five kinds of span, built by hand (no model involved)."""
    from eventwire.record import (Actor, ArticleRecord, Document, Event, Evidence, Mention, Place, Quantity,
                                  TimeRef)

    first = "Talks were held."
    second = "Rebels shelled Kidal on Monday, killing 12 soldiers."
    body = f"{first}\n\n{second}"
    s0 = body.index(second)
    at = lambda word: s0 + second.index(word)  # noqa: E731
    sentence = Evidence(second, s0, s0 + len(second), "body")
    doc = Document(id="hand0001", source="hand.txt", input_kind="text", title="Rebels shell Kidal", text=body,
                   published="2024-05-07T10:00:00", content_hash="h")
    rebels = Actor("actor1", "Rebels", "REB", None, "REB", "group",
                   (Mention("Rebels", at("Rebels"), at("Rebels") + 6, "body", sentence=1),), sentence, "test")
    soldiers = Actor("actor2", "soldiers", "MIL", None, "MIL", "group",
                     (Mention("soldiers", at("soldiers"), at("soldiers") + 8, "body", sentence=1),), sentence, "test")
    kidal = Place("place1", "Kidal", "city", "MLI", 18.44, 1.41,
                  (Mention("Kidal", at("Kidal"), at("Kidal") + 5, "body", sentence=1),), sentence, "test")
    monday = TimeRef("time1", "Monday", "2024-05-06", at("Monday"), at("Monday") + 6, "day", "published", sentence)
    killed = Quantity("quantity1", "12", 12, 12, 12, False, "soldiers", "killed", sentence)
    event = Event("event1", "194", ("actor1",), ("actor2",),
                  {"value": "2024-05-06", "start": None, "end": None, "grain": "day", "anchor": "published"},
                  ("asserted",), sentence, "shell/VERB->194", cameo_name="Fight with artillery and tanks",
                  plover="ASSAULT", quad_class=4, goldstein=-10.0, place="place1", place_how="preposition",
                  quantities=("quantity1",), trigger="shelled")
    return ArticleRecord(document=doc, actors=(rebels, soldiers), places=(kidal,), times=(monday,),
                         quantities=(killed,), events=(event,))


def test_event_detail_spans_of_every_kind(empty_db):
    from eventwire.store.duckdb import open_store

    path = empty_db
    with open_store(str(path)) as store:
        store.write(hand_built_record())
    with TestClient(create_app(str(path)), base_url="http://localhost") as c:
        ev = c.get("/api/events/hand0001/event1").json()
        got = {(s["kind"], s["text"]) for s in ev["spans"]}
        assert got == {("source", "Rebels"), ("target", "soldiers"), ("place", "Kidal"), ("time", "Monday"),
                       ("quantity", "12"), ("trigger", "shelled")}
        for span in ev["spans"]:
            assert ev["evidence"]["text"][span["start"]:span["end"]] == span["text"]
        assert ev["quantities"][0]["category"] == "killed" and ev["place"]["how"] == "preposition"
        item = c.get("/api/events", params={"actor": "reb"}).json()["items"][0]
        assert item["source"][0]["code"] == "REB" and item["target"][0]["code"] == "MIL"
        assert item["place"]["name"] == "Kidal" and item["date"] == "2024-05-06"
        assert c.get("/api/events", params={"country": "MLI"}).json()["total"] == 1  # by the place's country
        assert c.get("/api/events", params={"bbox": "0,17,3,19"}).json()["total"] == 1


def test_unknown_event_and_document_are_404(client):
    assert client.get("/api/events/nope/event1").status_code == 404
    assert "no event" in detail_of(client.get("/api/events/nope/event1"))
    assert client.get("/api/documents/nope").status_code == 404
    assert client.get("/api/events/" + "x" * 65 + "/event1").status_code == 422


def test_documents(client):
    listing = client.get("/api/documents").json()
    assert listing["total"] == 4 and len(listing["items"]) == 4
    assert sum(d["events"] for d in listing["items"]) == events(client)["total"]
    one = client.get("/api/documents", params={"limit": 1, "offset": 1}).json()
    assert one["items"][0]["id"] == listing["items"][1]["id"]
    doc = listing["items"][0]
    assert client.get("/api/documents", params={"q": doc["title"].split()[0]}).json()["total"] >= 1
    full = client.get(f"/api/documents/{doc['id']}").json()
    assert full["title"] == doc["title"] and full["text"]
    for ev in full["events"]:
        if ev["section"] == "body":
            assert full["text"][ev["start"]:ev["end"]] == ev["evidence"]
    assert client.get("/api/documents", params={"limit": 1000}).status_code == 422


def test_a_fault_of_ours_is_a_json_500_whose_cause_is_logged(tmp_path, monkeypatch, caplog):
    from eventwire.store.duckdb import Store

    path = build_example_db(tmp_path / "fault.duckdb")

    def failing(self, **_):
        raise RuntimeError("the documents query failed")

    monkeypatch.setattr(Store, "list_documents", failing)
    with TestClient(create_app(path), base_url="http://localhost", raise_server_exceptions=False) as c:
        response = c.get("/api/documents")
        assert response.status_code == 500
        assert response.json() == {"detail": "internal error: the server's log has its cause"}
        assert c.get("/api/health").status_code == 200  # one failing request leaves the others answered
    (logged,) = [r for r in caplog.records if r.levelname == "ERROR" and "/api/documents" in r.getMessage()]
    assert "the documents query failed" in logged.getMessage() and logged.exc_info[0] is RuntimeError


def test_actors_with_event_counts(client):
    listing = client.get("/api/actors").json()
    assert listing["total"] >= 10
    counts = [a["events"] for a in listing["items"]]
    assert counts == sorted(counts, reverse=True)
    code = next(e for e in events(client)["items"] if e["source"])["source"][0]["code"]
    found = client.get("/api/actors", params={"q": code}).json()["items"]
    assert found[0]["code"] == code and found[0]["as_source"] >= 1
    assert sum(a["as_source"] for a in found if a["code"] == code) == sum(
        1 for e in events(client)["items"] for a in e["source"] if a["code"] == code)
    assert client.get("/api/actors", params={"limit": 0}).status_code == 422


def test_dyads_say_who_did_what_to_whom(client):
    rows = client.get("/api/dyads").json()
    assert sum(r["events"] for r in rows) >= events(client)["total"] - 1
    code = next(e for e in events(client)["items"] if e["source"])["source"][0]["code"]
    mine = client.get("/api/dyads", params={"actor": code}).json()
    # Rows come from the actor's events, so a co-actor of the same event has its rows too.
    assert any(code in (r["source"], r["target"]) for r in mine)
    assert sum(r["events"] for r in mine if r["source"] == code) >= events(client, source=code)["total"]


@pytest.mark.parametrize("grain", ["day", "week", "month", "year"])
def test_timeline_counts_add_up(client, grain):
    data = client.get("/api/timeline", params={"grain": grain}).json()
    assert data["grain"] == grain
    total = sum(s["total"] for s in data["series"])
    assert total + data["undated"] == events(client)["total"]
    for bucket in data["series"]:
        assert sum(bucket["quad_class"].values()) == bucket["total"]
    periods = [s["period"] for s in data["series"]]
    assert periods == sorted(periods)
    if grain == "month":
        assert all(p.endswith("-01") for p in periods)


def test_timeline_takes_the_filters_and_rejects_bad_grain(client):
    conflict = client.get("/api/timeline", params={"quad_class": 4}).json()
    assert all(set(b["quad_class"]) >= {"4"} and b["total"] == b["quad_class"]["4"] for b in conflict["series"])
    response = client.get("/api/timeline", params={"grain": "fortnight"})
    assert response.status_code == 422 and "grain" in detail_of(response)


def test_map_points(client):
    points = client.get("/api/map").json()
    assert points and all(-90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180 for p in points)
    assert sum(p["events"] for p in points) == sum(1 for e in events(client)["items"] if e["place"] and e["place"]["lat"] is not None)
    assert client.get("/api/map", params={"bbox": "0,0"}).status_code == 422


# ---------------------------------------------------------------- extraction and ingestion

ARTICLE = ("Rebels attack army base in the north\n\n"
           "Rebels attacked an army base near Gao on Monday, killing 12 soldiers, the Malian army said.\n")


def test_extract_returns_a_record(http_client):
    response = http_client.post("/api/extract", json={"content": ARTICLE, "published": "2024-05-07"})
    assert response.status_code == 200, response.text
    record = response.json()
    assert record["document"]["title"].startswith("Rebels attack")
    assert record["document"]["published"] == "2024-05-07"
    assert record["events"] and record["events"][0]["evidence"]["text"]


def test_extract_reads_html(http_client):
    html = ("<html><head><title>Talks resume</title></head><body><article><h1>Talks resume</h1>"
            "<p>Armenia and Azerbaijan agreed on Tuesday to resume talks on their border.</p></article></body></html>")
    response = http_client.post("/api/extract", json={"content": html, "kind": "html"})
    assert response.status_code == 200, response.text
    assert response.json()["document"]["input_kind"] == "html"


@pytest.mark.parametrize("body, words", [
    ({}, "content"),
    ({"content": ""}, "content"),
    ({"content": "x", "kind": "pdf"}, "kind"),
    ({"content": "x", "published": "last week"}, "published"),
    ({"content": "x", "colour": "red"}, "colour"),
])
def test_extract_rejects_bad_bodies(http_client, body, words):
    response = http_client.post("/api/extract", json=body)
    assert response.status_code == 422, response.text
    assert words in detail_of(response)


def test_extract_refuses_unreadable_content(http_client):
    response = http_client.post("/api/extract", json={"content": "\x00\x01\x02" * 10})
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert "content" in detail_of(response)


def test_request_body_limit_is_413(db_path):
    with TestClient(create_app(db_path, max_body=1000), base_url="http://localhost") as small:
        response = small.post("/api/extract", json={"content": "word " * 1000})
        assert response.status_code == 413 and "too large" in detail_of(response)

        def chunks():  # no Content-Length: counted as it streams
            for _ in range(10):
                yield b'{"content": "' + b"x" * 500

        response = small.post("/api/extract", content=chunks(), headers={"content-type": "application/json"})
        assert response.status_code == 413


def test_ingest_is_disabled_without_a_token(http_client):
    response = http_client.post("/api/ingest", json={"content": ARTICLE})
    assert response.status_code == 403 and "EVENTWIRE_API_TOKEN" in detail_of(response)


def test_ingest_needs_the_token_and_stores(db_path, tmp_path, request):
    if db_path.startswith("postgresql://"):
        copy = build_example_db(new_database("postgresql", tmp_path, request))
    else:
        copy = tmp_path / "writable.duckdb"
        shutil.copy(db_path, copy)
    with TestClient(create_app(str(copy), api_token=TOKEN), base_url="http://localhost") as writer:
        assert writer.get("/api/health").json()["ingest"] is True
        assert writer.post("/api/ingest", json={"content": ARTICLE}).status_code == 401
        wrong = writer.post("/api/ingest", json={"content": ARTICLE}, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
        # The token is checked before the body: an anonymous caller learns nothing about the input.
        assert writer.post("/api/ingest", json={}).status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        stored = writer.post("/api/ingest", json={"content": ARTICLE}, headers=auth)
        assert stored.status_code == 200, stored.text
        result = stored.json()
        assert result["status"] == "stored" and result["events"] >= 1
        assert writer.post("/api/ingest", json={"content": ARTICLE}, headers=auth).json()["status"] == "unchanged"
        page = writer.get("/api/events", params={"doc_id": result["doc_id"]}).json()
        assert page["total"] == result["events"]
        assert writer.get("/api/documents").json()["total"] == 5


def test_missing_database_is_refused(empty_db):
    with pytest.raises(FileNotFoundError):  # no DuckDB file; a PostgreSQL database without the tables
        create_app(empty_db)


# ---------------------------------------------------------------- the dashboard's files

def test_dashboard_and_static_files_are_served_with_a_strict_policy(http_client):
    page = http_client.get("/")
    assert page.status_code == 200 and "eventwire" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "http://" not in page.text and "https://" not in page.text  # nothing from elsewhere
    for name in ("app.js", "style.css"):
        asset = http_client.get(f"/static/{name}")
        assert asset.status_code == 200
        assert "https://" not in asset.text and "http://" not in asset.text.replace("http://www.w3.org/2000/svg", "")
    basemap = http_client.get("/static/world-countries-110m.json")
    assert basemap.status_code == 200 and len(basemap.content) < 1_000_000
    assert len(basemap.json()["objects"]["countries"]["geometries"]) > 150
    assert http_client.get("/static/nope.js").status_code == 404


def test_openapi_lists_every_endpoint(http_client):
    paths = http_client.get("/openapi.json").json()["paths"]
    for path in ("/api/events", "/api/events/{doc_id}/{event_id}", "/api/documents", "/api/documents/{doc_id}",
                 "/api/actors", "/api/dyads", "/api/timeline", "/api/map", "/api/facets", "/api/extract",
                 "/api/ingest"):
        assert path in paths


# ---------------------------------------------------------------- issue 16: the dashboard's views

def ids(page):
    return [(e["doc_id"], e["event_id"]) for e in page["items"]]


def test_country_filter_takes_iso2_iso3_and_fips_alike(client):
    by_iso3 = events(client, country="GRC")
    assert by_iso3["total"] >= 1
    assert ids(events(client, country="GR")) == ids(by_iso3)  # ISO-2 and FIPS agree on GR
    assert ids(events(client, country="fips:GR")) == ids(by_iso3)


def test_facet_counts_count_the_filtered_events(client):
    everything = events(client, limit=500)["items"]
    facets = client.get("/api/facet-counts").json()
    roots = {f["value"]: f["events"] for f in facets["cameo_root"]}
    assert sum(roots.values()) == len(everything)
    assert roots == {r: sum(e["cameo"][:2] == r for e in everything) for r in roots}
    quads = {f["value"]: f["events"] for f in facets["quad_class"]}
    assert quads == {str(q): sum(e["quad_class"] == q for e in everything) for q in (1, 2, 3, 4)
                     if any(e["quad_class"] == q for e in everything)}
    assert {f["value"] for f in facets["language"]} == {"en"}
    country = facets["country"][0]
    assert events(client, country=country["value"])["total"] == country["events"]
    code = facets["actor"][0]["value"]
    narrowed = client.get("/api/facet-counts", params={"country": country["value"]}).json()
    assert sum(f["events"] for f in narrowed["cameo_root"]) == country["events"]
    assert code


def test_totals_sum_each_stated_figure_once(client):
    whole = client.get("/api/totals").json()
    assert whole["events"] == events(client)["total"] and whole["documents"] == 4
    assert whole["displaced"] > 0 and set(whole) >= {"killed", "injured", "displaced", "arrested"}
    none = client.get("/api/totals", params={"q": "no sentence says this"}).json()
    assert none == {"events": 0, "documents": 0, "killed": 0, "injured": 0, "displaced": 0, "arrested": 0}


@pytest.mark.parametrize("column, key", [("goldstein", lambda e: e["goldstein"]), ("cameo", lambda e: e["cameo"]),
                                         ("quad_class", lambda e: e["quad_class"])])
def test_events_sort_by_a_column(client, column, key):
    for order in ("asc", "desc"):
        page = events(client, sort=column, order=order, limit=500)
        values = [key(e) for e in page["items"] if key(e) is not None]
        assert values == sorted(values, reverse=order == "desc") and len(values) >= 5
    first = events(client, sort=column, limit=2)["items"]
    second = events(client, sort=column, limit=2, offset=2)["items"]
    assert not {(e["doc_id"], e["event_id"]) for e in first} & {(e["doc_id"], e["event_id"]) for e in second}


def test_export_downloads_the_filtered_events(client):
    import csv
    import io

    from eventwire.export import GDELT_COLUMNS

    page = events(client, country="GRC")
    total = page["total"]
    coded = sum(1 for item in page["items"] if item["cameo"])  # incidents outside CAMEO are no GDELT rows
    response = client.get("/api/export", params={"format": "gdelt", "country": "GRC"})
    assert response.status_code == 200 and "events.tsv" in response.headers["content-disposition"]
    lines = response.text.splitlines()
    assert total <= len(page["items"]) and len(lines) == coded and all(len(line.split("\t")) == len(GDELT_COLUMNS) for line in lines)
    table = client.get("/api/export", params={"format": "csv", "country": "GRC"})
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert len(rows) == total and all(r["date"] for r in rows)
    parquet = client.get("/api/export", params={"format": "parquet"})
    assert parquet.status_code == 200 and parquet.content[:4] == b"PAR1"
    assert client.get("/api/export", params={"format": "xls"}).status_code == 422


def test_actor_page(client):
    code = client.get("/api/facet-counts").json()["actor"][0]["value"]
    page = client.get(f"/api/actors/{code}").json()
    assert page["code"] == code and page["name"]
    assert page["as_source"] + page["as_target"] >= 1
    assert sum(p["source"] + p["target"] for p in page["series"]) + page["undated"] == page["as_source"] + page["as_target"]
    assert all(c["code"] != code for c in page["counterparts"])
    assert client.get("/api/actors/NOSUCHCODE").status_code == 404
