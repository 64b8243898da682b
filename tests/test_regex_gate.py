"""The first-character lookahead put in front of a pattern states only what the pattern requires."""
import re

from eventwire.ground.time_grammar import _grammar
from eventwire.regex_gate import PatternSet, first_char_lookahead, gated

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


def _found(matches_of_each):
    return [[(m.span(), m.groupdict()) for m in matches] for matches in matches_of_each]


def test_pattern_set_finds_each_rules_matches_in_one_scan():
    patterns = [pattern for pattern, _ in _grammar()]
    rules = PatternSet(patterns)
    assert rules.scan is not None
    texts = [TEXT, TEXT.lower(), "Sunday afternoon at noon; 4:30pm, the 1990s and 12/03/2019", ""]
    for text in texts:
        assert _found(rules.finditer_each(text)) == _found(pattern.finditer(text) for pattern in patterns)


def test_pattern_set_keeps_finditers_resumption_and_unanchored_branches():
    patterns = [re.compile(r"aba"), re.compile(r"(?<![\w])ab|ba(?P<x>b)?"), re.compile(r"(?<![\w])(?:ab|ba)")]
    rules = PatternSet(patterns)
    assert rules.scan is not None
    # "aba" at 0 hides the one at 2; the second pattern's "ba" branch matches inside words
    assert _found(rules.finditer_each("ababa abab")) == _found(p.finditer("ababa abab") for p in patterns)
    assert [len(m) for m in rules.finditer_each("ababa abab")] == [2, 3, 2]


def test_pattern_set_scans_one_by_one_what_it_cannot_combine():
    for patterns in ([re.compile(r"(a)b\1")], [re.compile(r"(?i)ab")], [re.compile(r"a*")]):
        rules = PatternSet(patterns)
        assert rules.scan is None
        assert _found(rules.finditer_each("aba abaa AB")) == _found(p.finditer("aba abaa AB") for p in patterns)


def test_pattern_set_finds_matches_starting_with_any_character_its_rules_allow():
    # Each rule's first character is tested before the rule (regex_gate._mark): characters outside
    # ASCII (an accented letter, the long s and the Kelvin sign that case-insensitive rules accept
    # for "s" and "k"), a rule whose first characters are unknown (".x"), and a negated class.
    patterns = [re.compile(r"(?i:sun|kilo)"), re.compile(r"(?<![\w])é\w+"), re.compile(r".x"),
                re.compile(r"[^a-z ]\d"), re.compile(r"\d+")]
    rules = PatternSet(patterns)
    assert rules.scan is not None
    text = "ſun SUN Sun KILO Kilo éclair café ax _7 ٣٤ 12"
    assert _found(rules.finditer_each(text)) == _found(p.finditer(text) for p in patterns)
    assert all(rules.finditer_each(text))


def test_number_words_grouped_by_first_letter_match_as_the_plain_alternation():
    from eventwire.ground.time_grammar import _NUMBER_WORDS, _by_first_letter

    words = [r"\d+", r"a\s+few", "couple", "an", "a", "six", "seven", "several", "ten", "two", "kilo", "in"]
    grouped = re.compile(rf"(?i:(?<![\w])(?:{_by_first_letter(words)})(?![\w]))")
    plain = re.compile(rf"(?i:(?<![\w])(?:{'|'.join(words)})(?![\w]))")
    text = ("A few said an ax, a Couple, SIX or ſix, Seven, ſeveral, TEN, Two, KILO, Kilo, İn, ın, in, 12, "
            + " ".join(_NUMBER_WORDS))
    assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert len(plain.findall(text)) > 20
    try:
        _by_first_letter(["ten", "(?:the\\s+)?end"])  # may start with a letter: cannot be kept in place
    except ValueError:
        pass
    else:
        raise AssertionError("an alternative that may open with a letter was grouped")


def test_the_case_partners_are_all_the_letters_re_folds_onto_ascii_letters():
    from eventwire.ground.time_grammar import _CASE_PARTNERS

    folded = re.compile(r"(?i)[a-z]")
    found = {chr(c) for c in range(128, 0x110000) if folded.match(chr(c))}
    assert found == {c for partners in _CASE_PARTNERS.values() for c in partners}
    assert all(re.fullmatch(f"(?i){letter}", c) for letter, partners in _CASE_PARTNERS.items() for c in partners)
