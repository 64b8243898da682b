"""The period a figure is counted over, when its clause states one: "so far this year", "since
March", "in two months", or a war as the agent ("the conflict has killed 280,000"). A figure with a
period is a cumulative toll, not one event's.
"""
from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Token

from eventwire.read import doc_text, token_offsets

__all__ = ["stated_period", "war_period"]

# Spans long enough to hold many events; a toll "in three days" or "in 24 hours" is still one episode.
_TIME_UNITS = {"month", "year", "decade"}
# An agent that lasts: a figure it is the agent of counts over its whole length.
_WAR_NOUNS = {"war", "conflict", "uprising", "revolution", "insurgency", "crisis"}
_PERIOD_CUES = ("so far", "to date", "in total", "in all", "thus far", "altogether", "this year", "last year",
                "over the past", "in the past", "during the past", "over the last", "in the last",
                "during the last", "throughout", "since")
_PERIOD_CUE_STARTS = tuple(cue + " " for cue in _PERIOD_CUES)  # a cue followed by more words


def stated_period(heads: Sequence[Token | None], skip: set[int]) -> str | None:
    """The period over which the figure is counted, when the clause states one."""
    found: list[tuple[int, int]] = []
    seen: set[int] = set()
    for head in heads:
        if head is None or head.i in seen:
            continue
        seen.add(head.i)
        doc = head.doc
        for child in head.children:
            if child.i in skip:
                continue
            if child.dep_ == "mark" and child.lower_ == "since" and child.i + 1 < len(doc) \
                    and doc[child.i + 1].ent_type_ == "DATE":
                # A misparse keeps "Since Thursday" as a bare mark of the verb; the date still counts.
                date_end = child.i + 1
                while date_end + 1 < len(doc) and doc[date_end + 1].ent_iob_ == "I":
                    date_end += 1
                found.append((child.i, date_end))
                continue
            if child.dep_ == "advcl":
                marks = [m for m in child.children if m.dep_ == "mark" and m.lower_ == "since"]
                if marks:
                    found.append((marks[0].i, child.right_edge.i))
                continue
            if child.dep_ not in ("prep", "advmod", "npadvmod", "pobj", "obl"):
                continue
            left, right = child.left_edge.i, child.right_edge.i
            starts, ends = token_offsets(doc)
            words = doc_text(doc)[starts[left]:ends[right]].lower()  # doc[left: right + 1].text
            if words in _PERIOD_CUES or words.startswith(_PERIOD_CUE_STARTS) or _time_span(child):
                found.append((left, right))
    if not found:
        return None
    found.sort()
    # Join adjacent phrases ("so far" + "this year") into one period.
    start, end = found[0]
    for s, e in found[1:]:
        if s <= end + 1:
            end = max(end, e)
    doc = heads[0].doc if heads[0] is not None else next(h.doc for h in heads if h is not None)
    return doc[start: end + 1].text


def _time_span(prep: Token) -> bool:
    """ "in two months", "over the past year": a figure summed over a stretch of time."""
    if prep.dep_ != "prep" or prep.lower_ not in ("in", "within", "over", "during", "across"):
        return False
    for pobj in prep.children:
        if pobj.dep_ == "pobj" and pobj.lemma_.lower() in _TIME_UNITS:
            return any(c.dep_ in ("nummod", "amod") and (c.like_num or c.lower_ in ("past", "last", "previous"))
                       for c in pobj.children)
    return False


def war_period(verb: Token | None, skip: set[int]) -> str | None:
    """A war or conflict as the agent counts over its whole length: "a conflict that has killed
    280000 people", "the war has displaced millions"."""
    if verb is None:
        return None
    for child in verb.children:
        if child.dep_ not in ("nsubj", "agent") or child.i in skip:
            continue
        noun = child
        if child.dep_ == "agent":
            noun = next((t for t in child.children if t.dep_ == "pobj"), child)
        if noun.lower_ in ("that", "which") and verb.dep_ == "relcl":
            noun = verb.head
        if noun.lemma_.lower() in _WAR_NOUNS:
            return noun.doc[noun.left_edge.i: noun.i + 1].text if noun.left_edge.i <= noun.i else noun.text
    return None
