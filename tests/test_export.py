"""GDELT 2.0-style TSV and PLOVER JSON exports from a store holding hand-built records."""
from __future__ import annotations

import io
import json

import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.export import EXTRA_COLUMNS, GDELT_COLUMNS, gdelt_rows, plover_events, write_gdelt, write_plover
from eventwire.export.gdelt import global_event_id
from eventwire.ingest.text import parse_text
from eventwire.record import Actor, ArticleRecord, Event, Evidence, Mention, Place, Quantity
from eventwire.store.duckdb import open_store

BODY = ("Syrian troops shelled Idlib on Monday, killing 12 civilians, officials said.\n\n"
        "Turkey condemned the attack on Tuesday.")


def make_record() -> ArticleRecord:
    doc = parse_text(f"Troops shell Idlib\n\n{BODY}", "t.txt", url="https://news.example/idlib",
                     published="2020-02-24T09:25:00", outlet="Example News")
    lead = Evidence(BODY.split("\n\n")[0], 0, len(BODY.split("\n\n")[0]), "body")
    second_start = BODY.index("Turkey")
    later = Evidence("Turkey condemned the attack on Tuesday.", second_start, len(BODY), "body")
    troops = Actor("actor1", "Syrian troops", "SYRMIL", "SYR", "MIL", "group",
                   (Mention("Syrian troops", 0, 13, "body", None, 0),), lead, "test")
    un = Actor("actor2", "United Nations", "IGO", None, None, "organisation",
               (Mention("United Nations", 0, 5, "body", None, 0),), lead, "test", wikidata="Q1065")
    turkey = Actor("actor3", "Turkey", "TUR", "TUR", None, "state",
                   (Mention("Turkey", second_start, second_start + 6, "body", None, 1),), later, "test")
    idlib = Place("place1", "Idlib", "city", "SYR", 35.93, 36.63, (Mention("Idlib", 22, 27, "body", None, 0),),
                  lead, "test", admin1="Idlib Governorate", geonames_id=169389)
    killed = Quantity("quantity1", "12 civilians", 12.0, None, None, False, "civilians", "killed", lead)
    shelling = Event("event1", "195", ("actor1",), ("actor2",),
                     {"value": "2020-02-24", "grain": "day", "anchor": "weekday"}, ("asserted",), lead,
                     "shell/VERB->195", cameo_name="Employ aerial weapons", plover="ASSAULT", plover_mode="aerial",
                     plover_context="military", quad_class=4, goldstein=-10.0, place="place1", place_how="preposition",
                     quantities=("quantity1",), trigger="shelled")
    condemn = Event("event2", "111", ("actor3",), (), {"value": "2020-02", "grain": "month", "anchor": "published"},
                    ("asserted",), later, "condemn/VERB->111", cameo_name="Criticize or denounce", plover=None,
                    quad_class=3, goldstein=-2.0, trigger="condemned")
    return ArticleRecord(doc, actors=(troops, un, turkey), places=(idlib,), quantities=(killed,),
                         events=(shelling, condemn))


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "x.duckdb")
    with open_store(path) as store:
        store.write(make_record())
    return path


def _by_name(cells):
    return dict(zip(GDELT_COLUMNS + EXTRA_COLUMNS, cells))


def test_gdelt_has_the_61_columns_in_order_then_ours():
    assert len(GDELT_COLUMNS) == 61
    assert GDELT_COLUMNS[:5] == ("GlobalEventID", "Day", "MonthYear", "Year", "FractionDate")
    assert GDELT_COLUMNS[5] == "Actor1Code" and GDELT_COLUMNS[15] == "Actor2Code"
    assert GDELT_COLUMNS[25:35] == ("IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
                                    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone")
    assert GDELT_COLUMNS[35] == "Actor1Geo_Type" and GDELT_COLUMNS[51] == "ActionGeo_Type"
    assert GDELT_COLUMNS[-2:] == ("DATEADDED", "SOURCEURL")
    assert not set(GDELT_COLUMNS) & set(EXTRA_COLUMNS)


def test_gdelt_rows(db):
    with open_store(db, read_only=True) as store:
        rows = sorted((_by_name(r) for r in gdelt_rows(store)), key=lambda r: r["EW_EventID"])
    assert len(rows) == 2
    shell, condemn = rows
    assert shell["GlobalEventID"] == str(global_event_id(shell["EW_DocID"], "event1"))
    assert (shell["Day"], shell["MonthYear"], shell["Year"]) == ("20200224", "202002", "2020")
    assert shell["FractionDate"] == f"{2020 + 54 / 366:.4f}"
    assert (shell["Actor1Code"], shell["Actor1CountryCode"], shell["Actor1Type1Code"]) == ("SYRMIL", "SYR", "MIL")
    assert (shell["Actor2Code"], shell["Actor2Name"]) == ("IGO", "United Nations")
    assert (shell["EventCode"], shell["EventBaseCode"], shell["EventRootCode"]) == ("195", "195", "19")
    assert (shell["QuadClass"], shell["GoldsteinScale"], shell["IsRootEvent"]) == ("4", "-10.0", "1")
    assert (shell["ActionGeo_Type"], shell["ActionGeo_CountryCode"], shell["ActionGeo_FeatureID"]) == ("4", "SYR", "169389")
    assert shell["ActionGeo_FullName"] == "Idlib, Idlib Governorate, SYR"
    assert shell["SOURCEURL"] == "https://news.example/idlib" and len(shell["DATEADDED"]) == 14
    assert shell["EW_PloverType"] == "ASSAULT" and shell["EW_Evidence"].startswith("Syrian troops shelled")
    # The second paragraph is not the lead; a month-grain date starts on the month's first day.
    assert condemn["IsRootEvent"] == "0" and condemn["Day"] == "20200201" and condemn["EW_DateGrain"] == "month"
    assert condemn["Actor2Code"] == "" and condemn["ActionGeo_Type"] == ""


def test_gdelt_tsv_cells_never_break_lines(db):
    out = io.StringIO()
    with open_store(db, read_only=True) as store:
        assert write_gdelt(store, out, header=True) == 2
    lines = out.getvalue().splitlines()
    assert lines[0].split("\t")[:2] == ["GlobalEventID", "Day"]
    assert len(lines) == 3 and all(len(line.split("\t")) == 61 + len(EXTRA_COLUMNS) for line in lines)


def test_plover_objects_use_plover_field_names(db):
    with open_store(db, read_only=True) as store:
        events = list(plover_events(store))
    assert len(events) == 1  # the event without a PLOVER type is left out
    event = events[0]
    assert event["event"] == ["ASSAULT"] and event["date"] == "2020-02-24"
    assert event["actor"] == [{"code": "SYR", "sector": "MIL", "entity_text": "Syrian troops"}]
    assert event["recipient"] == [{"code": "IGO", "entity_text": "United Nations", "identifier_id": "Q1065",
                                   "identifier_text": "United Nations"}]
    assert event["mode"] == ["aerial"] and event["context"] == ["military"]
    assert event["quad_code"] == 4 and event["event_scale"] == -10.0
    assert event["event_loc"]["geonameid"] == 169389 and event["event_loc"]["country_code"] == "SYR"
    assert event["event_loc"]["resolution"] == 4 and event["event_loc"]["province"] == "Idlib Governorate"
    assert event["size"] == {"dead": 12.0}
    assert event["cite_info"]["url"] == "https://news.example/idlib"
    assert event["cite_info"]["publication"] == "Example News"
    assert event["event_text"][0].startswith("Syrian troops shelled")
    required = {"id", "date", "actor", "event"}
    assert required <= set(event)


def test_cli_exports_gdelt_and_plover(db, tmp_path):
    runner = CliRunner()
    tsv = tmp_path / "events.tsv"
    result = runner.invoke(app, ["export", "--format", "gdelt", "--db", db, "-o", str(tsv)])
    assert result.exit_code == 0, result.output
    assert len(tsv.read_text().splitlines()) == 2
    result = runner.invoke(app, ["export", "--format", "plover", "--db", db])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1 and lines[0]["event"] == ["ASSAULT"]


def test_write_plover_counts(db):
    out = io.StringIO()
    with open_store(db, read_only=True) as store:
        assert write_plover(store, out) == 1
    assert json.loads(out.getvalue())["id"].endswith("-event1")
