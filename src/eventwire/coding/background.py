"""Background filters: of the candidate events of one sentence, drop those that only set the scene of
its main event (relative clauses, phrases of time or cause, the main event's own topic), and repeats of
an act coded once with its target."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from spacy.tokens import Token

from eventwire.record import Event


if TYPE_CHECKING:
    from eventwire.coding.trigger_rules import Candidate


# Clauses and phrases that set the main event in time or cause ("one day after a jet shot down a
# helicopter", "as the opposition threatened to storm his residence", "after violent protests"). Not
# contrast ("while Iraq rejected ..."), which reports an event of its own.
_BACKGROUND_MARKS = {"as", "when", "after", "before", "since", "because", "until", "unless", "once"}

_BACKGROUND_PREPS = {"after", "before", "since", "following", "amid", "despite", "over", "because"}

_CONTRAST_MARKS = {"while", "whereas", "although", "though"}


# Clauses and phrases that set a governed act in its time or cause ("as the leaders sought to ease
# tensions", "on the eve of a visit", "over their ties with Israel"): their events stand on their own.
_CONTEXT_MARKS = _BACKGROUND_MARKS | _CONTRAST_MARKS

_CONTEXT_PREPS = _BACKGROUND_PREPS | {"during", "on"}


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:  # spaCy makes a new Token per access: compare indices
        token, depth = token.head, depth + 1
    return depth


def _in_relative_clause(token: Token, main: Token) -> bool:
    """The token lies in a relative clause below the main trigger ("Macedonia, which is preparing an
    offensive", "a helicopter that was captured by ...")."""
    for _ in range(50):
        if token.i == main.i or token.head.i == token.i:
            return False
        if token.dep_ == "relcl":
            return True
        token = token.head
    return False


# Prepositions that set a scene in earlier or surrounding events: "since the invasion", "after the war",
# "amid protests". An event noun they govern is background, not a new event of this sentence.
_SCENE_PREPS = {"since", "after", "before", "following", "amid", "amidst", "despite"}


# Prepositions of nearness: an event named as a landmark ("an area close to the chemical attack",
# "near the bombing") is where something else happens, not a new event of the sentence.
_NEAR_PREPS = {"near", "beside", "nearby"}
_NEAR_WORDS = {"close", "next", "near"}  # "close to", "next to", "near to"


def is_scene_noun(token: Token) -> bool:
    """An event noun that is the object of a scene-setting preposition ("since the invasion") or of
    one of nearness ("close to the attack")."""
    if token.dep_ != "pobj" or token.head.dep_ != "prep":
        return False
    prep = token.head
    return (prep.lower_ in _SCENE_PREPS or prep.lower_ in _NEAR_PREPS
            or (prep.lower_ in ("to", "from") and prep.head.lower_ in _NEAR_WORDS))


def _in_background_phrase(token: Token, main: Token) -> bool:
    for _ in range(50):
        if token.i == main.i or token.head.i == token.i:
            return False
        if (token.dep_ == "prep" and token.lower_ in _BACKGROUND_PREPS) or (token.dep_ == "advcl" and any(
                m.dep_ == "mark" and m.lower_ in _BACKGROUND_MARKS for m in token.children)):
            return True
        token = token.head
    return False


def _argument_of(token: Token, main: Token) -> bool:
    """The token lies inside the main trigger's own arguments, complements or adverbials: the topic,
    purpose or condition of the main event ("agreed to US mediation", "demanded a meeting to discuss X",
    "would blockade Paris to demand an end to X", "demanded troops to protect them and prevent a war"), not
    a clause coordinated with the main one, nor a reported or contrasted clause."""
    path = []
    for _ in range(50):
        if token.i == main.i:
            return not (path and path[-1].dep_ == "conj") and not any(
                t.dep_ in ("ccomp", "parataxis") or (t.dep_ == "advcl" and any(
                    m.dep_ == "mark" and m.lower_ in _CONTRAST_MARKS for m in t.children)) for t in path)
        if token.head.i == token.i:
            return False
        path.append(token)
        token = token.head
    return False


def _below(token: Token, main: Token) -> bool:
    for _ in range(50):
        if token.i == main.i:
            return True
        if token.head.i == token.i:
            return False
        token = token.head
    return False


def _without_background(candidates: list[Candidate], has_toll: bool) -> list[Candidate]:
    """Precision first, one event per reported act: beside the sentence's main event (its trigger nearest
    the root, among those with a resolved actor), drop secondary events that only set the scene —
    - inside a relative clause, with a source of its own: it describes a participant ("Macedonia, which is
      preparing an offensive against X"); a source-less one is judged by the next rules;
    - inside a phrase of time or cause ("after violent protests by Muslim groups", "as the leaders sought
      to ease tensions"), which recalls another event to situate the main one;
    - inside the main trigger's own arguments, which say what the main event is about ("agreed to US
      mediation", "demanded a meeting to discuss X");
    - with no resolved source, anywhere in the main event's clause ("agreed that their countries should
      cooperate", "said the rebels must be disarmed"): a source-less event elsewhere in the sentence is
      kept, since other articles' reports of the same act link through it;
    - by the main event's own source with no target of their own, which elaborate the main act
      ("telephoned Kozyrev to discuss", "will visit Senegal to mediate").
    Violence with a human toll in the sentence is kept: that toll is what monitors count."""
    actored = [c for c in candidates if c.source or c.target]
    if len(actored) < 2:
        return candidates
    main = min(actored, key=lambda c: (_depth(c.trigger), c.trigger.i))
    main_sources = {a.id for a in main.source}
    kept = []
    for c in candidates:
        if c is not main and not (has_toll and c.rule.cameo[:2] in ("18", "19", "20")) and (
                (c.source and _in_relative_clause(c.trigger, main.trigger))
                or _in_background_phrase(c.trigger, main.trigger) or _argument_of(c.trigger, main.trigger)
                or (not c.source and (_below(c.trigger, main.trigger) or _below(c.trigger, main.governor)))
                or (not [a for a in c.target if a not in c.source] and {a.id for a in c.source} <= main_sources)):
            continue
        kept.append(c)
    return kept


def _without_untargeted_repeats(events: list[Event]) -> list[Event]:
    """ "police opened fire to disperse demonstrators, killing one": the same actor's act of the same type
    coded once with its target says everything the target-less one does; its linked toll moves over."""
    targeted = {(e.plover, e.source): i for i, e in enumerate(events) if e.target and e.source}
    out = list(events)
    dropped = set()
    for i, e in enumerate(events):
        keeper = targeted.get((e.plover, e.source))
        if e.target or not e.source or keeper is None:
            continue
        dropped.add(i)
        if e.quantities and not out[keeper].quantities:
            out[keeper] = replace(out[keeper], quantities=e.quantities)
    return [e for i, e in enumerate(out) if i not in dropped]
