"""The Phoenix dictionaries as eventwire reads them: dated codes, agents, discards, and no guesses,
on sentences written here."""
import pytest

from eventwire.ground.actor_dictionary import DatedCode, DictionaryActor, PhraseTrie, parse_codes, tokens_of
from eventwire.ground.actor_kb import load_actor_kb
from eventwire.ground.actors import resolve_actors
from eventwire.ingest.text import parse_text
from eventwire.read import read

from test_actors import actors_of, by_mention


def actors_on(nlp, body, published):
    doc = parse_text(f"A headline for the test\n\n{body}", "t.txt", published=published)
    return resolve_actors(read(doc, nlp), load_actor_kb())


# --- reading the data -------------------------------------------------------------------------------

def test_codes_hold_on_their_dates_and_the_default_elsewhere():
    entry = DictionaryActor("jan example", "XYZELI 1970-01-01..1999-12-31|XYZGOV 2000-01-01..2004-06-30|XYZELI", "countries")
    assert entry.code_on("2002-03-01") == "XYZGOV"
    assert entry.code_on("1990-01-01") == "XYZELI"
    assert entry.code_on("2010-01-01") == "XYZELI"  # after the office: the undated default
    assert entry.countries == {"XYZ"}


def test_an_open_range_is_not_trusted_after_the_dictionaries_end():
    entry = DictionaryActor("jan example", "XYZGOV 2009-01-20..", "countries")
    assert entry.code_on("2012-05-01") == "XYZGOV"
    assert entry.code_on("2021-05-01") is None  # no default: the caller keeps the country alone


def test_unreadable_range_is_a_clear_error():
    with pytest.raises(ValueError, match="no START..END"):
        parse_codes("XYZGOV 2009-01-20", "test.tsv")
    assert parse_codes("IGOUNO ..2006-12-31", "t") == (DatedCode("IGOUNO", None, "2006-12-31"),)


def test_phrases_are_tokenised_as_article_text_and_matched_longest_first():
    assert tokens_of("Jean-Bertrand Aristide") == ["jean", "bertrand", "aristide"]
    assert tokens_of("people's liberation army (pla)") == ["people", "'s", "liberation", "army", "(", "pla", ")"]
    trie = PhraseTrie()
    trie.add(["national", "army"], "A")
    trie.add(["national", "army", "of", "ruritania"], "B")
    assert trie.longest(["the", "national", "army", "of", "ruritania"], 1) == (5, ["B"])
    assert list(trie.matches(["a", "national", "army", "said"])) == [(1, 3, ["A"])]


# --- date-ranged codes: the same name before and after a change of office ----------------------------

def test_same_name_before_and_after_leaving_office(nlp):
    # Phoenix dates Hamid Karzai's presidency from December 2001, open-ended when it was written.
    during = by_mention(actors_on(nlp, "Hamid Karzai met tribal elders in Kandahar.", "2005-06-01T09:00:00"),
                        "Hamid Karzai")
    assert during.code == "AFGGOV"
    after = by_mention(actors_on(nlp, "Hamid Karzai met tribal elders in Kandahar.", "2019-06-01T09:00:00"),
                       "Hamid Karzai")
    assert after.code == "AFGELI"  # the open range is stale after the dictionaries end: the default


def test_organisation_codes_follow_the_date(nlp):
    before = by_mention(actors_on(nlp, "The Taliban attacked a checkpoint overnight.", "2019-03-01T09:00:00"), "Taliban")
    after = by_mention(actors_on(nlp, "The Taliban attacked a checkpoint overnight.", "2022-03-01T09:00:00"), "Taliban")
    assert before.code == "AFGREB" and after.code == "AFGGOV"


def test_a_name_with_the_same_first_and_last_words_is_the_dictionary_person(nlp):
    # Phoenix lists "Carlos Saul Menem"; his presidency ended in December 1999.
    actor = by_mention(actors_on(nlp, "Carlos Menem appeared before the judge.", "2001-10-01T09:00:00"), "Carlos Menem")
    assert actor.code == "ARGELI"


# --- agents compose ---------------------------------------------------------------------------------

@pytest.mark.parametrize("body, mention, code", [
    ("Turkish troops crossed the border on Monday.", "Turkish troops", "TURMIL"),
    ("Iraqi police arrested two suspects.", "Iraqi police", "IRQCOP"),
    ("The police of Kenya dispersed the crowd.", "police of Kenya", "KENCOP"),
    ("Kenya's gendarmes blocked the road.", "Kenya's gendarmes", "KENCOP"),
    ("Nigerian lawmakers rejected the budget.", "Nigerian lawmakers", "NGALEG"),
])
def test_country_and_agent_noun_compose(nlp, body, mention, code):
    assert by_mention(actors_of(nlp, body), mention).code == code


def test_a_qualified_agent_is_one_actor_with_both_sectors(nlp):
    actor = by_mention(actors_of(nlp, "Kenyan opposition lawmakers walked out of the session."),
                       "Kenyan opposition lawmakers")
    assert actor.country == "KEN" and {actor.code[3:6], actor.code[6:9]} == {"OPP", "LEG"}


def test_plural_group_takes_the_country_of_its_clause_not_the_nearest(nlp):
    actors = actors_of(nlp, "Protesters gathered in Nairobi on Friday, a rights group based in London said.")
    assert by_mention(actors, "Protesters").country == "KEN"
    actors = actors_of(nlp, "Shelling hit Idlib in Syria on Monday. Fighting went on in Syria's north. "
                            "Villagers fled the fighting, according to a monitoring group in Britain.")
    assert by_mention(actors, "Villagers").country is None  # not Britain, and Syria is not said here
    actors = actors_of(nlp, "Shelling hit Idlib in Syria on Monday. Villagers fled the fighting overnight.")
    assert by_mention(actors, "Villagers").country == "SYR"  # the article's, with no other in the sentence


def test_an_unowned_state_organ_is_the_article_countrys_beside_foreign_states(nlp):
    actors = actors_of(nlp, "Shelling hit Idlib in Syria on Monday. Fighting went on in Syria's north. "
                            "Turkey and Iran agreed on a truce, but civilians died in raids by the regime.")
    assert by_mention(actors, "regime").country == "SYR"  # a foreign regime would be named as such
    assert by_mention(actors, "civilians").country is None  # a plain group still takes no guessed country


# --- no guessing ------------------------------------------------------------------------------------

def test_unknown_person_without_a_clue_gets_no_country(nlp):
    actors = actors_of(nlp, "Maria Velmont told reporters in Paris that Germany and France had agreed.")
    velmont = by_mention(actors, "Maria Velmont")
    assert velmont.country is None


def test_titled_person_among_several_countries_keeps_no_country(nlp):
    actors = actors_of(nlp, "Minister Tomas Kellerby said Sweden and Norway would sign the deal.")
    kellerby = by_mention(actors, "Tomas Kellerby")
    assert kellerby.country is None and kellerby.code == "---GOV"


@pytest.mark.parametrize("body, mention, code", [
    ("The Green Future Party won four seats.", "Green Future Party", "---PTY"),
    ("The Harbour Housing Authority raised rents.", "Harbour Housing Authority", "---GOV"),
    ("The Coastal Waters Foundation sued the ministry.", "Coastal Waters Foundation", "NGO"),
    ("Workers at Baghdad University staged a strike.", "Baghdad University", "IRQEDU"),
])
def test_named_organisations_by_their_name_words(nlp, body, mention, code):
    assert by_mention(actors_of(nlp, body), mention).code == code


def test_time_zone_is_no_actor(nlp):
    actors = actors_of(nlp, "The vote closes at 8 p.m. EST on Tuesday, officials said.")
    assert not any(m.text == "EST" for a in actors for m in a.mentions)


# --- discards -------------------------------------------------------------------------------------

def test_a_discarded_phrase_names_no_actor(nlp):
    actors = actors_of(nlp, "Australian Open organisers said the final would start at noon.")
    assert not any(a.country == "AUS" for a in actors)
    actors = actors_of(nlp, "Australian officials said the talks would start at noon.")
    assert any(a.country == "AUS" for a in actors)


# --- bylines and page furniture ---------------------------------------------------------------------

def test_contributor_lines_and_column_bylines_are_no_actors(nlp):
    actors = actors_of(nlp, "The senate passed the bill on Monday. "
                            "Reporters Jane Roe and Max Example contributed to this report.")
    assert not any(a.name in ("Jane Roe", "Max Example") for a in actors)
    doc = parse_text("We need a better plan | Jane Roe\n\nThe senate passed the bill on Monday.", "t.txt")
    actors = resolve_actors(read(doc, nlp), load_actor_kb())
    assert not any("Jane Roe" in m.text for a in actors for m in a.mentions)


def test_page_furniture_is_no_title(nlp):
    # the role word before the furniture is the end of another line's words, not this person's title
    actors = actors_of(nlp, "Minister image caption Anna Example said the vote was fair.")
    assert by_mention(actors, "Anna Example").sector is None


def test_a_surname_the_ner_missed_is_a_mention_of_the_person(nlp):
    actors = actors_of(nlp, "Professor Timothy Weeks was released on Tuesday. "
                            "The university said Weeks' family thanked the staff. Two weeks ago the talks stalled.")
    weeks = by_mention(actors, "Timothy Weeks")
    assert "Weeks" in [m.text for m in weeks.mentions]
    assert "weeks" not in [m.text for a in actors for m in a.mentions]
