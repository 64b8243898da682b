"""The imported CAMEO verb dictionary, its pattern coder and the argument rules of issue 13, on sentences
written for these tests."""
import importlib.util
from pathlib import Path

import pytest
from conftest import need_shared

from eventwire.coding.codebook import load_codebook
from eventwire.coding.verb_patterns import Prep, Slot, Words, compile_dictionary, load_verb_dictionary
from tests.test_events import events_of, only

REPO = Path(__file__).resolve().parents[1]


def _importer():
    spec = importlib.util.spec_from_file_location("import_cameo_verbs", REPO / "tools" / "import_cameo_verbs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SAMPLE = """\
&WEAPON
+ROCKET
+MORTAR_SHELL

####### VERB PATTERNS #######

---  MOVE   [---]  ---
MOVE  # a comment
+PULL_BACK {+PULLED_BACK +PULLING_BACK +PULLS_BACK} [0874]
- * TROOP (INTO +)                                    [192]         # MOVE
- $ * &WEAPON (TOWARD +)                              [194:195]     # MOVE
- * (TO &UNDEFINED)                                   [154]         # MOVE

######## TRANSFORMATIONS ##########
~ a (a b ATTACK) SAY = a b 015
"""


def test_converter_reads_synsets_verbs_patterns_and_paired_codes():
    tables = _importer().convert(SAMPLE)
    rows = {name: [line.split("\t") for line in lines[1:]] for name, lines in tables.items()}
    assert ["weapon", "mortar shell", "yes"] in rows["cameo_synsets.tsv"]
    assert ["move", "", "", "", "move", ""] in rows["cameo_verbs.tsv"]  # no code of its own: patterns only
    assert ["pull", "", "back", "pulled|pulling|pulls", "move", "0874"] in rows["cameo_verbs.tsv"]
    patterns = rows["cameo_patterns.tsv"]
    assert [p[2:5] for p in patterns] == [["* troop (into +)", "192", ""], ["$ * &weapon (toward +)", "194", "195"]]
    assert patterns[0][0] == "move.1"  # the undefined synonym set's pattern is dropped, as PETRARCH2 does


def test_pattern_compiles_words_slots_and_prepositions():
    d = compile_dictionary([{"synset": "weapon", "phrase": "rocket", "plurals": "yes"}],
                           [{"verb": "move", "before": "", "after": "", "forms": "", "block": "move", "cameo": ""}],
                           [{"id": "move.1", "block": "move", "pattern": "$ * &weapon (toward +)", "cameo": "194",
                             "reverse": ""}])
    (pattern,) = d.patterns["move"]
    assert pattern.pre == (Slot("source"),)
    assert pattern.post == (Words((("rocket",), ("rockets",))), Prep("toward", (Slot("target"),)))
    assert d.forms["moved"][0].block == "move" and d.forms["moving"][0].verb == "move"


def test_builtin_dictionary_is_the_field_dictionary_and_loads_from_its_cache():
    first = load_verb_dictionary()
    assert len(first) > 4000 and len(first.forms) > 5000  # ~4,500 patterns, ~1,800 verbs in all their forms
    again = load_verb_dictionary()
    assert again.patterns.keys() == first.patterns.keys()


def test_recode_tables_are_codebook_data():
    codebook = load_codebook()
    assert codebook.recode("intent", "042") == "036" and codebook.recode("refusal", "042") == "125"
    assert codebook.recode("intent", "010") is None


def test_coordinated_parties_meeting_are_pairwise_events(nlp, kb):
    events = events_of(nlp, kb, "Chile, Peru and Bolivia held talks in Lima.")
    pairs = {(s[0], t[0]) for e, s, t in events if e.cameo.startswith("04")}
    assert pairs == {(a, b) for a in ("CHL", "PER", "BOL") for b in ("CHL", "PER", "BOL") if a != b}
    assert all(len(s) == 1 and len(t) == 1 for _, s, t in events)


def test_passive_agent_is_the_source(nlp, kb):
    e, src, tgt = only(events_of(nlp, kb, "The Syrian army was attacked by Turkish troops."))
    assert e.plover == "ASSAULT" and src == ["TURMIL"] and tgt == ["SYRMIL"]


def test_who_fired_the_weapon_that_is_the_agent_is_the_source(nlp, kb):
    e, src, _ = only(events_of(nlp, kb, "The convoy was hit by a rocket fired by Syrian rebels."))
    assert e.plover == "ASSAULT" and src == ["SYRREB"]


def test_agentless_casualties_are_the_target_with_no_invented_source(nlp, kb):
    e, src, tgt = only(events_of(nlp, kb, "There were four Iraqi soldiers killed in the attack."))
    assert e.plover == "ASSAULT" and src == [] and tgt == ["IRQMIL"]


def test_noun_trigger_takes_its_light_verbs_subject(nlp, kb):
    e, src, tgt = only(events_of(nlp, kb, "Syrian rebels launched an offensive against Turkish troops."))
    assert e.cameo == "190" and src == ["SYRREB"] and tgt == ["TURMIL"]


@pytest.mark.parametrize("sentence", ["The newspaper launched a media attack on the Turkish government.",
                                      "The Iranian president launched a verbal attack on Israel."])
def test_figure_of_speech_is_criticism_not_assault(nlp, kb, sentence):
    e, _, _ = only(events_of(nlp, kb, sentence))
    assert e.cameo == "111" and e.plover == "ACCUSE"


def test_scene_setting_noun_is_no_new_event(nlp, kb):
    assert events_of(nlp, kb, "Iraq has been unstable since the American invasion.") == []


def test_phrasal_verb_from_the_imported_dictionary(nlp, kb):
    e, src, _ = only(events_of(nlp, kb, "Afghan rebels blew up a bridge near Kabul."))
    assert e.rule.startswith("cameo:") and "blow up" in e.rule and e.cameo[:2] in ("18", "19", "20")
    assert src == ["AFGREB"]


def test_pattern_with_a_preposition_slot_names_the_target(nlp, kb):
    e, src, tgt = only(events_of(nlp, kb, "Russia moved troops into Georgia."))
    assert e.cameo == "192" and e.rule.startswith("cameo:move.") and src == ["RUS"] and tgt == ["GEO"]


def test_reversed_code_swaps_the_roles(nlp, kb):
    e, src, tgt = only(events_of(nlp, kb, "Russia gained recognition from France."))
    assert e.cameo == "054" and src == ["FRA"] and tgt == ["RUS"]


def test_user_rows_extend_the_imported_dictionary(tmp_path):
    (tmp_path / "cameo_verbs.tsv").write_text("verb\tbefore\tafter\tforms\tblock\tcameo\nzorble\t\t\t\tmy_block\t\n")
    (tmp_path / "cameo_patterns.tsv").write_text(
        "id\tblock\tpattern\tcameo\treverse\tnote\nmy_block.1\tmy_block\t* (against +)\t141\t\tzorble\n")
    verbs = load_codebook(None, str(tmp_path)).verbs
    assert verbs.forms["zorbled"][0].block == "my_block"
    assert verbs.patterns["my_block"][0].post == (Prep("against", (Slot("target"),)),)
    with pytest.raises(ValueError, match="not a folder"):
        load_codebook(None, str(tmp_path / "missing"))


def test_dictionary_pattern_refines_a_trigger_row_within_its_root(nlp, kb):
    e, src, tgt = only(events_of(nlp, kb, "Iran asked Japan for financial aid."))
    assert e.cameo == "0231" and e.rule.startswith("cameo:ask.") and src == ["IRN"] and tgt == ["JPN"]


def test_relative_pronoun_subject_is_the_noun_its_clause_describes(nlp, kb):
    e, src, tgt = only(events_of(nlp, kb, "Syrian rebels, who attacked Turkish troops on Monday, said they would continue."))
    assert e.plover == "ASSAULT" and src == ["SYRREB"] and tgt == ["TURMIL"]


@pytest.mark.parametrize("sentence, cameo", [
    ("Syrian government forces used chemical weapons against rebels in Ghouta.", "2041"),
    ("A chemical attack by Syrian government forces killed dozens in Douma.", "2041"),
    ("Militia fighters raped women in the village.", "1821"),
])
def test_unconventional_and_sexual_violence_branches(nlp, kb, sentence, cameo):
    assert cameo in [e.cameo for e, _, _ in events_of(nlp, kb, sentence)]


def test_builtin_files_are_the_converters_output(tmp_path):
    source = need_shared("reference", "petrarch2-dictionaries")
    assert _importer().main([str(source), "--out", str(tmp_path)]) == 0
    data = REPO / "src" / "eventwire" / "data" / "events"
    for name in ("cameo_synsets.tsv", "cameo_verbs.tsv", "cameo_patterns.tsv", "CAMEO-VERBS-LICENSE.txt"):
        assert (tmp_path / name).read_text("utf-8") == (data / name).read_text("utf-8"), name
    assert "676801c" in (data / "CAMEO-VERBS-LICENSE.txt").read_text("utf-8")


def test_a_conditional_time_clause_is_no_event_of_its_own(nlp, kb):
    # "until / unless / once X happens" frames the main event; X has not happened
    found = events_of(nlp, kb, "Poland rejected requests by Ukraine for loans, saying it would wait until "
                               "a new cabinet takes over.")
    assert found and not any("take over" in e.rule or "take_control" in e.rule for e, _, _ in found)


def test_a_conditional_row_that_does_not_hold_leaves_the_verb_to_the_dictionary(nlp, kb):
    # the table codes "gain" only with a territorial object; with another object the dictionary decides
    e, _, _ = only(events_of(nlp, kb, "Russia gained recognition from France."))
    assert e.rule.startswith("cameo:")


def test_participle_clause_is_done_by_its_head_clauses_subject(nlp, kb):
    # "..., killing N and wounding M": the participles have no subject of their own
    events = events_of(nlp, kb, "Artillery shells fired by Libyan rebels fell on the market on Friday, killing three "
                                "people and wounding nine others.")
    assert events and all(src == ["LBYREB"] for e, src, _ in events if e.plover == "ASSAULT"), [
        (e.rule, s) for e, s, _ in events]


def test_agent_of_an_event_noun_the_verb_names(nlp, kb):
    # "killed in a Russian airstrike": the nationality before the noun is the agent; the day dates the clause
    events = events_of(nlp, kb, "A Turkish soldier was killed in a Russian airstrike on Tuesday.",
                       published="2021-06-10T10:00:00")
    killed = [(e, s, t) for e, s, t in events if e.plover == "ASSAULT" and s == ["RUS"]]
    assert killed, [(e.rule, s, t) for e, s, t in events]
    assert all(e.date["value"] == "2021-06-08" for e, _, _ in killed)


def test_time_phrase_on_a_participle_describing_a_participant_dates_the_event(nlp, kb):
    e, _, tgt = only(events_of(nlp, kb, "Two French engineers were abducted by gunmen wearing police uniforms in "
                                        "March 2019."))
    assert e.cameo[:3] == "181" and tgt and e.date["value"] == "2019-03"


def test_means_noun_codes_a_general_verb_of_violence_more_precisely(nlp, kb):
    # each of coordinated modifiers names the noun's event ("suicide and car bomb attacks" -> suicide attack)
    e, _, tgt = only(events_of(nlp, kb, "At least 20 people were killed and 30 were wounded in suicide and car bomb "
                                        "attacks in Damascus."))
    assert e.cameo == "1831" and "+means:attack" in e.rule and tgt


def test_participle_clause_is_dated_by_its_head_clause(nlp, kb):
    e, src, _ = only(events_of(nlp, kb, "Artillery shells fired by Libyan rebels fell on the market early on Friday, "
                                        "killing three people.", published="2021-06-10T10:00:00"))
    assert src == ["LBYREB"] and e.date["value"] == "2021-06-04"


def test_verb_whose_pattern_takes_in_an_event_noun_codes_the_sentence(nlp, kb):
    # "condemned the attack": the condemnation is the event; the attack is its topic
    e, src, _ = only(events_of(nlp, kb, "France condemned the Russian attack on Ukraine."))
    assert e.plover == "ACCUSE" and src == ["FRA"]


@pytest.mark.parametrize("sentence, plover", [("German lawmakers attacked the French plan for the budget.", "ACCUSE"),
                                              ("Russian troops attacked the Ukrainian town of Bakhmut.", "ASSAULT")])
def test_attack_on_a_decision_or_words_is_criticism(nlp, kb, sentence, plover):
    e, _, _ = only(events_of(nlp, kb, sentence))
    assert e.plover == plover


def test_protest_setting_takes_the_subject_of_the_clause_the_verb_completes(nlp, kb):
    e, src, tgt = only(events_of(nlp, kb, "Palestinian youths resorted to throwing stones during demonstrations "
                                          "against Israel."))
    assert e.plover == "PROTEST" and src == ["PSECVL"] and tgt == ["ISR"]


def test_failed_act_is_negated(nlp, kb):
    events = events_of(nlp, kb, "Israel and Syria failed to reach an agreement on the Golan Heights.")
    assert events and all("negated" in e.modality and "asserted" not in e.modality for e, _, _ in events)


def test_meeting_a_clause_is_set_in_takes_its_subject_as_the_parties(nlp, kb):
    events = events_of(nlp, kb, "U.S. and Russian negotiators return to Geneva this week for talks on missiles.")
    assert {(e.plover, tuple(s), tuple(t)) for e, s, t in events} == {
        ("CONSULT", ("USAGOV",), ("RUSGOV",)), ("CONSULT", ("RUSGOV",), ("USAGOV",))}
    # a meeting is set by "for"/"at" only: an act during talks is no meeting of its author
    assert {e.plover for e, _, _ in events_of(nlp, kb, "Israeli jets bombed Gaza during talks in Cairo.")} == {
        "ASSAULT"}


def test_suspected_attack_is_hedged(nlp, kb):
    e, _, _ = only(events_of(nlp, kb, "Dozens of Syrian civilians were killed in a suspected chemical attack in Idlib."))
    assert e.cameo == "2041" and "hedged" in e.modality and "asserted" not in e.modality


def test_coordinated_sides_are_each_others_target_over_one_sides_own_actor(nlp, kb):
    events = events_of(nlp, kb, "Israel and Lebanon renewed negotiations today on an Israeli troop pullback.")
    assert {(tuple(s), tuple(t)) for _, s, t in events} == {(("ISR",), ("LBN",)), (("LBN",), ("ISR",))}


def test_intent_verb_with_an_infinitive_parsed_as_purpose_announces_the_act(nlp, kb):
    e, _, _ = only(events_of(nlp, kb, "Ethnic Albanians have sworn to fight until they gain control of the villages."))
    assert e.plover == "THREATEN" and "intended" in e.modality


def test_participle_toll_of_an_event_noun_is_no_second_event(nlp, kb):
    e, _, _ = only(events_of(nlp, kb, "A chemical attack hit the town of Khan Sheikhun in Idlib, killing at least "
                                      "87 civilians."))
    assert e.cameo == "2041"
