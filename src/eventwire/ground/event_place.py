"""The place an event takes: the place after a locative preposition attached to its trigger, else the
nearest place named in its sentence (not one acting as subject), else the article's dominant place.

Reads the places resolve_places grounded (ground/places.py); coding calls event_place per event.
"""
from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Span

from eventwire.ground.gazetteer import load_gazetteer, normalise
from eventwire.read import Parsed
from eventwire.record import Mention, Place

__all__ = ["event_place"]

# Prepositions that place an event where their object is ("clashes in X", "a strike near X").
_EVENT_PREPOSITIONS = {"in", "near", "at", "outside", "inside", "around", "across", "throughout", "within",
                       "on", "off", "along", "over", "into", "onto", "across"}


def _adjectival(mention: Mention, place: Place) -> bool:
    gaz = load_gazetteer()
    return gaz.adjective_place(mention.text) is not None and normalise(mention.text) != normalise(place.name)


def event_place(parsed: Parsed, sentence_index: int, trigger_token_index: int,
                places: Sequence[Place]) -> tuple[str | None, str]:
    """The place an event in a sentence takes: (place id, how).

    trigger_token_index is the trigger's token index in the sentence's paragraph Doc (token.i).
    how: "preposition" (a place after in/near/at... attached to the trigger or to a word that
    hangs from it), "sentence" (the nearest other place named in the sentence, not a subject),
    "dominant" (the article's most mentioned place, when the sentence names none), or "none".
    """
    sentence = parsed.sentences[sentence_index]
    doc, para = sentence.paragraph.doc, sentence.paragraph
    trigger = doc[trigger_token_index]
    here: list[tuple[Span, Place]] = []
    for place in places:
        for m in place.mentions:
            if m.sentence != sentence_index or _adjectival(m, place):
                continue
            span = doc.char_span(m.start - para.offset, m.end - para.offset, alignment_mode="expand")
            if span is not None:
                here.append((span, place))
    best: tuple[int, Place] | None = None
    for span, place in here:
        root = span.root
        while root.dep_ in ("conj", "appos", "compound", "npadvmod") and root.head.i != root.i:
            root = root.head  # "in Idlib, Syria", "in Aleppo and Idlib"
        if root.dep_ != "pobj" or root.head.lower_ not in _EVENT_PREPOSITIONS:
            continue
        # the preposition hangs from the trigger or from a word on the path up to it
        node, attached = root.head.head, False
        for _ in range(4):
            if node.i == trigger.i:
                attached = True
                break
            if node.head.i == node.i or node.pos_ in ("VERB", "AUX") and node.i != trigger.i:
                break
            node = node.head
        if attached:
            distance = abs(span.start - trigger.i)
            if best is None or distance < best[0]:
                best = (distance, place)
    if best is not None:
        return best[1].id, "preposition"
    nearest: tuple[int, Place] | None = None
    for span, place in here:
        root = span.root
        while root.dep_ == "conj" and root.head.i != root.i:
            root = root.head  # "Turkey and Russia agreed": both act
        if root.dep_ in ("nsubj", "nsubjpass") or span.start <= trigger.i < span.end:
            continue  # a place acting as subject is an actor, not where the event is
        distance = abs(span.start - trigger.i)
        if nearest is None or distance < nearest[0]:
            nearest = (distance, place)
    if nearest is not None:
        return nearest[1].id, "sentence"
    dominant = _dominant(places)
    if dominant is not None:
        return dominant.id, "dominant"
    return None, "none"


def _dominant(places: Sequence[Place]) -> Place | None:
    """The article's main place: most non-adjectival mentions; on a tie, the finer, then the first."""
    finer = {"locality": 0, "city": 0, "admin2": 1, "admin1": 2, "country": 3, "other": 4}
    best, best_key = None, None
    for order, place in enumerate(places):
        if place.lat is None:
            continue
        n = sum(1 for m in place.mentions if not _adjectival(m, place))
        if n == 0:
            continue
        key = (-n, finer.get(place.kind, 4), order)
        if best_key is None or key < best_key:
            best, best_key = place, key
    return best
