"""The CAMEO/PLOVER codebook and the trigger dictionary, loaded from data/codebook and data/events."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from eventwire.datafiles import builtin_text, read_tsv

__all__ = ["CameoCode", "TriggerRule", "Codebook", "load_codebook"]


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    goldstein: float
    quad_class: int
    plover: str | None
    plover_mode: str | None
    plover_context: str | None


@dataclass(frozen=True)
class TriggerRule:
    lemma: str
    pos: str  # VERB | NOUN
    cameo: str
    when: str  # condition, "" = always

    @property
    def condition(self) -> tuple[str, frozenset[str]] | None:
        if not self.when:
            return None
        kind, _, values = self.when.partition(":")
        return kind, frozenset(v.strip() for v in values.split("|") if v.strip())


@dataclass(frozen=True)
class Codebook:
    codes: dict[str, CameoCode]
    triggers: dict[tuple[str, str], tuple[TriggerRule, ...]]
    light_verbs: dict[str, str]  # lemma -> required particle ("" = none)

    def code(self, cameo: str) -> CameoCode:
        """The row for a code; an unknown 4-digit code falls back to its 3-digit parent."""
        return self.codes.get(cameo) or self.codes[cameo[:3]]

    def plover_of(self, cameo: str) -> str | None:
        return self.code(cameo).plover


def _rows(text: str) -> list[dict[str, str]]:
    return read_tsv(text, "codebook")


def _read(*parts: str) -> str:
    return builtin_text(*parts)


@functools.lru_cache(maxsize=4)
def load_codebook(user_triggers: str | None = None) -> Codebook:
    """Built-in tables; `user_triggers` (a triggers.tsv of the same format) is read first, so its rows
    for a lemma are tried before the built-in ones."""
    codes = {}
    for row in _rows(_read("codebook", "cameo.tsv")):
        codes[row["code"]] = CameoCode(row["code"], row["name"], float(row["goldstein"]), int(row["quad_class"]),
                                       row["plover_type"] or None, row["plover_mode"] or None,
                                       row["plover_context"] or None)
    rows = _rows(Path(user_triggers).read_text("utf-8")) if user_triggers else []
    rows += _rows(_read("events", "triggers.tsv"))
    triggers: dict[tuple[str, str], list[TriggerRule]] = {}
    for row in rows:
        rule = TriggerRule(row["lemma"].lower(), row["pos"].upper(), row["cameo"], row.get("when", ""))
        if rule.cameo not in codes and rule.cameo[:3] not in codes:
            raise ValueError(f"triggers: {rule.lemma} has unknown CAMEO code {rule.cameo}")
        triggers.setdefault((rule.lemma, rule.pos), []).append(rule)
    light = {row["lemma"]: row.get("particle", "") for row in _rows(_read("events", "light_verbs.tsv"))}
    # Conditional rows first (stable), so an unconditional row never hides a more specific one.
    ordered = {k: tuple(sorted(v, key=lambda r: not r.when)) for k, v in triggers.items()}
    return Codebook(codes, ordered, light)
