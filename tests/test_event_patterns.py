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


@pytest.mark.parametrize("sentence", ["Police guarded the area next to the explosion.",
                                      "Soldiers patrolled a village close to the chemical attack."])
def test_event_named_as_a_landmark_is_no_new_event(nlp, kb, sentence):
    assert [e for e, _, _ in events_of(nlp, kb, sentence) if e.cameo[:2] in ("18", "19", "20")] == []
