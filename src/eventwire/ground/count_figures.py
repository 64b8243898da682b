"""Figures written in digits or words: "12", "1,800", "1.5 million", "two hundred and fifty", "a dozen",
"half a million", "several hundred", and the vague plurals ("dozens", "tens of thousands").

Read over a paragraph's token list (`Paragraph.tokens`); what the figure counts and how it is bounded
is quantities.py's concern.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Token

__all__ = ["FIGURE_WORDS", "UNITS", "Figure", "digits_value", "figure_at", "range_end", "whole_number"]

UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
         "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_MULTIPLIERS = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "dozen": 12}
# Vague plurals are lower bounds (ACLED: "dozens" -> 12, "hundreds" -> 100); "a score" is twenty.
_VAGUE = {"tens": 10, "dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1_000, "millions": 1_000_000,
          "billions": 1_000_000_000}
# The words a figure can start with besides digits (see figure_at and _word_figure).
FIGURE_WORDS = frozenset(UNITS) | frozenset(_TENS) | frozenset(_VAGUE) | {"a", "an", "half", "several", "few"}
_DIGITS = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")


@dataclass
class Figure:
    """A number read from tokens first..last (inclusive) of the paragraph Doc."""

    first: int
    last: int
    value: float
    vague: bool = False


def digits_value(text: str) -> float | None:
    if not _DIGITS.match(text):
        return None
    return float(text.replace(",", ""))


def _word_figure(doc: Sequence[Token], i: int, end: int) -> Figure | None:
    """Number words from token i (of a paragraph's token list, `Paragraph.tokens`): "six", "twenty - five", "a dozen", "two hundred and fifty thousand",
    "1.5 million", "half a million", "several hundred"."""
    total = 0.0
    current = 0.0
    j = i
    started = False  # a number word or digits has been read (not only "a" / "half")
    factor = 1.0
    last_kind = ""
    vague = False
    first = doc[i].lower_
    if first in ("a", "an") and i + 1 < end and doc[i + 1].lower_ in _MULTIPLIERS:
        current, j, last_kind = 1.0, i + 1, "a"
    elif first == "half" and i + 2 < end and doc[i + 1].lower_ in ("a", "an") and doc[i + 2].lower_ in _MULTIPLIERS:
        current, factor, j, last_kind = 1.0, 0.5, i + 2, "a"
    elif first in ("several", "few") and i + 1 < end and doc[i + 1].lower_ in _MULTIPLIERS:
        # "several hundred": at least two of them; "a few" likewise.
        current, factor, j, last_kind, vague = 1.0, 2.0, i + 1, "a", True
    last = i
    while j < end:
        tok = doc[j]
        word = tok.lower_
        number = digits_value(tok.text) if not started and last_kind != "a" else None
        if number is not None:
            current, started, last_kind = number, True, "digits"
        elif last_kind == "digits" and word not in _MULTIPLIERS:
            break
        elif word in UNITS and last_kind in ("", "mult", "and", "hyphen"):
            current += UNITS[word]
            started, last_kind = True, "unit"
        elif word in _TENS and last_kind in ("", "mult", "and"):
            current += _TENS[word]
            started, last_kind = True, "tens"
        elif word == "-" and last_kind == "tens" and j + 1 < end and doc[j + 1].lower_ in UNITS:
            last_kind = "hyphen"
        elif word == "and" and last_kind == "mult" and j + 1 < end and (
                doc[j + 1].lower_ in UNITS or doc[j + 1].lower_ in _TENS):
            last_kind = "and"
        elif word in _MULTIPLIERS and last_kind in ("a", "unit", "tens", "digits", "mult"):
            if last_kind == "mult" and current == 0:
                break
            mult = _MULTIPLIERS[word]
            if mult == 100:
                current *= 100
            else:
                total += current * mult
                current = 0.0
            started, last_kind = True, "mult"
        else:
            break
        last = j
        j += 1
    if not started:
        return None
    return Figure(i, last, (total + current) * factor, vague)


def figure_at(doc: Sequence[Token], i: int, end: int) -> Figure | None:
    word = doc[i].lower_
    if word in _VAGUE:
        scale = _VAGUE.get(doc[i + 2].lower_, 0) if i + 2 < end and doc[i + 1].lower_ == "of" else 0
        if scale >= 1000:  # "tens of thousands", "hundreds of thousands"
            return Figure(i, i + 2, _VAGUE[word] * scale, vague=True)
        return Figure(i, i, _VAGUE[word], vague=True)
    return _word_figure(doc, i, end)


def whole_number(value: float) -> float:
    """Whole numbers as int, so the JSON form reads 800000, not 800000.0."""
    return int(value) if float(value).is_integer() else value


def range_end(doc: Sequence[Token], fig: Figure, end: int) -> Figure | None:
    """The second figure of "N to M" / "N-M" / "between N and M"."""
    j = fig.last + 1
    if j + 1 >= end or doc[j].lower_ not in ("to", "-", "–", "and"):
        return None
    if doc[j].lower_ == "and" and not (fig.first > 0 and doc[fig.first - 1].lower_ == "between"):
        return None
    if doc[j].lower_ == "to" and fig.first > 0 and doc[fig.first - 1].lower_ == "from":
        return None  # "rose from 10 to 20" is a change, not a range
    second = figure_at(doc, j + 1, end)
    if second is None or second.vague or fig.vague or second.value <= fig.value:
        return None
    return second
