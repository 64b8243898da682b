"""ACLED event and sub-event types of coded events, and the incidents outside CAMEO that ACLED counts.

One stage over the coder's output, composed in pipeline.py (`acled_types`):
- every CAMEO event takes the first row of data/codebook/acled.tsv whose conditions hold: CAMEO code prefix,
  the sectors of its source and target actors, and the weapon and manner word classes of its sentence
  (data/events/acled_words.tsv);
- a sentence where the coder found no event may still name violence, protest or another ACLED activity with a
  trigger of the coder's dictionary whose actors the coder could not bind ("the town was shelled"): it gets
  one agentless event with that trigger's CAMEO code (no source, no target), when the table types it;
- failing that, it may tell of a disaster, organised crime, found weapons, an explosion, a change to an
  armed group or a new base (data/events/incidents.tsv): one incident event, no CAMEO code, typed by the
  same table.
The tables are data an analyst may extend (docs/data-formats.md); this module only reads them.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from eventwire.coding.background import is_scene_noun
from eventwire.coding.codebook import NO_CODE_FIELDS, Codebook, TriggerRule
from eventwire.coding.modality import _is_historical, intent_or_unrealised, trigger_date
from eventwire.coding.arguments import _build_index, _Index
from eventwire.coding.trigger_rules import choose, rules_for
from eventwire.ground.event_dates import with_calendar_date
from eventwire.datafiles import builtin_text, read_tsv
from eventwire.read import Parsed, Sentence
from eventwire.record import AcledType, Actor, Event, Place, TimeRef
from eventwire.token_columns import columns

__all__ = ["AcledRow", "AcledTable", "IncidentRule", "load_acled_table", "acled_types", "type_of"]

PlaceChooser = Callable[[Parsed, int, int, Sequence[Place]], tuple[str | None, str]]
Phrase = tuple[str, ...]
_TOKENS = re.compile(r"\w+|[^\w\s]")


def _phrase(entry: str) -> Phrase:
    """An entry as the tokens spaCy splits it into ("sit-in" -> sit, -, in)."""
    return tuple(_TOKENS.findall(entry.lower()))


@dataclass(frozen=True)
class ActorCondition:
    """A source/target cell: "" any; "none" no actor; "a|b" some actor in class a or b; "!a" none in a."""

    classes: frozenset[str] = frozenset()
    negated: bool = False
    empty: bool = False

    def holds(self, sectors: list[set[str]], table: AcledTable) -> bool:
        if self.empty:
            return not sectors
        if not self.classes:
            return True
        members = table.members(self.classes)
        hit = any(s & members for s in sectors)
        return not hit if self.negated else hit


@dataclass(frozen=True)
class AcledRow:
    number: int  # 1-based among the table's rows: the rule an analyst can look up
    event_type: str
    sub_event_type: str
    cameo: tuple[str, ...]
    incident: frozenset[str]  # incident kinds; empty = the row types CAMEO events
    source: ActorCondition
    target: ActorCondition
    words: tuple[frozenset[str], ...]  # every group must have one class present
    without: frozenset[str]


@dataclass(frozen=True)
class IncidentRule:
    phrase: Phrase
    kind: str
    needs: frozenset[str]
    without: frozenset[str]


@dataclass(frozen=True, eq=False)
class AcledTable:
    rows: tuple[AcledRow, ...]
    words: dict[str, tuple[Phrase, ...]]
    sectors: dict[str, frozenset[str]]
    incidents: tuple[IncidentRule, ...]

    def members(self, classes: frozenset[str]) -> frozenset[str]:
        """The sectors of any of these sector classes (computed once per set of classes)."""
        known = self.__dict__.setdefault("_members", {})
        if classes not in known:
            known[classes] = frozenset().union(*(self.sectors[c] for c in classes))
        return known[classes]

    @functools.cached_property
    def by_first_word(self) -> dict[str, tuple[tuple[str, Phrase], ...]]:
        """(class, phrase) pairs by the phrase's first word: a sentence is scanned once, token by token."""
        index: dict[str, list[tuple[str, Phrase]]] = {}
        for name, phrases in self.words.items():
            for phrase in phrases:
                if phrase:
                    index.setdefault(phrase[0], []).append((name, phrase))
        return {k: tuple(v) for k, v in index.items()}

    @functools.cached_property
    def incidents_by_first_word(self) -> dict[str, tuple[tuple[int, IncidentRule], ...]]:
        """Incident rows (with their position in the file) by the phrase's first word."""
        index: dict[str, list[tuple[int, IncidentRule]]] = {}
        for position, rule in enumerate(self.incidents):
            if rule.phrase:
                index.setdefault(rule.phrase[0], []).append((position, rule))
        return {k: tuple(v) for k, v in index.items()}


def _classes(cell: str) -> frozenset[str]:
    return frozenset(c.strip() for c in cell.split("|") if c.strip())


def _actor_condition(cell: str) -> ActorCondition:
    if cell == "none":
        return ActorCondition(empty=True)
    negated = cell.startswith("!")
    return ActorCondition(_classes(cell.lstrip("!")), negated)


@functools.lru_cache(maxsize=1)
def load_acled_table() -> AcledTable:
    """The built-in ACLED table, word and sector classes and incident triggers, checked against each other."""
    words: dict[str, list[Phrase]] = {}
    sectors: dict[str, set[str]] = {}
    for row in read_tsv(builtin_text("events", "acled_words.tsv"), "acled_words.tsv"):
        if row["kind"] == "sector":
            sectors.setdefault(row["class"], set()).add(row["entry"].upper())
        elif row["kind"] == "word":
            words.setdefault(row["class"], []).append(_phrase(row["entry"]))
        else:
            raise ValueError(f"acled_words.tsv: unknown kind {row['kind']!r} for {row['entry']!r}")
    rows = []
    for number, row in enumerate(read_tsv(builtin_text("codebook", "acled.tsv"), "acled.tsv"), start=1):
        rows.append(AcledRow(
            number, row["event_type"], row["sub_event_type"],
            tuple(c for c in row["cameo"].split("|") if c), _classes(row["incident"]),
            _actor_condition(row["source"]), _actor_condition(row["target"]),
            tuple(_classes(group) for group in row["words"].split("+") if group.strip()),
            _classes(row["without"])))
    incidents = tuple(IncidentRule(_phrase(r["lemma"]), r["kind"], _classes(r["needs"]), _classes(r["without"]))
                      for r in read_tsv(builtin_text("events", "incidents.tsv"), "incidents.tsv"))
    for rule in incidents:  # each incident kind is a word class of its phrases ("killed in an earthquake")
        words.setdefault(rule.kind, []).append(rule.phrase)
    table = AcledTable(tuple(rows), {k: tuple(v) for k, v in words.items()},
                       {k: frozenset(v) for k, v in sectors.items()}, incidents)
    _check(table)
    return table


def _check(table: AcledTable) -> None:
    """Every class a row names exists, so a typo in the data fails loudly at load time."""
    for row in table.rows:
        named = set().union(*row.words, row.without) if row.words else set(row.without)
        for name in named:
            if name not in table.words:
                raise ValueError(f"acled.tsv: row {row.number} names unknown word class {name!r}")
        for cond in (row.source, row.target):
            for name in cond.classes:
                if name not in table.sectors:
                    raise ValueError(f"acled.tsv: row {row.number} names unknown sector class {name!r}")
    kinds = {rule.kind for rule in table.incidents}
    for row in table.rows:
        for kind in row.incident - kinds:
            raise ValueError(f"acled.tsv: row {row.number} names unknown incident kind {kind!r}")
    for rule in table.incidents:
        for name in rule.needs | rule.without:
            if name not in table.words:
                raise ValueError(f"incidents.tsv: {' '.join(rule.phrase)} names unknown word class {name!r}")


@functools.lru_cache(maxsize=16384)  # the same words recur in every article: one tuple per pair
def _word_forms(lemma: str, word: str) -> tuple[str, ...]:
    """The forms an entry may name: lemma, written form and its singular ("bases": the model says "basis")."""
    return lemma, word, word[:-1] if word.endswith("s") else word, word[:-2] if word.endswith("es") else word


def _doc_forms(doc: Doc) -> list[tuple[str, ...]]:
    """Each token's forms (see _word_forms), made once per Doc from its attribute columns."""
    forms = doc.user_data.get("eventwire.acled_forms")
    if forms is None:
        cols = columns(doc)
        pairs = list(zip(cols.lemma, cols.lower))
        distinct = {pair: _word_forms(*pair) for pair in set(pairs)}  # a Doc repeats its words
        forms = doc.user_data["eventwire.acled_forms"] = [distinct[pair] for pair in pairs]
    return forms


def _matches_at(doc: Doc, forms: list[tuple[str, ...]], i: int, end: int, phrase: Phrase) -> bool:
    """The phrase's words start at token i (of a sentence ending before token `end`); a verb and its
    particle may stand apart ("blew themselves up")."""
    if len(phrase) == 2 and phrase[0] in forms[i]:
        cols = columns(doc)
        if cols.pos[i] == "VERB" and any(cols.dep[c] == "prt" and cols.lower[c] == phrase[1]
                                         for c in cols.children[i]):
            return True
    if i + len(phrase) > end:
        return False
    return all(part in forms[i + k] for k, part in enumerate(phrase))


def sentence_classes(span: Span, table: AcledTable) -> frozenset[str]:
    """The word classes that occur in a sentence."""
    doc, forms = span.doc, _doc_forms(span.doc)
    index = table.by_first_word
    found = set()
    for i in range(span.start, span.end):
        for form in set(forms[i]):
            for name, phrase in index.get(form, ()):
                if name not in found and _matches_at(doc, forms, i, span.end, phrase):
                    found.add(name)
    return frozenset(found)


def _sectors(ids: Sequence[str], actors: dict[str, Actor]) -> list[set[str]]:
    out = []
    for actor_id in ids:
        actor = actors.get(actor_id)
        if actor is None:
            continue
        codes = {actor.sector.upper()} if actor.sector else set()
        if actor.code and len(actor.code) >= 3:
            codes.add(actor.code[-3:].upper())
        if actor.kind == "state" and not actor.sector:
            codes.add("GOV")  # a country acting ("Russia expels diplomats") is its government
        out.append(codes)
    return out


def type_of(cameo: str, incident: str, sources: list[set[str]], targets: list[set[str]],
            classes: frozenset[str], table: AcledTable) -> AcledRow | None:
    """The first row of the table whose conditions hold."""
    for row in table.rows:
        if (incident not in row.incident) if incident else bool(row.incident):
            continue
        if row.cameo and not cameo.startswith(row.cameo):  # any of its prefixes
            continue
        if not row.source.holds(sources, table) or not row.target.holds(targets, table):
            continue
        if any(not (group & classes) for group in row.words) or row.without & classes:
            continue
        return row
    return None


def _incident(sentence: Sentence, classes: frozenset[str], table: AcledTable) -> tuple[IncidentRule, Token] | None:
    """The first incident trigger of a sentence: a noun or verb (not negated) starting a table phrase."""
    doc, span = sentence.paragraph.doc, sentence.span
    cols = columns(doc)
    forms, pos, dep, children = _doc_forms(doc), cols.pos, cols.dep, cols.children
    for i in range(span.start, span.end):
        if pos[i] not in ("NOUN", "VERB", "PROPN") or any(dep[c] == "neg" for c in children[i]):
            continue
        index = table.incidents_by_first_word
        candidates = sorted({c for form in set(forms[i]) for c in index.get(form, ())}, key=lambda c: c[0])
        for _, rule in candidates:  # in file order
            if rule.needs and not rule.needs & classes or rule.without & classes:
                continue
            if _matches_at(doc, forms, i, span.end, rule.phrase):
                return rule, doc[i]
    return None


def _depth(tok: Token) -> int:
    depth = 0
    while tok.head.i != tok.i and depth < 50:
        tok, depth = tok.head, depth + 1
    return depth


def _arguments(tok: Token, sentence: Sentence, actors: Sequence[Actor]) -> tuple[list[Actor], list[Actor]]:
    """The actors named in a trigger's subject (or passive agent) and in its object, for typing only."""
    offset = sentence.paragraph.offset

    def inside(heads: list[Token]) -> list[Actor]:
        spans = [(offset + t.left_edge.idx, offset + t.right_edge.idx + len(t.right_edge)) for t in heads]
        return [a for a in actors if any(m.sentence == sentence.index and m.section == sentence.section
                                         and m.caption_index == sentence.paragraph.caption_index
                                         and any(lo <= m.start < hi for lo, hi in spans) for m in a.mentions)]

    verb = tok if tok.pos_ == "VERB" else tok.head
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    subjects += [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    objects = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
    return inside(subjects), inside(objects)


def _under_intent(tok: Token) -> bool:
    """A head above the trigger is a verb of wish, plan, demand or prevention (classes `intent` and
    `unrealised` of data/events/modality_words.tsv)."""
    intent = intent_or_unrealised()
    head, steps = tok, 0
    while head.head.i != head.i and steps < 20:
        head, steps = head.head, steps + 1
        if head.pos_ == "VERB" and head.lemma_.lower() in intent:
            return True
    return False


def _holds_without_actors(rule: TriggerRule, tok: Token, codebook: Codebook) -> bool:
    """A trigger row's condition that the parse alone decides (object, light verb, preposition, particle,
    modifier), checked as the coder checks it; a row that needs its source's sector or a complement's
    type cannot hold without the coder's actors."""
    return choose((rule,), tok, [], codebook, None) is not None


def _agentless(sentence: Sentence, classes: frozenset[str], actors: Sequence[Actor], codebook: Codebook,
               table: AcledTable) -> tuple[str, Token, AcledRow, str] | None:
    """The trigger standing highest in the sentence's parse whose dictionary row holds without actors and
    which the table types; its CAMEO code, token, row and the rule text."""
    found = []
    lookups = _Index()  # no actors: rules_for only passes it on (its lookups are kept on the Doc)
    cols = columns(sentence.paragraph.doc)
    pos, dep, children = cols.pos, cols.dep, cols.children
    tokens = sentence.paragraph.tokens
    for i in range(sentence.span.start, sentence.span.end):
        # A noun modifying another ("a rape investigation", "attack helicopters") names no event.
        if pos[i] not in ("VERB", "NOUN") or dep[i] == "compound" or any(dep[c] == "neg" for c in children[i]):
            continue
        tok = tokens[i]
        if is_scene_noun(tok):  # "unstable since the invasion": the background, not a new event
            continue
        # The coder's own lookup: compound rows ("drone strike", "air raid"), past-form stems and the
        # imported dictionary's patterns; a verb that only its synonym block codes is too weak alone.
        rules = tuple(r for r in rules_for(tok, tok.pos_, codebook, lookups) if not r.weak)
        # A trigger that its source's sector reads as another kind of act ("strike": labour or armed) is
        # ambiguous without actors; one under a verb of wish, plan or demand ("wanted a treaty signed")
        # tells of no event yet.
        plain = [r for r in rules if _holds_without_actors(r, tok, codebook)]
        if not plain or _under_intent(tok) or any(
                (r.condition or ("",))[0] in ("source", "xcomp") and r.cameo[:2] != plain[0].cameo[:2]
                for r in rules):
            continue
        sources, targets = _arguments(tok, sentence, actors)
        sectors = functools.partial(_sectors, actors={a.id: a for a in sources + targets})
        row = type_of(plain[0].cameo, "", sectors([a.id for a in sources]), sectors([a.id for a in targets]),
                      classes, table)
        if row is not None:
            found.append((_depth(tok), tok.i, plain[0].cameo, tok, row, plain[0].name))
    if not found:
        return None
    _, _, cameo, tok, row, rule = min(found, key=lambda f: (f[0], f[1]))
    return cameo, tok, row, rule


def _acled(row: AcledRow) -> AcledType:
    return AcledType(row.event_type, row.sub_event_type, f"acled.tsv row {row.number}")


def acled_types(parsed: Parsed, actors: Sequence[Actor], events: Sequence[Event], codebook: Codebook, *,
                places: Sequence[Place] = (), place_of: PlaceChooser | None = None,
                table: AcledTable | None = None, times: Sequence[TimeRef] = ()) -> tuple[Event, ...]:
    """The events with their ACLED types, then one agentless or incident event for each sentence where the
    coder found none (after the coder's events, in reading order)."""
    table = table or load_acled_table()
    by_id = {a.id: a for a in actors}
    sentences = {s.key: s for s in parsed.sentences}
    classes_of: dict[int, frozenset[str]] = {}

    def classes(sentence: Sentence) -> frozenset[str]:
        if sentence.index not in classes_of:
            classes_of[sentence.index] = sentence_classes(sentence.span, table)
        return classes_of[sentence.index]

    typed: list[Event] = []
    covered: set[int] = set()
    for event in events:
        sentence = sentences.get(event.evidence.sentence_key)
        found = classes(sentence) if sentence is not None else frozenset()
        row = type_of(event.cameo, "", _sectors(event.source, by_id), _sectors(event.target, by_id), found, table)
        typed.append(replace(event, acled=_acled(row)) if row else event)
        if sentence is not None:  # the coder's reading of a sentence stands, typed or not
            covered.add(sentence.index)
    published = parsed.document.published
    dated = _build_index(parsed, [], times, []) if times else _Index()  # times located in the parse
    for sentence in parsed.sentences:
        if sentence.section == "title" or sentence.index in covered:
            continue
        agentless = _agentless(sentence, classes(sentence), actors, codebook, table)
        if agentless is not None:
            cameo, tok, row, rule_text = agentless
            code = codebook.code(cameo)
            rule_text = f"{rule_text} via agentless"
        else:
            hit = _incident(sentence, classes(sentence), table)
            row = type_of("", hit[0].kind, [], [], classes(sentence), table) if hit else None
            if hit is None or row is None:
                continue
            cameo, tok, code = "", hit[1], None
            rule_text = f"incident {' '.join(hit[0].phrase)}->{hit[0].kind}"
        place_id, place_how = (None, "")
        if place_of is not None and places:
            place_id, place_how = place_of(parsed, sentence.index, tok.i, places)
        when = with_calendar_date(trigger_date(tok, sentence, dated, published))
        historical = _is_historical(when.get("end") or when["value"] or when.get("start"), published)
        typed.append(Event(
            id=f"event{len(typed) + 1}", cameo=cameo, source=(), target=(), date=when,
            modality=("asserted", "historical") if historical else ("asserted",), evidence=sentence.evidence(tok),
            rule=rule_text,
            **(code.event_fields() if code else NO_CODE_FIELDS),
            place=place_id, place_how=place_how or None, trigger=tok.text, acled=_acled(row)))
    return tuple(typed)
