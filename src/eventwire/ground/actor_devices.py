"""Devices named as agents: a bomb, a blast or a mine that killed or wounded, with no author named,
stands for unidentified armed attackers (CAMEO UAF) of the country where it went off — "A car bomb
explosion in eastern Beirut killed ..." (LBNUAF), "killed by an improvised explosive device outside
the Iraqi city of Basra" (IRQUAF). The country comes only from a place in the device's own phrase or
in its verb's place phrases, when they name exactly one country; with none, the device is no actor.
A device a country's word modifies ("Israeli bombs") is left to the group finders.

The devices are data (data/actors/device_words.tsv); the device's mention covers its phrase, and the
place phrase hanging on it ("a roadside bombing near the town of Samarra") when no other actor took it.
"""
from __future__ import annotations

import functools
from collections.abc import Iterator

from spacy.tokens import Token

from eventwire.datafiles import builtin_text, read_tsv
from eventwire.ground.actor_common import _Context, _Found
from eventwire.ground.actor_geography import one_site_country
from eventwire.read import Sentence

__all__ = ["device_words", "devices"]

# Prepositions of a place phrase: "near the town of Samarra", "in eastern Beirut", "outside of Basra".
_SITE_PREPS = frozenset({"in", "near", "outside", "at", "on", "inside", "around", "close"})


@functools.lru_cache(maxsize=1)
def device_words() -> dict[str, str]:
    """device head lemma -> the modifier it needs ("" for none), from data/actors/device_words.tsv."""
    rows = read_tsv(builtin_text("actors", "device_words.tsv"), "data/actors/device_words.tsv", optional=("needs",))
    return {r["device"].lower(): r["needs"].lower() for r in rows}


@functools.lru_cache(maxsize=1)
def _device_heads() -> frozenset[str]:
    """The last words of the devices: a token that is none of them is no device."""
    return frozenset(d.split()[-1] for d in device_words())


def _device(tok: Token) -> bool:
    if tok.pos_ not in ("NOUN", "PROPN") or (tok.lower_ not in _device_heads()
                                             and tok.lemma_.lower() not in _device_heads()):
        return False
    words = device_words()
    lemma = tok.lemma_.lower()
    phrase = None
    for child in tok.children:
        if child.dep_ == "compound" and child.i == tok.i - 1 and f"{child.lower_} {tok.lower_}" in words:
            phrase = f"{child.lower_} {tok.lower_}"
    key = phrase or (lemma if lemma in words else tok.lower_ if tok.lower_ in words else None)
    if key is None or tok.pos_ not in ("NOUN", "PROPN"):
        return False
    needs = words[key]
    return not needs or any(c.lower_ == needs for c in tok.children if c.dep_ in ("amod", "compound"))


def _as_agent(tok: Token) -> bool:
    """The device is what acted: its verb's subject, the agent of a passive verb, or the "in" of a
    passive verb ("killed in a car bomb explosion")."""
    head = tok.head
    if tok.dep_ == "nsubj" and head.pos_ == "VERB":
        return True
    if tok.dep_ == "pobj" and head.dep_ in ("agent", "prep") and head.lower_ in ("by", "in"):
        verb = head.head
        return verb.pos_ == "VERB" and any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    return False


def _site_phrases(tok: Token) -> list[Token]:
    """The place phrases (prepositions) hanging on the device noun, then on its verb."""
    verb = tok.head.head if tok.dep_ == "pobj" else tok.head
    own = [c for c in tok.children if c.dep_ == "prep" and c.lower_ in _SITE_PREPS]
    of_verb = [c for c in verb.children if c.dep_ == "prep" and c.lower_ in _SITE_PREPS and c.i != tok.head.i]
    return own + of_verb


def devices(sentence: Sentence, ctx: _Context, taken: set[int]) -> Iterator[_Found]:
    """Unidentified attackers named by the device that killed or wounded (see the module's docstring)."""
    kb = ctx.kb
    doc = sentence.paragraph.doc
    for tok in sentence.tokens:
        if tok.i in taken or not _device(tok) or not _as_agent(tok):
            continue
        first = tok.left_edge.i
        mods = [t for t in doc[first: tok.i] if t.i not in taken]
        if any(kb.country_of(t.text) for t in mods if t.text[:1].isupper()):
            continue  # "Israeli bombs": a country's own, the group finders' business
        site = one_site_country(_site_phrases(tok), tok, ctx, taken)
        if site is None:
            continue  # no place, or places of several countries: no guessed country
        iso3, last = site
        if taken & set(range(first, last + 1)):
            continue
        taken.update(range(first, last + 1))
        yield _Found(key=f"group:{iso3}UAF:device", name=doc[first: last + 1].text, kind="group", sentence=sentence,
                     start=doc[first].idx, end=doc[last].idx + len(doc[last].text), country=iso3,
                     cameo_sector="UAF", plover_sector="UAF", code=iso3 + "UAF",
                     resolved_by=f"pattern:device {tok.lower_} + place")
