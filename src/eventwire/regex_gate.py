"""A pattern's first character as a lookahead in front of it: the same matches, found sooner.

Python's regex engine tries a pattern at every position of the text. A pattern that opens with a
lookbehind or an optional group gets none of its fast scans, so each of the time grammar's ~30 rules
cost as much at the letters of "the" as at a date. Put in front of the pattern, a lookahead of the
characters it can start with (`(?=[0-9JFMASOND])`) rejects most positions in one test. It only
states what the pattern already requires, so the matches (and their groups) are the same.

The first characters are read from the parsed pattern (Python's own parser, `re._parser`); whatever
construct is not understood here (a backreference, `.`, a pattern that can match the empty string)
leaves the pattern as it is.
"""
from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse

__all__ = ["first_char_lookahead", "gated"]

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
