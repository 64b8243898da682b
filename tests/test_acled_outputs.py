"""The ACLED type in the store, the exports, the API filters and the CLI, on articles written here."""
import csv
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about its httpx-based test client
    from fastapi.testclient import TestClient

from eventwire.api import create_app
from eventwire.cli import app
from eventwire.export import EXTRA_COLUMNS, GDELT_COLUMNS, gdelt_rows, plover_events
from eventwire.export.table import copy_events_table
from eventwire.store.duckdb import open_store

ARTICLES = {
    "airstrike.txt": "Jets strike rebel town\n\nMarch 3, 2021\n\nSyrian warplanes bombed rebel positions near "
                     "Idlib on Monday, killing four fighters, a monitor said.",
    "protest.txt": "Teachers march\n\nMarch 4, 2021\n\nThousands of teachers marched through Nairobi on Tuesday "
                   "to demand higher wages.",
    "flood.txt": "Floods in Niger\n\nMarch 5, 2021\n\nHeavy floods displaced thousands of families in the "
                 "south of Niger on Wednesday.",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from typer.testing import CliRunner

    folder = tmp_path_factory.mktemp("acled")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text)
    path = folder / "t.duckdb"
    result = CliRunner().invoke(app, ["ingest", str(folder), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return str(path)


def test_store_filters_by_sub_event_type_or_event_type(db):
    with open_store(db, read_only=True) as store:
        def events(**filters):
            return store.search_events(limit=100, **filters)["items"]

        air = events(acled="air/drone strike")
        assert air and all(r["acled_sub_type"] == "Air/drone strike" for r in air)
        assert {r["acled_type"] for r in events(acled="Protests")} == {"Protests"}
        assert events(acled_type="protests") == events(acled="Protests")
        flood = events(acled="Natural disaster")
        assert len(flood) == 1 and flood[0]["cameo"] == "" and "floods" in flood[0]["evidence"]


def test_exports_carry_the_acled_type(db, tmp_path):
    with open_store(db, read_only=True) as store:
        out = tmp_path / "events.csv"
        assert copy_events_table(store, str(out), "csv") == store.count("events")
        rows = list(csv.DictReader(out.open()))
        assert {"acled_type", "acled_sub_type"} <= set(rows[0])
        assert "Peaceful protest" in {r["acled_sub_type"] for r in rows}
        gdelt = [dict(zip(GDELT_COLUMNS + EXTRA_COLUMNS, cells)) for cells in gdelt_rows(store)]
        assert gdelt and all(g["EventCode"] for g in gdelt)  # the flood has no CAMEO code: left out
        assert "Air/drone strike" in {g["EW_AcledSubEventType"] for g in gdelt}
        plover = list(plover_events(store))
        assert any(p.get("acled", {}).get("sub_event_type") == "Air/drone strike" for p in plover)


def test_api_filters_acled_and_acled_type(db):
    with TestClient(create_app(db), base_url="http://localhost") as client:
        page = client.get("/api/events", params={"acled": "Peaceful protest"}).json()
        assert page["total"] >= 1 and all(i["acled_sub_type"] == "Peaceful protest" for i in page["items"])
        page = client.get("/api/events", params={"acled_type": "Disasters"}).json()
        assert page["total"] == 1 and page["items"][0]["acled_sub_type"] == "Natural disaster"
        assert client.get("/api/events", params={"acled": "No such type"}).json()["total"] == 0
        item = page["items"][0]
        detail = client.get(f"/api/events/{item['doc_id']}/{item['event_id']}").json()
        assert detail["acled"]["event_type"] == "Disasters" and detail["acled"]["rule"].startswith("acled.tsv")


def test_cli_events_acled_option(db):
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["events", "--db", db, "--acled", "Battles", "--limit", "50"])
    assert result.exit_code == 0
    result = CliRunner().invoke(app, ["events", "--db", db, "--acled", "Explosions/Remote violence"])
    assert result.exit_code == 0 and "Air/drone" in result.output


def test_jsonl_record_carries_acled(db, tmp_path):
    with open_store(db, read_only=True) as store:
        events = [e for r in store.records() for e in r["events"]]
    assert any((e.get("acled") or {}).get("sub_event_type") == "Peaceful protest" for e in events)


def test_a_store_from_before_the_acled_columns_still_opens(tmp_path, db):
    import shutil

    import duckdb

    from eventwire.store.access import Database

    path = str(tmp_path / "old.duckdb")
    shutil.copy(db, path)
    con = duckdb.connect(path)
    for column in ("acled_sub_type", "acled_type", "date_iso_grain", "date_iso"):
        con.execute(f"ALTER TABLE events DROP COLUMN {column}")
    con.close()
    # read-only, as the CLI and the server read: a view with the later columns empty
    with Database(path).reading() as store:
        page = store.search_events(limit=5)
        assert page["total"] > 0 and store.search_events(acled="Battles")["total"] == 0
    with open_store(path, read_only=True) as store:
        assert store.search_events(acled="Battles")["total"] == 0
    with open_store(path) as store:  # writable: the columns are added
        assert store.search_events()["total"] > 0 and store.search_events(acled="Battles")["total"] == 0
    con = duckdb.connect(path, read_only=True)
    assert {"acled_type", "acled_sub_type"} <= {r[0] for r in con.execute("DESCRIBE events").fetchall()}
    con.close()
