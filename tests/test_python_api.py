"""The public Python API: extract_text with the article's metadata, records that resolve their
events' actors, and to_frame over records or a database."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

import eventwire
from eventwire import InputError, extract_text, to_frame, to_json

from conftest import REPO

TEXT = ("Rebels ambush an army convoy\n\n"
        "Rebels ambushed an army convoy on the main road south of the capital on Monday, "
        "killing six soldiers, the defence ministry said in a statement.")


@pytest.fixture(scope="module")
def record():
    return extract_text(TEXT, published="2021-02-02T08:00:00", url="https://news.example/convoy")


def test_extract_text_takes_published_title_and_url(record):
    doc = record.document
    assert doc.published == "2021-02-02T08:00:00" and doc.published_from == "caller"
    assert doc.url == "https://news.example/convoy"
    assert any(e.date.get("value") == "2021-02-01" for e in record.events)  # "on Monday", from the argument
    titled = extract_text(TEXT.split("\n\n", 1)[1], title="Convoy ambushed", published=date(2021, 2, 2))
    assert titled.document.title == "Convoy ambushed" and titled.document.published == "2021-02-02"
    assert titled.document.id != record.document.id


def test_extract_text_metadata_wins_over_html_and_changes_the_id():
    html = (REPO / "examples" / "harbour-protest.html").read_text()
    plain = extract_text(html)
    given = extract_text(html, url="https://elsewhere.example/a", published="2020-05-01")
    assert given.document.url == "https://elsewhere.example/a" and given.document.published == "2020-05-01"
    assert given.document.id != plain.document.id
    eventwire.validate_record(to_json(given))


def test_extract_text_refuses_a_bad_published_date():
    with pytest.raises(InputError, match="published"):
        extract_text(TEXT, published="last Tuesday")


def test_records_resolve_their_events_actors(record):
    event = next(e for e in record.events if e.source)
    sources = record.sources(event)
    assert [a.id for a in sources] == list(event.source)  # the ids are kept on the event
    assert all(isinstance(a, eventwire.record.Actor) for a in sources)
    assert record.actor(event.source[0]).name == sources[0].name
    assert record.targets(event) == tuple(record.actor(i) for i in event.target)
    assert record.actor("no-such-actor") is None


def test_to_frame_from_records_and_from_json(record):
    frame = to_frame([record])
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(record.events)
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    assert str(frame["quad_class"].dtype) == "Int64" and str(frame["killed"].dtype) == "Int64"
    event = next(e for e in record.events if e.source)
    row = frame.set_index("event_id").loc[event.id]
    assert row["source_names"] == ";".join(a.name for a in record.sources(event))
    again = to_frame([json.loads(json.dumps(to_json(record)))])
    pd.testing.assert_frame_equal(frame, again)


def test_to_frame_from_a_database_with_filters(tmp_path):
    from test_api import build_example_db

    db = build_example_db(tmp_path / "ex.duckdb")
    frame = to_frame(db)
    assert len(frame) >= 5 and frame["doc_id"].nunique() >= 3
    some = frame["place_country"].dropna().iloc[0]
    narrowed = to_frame(db, country=some)
    assert 0 < len(narrowed) <= len(frame)
    with pytest.raises(ValueError, match="since"):
        to_frame(db, since="2020-13")
    with pytest.raises(FileNotFoundError):
        to_frame(tmp_path / "none.duckdb")


def test_public_functions_have_docstrings():
    for name in ("extract_text", "to_frame", "extract_paths", "to_json"):
        assert (getattr(eventwire, name).__doc__ or "").strip(), name
