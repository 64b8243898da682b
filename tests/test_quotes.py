"""Quote grounding on small hand-written articles: one test per quote shape."""
from __future__ import annotations

import pytest

from eventwire.ground.actors import resolve_actors
from eventwire.ground.quote_cues import load_cues
from eventwire.ground.quotes import find_quotes, resolve_quotes
from eventwire.ingest.text import parse_text
from eventwire.read import read
from eventwire.record import TimeRef


@pytest.fixture
def grounded(nlp, kb):
    def run(body: str, times_for=()):
        parsed = read(parse_text("Leaders meet over crisis\n\n" + body, "t.txt", published="2020-02-24T09:25:00"), nlp)
        actors = resolve_actors(parsed, kb)
        times = tuple(_time(parsed, text, value, n) for n, (text, value) in enumerate(times_for, start=1))
        return parsed, actors, times
    return run


def _time(parsed, text: str, value: str, number: int) -> TimeRef:
    start = parsed.document.text.index(text)
    sentence = next(s for s in parsed.sentences if s.section == "body" and s.start <= start < s.end)
    return TimeRef(f"time{number}", text, value, start, start + len(text), "day", "published", sentence.evidence())


def _speaker_name(quote, actors) -> str | None:
    return next((a.name for a in actors if a.id == quote.speaker), None)


def _one(quotes, kind="direct"):
    found = [q for q in quotes if q.kind == kind]
    assert len(found) == 1, found
    return found[0]


def test_straight_marks_cue_before(grounded):
    parsed, actors, times = grounded('German Chancellor Angela Merkel said: "We will not accept new borders in Europe."')
    quote = _one(resolve_quotes(parsed, actors, times))
    assert quote.text == "We will not accept new borders in Europe."
    assert "Merkel" in _speaker_name(quote, actors)
    assert quote.cue == "said"
    assert quote.id == "quote1"


def test_curly_marks_cue_after(grounded):
    parsed, actors, times = grounded("“We will rebuild the city within five years,” French President Emmanuel Macron told reporters.")
    quote = _one(resolve_quotes(parsed, actors, times))
    assert quote.text == "We will rebuild the city within five years"  # the comma belongs to the sentence
    assert "Macron" in _speaker_name(quote, actors)
    assert quote.cue == "told"
    assert quote.evidence.text.startswith("“We will rebuild")


def test_appositive_speaker(grounded):
    parsed, actors, times = grounded("“The talks were useful and frank,” Kremlin spokesperson, Dmitry Peskov, told reporters.")
    found = [q for q in find_quotes(parsed, actors, times) if q.kind == "direct"]
    assert len(found) == 1
    assert _speaker_name(found[0], actors) == "Dmitry Peskov"
    assert found[0].speaker_how == "appositive"
    assert found[0].source is not None and "Peskov" in found[0].source.text


def test_pronoun_takes_previous_speaker(grounded):
    parsed, actors, times = grounded(
        "“The talks were useful and frank,” Kremlin spokesperson, Dmitry Peskov, told reporters.\n\n"
        "“A summit will be held after an agreement between the leaders,” he added.")
    quotes = [q for q in find_quotes(parsed, actors, times) if q.kind == "direct"]
    assert [q.speaker_how for q in quotes] == ["appositive", "pronoun"]
    assert quotes[0].speaker == quotes[1].speaker
    assert quotes[1].source.text == "he"


def test_quote_paragraph_without_cue_continues_the_speaker(grounded):
    parsed, actors, times = grounded(
        "“We expect a ceasefire within days,” Turkish President Recep Tayyip Erdogan said.\n\n"
        "“Our patience with the regime has limits and everybody knows it.”")
    quotes = [q for q in find_quotes(parsed, actors, times) if q.kind == "direct"]
    assert len(quotes) == 2
    assert quotes[1].speaker == quotes[0].speaker and quotes[1].speaker is not None
    assert quotes[1].speaker_how == "continuation"
    assert quotes[1].cue is None


def test_unclosed_quote_ends_with_the_paragraph(grounded):
    parsed, actors, times = grounded(
        "Turkish President Recep Tayyip Erdogan said he would meet his counterparts on 5 March “to discuss "
        "the situation in Idlib, where fighting has displaced many people.\n\n"
        "Fighting continued in the north on Sunday.")
    quote = _one(resolve_quotes(parsed, actors, times))
    assert quote.text == "to discuss the situation in Idlib, where fighting has displaced many people."
    assert "Erdogan" in _speaker_name(quote, actors)


def test_multi_sentence_quote_is_one_quote(grounded):
    parsed, actors, times = grounded(
        "“The first round went well. The second round will be harder,” German Chancellor Angela Merkel said.")
    quote = _one(resolve_quotes(parsed, actors, times))
    assert quote.text == "The first round went well. The second round will be harder"
    assert "Merkel" in _speaker_name(quote, actors)
    # evidence: the sentence where the quoted words start
    assert quote.evidence.text.startswith("“The first round went well.")


def test_bracketed_insertion_is_kept(grounded):
    parsed, actors, times = grounded(
        "“We spoke with Macron [French president] about the crisis at length,” German Chancellor Angela Merkel said.")
    quote = _one(resolve_quotes(parsed, actors, times))
    assert "Macron [French president] about the crisis" in quote.text


def test_scare_quotes_are_nobodys_quote(grounded):
    parsed, actors, times = grounded(
        "Moscow backs holding a “four-way summit” on Syria next month.\n\n"
        "The talks were “still being coordinated” with other governments.")
    quotes = resolve_quotes(parsed, actors, times)
    assert [q for q in quotes if q.kind == "direct"] == []


def test_short_quote_with_its_cue_is_a_quote(grounded):
    parsed, actors, times = grounded("“Absolutely not,” German Chancellor Angela Merkel said.")
    quote = _one(resolve_quotes(parsed, actors, times))
    assert quote.text == "Absolutely not"


def test_indirect_speech(grounded):
    parsed, actors, times = grounded(
        "Turkish President Recep Tayyip Erdogan said he would meet Russian President Vladimir Putin in Moscow.")
    quote = _one(resolve_quotes(parsed, actors, times), kind="indirect")
    assert quote.text == "he would meet Russian President Vladimir Putin in Moscow"
    assert "Erdogan" in _speaker_name(quote, actors)
    assert quote.cue == "said"


def test_indirect_speech_with_that_and_cue_after(grounded):
    parsed, actors, times = grounded(
        "German Chancellor Angela Merkel said that the sanctions would stay in place.\n\n"
        "The border will remain closed until further notice, French President Emmanuel Macron said.")
    quotes = [q for q in resolve_quotes(parsed, actors, times) if q.kind == "indirect"]
    assert [q.text for q in quotes] == ["the sanctions would stay in place",
                                        "The border will remain closed until further notice"]
    assert "Merkel" in _speaker_name(quotes[0], actors)
    assert "Macron" in _speaker_name(quotes[1], actors)


def test_according_to(grounded):
    parsed, actors, times = grounded(
        "According to the International Rescue Committee, at least six children have died of the cold.")
    quote = _one(resolve_quotes(parsed, actors, times), kind="indirect")
    assert quote.text.startswith("at least six children have died")
    assert _speaker_name(quote, actors) == "International Rescue Committee"
    assert quote.cue == "According to"


def test_spoken_date_from_the_cue_and_carried_to_following_quotes(grounded):
    parsed, actors, times = grounded(
        "On Monday, German Chancellor Angela Merkel said “the talks on Friday went well and we will continue.\n\n"
        "“I told the president so yesterday,” Merkel explained.",
        times_for=[("Monday", "2020-02-17"), ("Friday", "2020-02-14"), ("yesterday", "2020-02-23")])
    quotes = [q for q in resolve_quotes(parsed, actors, times) if q.kind == "direct"]
    assert len(quotes) == 2
    # "Monday" attaches to "said"; "Friday" and "yesterday" sit inside quotes and date nothing.
    assert quotes[0].spoken == "2020-02-17"
    assert quotes[1].spoken == "2020-02-17"  # same speaker, no new date


def test_no_spoken_date_when_the_time_belongs_to_the_reported_clause(grounded):
    parsed, actors, times = grounded(
        "Turkish President Recep Tayyip Erdogan said he would meet Putin on Thursday.",
        times_for=[("Thursday", "2020-02-27")])
    quote = _one(resolve_quotes(parsed, actors, times), kind="indirect")
    assert quote.spoken is None


def test_belief_and_finding_take_a_reported_clause(grounded):
    parsed, actors, times = grounded(
        "German Chancellor Angela Merkel believes that the sanctions will work.\n\n"
        "A new poll shows that most voters oppose the plan.")
    found = {q.text: q for q in find_quotes(parsed, actors, times) if q.kind == "indirect"}
    assert found["the sanctions will work"].source.text == "German Chancellor Angela Merkel"
    assert found["most voters oppose the plan"].source.text == "A new poll"
    # Nested: the voters' stance is part of what the poll shows, not an attribution of its own
    # (attribution is univocal, as PolNeAR annotates it).
    assert "the plan" not in found


def test_stance_verb_and_phrasal_cue_take_a_noun_phrase(grounded):
    parsed, actors, times = grounded(
        "French President Emmanuel Macron criticized the new tariffs on steel.\n\n"
        "The union called for a moratorium on school closures.")
    found = [q for q in find_quotes(parsed, actors, times) if q.kind == "indirect"]
    assert [q.text for q in found] == ["the new tariffs on steel", "a moratorium on school closures"]
    assert [q.source.text for q in found] == ["French President Emmanuel Macron", "The union"]


def test_speech_verb_object_is_what_was_said_but_not_the_person_told(grounded):
    parsed, actors, times = grounded(
        "German Chancellor Angela Merkel stressed the need for new talks.\n\n"
        "French President Emmanuel Macron told reporters in Paris.")
    found = [q for q in find_quotes(parsed, actors, times) if q.kind == "indirect"]
    assert [q.text for q in found] == ["the need for new talks"]


def test_nominal_cue_with_a_that_clause(grounded):
    parsed, actors, times = grounded("Macron rejected Putin's claim that the troops had withdrawn.")
    found = [q for q in find_quotes(parsed, actors, times) if q.cue and q.cue.text == "claim"]
    assert len(found) == 1
    assert found[0].text == "the troops had withdrawn"
    assert found[0].source.text == "Putin's"


def test_uncued_quote_after_a_cued_one_shares_its_cue(grounded):
    parsed, actors, times = grounded(
        "“The first round went well,” German Chancellor Angela Merkel said. “The second round will be harder.”")
    found = [q for q in find_quotes(parsed, actors, times) if q.kind == "direct"]
    assert [q.text for q in found] == ["The first round went well", "The second round will be harder."]
    assert all(q.cue is not None and q.cue.text == "said" for q in found)
    assert all("Merkel" in q.source.text for q in found)


def test_speaker_label_of_a_transcript_line(grounded):
    parsed, actors, times = grounded("Interview transcript.\n\n\"WALLACE: Let us start with the news of the day.")
    found = [q for q in find_quotes(parsed, actors, times) if q.kind == "direct"]
    assert len(found) == 1
    assert found[0].text == "Let us start with the news of the day."
    assert found[0].source.text == "WALLACE"


def test_quote_signed_with_a_dash(grounded):
    parsed, actors, times = grounded(
        "Readers wrote in.\n\n“The debate showed who he really is.” ― Jane Doe “We deserve better than this.” ― John Roe")
    found = [q for q in find_quotes(parsed, actors, times) if q.kind == "direct"]
    assert [q.text for q in found] == ["The debate showed who he really is.", "We deserve better than this."]
    assert [q.source.text for q in found] == ["Jane Doe", "John Roe"]


def _indirect_by_text(parsed, actors, times) -> dict:
    return {q.text: q for q in find_quotes(parsed, actors, times) if q.kind == "indirect"}


def test_clause_inside_a_reported_clause_is_not_a_second_attribution(grounded):
    parsed, actors, times = grounded("The senator said the governor plans to raise taxes next year.")
    found = _indirect_by_text(parsed, actors, times)
    assert list(found) == ["the governor plans to raise taxes next year"]
    assert found["the governor plans to raise taxes next year"].source.text == "The senator"


def test_participle_cue_after_a_comma_is_its_own_attribution(grounded):
    parsed, actors, times = grounded(
        "Senator David Perdue said he did not believe the attacks hurt Romney, arguing that division in the party did.")
    found = _indirect_by_text(parsed, actors, times)
    assert set(found) == {"he did not believe the attacks hurt Romney", "division in the party did"}
    assert found["division in the party did"].cue.text == "arguing"


def test_presenting_and_judging_verbs_report_their_object(grounded):
    parsed, actors, times = grounded(
        "He offered no proof of the claim.\n\n"
        "In a speech on Friday, Clinton laid out her proposals for national service.\n\n"
        "Another critic likened the rules to burning the Constitution.")
    found = _indirect_by_text(parsed, actors, times)
    assert found["no proof of the claim"].source.text == "He"
    assert found["her proposals for national service"].cue.text == "laid out"
    assert found["the rules"].cue.text == "likened"
    assert found["the rules"].source.text == "Another critic"


def test_intention_verb_takes_a_short_infinitive(grounded):
    parsed, actors, times = grounded("Through a spokesman, the governor declined to comment.")
    found = _indirect_by_text(parsed, actors, times)
    assert found["to comment"].source.text == "the governor"
    assert found["to comment"].cue_class == "thought"


def test_attitude_adjective_reports_its_clause_or_object(grounded):
    parsed, actors, times = grounded(
        "Many Democrats are afraid that turnout will fall.\n\nGraham has been critical of Trump.")
    found = _indirect_by_text(parsed, actors, times)
    assert found["turnout will fall"].source.text == "Many Democrats"
    assert found["turnout will fall"].cue.text == "afraid"
    assert found["Trump"].source.text == "Graham"
    assert found["Trump"].cue_class == "adjective"


def test_adjective_without_a_complement_is_not_a_cue(grounded):
    parsed, actors, times = grounded("The governor was critical after the storm.")
    assert _indirect_by_text(parsed, actors, times) == {}


def test_noun_of_intention_takes_an_infinitive_only_with_a_holder(grounded):
    parsed, actors, times = grounded(
        "Obama's determination to act alone angered Congress.\n\nThe determination to act alone angered Congress.")
    found = [q for q in find_quotes(parsed, actors, times) if q.cue and q.cue.text == "determination"]
    assert [q.text for q in found] == ["to act alone"]
    assert found[0].source.text == "Obama's"


def test_passive_cue_reports_its_subject_and_the_agent_is_the_source(grounded):
    parsed, actors, times = grounded("The Democratic nominee has been endorsed by dozens of newspapers.")
    found = _indirect_by_text(parsed, actors, times)
    assert found["The Democratic nominee"].source.text == "dozens of newspapers"
    assert found["The Democratic nominee"].cue.text == "endorsed"


def test_describe_as_reports_the_object_and_what_it_is_called(grounded):
    parsed, actors, times = grounded("Democrats also described the showdown as ominous.")
    found = _indirect_by_text(parsed, actors, times)
    assert found["the showdown as ominous"].source.text == "Democrats"


def test_participle_cue_takes_its_noun_or_its_clause_subject_as_source(grounded):
    parsed, actors, times = grounded(
        "A statement announcing the pick was released on Friday.\n\n"
        "He pitched himself to voters by telling them that their lives could not get worse.")
    found = _indirect_by_text(parsed, actors, times)
    assert found["the pick"].source.text == "A statement"
    assert found["their lives could not get worse"].source.text == "He"


def test_relative_pronoun_source_reaches_back_to_its_antecedent(grounded):
    parsed, actors, times = grounded("Rep. Butterfield, who said the remark was an insult, left early.")
    found = _indirect_by_text(parsed, actors, times)
    assert found["the remark was an insult"].source.text == "Rep. Butterfield, who"


def test_question_quote_takes_the_cue_of_the_next_sentence(grounded):
    parsed, actors, times = grounded("“Why is this not proof that the bank is too big to manage?” Vitter demanded.")
    quote = _one(find_quotes(parsed, actors, times))
    assert quote.cue.text == "demanded"
    assert quote.source.text == "Vitter"


def test_paragraph_ending_with_a_cue_and_colon_introduces_the_next_quote(grounded):
    parsed, actors, times = grounded(
        "The pollster spoke at length on Sunday. Caddell continued:\n\n"
        "\"The health issue is very much a partisan issue, but it matters to voters.\"\n\n"
        "The governor added:\n\n"
        "It is typical of her. She knows nothing about the issue.")
    found = [q for q in find_quotes(parsed, actors, times) if q.kind == "direct"]
    assert [q.text for q in found] == ["The health issue is very much a partisan issue, but it matters to voters.",
                                       "It is typical of her. She knows nothing about the issue."]
    assert [q.source.text for q in found] == ["Caddell", "The governor"]
    assert [q.cue.text for q in found] == ["continued", "added"]


def test_list_after_a_colon_without_a_cue_is_not_a_quote(grounded):
    parsed, actors, times = grounded("The plan has three parts:\n\nLower taxes on small firms and build new roads.")
    assert [q for q in find_quotes(parsed, actors, times) if q.kind == "direct"] == []


def test_supporter_or_opponent_reports_what_they_stand_for(grounded):
    parsed, actors, times = grounded(
        "Kaine is a staunch opponent of the death penalty.\n\nClinton, a longtime supporter of NATO, spoke on Friday.")
    found = _indirect_by_text(parsed, actors, times)
    assert found["the death penalty"].source.text == "Kaine"
    assert found["NATO"].source.text == "Clinton"
    assert found["NATO"].cue_class == "partisan"


def test_appearance_is_attributed_without_a_source(grounded):
    parsed, actors, times = grounded("Now the candidate's wife seems to have vanished from the campaign trail.")
    found = _indirect_by_text(parsed, actors, times)
    quote = found["to have vanished from the campaign trail"]
    assert quote.cue.text == "seems" and quote.source is None


def test_appearing_to_make_a_claim_keeps_the_source(grounded):
    parsed, actors, times = grounded("The senator appeared to suggest that the veterans were weak.")
    found = [q for q in find_quotes(parsed, actors, times) if q.cue is not None and q.cue.text == "appeared"]
    assert len(found) == 1 and found[0].source.text == "The senator"


def test_words_quoted_inside_a_reported_clause_share_its_cue(grounded):
    parsed, actors, times = grounded(
        "He told reporters he wants a foreign policy “focused on advancing America's core national interests.”")
    found = find_quotes(parsed, actors, times)
    assert {q.kind for q in found} == {"direct", "indirect"}
    assert all(q.cue.text == "told" and q.source.text == "He" for q in found)


def test_quotes_signed_with_a_dash_glued_to_the_mark(grounded):
    parsed, actors, times = grounded(
        "Readers wrote in.\n\n”The debate showed who he really is.” ― Jane Doe "
        "“We deserve better than this.”― John Roe.")
    found = [q for q in find_quotes(parsed, actors, times) if q.kind == "direct"]
    assert [q.text for q in found] == ["The debate showed who he really is.", "We deserve better than this."]
    assert [q.source.text for q in found] == ["Jane Doe", "John Roe"]


def test_speaker_after_the_cue_when_the_parser_takes_a_quoted_word_for_the_subject(grounded):
    parsed, actors, times = grounded(
        "“The campaign is in panic mode. Full panic mode,” said Leslie Wimes, a political consultant.")
    quote = _one(find_quotes(parsed, actors, times))
    assert quote.source.text == "Leslie Wimes, a political consultant"


def test_cue_table_loads_and_can_be_replaced(tmp_path):
    table = load_cues()
    assert table.single["say"] == "speech"
    assert table.phrasal[("according", "to")] == "attribution"
    assert "claim" in table.nouns and table.single["claim"] == "stance"
    custom = tmp_path / "cues.tsv"
    custom.write_text("# only one cue\ncue\tclass\nmutter\tspeech\n", encoding="utf-8")
    assert load_cues(str(custom)).single == {"mutter": "speech"}


@pytest.mark.shared
def test_seed_quote_checks_pass(nlp, kb, tmp_path):
    """The quote-* checks of the seed's expected.toml, stretch included, on a record of actors and quotes."""
    import json
    import subprocess
    import sys

    from conftest import SHARED, need_shared
    from eventwire.record import ArticleRecord, to_json

    article = need_shared("corpus", "seed-idlib", "article.txt")
    document = parse_text(article.read_text(encoding="utf-8"), str(article))
    parsed = read(document, nlp)
    actors = resolve_actors(parsed, kb)
    record = ArticleRecord(document, actors=actors, quotes=resolve_quotes(parsed, actors))
    path = tmp_path / "record.json"
    path.write_text(json.dumps(to_json(record), ensure_ascii=False), encoding="utf-8")
    result = subprocess.run([sys.executable, str(SHARED / "acceptance" / "check_article.py"), str(path),
                             str(SHARED / "corpus" / "seed-idlib" / "expected.toml"), "--only", "quote-"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed, 0 failed" in result.stdout


# ------------------------------------------------------------------ rules added for PolNeAR source F1

def _found(grounded, body: str, times_for=()):
    parsed, actors, times = grounded(body, times_for)
    return list(find_quotes(parsed, actors, times)), actors


def test_no_spoken_date_from_another_clause(grounded):
    # "2019" modifies "the pact" in the first clause; "thought" has its own subject ("three"), so the
    # time of the other clause is not when anything was thought.
    parsed, actors, times = grounded(
        "Under the 2019 pact France keeps ten bases in the region but three are now thought to be "
        "encircled by rebel fighters.", times_for=[("2019", "2019")])
    quote = _one(resolve_quotes(parsed, actors, times), kind="indirect")
    assert quote.cue == "thought"
    assert quote.spoken is None


def test_spoken_date_still_reaches_a_subjectless_cue(grounded):
    parsed, actors, times = grounded(
        "On Monday, German Chancellor Angela Merkel spoke to reporters, adding that the talks would go on.",
        times_for=[("Monday", "2020-02-17")])
    quote = _one(resolve_quotes(parsed, actors, times), kind="indirect")
    assert quote.cue == "adding"
    assert quote.spoken == "2020-02-17"


def test_an_agreement_to_act_is_an_attribution_as_polnear_annotates_it(grounded):
    # PolNeAR dev: every top-level "X agreed to <verb>" is annotated as a cue with X the source.
    found, actors = _found(grounded, "In March, Germany and France agreed to open talks on a new border treaty.")
    quote = _one(found, kind="indirect")
    assert quote.cue.text == "agreed"
    assert quote.text.startswith("to open talks")
    assert quote.source.text == "Germany and France"


def test_subject_outside_the_quote_wins_over_a_subject_inside_it(grounded):
    found, _ = _found(grounded, "“My answer, that was a disgrace,” Obama's former campaign adviser said in an interview.")
    quote = _one(found)
    assert quote.source is not None and quote.source.text == "Obama's former campaign adviser"


def test_a_date_after_the_cue_is_never_the_speaker(grounded):
    found, _ = _found(grounded, "“He is absolutely right,” said Flynn, a top adviser, on Thursday morning.")
    for quote in found:
        assert quote.source is None or "Thursday" not in quote.source.text


def test_nominal_cue_sources_from_a_subject_from_and_the_holding_verb(grounded):
    found, _ = _found(grounded,
                      "The board rejected warnings from its auditors that the bank was insolvent.\n\n"
                      "Democrats also persisted in arguments that the panel is trying to punish the agency.")
    by_cue = {q.cue.text: q for q in found if q.cue is not None}
    assert by_cue["warnings"].source.text == "its auditors"
    assert by_cue["warnings"].text.startswith("the bank was insolvent")
    assert by_cue["arguments"].source.text == "Democrats"


def test_participle_in_a_prepositional_phrase_takes_the_main_subject(grounded):
    found, _ = _found(grounded, "Smith described the raid as a tragedy but stopped short of calling the officers' actions illegal.")
    calling = next(q for q in found if q.cue is not None and q.cue.text == "calling")
    assert calling.source is not None and calling.source.text == "Smith"


def test_coordinated_cue_inside_a_reported_clause_is_a_second_attribution(grounded):
    found, _ = _found(grounded,
                      "Even China, its only ally, said it was \"resolutely opposed\" to the test and warned North Korea "
                      "to refrain from further actions.")
    said = next(q for q in found if q.cue is not None and q.cue.text == "said")
    assert "warned" not in said.text
    warned = next(q for q in found if q.cue is not None and q.cue.text == "warned")
    assert warned.text.startswith("to refrain")
    assert warned.source.text.startswith("Even China")


def test_a_poll_reports_the_clause_it_modifies(grounded):
    found, _ = _found(grounded, "In the latest Gallup poll, the president's approval rating fell to 40 percent.")
    quote = _one(found, kind="indirect")
    assert quote.cue.text == "In"
    assert quote.source.text == "the latest Gallup poll"
    assert quote.text.startswith("the president's approval rating fell")


def test_an_interview_is_not_a_venue_when_the_verb_is_a_cue(grounded):
    found, _ = _found(grounded, "In an interview, the senator said the bill would pass.")
    assert [q.cue.text for q in found] == ["said"]


def test_headline_cue_by_position(nlp, kb):
    parsed = read(parse_text("Former Army Chief Says Minister Hid Budget Losses From Parliament\n\nThe minister denied it.",
                             "t.txt", published="2020-02-24T09:25:00"), nlp)
    found = find_quotes(parsed, resolve_actors(parsed, kb))
    headline = next(q for q in found if q.content.section == "title")
    assert headline.cue.text == "Says"
    assert headline.source.text == "Former Army Chief"
    assert headline.text == "Minister Hid Budget Losses From Parliament"


def test_headline_with_the_cue_last(nlp, kb):
    parsed = read(parse_text("Minister Hid Budget Losses, Former Army Chief Says.\n\nThe minister denied it.",
                             "t.txt", published="2020-02-24T09:25:00"), nlp)
    found = find_quotes(parsed, resolve_actors(parsed, kb))
    headline = next(q for q in found if q.cue is not None and q.cue.text == "Says")
    assert headline.source.text == "Former Army Chief"
    assert headline.text == "Minister Hid Budget Losses"


def test_the_one_asked_is_not_the_source_of_the_question(grounded):
    found, _ = _found(grounded, "Asked about the explosion, the mayor said the city was safe.")
    asked = [q for q in found if q.cue is not None and q.cue.text.lower().startswith("asked")]
    assert all(q.source is None for q in asked)
    said = next(q for q in found if q.cue is not None and q.cue.text == "said")
    assert said.source.text == "the mayor"


def test_a_statement_issued_by_someone_is_theirs(grounded):
    found, _ = _found(grounded, "The Security Council issued a statement calling the test a clear violation of its resolutions.")
    calling = next(q for q in found if q.cue is not None and q.cue.text == "calling")
    assert calling.source.text == "The Security Council"


def test_describe_reports_its_object_and_speak_about_reaches_past_adverbs(grounded):
    found, _ = _found(grounded,
                      "Former staff described crass behavior by the host behind the scenes.\n\n"
                      "The governor spoke out Tuesday about the death of the teenager.")
    by_cue = {q.cue.text: q for q in found if q.cue is not None}
    assert by_cue["described"].text.startswith("crass behavior")
    assert by_cue["spoke out"].text.startswith("the death of the teenager") if "spoke out" in by_cue else \
        by_cue["spoke"].text.startswith("the death of the teenager")


def test_clause_taking_verb_outside_the_table_needs_that(grounded):
    found, _ = _found(grounded,
                      "Analysts reckon that the central bank will cut rates.\n\n"
                      "The rules mean the firm pays less tax.")
    cues = [q.cue.text for q in found if q.cue is not None]
    assert "reckon" in cues
    assert "mean" not in cues


def test_added_cues_encourage_and_ignore(grounded):
    found, _ = _found(grounded,
                      "The candidate encouraged his supporters to watch the polling stations.\n\n"
                      "The minister ignored the warnings of his advisers.")
    by_cue = {q.cue.text: q for q in found if q.cue is not None}
    assert by_cue["encouraged"].text.startswith("to watch")
    assert by_cue["encouraged"].source.text == "The candidate"
    assert by_cue["ignored"].text.startswith("the warnings")


def test_name_between_closing_mark_and_cue_is_the_source(grounded):
    found, _ = _found(grounded,
                      "The state is investigating the shooting.  “I will just make this promise to you: we will find "
                      "the truth in this case,” Dallas fire Chief Mark Owens said Monday.")
    quote = _one(found)
    assert quote.source is not None and quote.source.text == "Dallas fire Chief Mark Owens"


def test_a_cue_read_as_a_noun_takes_its_subject(grounded):
    found, _ = _found(grounded, "But the mayor claims that she should be the exception.")
    quote = _one(found, kind="indirect")
    assert quote.source is not None and quote.source.text == "the mayor"


def test_a_passive_belief_without_an_agent_has_no_source(grounded):
    found, _ = _found(grounded, "The rebel group is not thought to be capable of striking the capital.")
    quote = _one(found, kind="indirect")
    assert quote.cue.text == "thought"
    assert quote.source is None


def test_a_cue_folded_into_the_name_after_it(grounded):
    # The parser tags "Said" a verb but makes it a compound of the name; which names it does so for
    # varies, so this checks the rule where it applies.
    found, _ = _found(grounded, "Said Ellis: “The budget will not survive the winter.”")
    quote = _one(found)
    assert quote.source is not None and quote.source.text == "Ellis"


def test_a_name_right_before_a_cue_the_parser_left_without_subject(grounded):
    # The parser attaches "analysts" to "of" and leaves "say" without a subject: the noun right
    # before a finite cue is its source.
    found, _ = _found(grounded, "That is a small share of the $40 million analysts say it costs to run for governor.")
    quote = _one(found, kind="indirect")
    assert quote.cue.text == "say"
    assert quote.source is not None and quote.source.text == "analysts"


def test_a_participle_after_an_object_is_held_by_the_object(grounded):
    # "left many farmers feeling that ...": the farmers feel it, not the drought that left them so.
    found, _ = _found(grounded, "The long drought left many farmers feeling that they had been abandoned by the capital.")
    quote = _one(found, kind="indirect")
    assert quote.cue.text == "feeling"
    assert quote.source is not None and quote.source.text == "many farmers"


@pytest.mark.parametrize("body, kind, cue, source", [
    # "said at a press conference announcing ...": the mayor announces, not the press conference.
    ("\"We will rebuild,\" the mayor said at a crowded press conference announcing that the city would borrow "
     "more money.", "indirect", "announcing", "the mayor"),
    ("As the chairman put it, “We cannot keep waiting for a miracle.”", "direct", "put", "the chairman"),
    ("She screamed, “Get out of the car!”", "direct", "screamed", "She"),
    # "Obama said" becomes a parataxis of "bothering": the sayer is the one not bothering to mention.
    ("\"We did it,\" Mr. Obama said, not even bothering to mention the author of that boast.", "indirect",
     "mention", "Mr. Obama"),
    ("“The council will meet again,” the letter reads.", "direct", "reads", "the letter"),
])
def test_cue_and_source_of_one_quote(grounded, body, kind, cue, source):
    found, _ = _found(grounded, body)
    quote = _one(found, kind=kind)
    assert quote.cue.text == cue
    assert quote.source is not None and quote.source.text == source


@pytest.mark.parametrize("body, verb", [
    ("The chairman put the plan on hold until the “review of all options” ends.", "put"),
    ("She read the report twice before the vote.", "read"),
])
def test_verbs_that_are_cues_only_in_some_uses(grounded, body, verb):
    found, _ = _found(grounded, body)
    assert all(q.cue is None or q.cue.text != verb for q in found)


def test_according_to_a_noun_read_as_a_verb(grounded):
    # The parser reads "show" as a verb, so "to" has no object: the first noun after "to" is the source.
    found, _ = _found(grounded, "The host insulted guests, according to show insiders.")
    quote = next(q for q in found if q.cue is not None and q.cue.text == "according to")
    assert quote.source is not None and "insiders" in quote.source.text


def test_finding_a_thing_is_no_attribution(grounded):
    found, _ = _found(grounded, "The leaders found little unity on migration.")
    assert not [q for q in found if q.cue is not None and q.cue.text == "found"]


def test_a_poll_or_study_finding_a_thing_is_an_attribution(grounded):
    for body, source in (("A new poll found broad support for the plan.", "A new poll"),
                         ("The study found higher rates of asthma near the plant.", "The study")):
        found, _ = _found(grounded, body)
        quote = _one(found, kind="indirect")
        assert quote.cue.text == "found"
        assert quote.source is not None and quote.source.text == source


def test_a_text_that_says_speaks_for_the_one_who_released_it(grounded):
    found, _ = _found(grounded, "The ministry released a letter that says the border will stay closed.")
    quote = _one(found, kind="indirect")
    assert quote.cue.text == "says"
    assert quote.source is not None and quote.source.text == "The ministry"



@pytest.mark.parametrize("body, surname", [
    ('Union President Marla Quintero addressed the crowd on the lawn.\n\n'
     '“We need action now,” Quintero said to cheers from the crowd.', "Quintero"),
    ('The talks were led by Foreign Minister Tomas Vargeld.\n\n'
     'Vargeld said the ceasefire was "not, per se, a final settlement", adding that talks would go on.', "Vargeld"),
])
def test_surname_subject_finds_the_person_named_earlier(grounded, body, surname):
    parsed, actors, times = grounded(body)
    # actor grounding joins the bare surname to the full name (actor_coreference); quotes read it there
    person = next(a for a in actors if a.kind == "person" and a.name.endswith(surname) and " " in a.name)
    assert any(m.text == surname for m in person.mentions)
    quotes = [q for q in resolve_quotes(parsed, actors, times) if q.kind == "direct"]
    assert quotes and all(q.speaker == person.id for q in quotes)


def test_surname_shared_by_two_people_stays_unresolved(grounded):
    parsed, actors, times = grounded(
        'Senator Anna Delacroix met Governor Paul Delacroix on Monday.\n\n'
        '“We agreed on nothing,” Delacroix said.')
    assert sum(a.kind == "person" and a.name.endswith(" Delacroix") for a in actors) == 2
    named = {a.id for a in actors if a.kind == "person" and a.name.endswith(" Delacroix")}
    assert not any(m.text == "Delacroix" for a in actors if a.id in named for m in a.mentions)
    assert _one(resolve_quotes(parsed, actors, times)).speaker not in named  # neither of the two


def test_two_subjects_of_a_cue_take_the_one_next_to_it(grounded):
    parsed, actors, times = grounded(
        'Wikileaks editor-in-chief Kristinn Hrafnsson said: "Let us now focus on the threat he has warned about."')
    assert "Hrafnsson" in (_speaker_name(_one(resolve_quotes(parsed, actors, times)), actors) or "")
