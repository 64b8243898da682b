"""Actor grounding rules on hand-written sentences (first grounding; the actors issue deepens it)."""
import pytest

from eventwire.ground.actor_kb import load_actor_kb
from eventwire.ground.actors import resolve_actors
from eventwire.ingest.text import parse_text
from eventwire.read import read


def actors_of(nlp, body, kb=None, title="A headline for the test"):
    doc = parse_text(f"{title}\n\n{body}", "t.txt")
    return resolve_actors(read(doc, nlp), kb or load_actor_kb())


def by_mention(actors, text):
    hits = [a for a in actors if any(m.text == text for m in a.mentions)]
    assert hits, f"no actor mentioned as {text!r}: {[(a.name, [m.text for m in a.mentions]) for a in actors]}"
    return hits[0]


@pytest.mark.parametrize("body, mention, code", [
    ("Russian President Vladimir Putin met the delegation in Sochi on Friday.", "Vladimir Putin", "RUSGOV"),
    ("Kremlin spokesperson, Dmitry Peskov, told reporters the meeting was useful.", "Dmitry Peskov", "RUSGOV"),
    ("The talks were hosted by Emmanuel Macron [French president] in Paris.", "Emmanuel Macron", "FRAGOV"),
    ("Jean Dupont, the French defence minister, said the troops would stay.", "Jean Dupont", "FRAGOV"),
    ("Iranian Foreign Minister Ali Example arrived in Baghdad on Sunday.", "Ali Example", "IRNGOV"),
    ("Syrian regime forces shelled the town overnight.", "Syrian regime forces", "SYRMIL"),
    ("Russian warplanes struck a market in the town.", "Russian warplanes", "RUSMIL"),
    ("The Kremlin said the talks would resume next week.", "Kremlin", "RUSGOV"),
    ("The White House rejected the plan on Monday.", "White House", "USAGOV"),
    ("Moscow said it would respond to the sanctions.", "Moscow", "RUSGOV"),
])
def test_title_seat_group_and_metonym_codes(nlp, body, mention, code):
    assert by_mention(actors_of(nlp, body), mention).code == code


def test_surname_joins_the_full_name(nlp):
    actors = actors_of(nlp, "Turkish President Recep Tayyip Erdogan spoke on Friday. "
                            "Later, Erdogan said the talks had failed.")
    full = by_mention(actors, "Recep Tayyip Erdogan")
    assert any(m.text == "Erdogan" for m in full.mentions)
    assert full.code == "TURGOV" and full.kind == "person" and full.role == "president"


def test_country_as_place_is_not_an_actor(nlp):
    actors = actors_of(nlp, "Aid reached families in Syria's Idlib province on Monday, the agency said.")
    assert not any(a.code == "SYR" for a in actors)


def test_coordinated_demonyms_give_one_actor_each(nlp):
    actors = actors_of(nlp, "He said he would meet with his Russian, German and French counterparts on Monday.")
    codes = {a.code for a in actors if a.role}
    assert {"RUSGOV", "DEUGOV", "FRAGOV"} <= codes


def test_mentions_index_their_section(nlp):
    doc = parse_text("Leaders meet\n\nFirst paragraph here.\n\nGerman Chancellor Angela Merkel arrived.", "t.txt")
    for actor in resolve_actors(read(doc, nlp), load_actor_kb()):
        for m in actor.mentions:
            assert doc.section_text(m.section, m.caption_index)[m.start:m.end] == m.text


def test_user_dictionary_adds_and_overrides(nlp, tmp_path):
    (tmp_path / "organisations.tsv").write_text(
        "name\taliases\tcode\tcountry\tsector\tkind\twikidata\n"
        "Harbour Watch\t\tNGO\t\tSOC\torganisation\t\n"
        "International Rescue Committee\tIRC\tNGOTEST\t\tSOC\torganisation\t\n", encoding="utf-8")
    kb = load_actor_kb(str(tmp_path))
    actors = actors_of(nlp, "Harbour Watch and the International Rescue Committee warned of shortages.", kb)
    assert by_mention(actors, "Harbour Watch").code == "NGO"
    assert by_mention(actors, "International Rescue Committee").code == "NGOTEST"
    assert by_mention(actors_of(nlp, "The International Rescue Committee warned of shortages."),
                      "International Rescue Committee").code == "NGO"


def test_credit_agency_is_not_an_actor(nlp):
    doc = parse_text("Smoke over the city\n\nSmoke rises over the city [Jane Roe/Anadolu Agency]\n\n"
                     "Warplanes struck the city centre on Monday, residents said in interviews.", "t.txt")
    actors = resolve_actors(read(doc, nlp), load_actor_kb())
    assert not any("Anadolu" in m.text for a in actors for m in a.mentions)
