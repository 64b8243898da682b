"""Place grounding (ground/places.py) and the gazetteer (ground/gazetteer.py) on hand-written sentences."""
from __future__ import annotations

import math

import pytest

from eventwire.ground.gazetteer import load_gazetteer
from eventwire.ground.event_place import event_place
from eventwire.ground.places import resolve_places
from eventwire.ingest.text import parse_text
from eventwire.read import read


def _parse(nlp, body: str, title: str = "News report"):
    return read(parse_text(f"{title}\n\n{body}", "t.txt", published="2020-02-24T09:25:00"), nlp)


def _places(nlp, body: str, title: str = "News report"):
    parsed = _parse(nlp, body, title)
    return parsed, resolve_places(parsed)


def _with_mention(places, text):
    hits = [p for p in places if any(m.text == text for m in p.mentions)]
    assert hits, f"no place mentioned as {text!r}: {[(p.name, [m.text for m in p.mentions]) for p in places]}"
    return hits[0]


def _km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


def test_town_comma_country(nlp):
    _, places = _places(nlp, "Shelling killed four people in Saraqib, Syria on Tuesday.")
    town = _with_mention(places, "Saraqib")
    assert town.country == "SYR" and town.kind in ("city", "locality")
    assert _with_mention(places, "Syria").kind == "country"
    assert town.resolved_by.endswith("container")


def test_kosovo_places_carry_the_code_its_actors_carry(nlp):
    _, places = _places(nlp, "Police closed two border crossings near Pristina, Kosovo on Tuesday.")
    assert _with_mention(places, "Pristina").country == "KOS" and _with_mention(places, "Kosovo").country == "KOS"
    assert load_gazetteer().adjective_place("Kosovar").country == "KOS"  # the demonyms of countries.tsv apply


def test_country_possessive_province_is_admin1(nlp):
    _, places = _places(nlp, "Aid convoys reached Syria's Idlib province last week.")
    idlib = _with_mention(places, "Idlib")
    assert (idlib.kind, idlib.country, idlib.admin1) == ("admin1", "SYR", "Idlib")
    assert _km(idlib.lat, idlib.lon, 35.93, 36.63) < 60


def test_the_x_governorate_and_city_of_x(nlp):
    _, places = _places(nlp, "Rockets fell on the Idlib governorate. The Syrian city of Homs was quiet.")
    assert _with_mention(places, "Idlib").kind == "admin1"
    homs = _with_mention(places, "Homs")
    assert homs.kind == "city" and homs.country == "SYR"


def test_month_names_are_not_places(nlp):
    _, places = _places(nlp, "In March, the talks resumed. March was cold, and leaders will meet on 5 March in Paris.")
    assert not [p for p in places if any("March" in m.text for m in p.mentions)]
    assert _with_mention(places, "Paris").country == "FRA"


def test_georgia_by_context(nlp):
    _, us = _places(nlp, "Protesters gathered in Atlanta, Georgia on Monday.")
    state = _with_mention(us, "Georgia")
    assert (state.country, state.kind) == ("USA", "admin1")
    _, caucasus = _places(nlp, "Georgia accused Russia of moving troops. Officials in Tbilisi said talks had failed.")
    assert _with_mention(caucasus, "Georgia").country == "GEO"
    _, storms = _places(nlp, "The storm hit Georgia and Alabama overnight.")
    assert _with_mention(storms, "Georgia").country == "USA"


def test_jordan_country_and_person(nlp):
    _, places = _places(nlp, "Officials in Jordan said refugees crossed from Syria.")
    assert _with_mention(places, "Jordan").country == "JOR"
    _, none = _places(nlp, "Michael Jordan scored 30 points for the Bulls.")
    assert not [p for p in none if any(m.text == "Jordan" for m in p.mentions)]


def test_adjectives_and_state_codes(nlp):
    _, places = _places(nlp, "Syrian forces advanced. A driver from Long Beach, CA was hurt.")
    syria = _with_mention(places, "Syrian")
    assert syria.country == "SYR" and syria.kind == "country"
    assert _with_mention(places, "Long Beach").admin1 == "California"
    assert _with_mention(places, "CA").name == "California"


def test_mentions_index_their_section(nlp):
    parsed, places = _places(nlp, "Talks were held in Geneva.\n\nLater, Geneva hosted a second round.")
    geneva = _with_mention(places, "Geneva")
    assert len(geneva.mentions) == 2 and geneva.country == "CHE"
    for m in geneva.mentions:
        assert parsed.document.text[m.start:m.end] == "Geneva"
        assert m.sentence is not None and "Geneva" in parsed.sentences[m.sentence].text


def test_user_added_place(nlp, tmp_path, monkeypatch):
    user = tmp_path / "my_places.tsv"
    user.write_text(
        "# my villages\n"
        "name\tkind\tcountry\tadmin1\tlat\tlon\tpopulation\talternate_names\tgeonames_id\tadjectives\n"
        "Qaryat Zorblat\tlocality\tSYR\tIdlib\t35.81\t36.52\t1200\tZorblat\t\t\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EVENTWIRE_PLACES", str(user))
    load_gazetteer.cache_clear()
    try:
        _, places = _places(nlp, "Shelling was reported near Zorblat on Sunday.")
        village = _with_mention(places, "Zorblat")
        assert (village.name, village.country, village.lat, village.lon) == ("Qaryat Zorblat", "SYR", 35.81, 36.52)
        assert village.resolved_by.startswith("ner") or village.resolved_by.startswith("gazetteer")
    finally:
        monkeypatch.delenv("EVENTWIRE_PLACES")
        load_gazetteer.cache_clear()


def _trigger(parsed, lemma):
    for sentence in parsed.sentences:
        for tok in sentence.span:
            if tok.lemma_ == lemma:
                return sentence.index, tok.i
    raise AssertionError(lemma)


def test_event_place_rule(nlp):
    parsed = _parse(nlp, "Warplanes hit residential areas in Idlib, Syria on Thursday.\n\n"
                         "Turkey has threatened to attack Damascus.\n\n"
                         "Officials said the ceasefire collapsed.\n\n"
                         "Idlib was bombed again, and Idlib residents fled.")
    places = resolve_places(parsed)
    idlib = _with_mention(places, "Idlib")
    damascus = _with_mention(places, "Damascus")
    assert event_place(parsed, *_trigger(parsed, "hit"), places) == (idlib.id, "preposition")
    assert event_place(parsed, *_trigger(parsed, "attack"), places) == (damascus.id, "sentence")
    # no place in the sentence: the article's most mentioned place, flagged
    assert event_place(parsed, *_trigger(parsed, "collapse"), places) == (idlib.id, "dominant")


def test_event_place_never_the_acting_subject(nlp):
    parsed = _parse(nlp, "Turkey threatened the regime.")
    places = resolve_places(parsed)
    place, how = event_place(parsed, *_trigger(parsed, "threaten"), places)
    assert how == "dominant"  # Turkey acts here; only the article-level fallback may name it


def test_gazetteer_builds_when_missing(tmp_path, monkeypatch):
    target = tmp_path / "gaz.pickle"
    monkeypatch.setenv("EVENTWIRE_GAZETTEER", str(target))
    load_gazetteer.cache_clear()
    try:
        gaz = load_gazetteer()
        assert target.exists()
        assert {e.country for e in gaz.lookup("Idlib")} == {"SYR"}
        assert gaz.abbreviation("Md.").name == "Maryland"
        assert gaz.adjective_place("Syrian").country == "SYR"
    finally:
        monkeypatch.delenv("EVENTWIRE_GAZETTEER")
        load_gazetteer.cache_clear()


def test_a_places_entry_is_made_once_and_is_its_row(monkeypatch):
    import eventwire.ground.gazetteer as gazetteer

    g = load_gazetteer()
    aleppo = g.lookup("Aleppo")
    assert aleppo and g.lookup("Aleppo") == aleppo
    assert all(a is b for a, b in zip(g.lookup("Aleppo"), aleppo))  # kept, not made again
    first = aleppo[0]
    assert first == gazetteer.Entry(first.index, *g._row(first.index))
    monkeypatch.setattr(gazetteer, "_ENTRIES_KEPT", 1)  # a full memo is emptied, and answers the same
    assert g.lookup("Aleppo") == aleppo and g.country("SYR").country == "SYR"
