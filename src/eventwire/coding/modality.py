"""Modality and dating of a coded event: intended, threatened, conditional, hedged, negated or reported;
the event's own date (a time expression attached to its clause, the date of the speech that reports it,
else the publication day), and whether it is historical background."""
from __future__ import annotations

import functools
import re
from datetime import date
from typing import TYPE_CHECKING

from spacy.tokens import Token

from eventwire.datafiles import builtin_text, read_tsv
from eventwire.read import Sentence
from eventwire.record import Quote, TimeRef

from eventwire.coding.arguments import _Index, _REPORTING, _is_passive

if TYPE_CHECKING:
    from eventwire.coding.trigger_rules import Candidate


_FUTURE_AUX = {"will", "would", "shall", "'ll", "’ll", "'d", "’d"}

@functools.lru_cache(maxsize=1)
def modality_words() -> dict[str, frozenset[str]]:
    """The word classes of data/events/modality_words.tsv (intent, intent_adjective, unrealised,
    negating, hedge_verb, hedge_word, hedge_adjective), read once per process."""
    classes: dict[str, set[str]] = {}
    for row in read_tsv(builtin_text("events", "modality_words.tsv"), "modality_words.tsv"):
        classes.setdefault(row["class"], set()).add(row["word"].lower())
    return {name: frozenset(words) for name, words in classes.items()}


@functools.lru_cache(maxsize=1)
def intent_or_unrealised() -> frozenset[str]:
    """Verbs of wish, plan, demand or prevention: classes `intent` and `unrealised` together."""
    words = modality_words()
    return words["intent"] | words["unrealised"]


def is_intent_verb(token: Token) -> bool:
    """ "plans", "agreed": a verb whose complement is an act only announced."""
    return token.lemma_.lower() in modality_words()["intent"]


_CONDITION_MARKS = {"if", "unless", "provided", "providing"}

_HISTORICAL_DAYS = 180


def _intent_adjective(token: Token) -> bool:
    """ "ready" in "is ready to": an intent adjective predicated of a clause subject."""
    return (token.pos_ == "ADJ" and token.lemma_.lower() in modality_words()["intent_adjective"] and token.dep_ == "acomp"
            and token.head.pos_ in ("VERB", "AUX"))


def _clause_chain(token: Token) -> list[Token]:
    """The token and the verbs above it up to the sentence root."""
    chain = [token]
    while chain[-1].head.i != chain[-1].i and len(chain) < 8:
        chain.append(chain[-1].head)
    return chain


def _modality(c: Candidate, plover: str | None, in_quote: bool, reported_by: Token | None) -> list[str]:
    gov = c.governor
    words = modality_words()
    mods: list[str] = []
    chain = _clause_chain(gov)
    local = [gov, c.trigger]
    auxes = {a.lower_ for t in local for a in t.children if a.dep_ in ("aux", "auxpass")}
    if auxes & _FUTURE_AUX or any(a.lower_ == "going" for t in local for a in t.children) or any(
            (is_intent_verb(t) or t.lower_ in words["intent_adjective"]) and t.i != c.trigger.i for t in chain[1:3]
            if gov.dep_ in ("xcomp", "ccomp") or c.trigger.dep_ in ("xcomp", "pcomp") or _infinitival_advcl(gov)):
        mods.append("intended")
    if plover == "THREATEN" or any(t.lemma_ in ("threaten", "warn") for t in chain[1:3] if t.i != c.trigger.i):
        mods.append("threatened")
    inner = [gov.doc[i] for i in sorted(c.consumed)]
    if any(ch.dep_ == "advcl" and any(m.lower_ in _CONDITION_MARKS for m in ch.children if m.dep_ == "mark")
           for t in chain[:3] + inner for ch in t.children):
        mods.append("conditional")
    if any(t.lemma_.lower() in words["hedge_verb"] and _is_passive(t) for t in chain[1:4]) or any(
            ch.lower_ in words["hedge_word"] for t in local for ch in t.children if ch.dep_ in ("advmod", "aux")) or any(
            ch.lower_ in words["hedge_adjective"] for t in _event_nouns(c) for ch in t.children if ch.dep_ == "amod"):
        mods.append("hedged")
    if any(ch.dep_ == "neg" for t in local for ch in t.children) or (
            gov.dep_ == "xcomp" and gov.head.lemma_.lower() in words["negating"]):
        mods.append("negated")  # "did not reach", "failed to reach an agreement"
    if in_quote or reported_by is not None:
        mods.append("reported")
    if not set(mods) & {"intended", "threatened", "conditional", "hedged", "negated"}:
        mods.insert(0, "asserted")
    return mods


def _infinitival_advcl(verb: Token) -> bool:
    """ "have sworn to fight", parsed as a purpose clause: under an intent verb, the infinitive is what
    is announced."""
    return verb.dep_ == "advcl" and any(a.dep_ == "aux" and a.lower_ == "to" for a in verb.children)


def _event_nouns(c: Candidate) -> list[Token]:
    """The trigger and the event noun of its phrase of means that it took in ("killed in a suspected attack")."""
    doc = c.trigger.doc
    return [c.trigger] + [doc[i] for i in sorted(c.consumed) if doc[i].dep_ == "pobj"
                          and doc[i].head.head.i == c.trigger.i and doc[i].pos_ == "NOUN"]


def _is_readiness(c: Candidate) -> bool:
    """ "the army prepared to resume shelling", "troops are poised to attack": the act is announced by a word
    of material readiness."""
    ready = modality_words().get("readiness", frozenset())
    return any(t.lemma_.lower() in ready or t.lower_ in ready for t in _clause_chain(c.governor)[1:3])


def _is_ultimatum(c: Candidate) -> bool:
    """ "will withdraw its force unless ...": the act is announced on a condition the target must meet."""
    inner = [c.governor.doc[i] for i in sorted(c.consumed)]
    return any(ch.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in ch.children)
               for t in _clause_chain(c.governor)[:3] + inner for ch in t.children)


_MODAL_AUX = _FUTURE_AUX | {"may", "might", "could", "can"}


def _is_conditional_threat(c: Candidate, mods: list[str]) -> bool:
    """ "the EU may halt aid if the fighting goes on", "will arrest them unless they leave": a hostile act
    announced with a modal on a condition the other side controls is a threat (CAMEO 13x: "threaten ...
    if"), not the act."""
    if "conditional" not in mods:
        return False
    local = [c.governor, c.trigger]
    auxes = [a.lower_ for t in local for a in t.children if a.dep_ in ("aux", "auxpass")]
    # "may have killed civilians if the reports are true" guesses at a past act: no threat
    return bool(set(auxes) & _MODAL_AUX) and not {"have", "has", "had", "'ve"} & set(auxes)


def _reporting_verb(token: Token) -> Token | None:
    for anc in token.ancestors:
        if anc.lemma_ in _REPORTING:
            return anc
    return None


def _attached_time(index: _Index, sentence: Sentence, governors: list[Token]) -> TimeRef | None:
    """A time of the sentence whose syntactic head chain reaches one of `governors` before any other verb."""
    targets = {t.i for t in governors}
    for span, time in index.times.get(sentence.index, []):
        if time.value != "PRESENT_REF" and not re.match(r"\d{4}", time.value or time.range_start or ""):
            continue  # durations ("two-week") and sets do not date an event
        node = span.root
        for _ in range(8):
            if node.i in targets:
                return time
            if node.head.i == node.i:
                break
            child, node = node, node.head
            if _closes_parenthetical(child, node):
                continue  # "seized the territories, seen as part of a state, in the 1967 war": the seizing's time
            if node.dep_ == "acl" and node.tag_ == "VBG":
                continue  # "abducted by gunmen wearing uniforms in August": a participle describing a participant
            if node.dep_ == "acl" and node.tag_ == "VBN" and node.head.dep_ == "pobj" and _is_statement(node.head):
                continue  # "in a statement published Oct. 25, X accused Y": the statement's day is the act's
            if node.pos_ in ("VERB", "AUX") and node.i not in targets and node.dep_ not in ("aux", "auxpass"):
                if node.i in targets:
                    return time
                break
    return None


def _date(c: Candidate, sentence: Sentence, index: _Index, quote: Quote | None, reporter: Token | None,
          published: str | None) -> dict[str, str | None]:
    governors = [c.trigger, c.governor]
    if c.governor.dep_ == "xcomp":
        governors.append(c.governor.head)  # "agreed on Wednesday to resume talks": the intent's day
    if c.trigger.dep_ == "pobj" and c.trigger.head.dep_ == "prep" and c.trigger.head.head.pos_ == "VERB":
        governors.append(c.trigger.head.head)  # "killed in an airstrike on Monday": the clause's day
    if c.governor.dep_ == "advcl" and c.governor.tag_ == "VBG" and not any(
            ch.dep_ in ("nsubj", "nsubjpass", "mark") for ch in c.governor.children):
        governors.append(c.governor.head)  # "shells hit the town on Monday, killing five": the same day
    time = _attached_time(index, sentence, governors) or _described_time(c.governor, index, sentence)
    if time is not None:
        return _time_date(time, published)
    if reporter is not None:
        said = _attached_time(index, sentence, _reporting_clause(reporter))
        if said is not None:
            return {"value": said.value, "start": None, "end": None, "grain": said.grain, "anchor": "speech"}
    if quote is not None and quote.spoken:
        grain = {4: "year", 7: "month"}.get(len(quote.spoken), "day")
        return {"value": quote.spoken, "start": None, "end": None, "grain": grain, "anchor": f"speech:{quote.id}"}
    return assumed_published(published)


def _closes_parenthetical(phrase: Token, participle: Token) -> bool:
    """A phrase the parser hung on a participle clause set off by commas, after the comma that closes it:
    it belongs to the clause the participle interrupts."""
    doc = phrase.doc
    return (participle.dep_ == "advcl" and participle.tag_ in ("VBN", "VBG") and phrase.dep_ == "prep"
            and phrase.i > participle.i and phrase.i > 0 and doc[phrase.i - 1].text == ","
            and participle.i > 0 and doc[participle.i - 1].text == ","
            and not any(c.dep_ in ("nsubj", "nsubjpass", "mark") for c in participle.children))


def _is_statement(noun: Token) -> bool:
    from eventwire.coding.triggers import _STATEMENTS  # triggers.py imports this module
    return noun.lemma_.lower() in _STATEMENTS


def _described_time(verb: Token, index: _Index, sentence: Sentence) -> TimeRef | None:
    """ "ended in April, when he was dragged out": a relative clause of "when" that describes a time
    expression happens at that time."""
    if verb.dep_ != "relcl" or not any(c.lower_ == "when" and c.dep_ == "advmod" for c in verb.children):
        return None
    for span, time in index.times.get(sentence.index, []):
        if span.start <= verb.head.i < span.end:
            return time
    return None


def _reporting_clause(reporter: Token) -> list[Token]:
    """The reporting verb, and for a participle elaborating a clause ("the town came under bombardment
    early Friday, with monitors saying helicopters had dropped bombs") that clause, whose day the report
    is about."""
    out = [reporter]
    if reporter.tag_ != "VBG" or any(c.dep_ == "mark" for c in reporter.children):
        return out
    head = reporter.head
    if reporter.dep_ == "acl" and head.dep_ == "pobj":
        head = head.head  # "with monitors saying": the parser hangs the participle on its subject
    if head.dep_ == "prep" and head.lower_ == "with" and reporter.dep_ in ("acl", "pcomp"):
        head = head.head
    elif reporter.dep_ != "advcl":
        return out
    if head.pos_ in ("VERB", "AUX"):
        out.append(head)
    return out


def _time_date(time: TimeRef, published: str | None) -> dict[str, str | None]:
    if time.value == "PRESENT_REF":
        # "four are now thought to be surrounded": the state holds on the day of publication.
        day = published[:10] if published else None
        return {"value": day, "start": None, "end": None, "grain": "day" if day else None, "anchor": "published"}
    return {"value": time.value, "start": time.range_start, "end": time.range_end, "grain": time.grain,
            "anchor": "expression" if time.anchor == "absolute" else time.anchor}


def trigger_date(trigger: Token, sentence: Sentence, index: _Index, published: str | None) -> dict[str, str | None]:
    """The date of an event known only by its trigger (the ACLED stage's agentless events): a time of the
    sentence attached to the trigger or to the verb whose subject, object or phrase it is ("protests were
    held last year"), else the publication day, assumed."""
    governors = [trigger]
    head = trigger.head.head if trigger.dep_ == "pobj" and trigger.head.dep_ == "prep" else trigger.head
    if head.pos_ in ("VERB", "AUX") and head.i != trigger.i:
        governors.append(head)
    time = _attached_time(index, sentence, governors)
    return _time_date(time, published) if time is not None else assumed_published(published)


def assumed_published(published: str | None) -> dict[str, str | None]:
    """The date of an event its sentence does not date: the publication day, marked as assumed."""
    day = published[:10] if published else None
    return {"value": day, "start": None, "end": None, "grain": "day" if day else None, "anchor": "assumed-published"}


def _is_historical(value: str | None, published: str | None) -> bool:
    if not value or not published:
        return False
    try:
        parts = [int(x) for x in value[:10].split("-")]
        when = date(parts[0], parts[1] if len(parts) > 1 else 12, parts[2] if len(parts) > 2 else 28)
        return (date.fromisoformat(published[:10]) - when).days > _HISTORICAL_DAYS
    except (ValueError, IndexError):
        return False
