"""Qualifiers of a figure ("more than 1,800", "no more than $5 million", "about 12 km"): one table and
one reading, shared by counts (quantities.py, over tokens) and money and measures (measures.py, over
text), so a qualifier bounds a count and an amount the same way.

    exact ("12 posts")                           value=low=high=N
    "more than / over / at least N"  (low)       value=N, low=N, high=None (open)
    "nearly / up to / no more than N"  (high)    value=N, low=None, high=N
    "some / about / around N"  (approx)          value=N, no bounds, approximate

The longest phrase wins, so "no more than" (an upper bound) is never read as "more than" (a lower one).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

__all__ = ["Qualifier", "QUALIFIERS", "qualifier_before_tokens", "qualifier_before_text", "bounds"]

Qualifier = Literal["low", "high", "approx"]

_LOW = ("more than", "over", "upwards of", "in excess of", "at least", "no fewer than", "no less than",
        "not less than", "a minimum of", "well over", "just over", "more then")
_HIGH = ("nearly", "almost", "up to", "less than", "fewer than", "under", "just under", "close to", "at most",
         "as many as", "no more than", "not more than", "nearly to", "barely", "fewer then", "less then")
_APPROX = ("some", "about", "around", "roughly", "approximately", "an estimated", "estimated", "approx.",
           "circa", "an approximate", "a reported")

# (words, kind), longest first.
QUALIFIERS: tuple[tuple[tuple[str, ...], Qualifier], ...] = tuple(sorted(
    [(tuple(q.split()), "low") for q in _LOW] + [(tuple(q.split()), "high") for q in _HIGH]
    + [(tuple(q.split()), "approx") for q in _APPROX], key=lambda x: -len(x[0])))
_KIND = {" ".join(words): kind for words, kind in QUALIFIERS}
_LONGEST = max(len(" ".join(words)) for words, _ in QUALIFIERS)
# The phrase ending right before a figure; alternatives longest first, and the leftmost start wins.
_BEFORE = re.compile(r"(?<![\w.])(?i:(" + "|".join(r"\s+".join(re.escape(w) for w in words)
                                                    for words, _ in QUALIFIERS) + r"))\s+$")


def qualifier_before_tokens(words: Sequence[str], first: int, floor: int = 0) -> tuple[Qualifier | None, int]:
    """The qualifier ending right before index `first` of the lower-cased token texts `words` (not
    reaching before `floor`): (kind, index of its first token), or (None, first)."""
    for phrase, kind in QUALIFIERS:
        start = first - len(phrase)
        if start >= floor and tuple(words[start:first]) == phrase:
            return kind, start
    return None, first


def qualifier_before_text(text: str, start: int) -> tuple[Qualifier | None, int]:
    """The qualifier ending right before character `start` of `text` (spaces between): (kind, its
    first character), or (None, start)."""
    window = max(0, start - _LONGEST - 8)
    m = _BEFORE.search(text, window, start)
    if m is None:
        return None, start
    return _KIND[" ".join(m.group(1).lower().split())], m.start(1)


def bounds(kind: Qualifier | None, value: float) -> tuple[float, float | None, float | None, bool]:
    """(value, low, high, approximate) of a figure with this qualifier (see the table above)."""
    if kind == "low":
        return value, value, None, False
    if kind == "high":
        return value, None, value, False
    if kind == "approx":
        return value, None, None, True
    return value, value, value, False
