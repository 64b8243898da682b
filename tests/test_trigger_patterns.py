"""The trigger table's dependency patterns (coding/trigger_patterns.py): compiling, matching at a trigger,
binding source and target from the matched nodes, and the row id in Event.rule; on sentences written for
these tests."""
import pytest

from eventwire.coding.codebook import load_codebook
from eventwire.coding.events import code_events
from eventwire.coding.trigger_patterns import compile_pattern, shorthand_pattern
from eventwire.ground.actors import resolve_actors
from eventwire.ingest.text import parse_text
from eventwire.read import read
from tests.test_events import events_of, only


def _token(nlp, text, word):
    doc = nlp(text)
    return next(t for t in doc if t.text == word)


def test_pattern_binds_passive_agent_and_subject(nlp):
    pattern = compile_pattern("* >nsubjpass + ; * >agent by >pobj $", "test")
    verb = _token(nlp, "The convoy was attacked by rebels near the town.", "attacked")
    found = pattern.match(verb)
    assert found is not None
    assert verb.doc[found.source].text == "rebels" and verb.doc[found.target].text == "convoy"
    assert found.words == frozenset({verb.i + 1})  # "by", a pattern word
    active = _token(nlp, "Rebels attacked the convoy near the town.", "attacked")
    assert pattern.match(active) is None  # no passive subject: the pattern does not hold


def test_pattern_words_match_text_lemma_or_head(nlp):
    noun = _token(nlp, "Israel severed its ties with Iran.", "ties")
    assert compile_pattern("* <dobj|nsubjpass sever|cut", "test").match(noun) is not None
    assert compile_pattern("* <dobj|nsubjpass restore", "test").match(noun) is None
    prep = _token(nlp, "Troops fired rockets at the village.", "fired")
    found = compile_pattern("* >prep at|on >pobj +", "test").match(prep)
    assert found is not None and prep.doc[found.target].text == "village"
    assert compile_pattern("* >prep into >pobj +", "test").match(prep) is None


def test_when_shorthands_are_patterns():
    assert shorthand_pattern("prep:for|on", "t").alternatives == compile_pattern("* >prep for|on", "t").alternatives
    assert shorthand_pattern("verb:lift", "t").names_head
    assert shorthand_pattern("source:MIL", "t") is None  # a condition on actors, not on the parse


def test_alternatives_match_the_first_that_holds(nlp):
    pattern = shorthand_pattern("object:inspector|diplomat", "test")
    direct = _token(nlp, "Iraq expelled the inspectors on Monday.", "expelled")
    assert pattern.match(direct) is not None
    group = _token(nlp, "Iraq expelled a team of inspectors on Monday.", "expelled")
    found = pattern.match(group)
    assert found is not None and group.doc[max(found.words)].text == "inspectors"
    other = _token(nlp, "Iraq expelled a team of journalists on Monday.", "expelled")
    assert pattern.match(other) is None


def test_a_negated_link_holds_where_no_such_node_is_linked(nlp):
    no_object = compile_pattern("* !>dobj|nsubjpass _", "test")
    assert no_object.match(_token(nlp, "The army mobilized near the border.", "mobilized")) is not None
    assert no_object.match(_token(nlp, "The army mobilized its reservists.", "mobilized")) is None
    either = shorthand_pattern("object:-|reservist", "test")
    assert either.match(_token(nlp, "The army mobilized its reservists.", "mobilized")) is not None
    assert either.match(_token(nlp, "The party mobilized its voters.", "mobilized")) is None


@pytest.mark.parametrize("text", ["", "* >dobj + ||", "* !>dobj +", "attack >dobj +", "* >dobj", "* dobj +", "* >dobj *"])
def test_bad_pattern_is_an_error_naming_the_row(text):
    with pytest.raises(ValueError, match="triggers:fire/VERB/3"):
        compile_pattern(text, "triggers.tsv: row triggers:fire/VERB/3")


def test_prep_slot_binds_target_before_the_object(nlp, kb):
    e, src, tgt = only(events_of(nlp, kb, "Egyptian police fired Russian rockets at Israeli soldiers."))
    assert e.cameo == "190" and src == ["EGYCOP"] and tgt == ["ISRMIL"]  # not the object's Russian rockets
    assert e.rule == "triggers:fire/VERB/1 via pattern-slots"  # the row's id: fire/VERB's first row


def test_patterned_rows_keep_the_table_order(nlp, kb):
    e, src, tgt = only(events_of(nlp, kb, "Russia called off the talks with Ukraine."))
    assert e.cameo == "082" and src == ["RUS"] and e.rule.startswith("triggers:call/VERB/")


def _coded(nlp, kb, body, codebook):
    parsed = read(parse_text(f"A headline for the test\n\n{body}", "t.txt", published="2021-06-10"), nlp)
    actors = resolve_actors(parsed, kb)
    codes = {a.id: a.code for a in actors}
    return [(e, [codes[i] for i in e.source], [codes[i] for i in e.target])
            for e in code_events(parsed, actors, codebook)]


def test_user_pattern_decides_roles_against_the_default_binding(nlp, kb, tmp_path):
    user = tmp_path / "triggers.tsv"
    user.write_text("lemma\tpos\tcameo\twhen\tpattern\n"
                    "praise\tVERB\t051\t\t* >nsubjpass + ; * >agent by >pobj $\n"
                    # the object's "from" phrase visits the subject: the subject is the host (target)
                    "welcome\tVERB\t042\t\t* >dobj delegation|envoy >prep from >pobj $ ; * >nsubj +\n",
                    encoding="utf-8")
    codebook = load_codebook(str(user))
    e, src, tgt = only(_coded(nlp, kb, "The German government was praised by French President Emmanuel Macron.",
                              codebook))
    assert (e.cameo, src, tgt) == ("051", ["FRAGOV"], ["DEUGOV"])
    assert e.rule == "user-triggers:praise/VERB/1 via pattern-slots"
    body = "Egypt welcomed a delegation from Israel."
    _, src, tgt = only(_coded(nlp, kb, body, load_codebook()))
    assert (src, tgt) == (["EGY"], ["ISR"])  # the default binding: subject, then the object's actors
    e, src, tgt = only(_coded(nlp, kb, body, codebook))
    assert (e.cameo, src, tgt) == ("042", ["ISR"], ["EGY"])
    assert e.rule == "user-triggers:welcome/VERB/1 via pattern-slots"  # numbered within its lemma and POS


def test_user_row_with_a_bad_pattern_names_the_file_row(tmp_path):
    user = tmp_path / "triggers.tsv"
    user.write_text("lemma\tpos\tcameo\tpattern\nfire\tVERB\t190\t* >prep at >pobj\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"{user}: row user-triggers:fire/VERB/1"):
        load_codebook(str(user))


def test_a_conjunct_shares_its_heads_link(nlp):
    verb = _token(nlp, "Protesters blocked traffic and roads in the capital.", "blocked")
    found = compile_pattern("* >dobj|nsubjpass road", "test").match(verb)
    assert found is not None and verb.doc[min(found.words)].text == "roads"
    noun = _token(nlp, "The army lifted the curfew and the blockade.", "blockade")
    assert compile_pattern("* <dobj|nsubjpass lift", "test").match(noun) is not None


def test_noun_pattern_binds_the_light_verbs_subject_and_a_target(nlp, kb, tmp_path):
    user = tmp_path / "triggers.tsv"
    user.write_text("lemma\tpos\tcameo\twhen\tpattern\n"
                    "campaign\tNOUN\t112\t\t* <dobj launch|mount >nsubj $ ; * >prep against >pobj +\n",
                    encoding="utf-8")
    e, src, tgt = only(_coded(nlp, kb, "Turkey launched a campaign against Greece.", load_codebook(str(user))))
    assert (e.cameo, src, tgt) == ("112", ["TUR"], ["GRC"])
    assert e.rule == "user-triggers:campaign/NOUN/1 via pattern-slots" and e.trigger == "launched … campaign"


def test_a_source_condition_reads_the_patterns_source(nlp, kb, tmp_path):
    user = tmp_path / "triggers.tsv"
    # the condition on the source's sector reads the phrase the pattern binds as source (the visiting army),
    # not the subject the default binding would take (the host government)
    user.write_text("lemma\tpos\tcameo\twhen\tpattern\n"
                    "welcome\tVERB\t042\tsource:MIL\t* >dobj delegation >prep from >pobj $ ; * >nsubj +\n",
                    encoding="utf-8")
    codebook = load_codebook(str(user))
    e, src, tgt = only(_coded(nlp, kb, "The Egyptian government welcomed a delegation from the Israeli army.",
                              codebook))
    assert (e.cameo, src, tgt) == ("042", ["ISRMIL"], ["EGYGOV"]) and e.rule.startswith("user-triggers:welcome/VERB/1")
    assert not any(e.rule.startswith("user-triggers:") for e, _, _ in _coded(
        nlp, kb, "The Egyptian army welcomed a delegation from the Israeli government.", codebook))
