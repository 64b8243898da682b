"""Money, areas and distances: amounts with a unit ("$3 billion", "4bn euros", "142,000 acres", "12 km").

Read from each sentence's text with one pattern per kind, from the currencies and units in
data/quantities/currencies.tsv and data/quantities/measure_units.tsv:

- money: a currency symbol or ISO code before the number ("$300m", "US$ 1.2 billion", "EUR 12m"), or
  a code or currency word after it ("4bn euros", "300 million yuan", "12,000 USD"); a scale word
  multiplies (thousand/k, million/m/mn/mln, billion/bn, trillion/tn). The value is in units of the
  currency (3e9) and the quantity's `unit` is its ISO 4217 code.
- areas and distances: a number, an optional scale word and a unit ("142,000 acres", "12 square
  kilometres", "a 26.2-mile race"); the value is converted to km2 or km, the text stays as written.

A qualifier in front ("more than", "no more than", "about") sets the bounds, read by qualifiers.py as
for counts.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from eventwire.datafiles import builtin_text, read_tsv
from eventwire.ground.qualifiers import bounds, qualifier_before_text
from eventwire.regex_gate import gated

__all__ = ["Measure", "find_measures", "load_measure_tables"]

_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6, "mil": 1e6,
           "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12}
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:thousand|million|billion|trillion|bn|mn|mln|trn|tn|k|m|b)(?![\w])"


@dataclass(frozen=True)
class Measure:
    start: int  # character offsets in the text searched
    end: int
    category: str  # money | area | distance
    value: float | None
    low: float | None
    high: float | None
    approximate: bool
    unit: str  # ISO 4217 code, km2 or km


@dataclass(frozen=True)
class MeasureTables:
    money_before: re.Pattern
    money_after: re.Pattern
    measure: re.Pattern
    currency: dict[str, str]  # written (lower case, plural "s" dropped) -> ISO code
    units: dict[str, tuple[str, str, float]]  # written (lower case, no plural "s") -> (kind, unit, factor)


def _key(written: str) -> str:
    w = " ".join(written.lower().replace(".", "").split())
    return w[:-1] if w.endswith("s") and len(w) > 3 else w


def _alternation(words: list[str], plural: bool) -> str:
    out = []
    for w in sorted(words, key=len, reverse=True):
        pattern = r"\s+".join(re.escape(part) for part in w.split())
        if plural and w[-1].isalpha() and not w.endswith("s"):
            pattern += "s?"
        out.append(pattern)
    return "|".join(out)


@functools.lru_cache(maxsize=1)
def load_measure_tables() -> MeasureTables:
    rows = read_tsv(builtin_text("quantities", "currencies.tsv"), "data/quantities/currencies.tsv")
    symbols = [r["written"] for r in rows if not any(ch.isalpha() for ch in r["written"]) or "$" in r["written"]]
    codes = [r["written"] for r in rows if r["written"].isalpha() and r["written"].isupper()]
    words = [r["written"] for r in rows if r["written"] not in symbols and r["written"] not in codes]
    currency = {_key(r["written"]): r["code"] for r in rows}
    currency.update({r["written"]: r["code"] for r in rows})
    units_rows = read_tsv(builtin_text("quantities", "measure_units.tsv"), "data/quantities/measure_units.tsv")
    units = {_key(r["written"]): (r["kind"], r["unit"], float(r["factor"])) for r in units_rows}
    number = rf"(?P<num>{_NUMBER})(?:\s*(?P<scale>{_SCALE}))?"
    money_before = gated(
        rf"(?<![\w$£€¥₹₺])(?P<cur>{_alternation(symbols, False)}|(?:{_alternation(codes, False)})(?=\s?\d))\s?{number}")
    # Words are matched case-insensitively ("Swiss francs"), codes only in capitals ("12m USD").
    money_after = gated(
        rf"(?<![\w.,]){number}\s*(?:(?P<code>{_alternation(codes, False)})|(?i:(?P<word>{_alternation(words, True)})))(?![\w])")
    measure = gated(
        rf"(?<![\w.,]){number}(?:\s*|-)(?i:(?P<unit>{_alternation(list(units), True)}))(?![\w²])")
    # (each behind a lookahead of its first characters, regex_gate: the same matches, scanned sooner)
    return MeasureTables(money_before, money_after, measure, currency, units)


def _amount(m: re.Match) -> float:
    value = float(m["num"].replace(",", ""))
    return value * _SCALES.get((m["scale"] or "").lower(), 1.0)


def find_measures(text: str) -> list[Measure]:
    """The money amounts, areas and distances in `text`, non-overlapping, in text order."""
    tables = load_measure_tables()
    found: list[tuple[int, int, str, float, str]] = []
    for m in tables.money_before.finditer(text):
        code = tables.currency.get(m["cur"]) or tables.currency.get(_key(m["cur"]))
        if code:
            found.append((m.start(), m.end(), "money", _amount(m), code))
    for m in tables.money_after.finditer(text):
        code = tables.currency.get(m["code"]) if m["code"] else tables.currency.get(_key(m["word"]))
        if code:
            found.append((m.start(), m.end(), "money", _amount(m), code))
    for m in tables.measure.finditer(text):
        kind, unit, factor = tables.units.get(_key(m["unit"]), (None, None, 1.0))
        if kind and not (m["scale"] or "").lower() in ("m", "b", "k"):  # "5m" is five metres or five million
            found.append((m.start(), m.end(), kind, round(_amount(m) * factor, 6), unit))
    out: list[Measure] = []
    taken: list[tuple[int, int]] = []
    for start, end, kind, value, unit in sorted(found, key=lambda f: (-(f[1] - f[0]), f[0])):
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        qualifier, first = qualifier_before_text(text, start)
        out.append(Measure(first, end, kind, *bounds(qualifier, value), unit))
    return sorted(out, key=lambda m: m.start)
