"""The real feeds and WARC files of ../shared/eval/ingest, ingested whole: languages and event dates.

- no document that is not in English is parsed or coded (it is stored with its title, text, language);
- no event is dated after its article's publication unless it is marked as intended, threatened or
  conditional (a future the article announces).

Slow (a few minutes): marked like the other dev-set tests; run alone with
`pytest -m eval tests/test_eval_ingest.py`.
"""
from __future__ import annotations

from datetime import date

import pytest

from conftest import need_shared
from eventwire.config import load_settings
from eventwire.ground.event_dates import first_day
from eventwire.ingest import expand_paths
from eventwire.language import ANALYSED_LANGUAGES, UNDETERMINED
from eventwire.run import run_ingest
from eventwire.store.duckdb import open_store

pytestmark = [pytest.mark.eval, pytest.mark.shared]

_FUTURE_MODALITIES = {"intended", "threatened", "conditional"}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = need_shared("eval", "ingest")
    path = str(tmp_path_factory.mktemp("ingest") / "ingest.duckdb")
    settings = load_settings(db=path)
    with open_store(path) as db:
        summary = run_ingest(list(expand_paths([str(root / "feeds"), str(root / "warc")])), db, settings,
                             engine="serial")
        assert summary.articles_read > 100
        assert sum(summary.not_analysed.values()) > 0  # the Spanish, German and Portuguese feeds
        yield db


def test_non_english_documents_are_stored_but_never_coded(store):
    analysed = tuple(ANALYSED_LANGUAGES | {UNDETERMINED})
    marks = ", ".join("?" * len(analysed))
    other = store.con.execute(f"SELECT language, count(*) FROM documents WHERE language NOT IN ({marks}) "
                              "GROUP BY 1", list(analysed)).fetchall()
    assert {lang for lang, _ in other} >= {"es", "de", "pt"}
    for table in ("events", "actors", "places", "times", "quantities", "quotes"):
        coded = store.con.execute(
            f"SELECT count(*) FROM {table} t JOIN documents d USING (doc_id) WHERE d.language NOT IN ({marks})",
            list(analysed)).fetchone()[0]
        assert coded == 0, f"{coded} {table} rows from documents not in English"
    empty = store.con.execute(f"SELECT count(*) FROM documents WHERE language NOT IN ({marks}) "
                              "AND (text IS NULL OR text = '') AND (title IS NULL OR title = '')",
                              list(analysed)).fetchone()[0]
    assert empty == 0


def test_no_event_is_dated_after_its_publication_unless_announced(store):
    rows = store.con.execute("""SELECT e.doc_id, e.event_id, e.date_iso, e.date_value, e.modality, d.published,
            e.evidence_text FROM events e JOIN documents d USING (doc_id)
            WHERE e.date_iso IS NOT NULL AND d.published IS NOT NULL""").fetchall()
    assert rows
    late = []
    for doc_id, event_id, iso, value, modality, published, evidence in rows:
        day, pub = first_day(iso), date.fromisoformat(published[:10])
        if day is not None and day > pub and not (set(modality or ()) & _FUTURE_MODALITIES):
            late.append((doc_id, event_id, value, published[:10], evidence[:100]))
    assert not late, f"{len(late)} events dated after publication: {late[:10]}"


def test_every_event_date_is_an_iso_date(store):
    bad = store.con.execute(r"""SELECT date_iso FROM events WHERE date_iso IS NOT NULL
        AND NOT regexp_full_match(date_iso, '\d{4}(-\d{2}(-\d{2})?)?')""").fetchall()
    assert bad == []
