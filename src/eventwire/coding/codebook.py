"""The CAMEO/PLOVER codebook and the trigger dictionaries, loaded from data/codebook and data/events: the
project's trigger table (triggers.tsv, light_verbs.tsv), the imported CAMEO verb dictionary
(cameo_*.tsv, compiled by coding/verb_patterns.py) and the modality recodes (recodes.tsv)."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.coding.trigger_patterns import TriggerPattern, compile_pattern, shorthand_pattern
from eventwire.coding.verb_patterns import VerbDictionary, load_verb_dictionary
from eventwire.datafiles import builtin_text, read_tsv

__all__ = ["CameoCode", "NO_CODE_FIELDS", "TriggerRule", "Codebook", "load_codebook"]


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    goldstein: float
    quad_class: int
    plover: str | None
    plover_mode: str | None
    plover_context: str | None

    def event_fields(self) -> dict[str, object]:
        """What an Event carries of its code beside the code itself (record.Event's fields of that name)."""
        return {"cameo_name": self.name, "plover": self.plover, "plover_mode": self.plover_mode,
                "plover_context": self.plover_context, "quad_class": self.quad_class, "goldstein": self.goldstein}


# An event with no CAMEO code (an incident outside CAMEO).
NO_CODE_FIELDS: dict[str, object] = {"cameo_name": "", "plover": None, "plover_mode": None,
                                    "plover_context": None, "quad_class": None, "goldstein": None}


@dataclass(frozen=True)
class TriggerRule:
    lemma: str
    pos: str  # VERB | NOUN
    cameo: str
    when: str  # condition on actors or complements (source:, xcomp:), "" = always
    # The pattern's id (trigger rows with a pattern: "triggers:<lemma>/<POS>/<n>", the n-th row of that lemma
    # and part of speech; imported CAMEO patterns: "cameo:<block>.<n>"); "" = the row's own text
    id: str = ""
    weak: bool = False  # an imported verb coded by its synonym block alone, with no pattern words around it
    pattern: TriggerPattern | None = None  # the dependency pattern that must match at the trigger

    @property
    def name(self) -> str:
        """The rule's id as Event.rule shows it."""
        return self.id or f"{self.lemma}/{self.pos}->{self.cameo}" + (f" [{self.when}]" if self.when else "")

    @property
    def conditional(self) -> bool:
        """The row codes only where its condition or pattern holds."""
        return bool(self.when or self.pattern)

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
    verbs: VerbDictionary | None = None  # the imported CAMEO verb dictionary
    recodes: dict[str, dict[str, str]] = field(default_factory=dict)  # modality -> CAMEO root -> code

    def recode(self, modality: str, cameo: str) -> str | None:
        """The code of an act announced with this modality (intent, refusal, ultimatum), if CAMEO has one."""
        return self.recodes.get(modality, {}).get(cameo[:2])

    def code(self, cameo: str) -> CameoCode:
        """The row for a code; an unknown 4-digit code falls back to its 3-digit parent."""
        return self.codes.get(cameo) or self.codes[cameo[:3]]

    def plover_of(self, cameo: str) -> str | None:
        return self.code(cameo).plover


def _trigger_rule(row: dict[str, str], table: str, file: str, numbers: dict[tuple[str, str], int]) -> TriggerRule:
    """A trigger row with its pattern compiled: the `pattern` column, else the pattern a parse condition of
    `when` stands for ("prep:for" is "* >prep for"); such a row is named by its id, "<table>:<lemma>/<POS>/<n>"."""
    lemma, pos = row["lemma"].lower(), row["pos"].upper()
    n = numbers[(lemma, pos)] = numbers.get((lemma, pos), 0) + 1
    where = f"{file}: row {table}:{lemma}/{pos}/{n} (row {n} of {lemma}/{pos})"
    when = row.get("when", "")
    pattern = shorthand_pattern(when, where) if when else None
    if pattern is not None:
        when = ""
    if row.get("pattern"):
        if pattern is not None:
            raise ValueError(f"{where}: a parse condition in `when` and a `pattern` (write one pattern)")
        pattern = compile_pattern(row["pattern"], where)
    rule_id = f"{table}:{lemma}/{pos}/{n}" if pattern is not None else ""
    return TriggerRule(lemma, pos, row["cameo"], when, rule_id, pattern=pattern)


def _trigger_rows(text: str, where: str) -> list[dict[str, str]]:
    return read_tsv(text, where, optional=("when", "pattern"))


def _rows(text: str) -> list[dict[str, str]]:
    return read_tsv(text, "codebook")


def _read(*parts: str) -> str:
    return builtin_text(*parts)


@functools.lru_cache(maxsize=4)
def load_codebook(user_triggers: str | None = None, user_verb_patterns: str | None = None,
                  verb_dictionary: bool = True) -> Codebook:
    """Built-in tables; `user_triggers` (a triggers.tsv of the same format) is read first, so its rows
    for a lemma are tried before the built-in ones; `user_verb_patterns` is a folder whose
    cameo_verbs.tsv and cameo_patterns.tsv rows are added to the imported CAMEO verb dictionary (and
    tried first). `verb_dictionary=False` leaves that dictionary out (the trigger table alone)."""
    codes = {}
    for row in _rows(_read("codebook", "cameo.tsv")):
        codes[row["code"]] = CameoCode(row["code"], row["name"], float(row["goldstein"]), int(row["quad_class"]),
                                       row["plover_type"] or None, row["plover_mode"] or None,
                                       row["plover_context"] or None)
    tables = [("user-triggers", user_triggers, Path(user_triggers).read_text("utf-8"))] if user_triggers else []
    tables.append(("triggers", "triggers.tsv", _read("events", "triggers.tsv")))
    triggers: dict[tuple[str, str], list[TriggerRule]] = {}
    for table, file, text in tables:
        numbers: dict[tuple[str, str], int] = {}
        for row in _trigger_rows(text, file):
            rule = _trigger_rule(row, table, file, numbers)
            if rule.cameo not in codes and rule.cameo[:3] not in codes:
                raise ValueError(f"triggers: {rule.lemma} has unknown CAMEO code {rule.cameo}")
            triggers.setdefault((rule.lemma, rule.pos), []).append(rule)
    light = {row["lemma"]: row.get("particle", "") for row in _rows(_read("events", "light_verbs.tsv"))}
    # Conditional rows first (stable), so an unconditional row never hides a more specific one.
    ordered = {k: tuple(sorted(v, key=lambda r: not r.conditional)) for k, v in triggers.items()}
    recodes: dict[str, dict[str, str]] = {}
    for row in _rows(_read("codebook", "recodes.tsv")):
        if row["cameo"] not in codes and row["cameo"][:3] not in codes:
            raise ValueError(f"recodes: unknown CAMEO code {row['cameo']}")
        recodes.setdefault(row["modality"], {})[row["root"]] = row["cameo"]
    verbs = None
    if verb_dictionary:
        folder = Path(user_verb_patterns) if user_verb_patterns else None
        if folder is not None and not folder.is_dir():
            raise ValueError(f"verb patterns: {folder} is not a folder (cameo_verbs.tsv, cameo_patterns.tsv)")
        user = [str(folder / name) if folder is not None and (folder / name).is_file() else None
                for name in ("cameo_verbs.tsv", "cameo_patterns.tsv")]
        verbs = load_verb_dictionary(*user)
    return Codebook(codes, ordered, light, verbs, recodes)
