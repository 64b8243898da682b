"""Settlements standing for their people: a town, city or capital named as where people suffer an act
(a curfew, a siege, shelling, fighting, an evacuation, aid deliveries) is its population, civilians of
its state (CAMEO CVL), not the state itself: "a curfew in Abidjan", "rebels shelled Juba", "the
besieged town of Gorazde", "street battles raged in central Baghdad". So are common nouns for where
people live (data/actors/settlement_nouns.tsv) named as what suffers such an act, with the country of
their demonym or place phrase ("shelled residential areas near the town of Rafah"): no country, no actor.

The acts are data (data/actors/population_acts.tsv). Countries and regions named so stay state
actors ("a curfew in Sudan", "a state of emergency in West Darfur"): only settlements — a capital, a
gazetteer city of the actor's country, or a name after a settlement word ("the town of Cizre") — turn.
"""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Iterator

from spacy.tokens import Token

from eventwire.datafiles import builtin_text, read_tsv
from eventwire.read import Sentence
from eventwire.ground.actor_common import _Context, _Found
from eventwire.ground.actor_geography import _DIRECTIONS, _settlement_words, one_site_country
from eventwire.ground.gazetteer import load_gazetteer

__all__ = ["population_acts", "settlement_nouns", "as_populations", "settlement_populations"]

# Prepositions that put a place under an act: "a curfew in X", "evacuated from X", "targets at X".
_PLACE_PREPS = frozenset({"in", "inside", "at", "on", "from", "near", "around", "across", "throughout",
                          "into", "outside", "within"})
# Finders whose state actors name a place (or a capital acted on) rather than a state acting.
_PLACE_FINDS = ("gazetteer:place", "dictionary:countries (place)", "dictionary:capitals (metonym)")


@functools.lru_cache(maxsize=1)
def population_acts() -> dict[str, frozenset[str]]:
    """pos -> the act lemmas of data/actors/population_acts.tsv."""
    rows = read_tsv(builtin_text("actors", "population_acts.tsv"), "data/actors/population_acts.tsv")
    by_pos: dict[str, set[str]] = {"noun": set(), "verb": set(), "adj": set()}
    for row in rows:
        if row["pos"] not in by_pos:
            raise ValueError(f"data/actors/population_acts.tsv: unknown pos {row['pos']!r}")
        by_pos[row["pos"]].add(row["act"].lower())
    return {pos: frozenset(acts) for pos, acts in by_pos.items()}


@functools.lru_cache(maxsize=1)
def settlement_nouns() -> frozenset[str]:
    """The nouns (singular, lower case) of data/actors/settlement_nouns.tsv."""
    rows = read_tsv(builtin_text("actors", "settlement_nouns.tsv"), "data/actors/settlement_nouns.tsv")
    return frozenset(r["noun"].lower() for r in rows)


def settlement_noun_first(tok: Token) -> int | None:
    """The first token of a settlement noun ending at `tok` ("homes", "residential areas"), if it is one."""
    if tok.pos_ != "NOUN":
        return None
    words = settlement_nouns()
    if tok.i > 0 and f"{tok.nbor(-1).lower_} {_lemma(tok)}" in words and tok.nbor(-1).head.i == tok.i:
        return tok.i - 1
    return tok.i if _lemma(tok) in words else None


def _lemma(tok: Token) -> str:
    return tok.lemma_.lower()


def _noun_act(tok: Token) -> str | None:
    """The act a noun names, alone or with its modifiers ("curfew", "martial law", "aid deliveries")."""
    acts = population_acts()["noun"]
    if tok.pos_ not in ("NOUN", "PROPN") and tok.tag_ != "VBG":  # "voting", "fighting" are often tagged as verbs
        return None
    if _lemma(tok) in acts or tok.lower_ in acts:
        return tok.lower_
    for child in tok.children:
        if child.dep_ in ("amod", "compound") and child.i == tok.i - 1:
            phrase = f"{child.lower_} {tok.lower_}"
            if phrase in acts or f"{child.lower_} {_lemma(tok)}" in acts:
                return phrase
            if _lemma(child) in acts and child.dep_ == "compound":
                return child.lower_  # "aid deliveries", "shell bombs"
    return None


def _verb_act(tok: Token) -> str | None:
    """The act a verb names ("shelled", "blew ... up")."""
    if tok.pos_ not in ("VERB", "AUX") and tok.tag_[:2] != "VB":
        return None
    acts = population_acts()["verb"]
    particles = [c.lower_ for c in tok.children if c.dep_ == "prt"]
    for particle in particles:
        if f"{_lemma(tok)} {particle}" in acts:
            return f"{_lemma(tok)} {particle}"
    return _lemma(tok) if _lemma(tok) in acts and not particles else None


def _argument_act(verb: Token) -> str | None:
    """The act that is a verb's subject or object, the verb only placing it: "street battles raged in
    central Baghdad", "imposed a curfew in the town of Cizre"."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "dobj") and (act := _noun_act(child)):
            return act
    return None


def suffered_act(tok: Token) -> str | None:
    """The act a settlement named by `tok` suffers, if any (see the module's docstring)."""
    settlement = _settlement_words()
    node = tok
    if node.dep_ == "pobj" and node.head.lower_ == "of" and _lemma(node.head.head) in settlement:
        node = node.head.head  # "the (besieged) town of Gorazde"
    elif node.dep_ in ("appos", "compound") and _lemma(node.head) in settlement:
        node = node.head
    for child in node.children:
        if child.dep_ in ("amod", "acl") and child.lower_ in population_acts()["adj"]:
            return child.lower_  # "the besieged town"
    if node.dep_ in ("dobj", "nsubjpass") and (act := _verb_act(node.head)):
        return act  # "rebels shelled Juba", "Gorazde was besieged"
    if node.dep_ != "pobj" or node.head.lower_ not in _PLACE_PREPS:
        return None
    head = node.head.head
    # the place phrase hangs on the act itself ("a curfew in X", "targets in X", "blew up in X") or
    # on a verb whose subject or object is the act ("imposed a curfew in X"); a thing it only locates
    # is no act on its people ("attacked a checkpoint near the town of X", "attacked a camp outside X")
    act = _noun_act(head)
    if act is None and (act := _verb_act(head)) and any(
            c.dep_ == "dobj" and not c.lower_.endswith(("self", "selves")) for c in head.children):
        return None  # "attacked a military camp outside X": the act falls on its object, not on X's people
    if act is None and head.pos_ in ("VERB", "AUX"):
        act = _argument_act(head)
    return act


def _is_settlement(text: str, iso3: str, ctx: _Context, tokens: list[Token]) -> bool:
    """A capital, a name after a settlement word, or a gazetteer city of the actor's country (also when
    regions.tsv lists it: "East Jerusalem"); never a name the gazetteer also has as a country ("Gaza",
    "Kosovo") nor a region that is no city ("Darfur", "West Bank")."""
    hit = ctx.kb.country_of(text)
    if hit is not None:
        return hit[1] == "capital"
    first = tokens[0]
    before = first.nbor(-1) if first.i > first.sent.start else None
    if before is not None and before.lower_ == "of" and before.i > 0 \
            and _lemma(before.nbor(-1)) in _settlement_words():
        return True  # "the town of Cizre"
    words = text.split()
    while len(words) > 1 and words[0].lower() in _DIRECTIONS:
        words = words[1:]  # "central Baghdad"
    entries = load_gazetteer().lookup(" ".join(words))
    return any(e.kind == "city" and e.country == iso3 for e in entries) and \
        not any(e.kind == "country" for e in entries)


def as_populations(found: Iterable[_Found], ctx: _Context) -> list[_Found]:
    """The mentions with every settlement that suffers an act turned into its civilians (CVL)."""
    out = []
    for f in found:
        if f.kind == "state" and f.country and f.resolved_by.startswith(_PLACE_FINDS):
            doc = f.sentence.paragraph.doc
            span = doc.char_span(f.start, f.end, alignment_mode="expand")
            if span is not None and len(span):
                tokens = [t for t in span if t.pos_ == "PROPN"] or list(span)
                text = " ".join(t.text for t in tokens)
                act = suffered_act(span.root)
                if act and _is_settlement(text, f.country, ctx, tokens):
                    # kind stays "state": the place is still where the act happens (the event coder
                    # takes state actors as the site of an act); its own key keeps it apart from the
                    # state itself named elsewhere in the article
                    f = dataclasses.replace(
                        f, key=f"population:{f.country}", name=span.text,
                        cameo_sector="CVL", plover_sector="CVL", code=f.country + "CVL",
                        resolved_by=f"{f.resolved_by} + population:{act}")
        out.append(f)
    return out


# Prepositions of a place phrase that says where the people of a settlement noun live.
_WHERE_PREPS = frozenset({"in", "near", "around", "outside", "inside", "across", "throughout", "of"})


def settlement_populations(sentence: Sentence, ctx: _Context, taken: set[int]) -> Iterator[_Found]:
    """Settlement nouns suffering an act ("shelled residential areas near the town of Rafah"): their
    people, civilians of the one country their place phrases name (the noun's own, or those of the
    object it is coordinated with or part of). A demonym before the noun is _demonym's ("Palestinian
    homes")."""
    kb = ctx.kb
    doc = sentence.paragraph.doc
    for tok in sentence.tokens:
        if tok.tag_ != "NNS":
            continue  # the nouns are plural ("villages", "homes"): most tokens are not
        first = settlement_noun_first(tok)
        if first is None or taken & set(range(first, tok.i + 1)):
            continue
        node, chain = tok, [tok]
        while node.dep_ == "conj" and node.head.i != node.i:
            node = node.head
            chain.append(node)
        if node.dep_ == "pobj" and node.head.lower_ == "of" and node.head.head.pos_ == "NOUN":
            node = node.head.head  # "positions of the security forces and residential areas"
            chain.append(node)
        if not (node.dep_ in ("dobj", "nsubjpass") and _verb_act(node.head)):
            continue
        if any(c.dep_ in ("amod", "compound") and kb.country_of(c.text) for c in tok.children):
            continue  # "Palestinian homes": the demonym's (actor_groups)
        preps = [p for n in (*chain, node.head) for p in n.children if p.dep_ == "prep" and p.lower_ in _WHERE_PREPS
                 and not (n.i == node.head.i and p.lower_ == "of")]
        site = one_site_country(preps, tok, ctx, taken)
        if site is None:
            continue  # no place, or places of several countries: no guessed country
        iso3, last = site
        while first > tok.left_edge.i and doc[first - 1].dep_ in ("amod", "compound") \
                and doc[first - 1].head.i == tok.i:
            first -= 1  # "civilian residential areas"
        taken.update(range(first, last + 1))
        yield _Found(key=f"group:{iso3}CVL:people", name=doc[first: last + 1].text, kind="group", sentence=sentence,
                     start=doc[first].idx, end=doc[last].idx + len(doc[last].text), country=iso3,
                     cameo_sector="CVL", plover_sector="CVL", code=iso3 + "CVL",
                     resolved_by=f"pattern:settlement noun {tok.lower_} + place + population:{_verb_act(node.head)}")
