"""The first-character lookahead put in front of a pattern states only what the pattern requires."""
import re

from eventwire.ground.time_grammar import _grammar
from eventwire.regex_gate import first_char_lookahead, gated

TEXT = ("On Monday, 3 March 2014, two days after the attack, officials said that 1,800 people had fled since "
        "the spring of 2013; talks resume next week at 9:30 a.m. GMT, and the Q3 2014 figures come in the "
        "1990s' style (the 21st century). Thousands marched on New Year's Day, 25/12/2019 and 2019-12-31.")


def test_first_characters_of_alternatives_optional_groups_and_case_folding():
    assert first_char_lookahead(r"(?<!\w)(?:the\s+)?(?:19|20)\d\d") == r"(?=[t12])"
    assert first_char_lookahead(r"(?i:may)|June") == r"(?=[J]|(?i:[m]))"
    assert first_char_lookahead(r"[^a-z]x") == r"(?=[^a-z])"


def test_patterns_whose_start_is_unknown_stay_as_they_are():
    assert first_char_lookahead(r"(?:a)?") is None  # can match the empty string anywhere
    assert first_char_lookahead(r".x") is None
    assert first_char_lookahead(r"(a)(?:\1)?") == "(?=[a])"
    assert first_char_lookahead(r"(a)?(?:\1)?b") is None  # a backreference where a match may start
    assert gated(r"(?i)may").pattern == "(?i)may"  # global flags must stay at the start


def test_gated_time_rules_find_the_same_matches_and_groups():
    for pattern, _ in _grammar():
        assert pattern.pattern.startswith("(?=")  # every rule's first characters are known
        plain = re.compile(pattern.pattern[pattern.pattern.index(r"(?<![\w])"):])
        assert [(m.span(), m.groupdict()) for m in plain.finditer(TEXT)] == \
            [(m.span(), m.groupdict()) for m in pattern.finditer(TEXT)]
    assert sum(1 for pattern, _ in _grammar() for _ in pattern.finditer(TEXT)) > 10
