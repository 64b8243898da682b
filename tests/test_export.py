"""The exports from a store holding hand-built records: GDELT 2.0 TSV read back with GDELT's 61
column names, PLOVER JSON validated against docs/plover-event.schema.json, and the typed events
table (CSV, Parquet, events JSONL)."""
from __future__ import annotations

from datetime import date
import csv
import io
import json

import duckdb
import jsonschema
import pandas as pd
import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.countries import fips_of, to_iso3
from eventwire.export import EXTRA_COLUMNS, GDELT_COLUMNS, gdelt_rows, plover_events, write_gdelt, write_plover
from eventwire.export.gdelt import global_event_id, known_group
from eventwire.export.table import copy_events_table
from eventwire.ingest.text import parse_text
from eventwire.record import Actor, ArticleRecord, Event, Evidence, Mention, Place, Quantity
from eventwire.store.duckdb import open_store

from conftest import BACKENDS, REPO, new_database

BODY = ("Syrian troops shelled Idlib on Monday, killing 12 civilians, officials said.\n\n"
        "Turkey condemned the attack on Tuesday.\n\n"
        "Unknown gunmen attacked a \"checkpoint\"\tnear Gaza that week.")
PLOVER_SCHEMA = json.loads((REPO / "docs" / "plover-event.schema.json").read_text())
runner = CliRunner()


def make_record() -> ArticleRecord:
    doc = parse_text(f"Troops shell Idlib\n\n{BODY}", "t.txt", url="https://news.example/idlib",
                     published="2020-02-24T09:25:00", outlet="Example News")
    paragraphs = BODY.split("\n\n")
    lead = Evidence(paragraphs[0], 0, len(paragraphs[0]), "body")
    second_start = BODY.index("Turkey")
    later = Evidence(paragraphs[1], second_start, second_start + len(paragraphs[1]), "body")
    third_start = BODY.index("Unknown")
    third = Evidence(paragraphs[2], third_start, len(BODY), "body")
    troops = Actor("actor1", "Syrian troops", "SYRMIL", "SYR", "MIL", "group",
                   (Mention("Syrian troops", 0, 13, "body", None, 0),), lead, "test")
    un = Actor("actor2", "United Nations", "IGOUNO", None, "GOV", "organisation",
               (Mention("United Nations", 0, 5, "body", None, 0),), lead, "test", wikidata="Q1065")
    turkey = Actor("actor3", "Turkey", "TUR", "TUR", None, "state",
                   (Mention("Turkey", second_start, second_start + 6, "body", None, 1),), later, "test")
    idlib = Place("place1", "Idlib", "city", "SYR", 35.93, 36.63, (Mention("Idlib", 22, 27, "body", None, 0),),
                  lead, "test", admin1="Idlib Governorate", geonames_id=169389)
    gaza = Place("place2", "Gaza", "city", "PSE", 31.5, 34.47, (Mention("Gaza", 0, 4, "body", None, 2),),
                 third, "test", admin1="Gaza Strip", geonames_id=281133)
    killed = Quantity("quantity1", "12 civilians", 12.0, None, None, False, "civilians", "killed", lead)
    shelling = Event("event1", "195", ("actor1",), ("actor2",),
                     {"value": "2020-02-24T08:30", "grain": "time", "anchor": "weekday"}, ("asserted",), lead,
                     "shell/VERB->195", cameo_name="Employ aerial weapons", plover="ASSAULT", plover_mode="aerial",
                     plover_context="military", quad_class=4, goldstein=-10.0, place="place1", place_how="preposition",
                     quantities=("quantity1",), trigger="shelled")
    condemn = Event("event2", "111", ("actor3",), (), {"value": "2020-02", "grain": "month", "anchor": "published"},
                    ("asserted",), later, "condemn/VERB->111", cameo_name="Criticize or denounce", plover=None,
                    quad_class=3, goldstein=-2.0, trigger="condemned")
    attack = Event("event3", "190", (), (), {"value": "2020-W09", "grain": "week", "anchor": "published"},
                   ("asserted",), third, "attack/VERB->190", cameo_name="Use conventional military force",
                   plover="ASSAULT", quad_class=4, goldstein=-10.0, place="place2", place_how="preposition",
                   trigger="attacked")
    return ArticleRecord(doc, actors=(troops, un, turkey), places=(idlib, gaza), quantities=(killed,),
                         events=(shelling, condemn, attack))


@pytest.fixture
def db(empty_db):
    with open_store(empty_db) as store:
        store.write(make_record())
    return empty_db


@pytest.fixture(scope="module", params=BACKENDS)
def example_db(request, tmp_path_factory):
    from test_api import build_example_db

    return build_example_db(new_database(request.param, tmp_path_factory.mktemp("export"), request))


# ---------------------------------------------------------------- dates and codes

@pytest.mark.parametrize("iso, fips", [("SYR", "SY"), ("DEU", "GM"), ("IRQ", "IZ"), ("GBR", "UK"), ("ESP", "SP"),
                                       ("SRB", "RI"), ("SSD", "OD"), ("USA", "US"), ("SY", "SY"), ("XXX", ""),
                                       ("KOS", "KV"), ("XKX", "KV"), ("XK", "KV")])
def test_fips_codes(iso, fips):
    assert fips_of(iso) == fips


def test_fips_splits_the_palestinian_territories_by_area():
    assert fips_of("PSE") == "WE" and fips_of("PSE", "Gaza") == "GZ" and fips_of("PSE", "Rafah", "Gaza Strip") == "GZ"


@pytest.mark.parametrize("given, iso3", [("SYR", "SYR"), ("sy", "SYR"), ("SP", "ESP"), ("DE", "DEU"),
                                         ("fips:GM", "DEU"), ("iso:GM", "GMB"), ("UK", "GBR"),
                                         ("KOS", "KOS"), ("XK", "KOS"), ("KV", "KOS"), ("fips:KV", "KOS"),
                                         ("XKX", "KOS"), ("KSV", "KOS"), ("Kosovo", "KOS"), ("syria", "SYR"),
                                         ("Ivory  Coast", "CIV"), ("Russian Federation", "RUS"), ("DRC", "COD")])
def test_country_filters_accept_iso2_iso3_and_fips(given, iso3):
    assert to_iso3(given) == iso3


@pytest.mark.parametrize("given, message", [("GM", "ambiguous"), ("ZZ", "not an ISO"), ("2020", "not a country"),
                                            ("fips:SYR", "two letters"), ("Narnia", "not a country")])
def test_country_filters_refuse_clearly(given, message):
    with pytest.raises(ValueError, match=message):
        to_iso3(given)


def test_known_group_codes():
    assert known_group("IGOUNO") == "UNO" and known_group("IGOWSTNAT") == "NAT"
    assert known_group("SYRMIL") == "" and known_group("NGO") == "" and known_group("IGOGOV") == ""


# ---------------------------------------------------------------- GDELT

def test_gdelt_has_the_61_columns_of_the_codebook_in_order():
    assert len(GDELT_COLUMNS) == 61
    assert GDELT_COLUMNS[:5] == ("GlobalEventID", "Day", "MonthYear", "Year", "FractionDate")
    assert GDELT_COLUMNS[5] == "Actor1Code" and GDELT_COLUMNS[15] == "Actor2Code"
    assert GDELT_COLUMNS[25:35] == ("IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
                                    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone")
    assert GDELT_COLUMNS[35] == "Actor1Geo_Type" and GDELT_COLUMNS[51] == "ActionGeo_Type"
    assert GDELT_COLUMNS[-2:] == ("DATEADDED", "SOURCEURL")
    assert not set(GDELT_COLUMNS) & set(EXTRA_COLUMNS)


def read_gdelt(text: str) -> pd.DataFrame:
    """As an analyst reads a GDELT 2.0 events file (the README's snippet)."""
    codes = {c: str for c in GDELT_COLUMNS if c.endswith(("Code", "EventCode", "ADM1Code", "ADM2Code"))}
    return pd.read_csv(io.StringIO(text), sep="\t", header=None, names=list(GDELT_COLUMNS), quoting=csv.QUOTE_NONE,
                       dtype={**codes, "SOURCEURL": str, "Actor1Name": str, "Actor2Name": str,
                              "ActionGeo_FullName": str}, keep_default_na=False, na_values=[""])


def test_gdelt_file_reads_back_with_the_61_names_and_types(db):
    out = io.StringIO()
    with open_store(db, read_only=True) as store:
        assert write_gdelt(store, out) == 3
    text = out.getvalue()
    lines = text.splitlines()
    assert len(lines) == 3 and all(len(line.split("\t")) == 61 for line in lines)
    frame = read_gdelt(text)
    assert len(frame) == 3
    for column in ("GlobalEventID", "Day", "MonthYear", "Year", "IsRootEvent", "QuadClass", "NumMentions",
                   "NumSources", "NumArticles", "DATEADDED"):
        assert pd.api.types.is_integer_dtype(frame[column]), column
    for column in ("FractionDate", "GoldsteinScale", "ActionGeo_Lat", "ActionGeo_Long"):
        assert pd.api.types.is_float_dtype(frame[column]), column
    assert frame["DATEADDED"].astype(str).str.fullmatch(r"\d{14}").all()
    assert frame["Day"].astype(str).str.fullmatch(r"\d{8}").all()
    assert (frame["MonthYear"] == frame["Day"] // 100).all() and (frame["Year"] == frame["Day"] // 10000).all()
    assert frame["FractionDate"].between(frame["Year"], frame["Year"] + 1).all()
    assert (frame[["NumMentions", "NumSources", "NumArticles"]] == 1).all().all()
    rows = {r.GlobalEventID: r for r in frame.itertuples()}
    doc_id = make_record().document.id
    shell = rows[global_event_id(doc_id, "event1")]
    assert (shell.Day, shell.MonthYear, shell.Year) == (20200224, 202002, 2020)
    assert shell.FractionDate == pytest.approx(2020 + 54 / 366, abs=1e-4)
    assert (shell.Actor1Code, shell.Actor1CountryCode, shell.Actor1Type1Code) == ("SYRMIL", "SYR", "MIL")
    assert (shell.Actor2Code, shell.Actor2Name, shell.Actor2KnownGroupCode) == ("IGOUNO", "United Nations", "UNO")
    assert (shell.EventCode, shell.EventBaseCode, shell.EventRootCode) == ("195", "195", "19")
    assert (shell.QuadClass, shell.GoldsteinScale, shell.IsRootEvent) == (4, -10.0, 1)
    # FIPS 10-4 in the geo columns (Syria SY), the province code after it, GeoNames id as FeatureID
    assert (shell.ActionGeo_Type, shell.ActionGeo_CountryCode, shell.ActionGeo_FeatureID) == (4, "SY", 169389)
    assert shell.ActionGeo_ADM1Code.startswith("SY") and len(shell.ActionGeo_ADM1Code) == 4
    assert shell.ActionGeo_FullName == "Idlib, Idlib Governorate, Syria"
    assert shell.SOURCEURL == "https://news.example/idlib"
    condemn = rows[global_event_id(doc_id, "event2")]
    # The second paragraph is not the lead; a month-grain date starts on the month's first day.
    assert condemn.IsRootEvent == 0 and condemn.Day == 20200201
    assert pd.isna(condemn.Actor2Code) and pd.isna(condemn.ActionGeo_Type)
    attack = rows[global_event_id(doc_id, "event3")]
    assert attack.Day == 20200224  # ISO week 9 of 2020 starts on Monday 24 February
    assert attack.ActionGeo_CountryCode == "GZ"  # Gaza, not the West Bank
    assert pd.isna(attack.Actor1Code)


def test_gdelt_header_and_extended_file(db):
    out, extended = io.StringIO(), io.StringIO()
    with open_store(db, read_only=True) as store:
        write_gdelt(store, out, header=True, extended_sink=extended)
    lines = out.getvalue().splitlines()
    assert lines[0].split("\t") == list(GDELT_COLUMNS) and len(lines) == 4
    ours = pd.read_csv(io.StringIO(extended.getvalue()), sep="\t", quoting=csv.QUOTE_NONE, dtype=str)
    assert list(ours.columns) == ["GlobalEventID", *EXTRA_COLUMNS] and len(ours) == 3
    gdelt = read_gdelt("\n".join(lines[1:]) + "\n")
    assert sorted(ours["GlobalEventID"].astype(int)) == sorted(gdelt["GlobalEventID"])
    row = ours.set_index("EW_EventID").loc["event1"]
    assert row["EW_PloverType"] == "ASSAULT" and row["EW_Modality"] == "asserted"
    assert row["EW_Evidence"].startswith("Syrian troops shelled") and row["EW_DateGrain"] == "day"
    # The quote and the tab inside the third evidence sentence: one cell, one line.
    assert ours.set_index("EW_EventID").loc["event3", "EW_Evidence"] == \
        'Unknown gunmen attacked a "checkpoint" near Gaza that week.'


def test_gdelt_extended_columns_only_when_asked(db):
    with open_store(db, read_only=True) as store:
        plain = [len(cells) for cells in gdelt_rows(store, extended=False)]
        out = io.StringIO()
        write_gdelt(store, out, header=True, extended_columns=True)
    assert plain == [61, 61, 61]
    frame = pd.read_csv(io.StringIO(out.getvalue()), sep="\t", quoting=csv.QUOTE_NONE, dtype=str)
    assert list(frame.columns) == list(GDELT_COLUMNS + EXTRA_COLUMNS)


def test_gdelt_counts_are_integers_after_linking(tmp_path, empty_db):
    """NumSources once held the list of source actors; after `link` the counts are the story's."""
    db = empty_db
    body = ("Syrian government forces shelled the town of Douma on Monday, killing at least 12 civilians, "
            "a monitoring group said.")
    for outlet in ("Daily Example", "Example Herald"):
        (tmp_path / f"{outlet}.txt").write_text(
            f"title: Shelling kills 12 in Douma\noutlet: {outlet}\npublished: 2021-03-02\n---\n{body} "
            f"{outlet} reporters saw the damage.")
    assert runner.invoke(app, ["ingest", str(tmp_path / "Daily Example.txt"), str(tmp_path / "Example Herald.txt"),
                               "--db", str(db), "--engine", "serial"]).exit_code == 0
    assert runner.invoke(app, ["link", "--db", str(db)]).exit_code == 0
    result = runner.invoke(app, ["export", "--format", "gdelt", "--db", str(db)])
    assert result.exit_code == 0, result.output
    frame = read_gdelt(result.stdout)
    assert len(frame) >= 2
    for column in ("NumMentions", "NumSources", "NumArticles"):
        assert pd.api.types.is_integer_dtype(frame[column])
    assert frame["NumArticles"].max() == 2 and frame["NumSources"].max() == 2


def test_gdelt_export_of_the_examples_reads_back_row_for_row(example_db):
    result = runner.invoke(app, ["export", "--format", "gdelt", "--db", example_db])
    assert result.exit_code == 0
    # Incidents outside CAMEO (a flood) have no GDELT EventCode and are not exported.
    with open_store(example_db, read_only=True) as store:
        n_events = store.con.execute(
            "SELECT count(*) FROM events WHERE cameo IS NOT NULL AND cameo <> ''").fetchone()[0]
    frame = read_gdelt(result.stdout)
    assert len(frame) == n_events == len(result.stdout.splitlines())
    assert frame["GlobalEventID"].is_unique
    assert frame["ActionGeo_CountryCode"].dropna().str.fullmatch(r"[A-Z]{2}").all()
    assert frame["EventRootCode"].str.fullmatch(r"\d{2}").all()


# ---------------------------------------------------------------- PLOVER

def test_plover_objects_use_plover_field_names(db):
    with open_store(db, read_only=True) as store:
        events = {e["id"].rsplit("-", 1)[1]: e for e in plover_events(store)}
    assert sorted(events) == ["event1", "event3"]  # the event without a PLOVER type is left out
    event = events["event1"]
    assert event["event"] == ["ASSAULT"] and event["date"] == "2020-02-24" and event["time"] == "08:30:00"
    assert event["actor"] == [{"code": "SYR", "sector": "MIL", "entity_text": "Syrian troops"}]
    assert event["recipient"] == [{"code": "UNO", "sector": "GOV", "entity_text": "United Nations",
                                   "identifier_id": "Q1065", "identifier_text": "United Nations"}]
    assert event["mode"] == ["aerial"] and event["context"] == ["military"]
    assert event["quad_code"] == 4 and event["event_scale"] == -10.0
    assert event["event_loc"]["geonameid"] == 169389 and event["event_loc"]["country_code"] == "SYR"
    assert event["event_loc"]["resolution"] == 4 and event["event_loc"]["province"] == "Idlib Governorate"
    assert event["size"] == {"dead": 12.0}
    assert event["cite_info"]["url"] == "https://news.example/idlib"
    assert event["cite_info"]["publication"] == "Example News"
    assert event["event_text"][0].startswith("Syrian troops shelled")
    # No source actor: the manual's generic unidentified actor; a week: its Monday to its Sunday.
    attack = events["event3"]
    assert attack["actor"] == [{"code": "PSE", "code_from": "event_loc", "sector": "UNK"}]
    assert (attack["date"], attack["enddate"], attack["date_grain"]) == ("2020-02-24", "2020-03-01", "week")
    assert "time" not in attack


def test_every_plover_event_validates_against_the_schema(db, example_db):
    jsonschema.Draft202012Validator.check_schema(PLOVER_SCHEMA)
    validator = jsonschema.Draft202012Validator(PLOVER_SCHEMA, format_checker=jsonschema.FormatChecker())
    n = 0
    for path in (db, example_db):
        out = io.StringIO()
        with open_store(path, read_only=True) as store:
            n += write_plover(store, out)
        for line in out.getvalue().splitlines():
            event = json.loads(line)
            errors = sorted(validator.iter_errors(event), key=str)
            assert not errors, (event["id"], [e.message for e in errors])
            date.fromisoformat(event["date"])
            assert event["actor"] and all(a.get("code") or a.get("sector") or a.get("entity_text")
                                          for a in event["actor"])
    assert n >= 5


def test_the_schema_refuses_what_the_issue_found():
    validator = jsonschema.Draft202012Validator(PLOVER_SCHEMA)
    good = {"id": "a-1", "date": "2019-11-11", "actor": [{"sector": "UNK"}], "event": ["ASSAULT"]}
    assert not list(validator.iter_errors(good))
    assert not list(validator.iter_errors({**good, "actor": [{"code": "SYR", "code_from": "event_loc", "sector": "UNK"}]}))
    for bad in ({**good, "actor": []}, {**good, "date": "2019-W46-01"}, {**good, "time": "MO"},
                {**good, "actor": [{}]}, {**good, "actor": [{"identifier_text": "someone"}]}):
        assert list(validator.iter_errors(bad)), bad


# ---------------------------------------------------------------- the typed events table

def test_events_table_parquet_is_typed_and_denormalised(db, tmp_path):
    path = str(tmp_path / "e.parquet")
    with open_store(db, read_only=True) as store:
        assert copy_events_table(store, path, "parquet") == 3
    con = duckdb.connect()
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{path}')").fetchall())
    assert types["date"] == "DATE" and types["date_end"] == "DATE"
    for column in ("quad_class", "evidence_start", "evidence_end", "story_articles"):
        assert types[column] == "INTEGER", column
    for column in ("killed", "injured", "displaced", "arrested", "place_geonames_id"):
        assert types[column] == "BIGINT", column
    assert types["place_lat"] == types["place_lon"] == types["goldstein"] == "DOUBLE"
    frame = pd.read_parquet(path) if _has_parquet_engine() else con.execute(f"SELECT * FROM '{path}'").df()
    rows = frame.set_index("event_id")
    shell = rows.loc["event1"]
    assert str(shell["date"])[:10] == "2020-02-24" and shell["date_grain"] == "day"
    assert shell["source_names"] == "Syrian troops" and shell["source_codes"] == "SYRMIL"
    assert shell["source_countries"] == "SYR" and shell["source_sectors"] == "MIL"
    assert shell["target_names"] == "United Nations" and shell["target_codes"] == "IGOUNO"
    assert (shell["place_name"], shell["place_country"]) == ("Idlib", "SYR")
    assert shell["place_lat"] == pytest.approx(35.93) and shell["killed"] == 12
    assert rows.loc["event2", "date_grain"] == "month" and str(rows.loc["event2", "date"])[:10] == "2020-02-01"
    assert rows.loc["event3", "date_grain"] == "week" and str(rows.loc["event3", "date"])[:10] == "2020-02-24"
    assert "acled_type" in frame.columns and "story_id" in frame.columns


def _has_parquet_engine() -> bool:
    try:
        import pyarrow  # noqa: F401
        return True
    except ImportError:
        return False


def test_events_table_csv_and_jsonl_read_back_typed(db, tmp_path):
    with open_store(db, read_only=True) as store:
        copy_events_table(store, str(tmp_path / "e.csv"), "csv")
        copy_events_table(store, str(tmp_path / "e.jsonl"), "events-jsonl")
    frame = pd.read_csv(tmp_path / "e.csv", parse_dates=["date"], dtype={"cameo": str})
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    assert pd.api.types.is_integer_dtype(frame["quad_class"]) and frame["cameo"].tolist()[0].isdigit()
    lines = [json.loads(line) for line in (tmp_path / "e.jsonl").read_text().splitlines()]
    assert len(lines) == 3 and all(isinstance(r["quad_class"], int) for r in lines)
    assert {r["date"] for r in lines} == {"2020-02-24", "2020-02-01"}


def test_exports_take_the_filters(db):
    with open_store(db, read_only=True) as store:
        assert len(list(gdelt_rows(store, {"country": "TUR"}))) == 1
        assert len(list(gdelt_rows(store, {"country": "PSE"}))) == 1  # by the place
        assert len(list(plover_events(store, {"cameo": "19"}))) == 2
        assert len(list(gdelt_rows(store, {"since": "2020-02-10"}))) == 2


def test_cli_exports_gdelt_and_plover(db, tmp_path):
    tsv = tmp_path / "events.tsv"
    result = runner.invoke(app, ["export", "--format", "gdelt", "--db", db, "-o", str(tsv),
                                 "--extended", str(tmp_path / "ours.tsv")])
    assert result.exit_code == 0, result.output
    assert len(tsv.read_text().splitlines()) == 3
    assert (tmp_path / "ours.tsv").read_text().startswith("GlobalEventID\tEW_DocID")
    result = runner.invoke(app, ["export", "--format", "plover", "--db", db])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 2 and lines[0]["event"] == ["ASSAULT"]


def test_write_plover_counts(db):
    out = io.StringIO()
    with open_store(db, read_only=True) as store:
        assert write_plover(store, out) == 2
    assert json.loads(out.getvalue().splitlines()[0])["id"].endswith("-event1")
