"""A pattern's first character as a lookahead in front of it: the same matches, found sooner.

Python's regex engine tries a pattern at every position of the text. A pattern that opens with a
lookbehind or an optional group gets none of its fast scans, so each of the time grammar's ~30 rules
cost as much at the letters of "the" as at a date. Put in front of the pattern, a lookahead of the
characters it can start with (`(?=[0-9JFMASOND])`) rejects most positions in one test. It only
states what the pattern already requires, so the matches (and their groups) are the same.

The first characters are read from the parsed pattern (Python's own parser, `re._parser`); whatever
construct is not understood here (a backreference, `.`, a pattern that can match the empty string)
leaves the pattern as it is.

A grammar of many rules still scans each text once per rule. `PatternSet` finds where each of its
patterns matches in one scan: a zero-width lookahead per pattern, tried only where some pattern can
start (and the patterns that begin after a non-word character only at such a position); each
pattern's matches are then taken at those places as its own `finditer` takes them.
"""
from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse

__all__ = ["PatternSet", "first_char_lookahead", "gated"]

_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W",
}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
_ZERO_WIDTH = {sre.ASSERT, sre.ASSERT_NOT, sre.AT}


class _Unknown(Exception):
    """A construct whose first characters are not worked out here."""


def _class_items(items: list) -> tuple[str, bool]:
    """An IN node's members as the inside of a character class, and whether it is negated."""
    parts, negated = [], False
    for op, av in items:
        if op is sre.NEGATE:
            negated = True
        elif op is sre.LITERAL:
            parts.append(re.escape(chr(av)))
        elif op is sre.RANGE:
            parts.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is sre.CATEGORY and av in _CATEGORIES:
            parts.append(_CATEGORIES[av])
        else:
            raise _Unknown(op)
    return "".join(parts), negated


def _first(items, flags: int, out: dict) -> bool:
    """Add the characters a sequence of parsed items can start with to `out` (class insides keyed by
    case-insensitivity; negated classes apart); True when the sequence can match the empty string."""
    for op, av in items:
        if not _first_item(op, av, flags, out):
            return False
    return True


def _first_item(op, av, flags: int, out: dict) -> bool:
    ignore_case = bool(flags & re.IGNORECASE)
    if op is sre.LITERAL:
        out.setdefault(ignore_case, []).append(re.escape(chr(av)))
        return False
    if op is sre.IN:
        inside, negated = _class_items(av)
        if negated:
            out.setdefault("negated", []).append(f"(?i:[^{inside}])" if ignore_case else f"[^{inside}]")
        else:
            out.setdefault(ignore_case, []).append(inside)
        return False
    if op is sre.BRANCH:
        return any([_first(alternative, flags, out) for alternative in av[1]])
    if op is sre.SUBPATTERN:
        _, add, remove, inner = av
        return _first(inner, (flags | add) & ~remove, out)
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _first(av, flags, out)
    if op in _REPEATS:
        low, _, inner = av
        return _first(inner, flags, out) or low == 0
    if op in _ZERO_WIDTH:
        return True  # a lookaround or anchor consumes nothing; leaving its condition out only widens the set
    raise _Unknown(op)


def first_char_lookahead(pattern: str, flags: int = 0) -> str | None:
    """A lookahead of the characters any match of `pattern` starts with, or None when they are not
    known (or the pattern can match the empty string)."""
    try:
        parsed = sre_parse.parse(pattern, flags)
        found: dict = {}
        if _first(parsed.data, parsed.state.flags, found):
            return None
    except (_Unknown, re.error):
        return None
    options = []
    if found.get(False):
        options.append(f"[{''.join(found[False])}]")
    if found.get(True):
        options.append(f"(?i:[{''.join(found[True])}])")
    options += found.get("negated", [])
    return f"(?={'|'.join(options)})" if options else None


def gated(pattern: str, flags: int = 0) -> re.Pattern:
    """`pattern` compiled behind the lookahead of its first characters (as it is when they are not known)."""
    gate = first_char_lookahead(pattern, flags)
    if gate is not None and not re.match(r"\(\?[aiLmsux]+\)", pattern):  # global flags must stay first
        try:
            return re.compile(gate + pattern, flags)
        except re.error:
            pass
    return re.compile(pattern, flags)


_WORD = [(sre.IN, [(sre.CATEGORY, sre.CATEGORY_WORD)])]
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def _after_non_word(pattern: re.Pattern) -> bool:
    """Whether every match of `pattern` starts after a non-word character (or at the text's start):
    its parse opens, after any lookaheads, with `(?<![\\w])` (not only one branch of it)."""
    for op, av in sre_parse.parse(pattern.pattern, pattern.flags).data:
        if op is sre.ASSERT and av[0] == 1:
            continue
        return op is sre.ASSERT_NOT and av[0] == -1 and list(av[1]) == _WORD
    return False


def _mark(k: int, body: str, gate: str | None) -> str:
    """Zero-width: sets the empty group `_k` where `body` matches, else matches empty.

    Where the body's first characters are known, the test of the next character comes first, as
    the first item of a branch (a character class, written case-sensitively), which the regex engine
    rejects without entering the branch: a lookahead first is entered at every position before it
    fails. The class holds the ASCII characters the gate allows and every non-ASCII one (the body
    starts with its own gate, which decides those), and a lookbehind over that one character steps
    back to test the body where the scan stands."""
    if gate is None:
        return f"(?:(?={body})(?P<_{k}>)|)"
    allowed = re.compile(gate)
    ascii_first = "".join(re.escape(chr(c)) for c in range(128) if allowed.match(chr(c)))
    return f"(?=(?:[{ascii_first}\\x80-\\U0010ffff](?<=(?={body})(?P<_{k}>)[\\s\\S])|))"


class PatternSet:
    """Several patterns' matches, each pattern's as its own `finditer` gives them, found in one scan
    of the text instead of one scan per pattern."""

    def __init__(self, patterns: list[re.Pattern]) -> None:
        self.patterns = list(patterns)
        self.scan = self._combined()
        self._groups = [self.scan.groupindex[f"_{k}"] for k in range(len(self.patterns))] if self.scan else []

    def _combined(self) -> re.Pattern | None:
        """One pattern that matches (empty) where any of the patterns match, with an empty group
        `_k` set when pattern k does; None when a pattern cannot be put inside it."""
        bodies = []
        for pattern in self.patterns:
            text = pattern.pattern
            if pattern.flags != re.UNICODE or "(?P=" in text or "(?(" in text or re.search(r"\\[1-9]", text) \
                    or re.match(r"\(\?[aiLmsux]+\)", text) or pattern.groups != len(pattern.groupindex) \
                    or sre_parse.parse(text, pattern.flags).getwidth()[0] == 0:
                return None  # global flags, backreferences, unnamed groups or empty matches: one by one
            bodies.append(_NAMED_GROUP.sub("(?:", text))  # the groups are read from a match of the pattern
        marks = [_mark(k, body, first_char_lookahead(pattern.pattern))
                 for k, (body, pattern) in enumerate(zip(bodies, self.patterns))]
        after_non_word = [k for k, pattern in enumerate(self.patterns) if _after_non_word(pattern)]
        anywhere = [k for k in range(len(bodies)) if k not in after_non_word]
        gate = first_char_lookahead("|".join(f"(?:{body})" for body in bodies)) or ""
        word_start = f"(?:(?<![\\w])(?:{''.join(marks[k] for k in after_non_word)})|)" if after_non_word else ""
        some = "".join(f"(?(_{k})|" for k in range(len(bodies))) + "(?!)" + ")" * len(bodies)
        try:
            return re.compile(gate + word_start + "".join(marks[k] for k in anywhere) + some)
        except re.error:
            return None

    def finditer_each(self, text: str) -> list[list[re.Match]]:
        """For each pattern in order, `list(pattern.finditer(text))`."""
        if self.scan is None:
            return [list(pattern.finditer(text)) for pattern in self.patterns]
        starts: list[list[int]] = [[] for _ in self.patterns]
        for found in self.scan.finditer(text):
            where = found.start()
            spans = found.regs
            for k, group in enumerate(self._groups):
                if spans[group][0] >= 0:
                    starts[k].append(where)
        out = []
        for pattern, places in zip(self.patterns, starts):
            # finditer resumes after each match: a match starting inside the previous one is not one of its matches
            matches, resume = [], 0
            for where in places:
                if where >= resume:
                    match = pattern.match(text, where)
                    matches.append(match)
                    resume = match.end()
            out.append(matches)
        return out
