"""Evidence is bounded: a sentence longer than EVIDENCE_WINDOW_AFTER characters (number-dense page
furniture) gives a window around each fact, with exact offsets; a normal sentence is its own evidence."""
import json

from eventwire import extract_text
from eventwire.ingest.text import parse_text
from eventwire.read import read, token_offsets
from eventwire.record import EVIDENCE_WINDOW_AFTER, EVIDENCE_WINDOW_MARGIN, to_json, validate_record

# A results table flattened into one "sentence": no sentence-final punctuation for 1,500+ characters.
_ROWS = ", ".join(f"district {n} turnout {n * 37 % 900 + 100} voters and {n * 13 % 90 + 10} stations"
                  for n in range(1, 40))
_LONG = (f"Results by district: {_ROWS}, while in the northern district 25 people were killed when soldiers "
         f"shelled the market, and {_ROWS.replace('district', 'ward')} as reported by the electoral board.")
_SHORT = "Police arrested 40 protesters in the capital on Friday."
_BODY = f"{_SHORT}\n\n{_LONG}"


def _parsed(nlp, body=_BODY):
    return read(parse_text(f"Election results\n\n{body}", "t.txt", published="2021-03-03"), nlp)


def _long_sentence(parsed):
    return max(parsed.sentences, key=lambda s: s.end - s.start)


def test_a_long_sentence_gives_a_bounded_window_with_exact_offsets(nlp):
    parsed = _parsed(nlp)
    body = parsed.document.text
    sentence = _long_sentence(parsed)
    assert sentence.end - sentence.start > 2 * EVIDENCE_WINDOW_AFTER
    at = body.index("25 people")
    mention = (at, at + len("25 people"))
    evidence = sentence.evidence(mention)
    assert body[evidence.start:evidence.end] == evidence.text
    assert evidence.start <= mention[0] and mention[1] <= evidence.end
    assert mention[0] - evidence.start <= EVIDENCE_WINDOW_MARGIN
    assert evidence.end - mention[1] <= EVIDENCE_WINDOW_MARGIN
    assert len(evidence.text) < 2 * EVIDENCE_WINDOW_MARGIN + 40
    assert evidence.sentence_span == (sentence.start, sentence.end)
    # Cut on token boundaries: both ends are a token's start and a token's end.
    starts, ends = token_offsets(sentence.paragraph.doc)
    base = sentence.paragraph.offset
    assert evidence.start - base in starts and evidence.end - base in ends
    assert sentence.holds(evidence)
    assert not any(other.holds(evidence) for other in parsed.sentences if other is not sentence)


def test_a_window_never_cuts_the_fact_and_stays_inside_the_sentence(nlp):
    parsed = _parsed(nlp)
    body = parsed.document.text
    sentence = _long_sentence(parsed)
    for around in [(sentence.start, sentence.start + 8), (sentence.end - 9, sentence.end),
                   (sentence.start + 600, sentence.start + 1_700), None]:
        evidence = sentence.evidence(around)
        assert body[evidence.start:evidence.end] == evidence.text
        assert sentence.start <= evidence.start < evidence.end <= sentence.end
        if around is not None:  # the fact is whole inside, however long
            assert evidence.start <= around[0] and around[1] <= evidence.end
    assert len(sentence.evidence(None).text) <= EVIDENCE_WINDOW_MARGIN + 20


def test_a_normal_sentence_is_its_own_evidence(nlp):
    parsed = _parsed(nlp)
    sentence = next(s for s in parsed.sentences if s.text == _SHORT)
    at = sentence.start + _SHORT.index("40")
    evidence = sentence.evidence((at, at + 2))
    assert evidence.text == _SHORT and (evidence.start, evidence.end) == (sentence.start, sentence.end)
    assert evidence.sentence_span is None
    assert evidence == sentence.evidence()


def test_every_fact_of_a_page_with_a_long_sentence_has_bounded_exact_evidence(nlp):
    record = extract_text(_BODY, title="Election results", published="2021-03-03")
    body = record.document.text
    facts = [*record.actors, *record.places, *record.times, *record.quantities, *record.quotes, *record.events]
    windowed = [f for f in facts if f.evidence.sentence_span is not None]
    assert len(windowed) >= 10  # the table's figures, at least
    for fact in facts:
        ev = fact.evidence
        assert body[ev.start:ev.end] == ev.text if ev.section == "body" else True
        assert len(ev.text) <= EVIDENCE_WINDOW_AFTER
    for quantity in record.quantities:  # each figure lies inside its own window
        ev = quantity.evidence
        assert quantity.text in ev.text
    data = to_json(record)
    validate_record(data)
    evidences = [f["evidence"] for part in ("actors", "places", "times", "quantities", "quotes", "events")
                 for f in data[part]]
    assert all(("sentence_span" in e) == (len(e["text"]) < e.get("sentence_span", [0, 0])[1]
                                          - e.get("sentence_span", [0, 0])[0]) for e in evidences)
    assert not any("sentence_span" in e for e in evidences if e["text"] == _SHORT)
    # The whole record stays small although the sentence is repeated in no evidence.
    assert len(json.dumps(data)) < len(body) + 1_500 * len(facts)


def test_the_figures_of_a_long_sentence_still_link_to_its_event(nlp):
    record = extract_text(_BODY, title="Election results", published="2021-03-03")
    killed = next(q for q in record.quantities if q.category == "killed")
    assert killed.evidence.sentence_span is not None
    linked = [e for e in record.events if killed.id in e.quantities]
    assert linked, [(e.trigger, e.cameo, e.quantities) for e in record.events]
    assert all(e.evidence.sentence_key == killed.evidence.sentence_key for e in linked)


def test_the_event_view_shows_the_figure_of_its_window(tmp_path):
    from fastapi.testclient import TestClient

    from eventwire.api import create_app
    from eventwire.store.duckdb import open_store

    record = extract_text(_BODY, title="Election results", published="2021-03-03")
    killed = next(q for q in record.quantities if q.category == "killed")
    event = next(e for e in record.events if killed.id in e.quantities)
    assert event.evidence != killed.evidence  # two windows of one sentence
    path = str(tmp_path / "store.duckdb")
    with open_store(path) as store:
        store.write(record)
    with TestClient(create_app(path), base_url="http://localhost") as client:
        view = client.get(f"/api/events/{record.document.id}/{event.id}").json()
    assert view["evidence"]["text"] == event.evidence.text
    assert ("quantity", killed.text) in {(s["kind"], s["text"]) for s in view["spans"]}
    for span in view["spans"]:
        assert view["evidence"]["text"][span["start"]:span["end"]] == span["text"]
