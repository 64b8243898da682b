"""Which rule codes a trigger token: the project's trigger table first, then the imported CAMEO verb
dictionary's patterns, each row's dependency pattern and condition checked at the token; and the
candidate a trigger makes (its rule, source, target and the tokens it consumes). Split from
coding/triggers.py, which finds the candidates; the noun triggers and the ACLED typing read the same rules."""
from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from eventwire.coding.arguments import _Index, _source_sectors
from eventwire.coding.codebook import Codebook, TriggerRule
from eventwire.coding.trigger_patterns import PatternMatch
from eventwire.coding.verb_patterns import VerbMatch
from eventwire.record import Actor
from eventwire.token_columns import columns


@dataclass
class Candidate:
    trigger: Token
    rule: TriggerRule
    pattern: str
    source: list[Actor]
    target: list[Actor]
    governor: Token  # the verb whose clause carries tense, modality and the time (the light verb for nouns)
    consumed: set[int]
    coordinated: bool = False  # the source is a coordination ("Turkey and Russia"), not one phrase
    governing: bool = False  # a threat, demand or refusal that took in the act it is about
    reverse: str = ""  # the code of the same act seen from the target ([042:043] visit / host a visit)


def verb_forms(verb: Token) -> tuple[str, ...]:
    """The verb's lemma, then stems of its past form: the small model lemmatises "staged" as "stag"."""
    lemma, word = verb.lemma_.lower(), verb.lower_
    if verb.tag_ in ("VBD", "VBN") and word.endswith("ed"):
        return lemma, word[:-1], word[:-2]
    return (lemma,)


_LOOKUPS = "eventwire.trigger_lookups"


def _doc_lookups(doc: Doc, codebook: Codebook) -> tuple[dict[tuple[int, str], tuple], dict[int, VerbMatch | None]]:
    """The Doc's trigger lookups with this codebook: (token index, part of speech) -> rules, and token
    index -> dictionary match. Kept on the Doc (a parse never changes), so the coder and the ACLED typing,
    which reads the same triggers, search the dictionary once per token."""
    kept = doc.user_data.get(_LOOKUPS)
    if kept is None or kept[0]() is not codebook:
        kept = doc.user_data[_LOOKUPS] = (weakref.ref(codebook), {}, {})
    return kept[1], kept[2]


def rules_for(token: Token, pos: str, codebook: Codebook, index: _Index) -> tuple[TriggerRule, ...]:
    """The rules that may code the token as a trigger of this part of speech, computed once per token
    (the dictionary's pattern search is the coder's costliest step)."""
    known = _doc_lookups(token.doc, codebook)[0]
    rules = known.get((token.i, pos))
    if rules is None:
        rules = known[(token.i, pos)] = _find_rules(token, pos, codebook, index)
    return rules


def _find_rules(token: Token, pos: str, codebook: Codebook, index: _Index) -> tuple[TriggerRule, ...]:
    cols = columns(token.doc)
    lemma = cols.lemma[token.i]
    if pos == "NOUN":
        # "hunger strike", "car bombing": the compound names a more specific event than its head; each of
        # coordinated modifiers does ("suicide and car bomb attacks").
        for at in cols.children[token.i]:
            if cols.dep[at] in ("compound", "amod", "nmod") and at < token.i:
                child = token.doc[at]
                for modifier in (child, *child.conjuncts):
                    rules = codebook.triggers.get((f"{modifier.lemma_.lower()} {lemma}", pos))
                    if rules:
                        return rules
    if pos == "VERB":
        curated = next((codebook.triggers[(f, pos)] for f in verb_forms(token) if (f, pos) in codebook.triggers), ())
        # The trigger table's rows (curated for the project's sources) come first; the imported dictionary
        # codes the verbs it lacks, and refines a row for the verb alone when one of its patterns matched
        # words around the verb within the same CAMEO root ("ask * (for {financial aid})": 0231, not 020).
        if curated and all(r.pattern is not None and not r.when for r in curated) \
                and choose(curated, token, [], codebook, None) is None \
                and (fallback := dictionary_match(token, codebook, index)) is not None and not fallback.weak:
            # Rows only for verbs with a certain object, preposition or particle ("take control") that the
            # parse shows are not these: the verb is the dictionary's, as if the table had no row for it.
            curated = ()
        if curated and any(r.conditional for r in curated):
            return curated
        match = dictionary_match(token, codebook, index)
        if curated and not (match is not None and not match.weak
                            and (match.cameo or match.reverse)[:2] == curated[-1].cameo[:2]):
            return curated
        if match is None:
            return curated
        return (TriggerRule(match.verb, "VERB", match.cameo or match.reverse, "", match.id, match.weak),)
    return codebook.triggers.get((lemma, pos), ())


# A verb form that is no predicate: "according to", "following" (prepositions), "armed men" (modifiers).
_NOT_PREDICATES = frozenset({"prep", "amod", "compound", "nmod", "aux", "auxpass", "case", "mark", "det"})


def dictionary_match(token: Token, codebook: Codebook, index: _Index) -> VerbMatch | None:
    """The imported CAMEO dictionary's pattern (or the verb's own code) for a verb token, when its code is
    an event here: statements (01x) have no PLOVER type and are quote cues, not events."""
    if codebook.verbs is None or token.dep_ in _NOT_PREDICATES:
        return None
    known = _doc_lookups(token.doc, codebook)[1]
    if token.i in known:
        return known[token.i]
    match = codebook.verbs.match(token)
    code = (match.cameo or match.reverse) if match else ""
    if match is not None and (not code or (code not in codebook.codes and code[:3] not in codebook.codes)
                              or codebook.code(code).plover is None):
        match = None
    known[token.i] = match
    return match


def choose(rules: tuple[TriggerRule, ...], token: Token, source: list[Actor], codebook: Codebook,
            complement_type: str | None) -> TriggerRule | None:
    """The row that codes the token (see choose_bound), without what its pattern bound."""
    chosen = choose_bound(rules, token, source, codebook, complement_type)
    return chosen[0] if chosen else None


def choose_bound(rules: tuple[TriggerRule, ...], token: Token, source: list[Actor], codebook: Codebook,
                  complement_type: str | None, actors_of: Callable[[Token], list[Actor]] | None = None,
                  ) -> tuple[TriggerRule, PatternMatch | None] | None:
    """The first row whose dependency pattern (if any) matches at the token and whose condition on the
    source's sector (the pattern's `$` phrase when it binds one and `actors_of` reads it, else `source`) or
    on the complement's type (if any) holds; with what its pattern bound (its source and target nodes, its
    words), matched once."""
    for rule in rules:
        bound = rule.pattern.match(token) if rule.pattern is not None else None
        if rule.pattern is not None and bound is None:
            continue
        cond = rule.condition
        if cond is None:
            return rule, bound
        kind, values = cond
        own = actors_of(token.doc[bound.source]) if bound and bound.source is not None and actors_of else source
        if kind == "source" and _source_sectors(own) & values:
            return rule, bound
        if kind == "xcomp" and complement_type in values:
            return rule, bound
    return None
