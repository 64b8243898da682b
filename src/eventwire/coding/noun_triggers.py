"""Event-noun trigger candidates: a noun of the trigger table ("talks", "airstrike"), the light verb whose
object it is ("held talks", "carried out airstrikes") and who does it to whom; split from coding/triggers.py,
whose rule lookup and argument helpers it shares."""
from __future__ import annotations

from spacy.tokens import Token

from eventwire.coding.arguments import (_children, _fallback_target, _Index, _is_coordinated, _is_passive,
                                        _phrase_actors, _preferred_target, _prep_objects, _prep_objects_of,
                                        _target_preps)
from eventwire.coding.codebook import Codebook
from eventwire.coding.modality import _intent_adjective
from eventwire.coding.trigger_rules import Candidate, choose_bound, rules_for, verb_forms
from eventwire.coding.triggers import (_GATHERING_PREPS, _GENERIC_VIOLENCE, _GOVERNING, _clause_subject, _governed_triggers,
                                       _noun_agents, _protest_purposes, _purpose_clauses, _violent_results)
from eventwire.read import Sentence
from eventwire.record import Actor

__all__ = ["_noun_candidate"]


# Light verbs that undo their noun's event: the noun is coded only by a row with a `verb:` condition
# ("lift a curfew" -> 0813), else the verb's own trigger stands ("rejected an invitation" -> reject).
_REVERSING = {"cancel", "postpone", "lift", "ease", "end", "halt", "suspend", "stop", "abandon", "relax", "reduce",
              "cut", "freeze", "reject", "refuse", "scrap", "abolish", "shorten", "call", "break", "sever"}


# "accepted demands from the rebels", "met their demands": the verb answers the request, and its own
# trigger (a concession) codes the event, not the request it answers.
_ANSWERING = {"accept", "approve", "meet", "heed", "satisfy", "grant", "fulfil", "fulfill", "ignore"}

_PREPOSITIONAL_LIGHT = {("engage", "in"), ("participate", "in"), ("involve", "in"), ("take", "in")}

# Verbs that put their object under the act of an "under" phrase ("placed under house arrest", "put under
# investigation", "kept under surveillance").
_UNDER_VERBS = {"put", "place", "keep", "hold"}

# Roots of material conflict whose event noun takes what it is done to in an of-phrase: sanctions and
# expulsions (16), coercion (17), violence (18-20).
_HOSTILE_NOUN_ROOTS = frozenset({"16", "17", "18", "19", "20"})

# Acts of several parties together, whose nouns may name the parties only in a describing participle.
_RECIPROCAL_NOUNS = {"AGREE", "CONSULT", "COOPERATE", "SUPPORT"}


# Partitive nouns: a part, a run or a span of an event ("a round of talks", "a wave of strikes", "three days
# of protests"). A closed grammatical class, like the determiners.
_PARTITIVES = frozenset({"round", "series", "wave", "spate", "string", "number", "day", "week", "month", "hour",
                         "night", "year", "couple", "lot", "kind", "sort", "type", "form", "bout", "flurry", "volley",
                         "barrage", "burst", "salvo", "chain", "set", "part"})


def _partitive_of(noun: Token) -> Token:
    """The partitive noun whose "of" phrase the event noun fills ("a round of talks": round), else the noun."""
    prep = noun.head
    if noun.dep_ == "pobj" and prep.lower_ == "of" and prep.dep_ == "prep" and prep.head.pos_ == "NOUN" and (
            prep.head.lemma_.lower() in _PARTITIVES):
        return prep.head
    return noun


def _noun_candidate(tok: Token, sentence: Sentence, index: _Index, codebook: Codebook) -> Candidate | None:
    rules = rules_for(tok, "NOUN", codebook, index)
    if not rules:
        return None
    # "held a new round of talks", "launched a series of attacks": a partitive noun stands in for its event
    # noun as the light verb's object
    phrase = _partitive_of(tok)
    head = phrase.head
    particle = next((codebook.light_verbs[f] for f in verb_forms(head) if f in codebook.light_verbs), None)
    light = phrase.dep_ in ("dobj", "nsubjpass") and head.pos_ in ("VERB", "AUX") and particle is not None and (
        not particle or any(c.dep_ == "prt" and c.lower_ == particle for c in head.children))
    if not light and tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.head.pos_ == "VERB" and (
            tok.head.head.lemma_.lower(), tok.head.lower_) in _PREPOSITIONAL_LIGHT:
        head, light = tok.head.head, True  # "engaged in ethnic cleansing": the verb's subject does the noun
    undergoer: list[Token] = []
    if not light and tok.dep_ == "pobj" and tok.head.lower_ == "under" and tok.head.head.pos_ == "VERB" and (
            tok.head.head.lemma_.lower() in _UNDER_VERBS):
        # "placed the leader under house arrest", "was put under investigation": the verb's subject (or
        # agent) does the noun's act to its object (or passive subject)
        head, light = tok.head.head, True
        undergoer = _children(head, "dobj") or _children(head, "nsubjpass")
    if not light:
        head = tok.head
    source: list[Actor] = []
    consumed = {tok.i} | ({phrase.i} if light else set())
    coordinated = False
    if light:
        subj = _children(head, "agent") and [g for c in _children(head, "agent") for g in _children(c, "pobj")]
        subj = subj or _children(head, "nsubj") or [c for c in _children(head, "nsubjpass")
                                                    if c.i != tok.i and c not in undergoer]
        if not subj and head.dep_ in ("xcomp", "conj", "advcl") and head.head.pos_ in ("VERB", "AUX"):
            subj = _children(head.head, "nsubj")
        if not subj and head.dep_ == "xcomp" and _intent_adjective(head.head):
            subj = _children(head.head.head, "nsubj")
        source = [a for t in subj for a in _phrase_actors(t, index, sentence)]
        coordinated = _is_coordinated(subj)
        consumed.add(head.i)
        pattern, governor = f"light-verb:{head.lemma_}+{tok.lemma_}", head
    else:
        source = _noun_agents(tok, index, sentence)
        pattern, governor = f"noun:{tok.lemma_}", head if head.pos_ in ("VERB", "AUX") else tok
    chosen = choose_bound(rules, tok, source, codebook, None, lambda t: _phrase_actors(t, index, sentence))
    if chosen is None:
        return None
    rule, bound = chosen
    bound_target: list[Actor] = []
    if bound is not None:
        # The row's pattern names which phrase is the source and which the target; its words are the act's.
        consumed |= bound.words
        if bound.source is not None:
            subj = [tok.doc[bound.source]]
            source = [a for t in subj for a in _phrase_actors(t, index, sentence)]
            coordinated = _is_coordinated(subj)
        if bound.target is not None:
            bound_target = _phrase_actors(tok.doc[bound.target], index, sentence)
        if bound.source is not None or bound.target is not None:
            pattern = "pattern-slots"
    if rule.cameo in _GENERIC_VIOLENCE and any(
            rules_for(g, g.pos_, codebook, index) for g in _prep_objects(tok, {"of"}) + [
                g for p in tok.children if p.dep_ == "prep" and p.lower_ == "of" for g in _children(p, "pcomp")]
            if g.pos_ in ("NOUN", "VERB")):
        return None  # "a campaign of torching", "a campaign of arrests": the act the "of" phrase names
    if rule.cameo[:2] in ("18", "19", "20") and tok.dep_ == "pobj" and tok.head.lower_ == "against" \
            and tok.head.head.pos_ == "NOUN" and not rules_for(tok.head.head, "NOUN", codebook, index):
        return None  # "protection against airstrikes", "measures against attacks": what is guarded against
    if not source and not light and tok.dep_ == "pobj" and head.lower_ in _GATHERING_PREPS.get(
            codebook.plover_of(rule.cameo), ()) and head.head.pos_ == "VERB" and not _is_passive(head.head):
        # "youths threw stones during demonstrations against X", "Nigerians converged for a rally",
        # "negotiators returned to Geneva for talks": who acts in the clause takes part in the protest or
        # meeting it is set in (a meeting only by "for"/"at": "shelled the city during talks" is no meeting).
        subj = _clause_subject(head.head)
        source = [a for t in subj for a in _phrase_actors(t, index, sentence)]
        coordinated = _is_coordinated(subj)
        if source:
            pattern = f"gathering-setting:{head.lower_}+{tok.lemma_}"
    if light and set(verb_forms(head)) & _REVERSING and not (rule.pattern is not None and rule.pattern.names_head):
        return None  # "cancelled the visit", "rejected an invitation": only a rule naming the verb codes it
    if light and set(verb_forms(head)) & _ANSWERING and codebook.plover_of(rule.cameo) == "REQUEST":
        return None
    preps = _target_preps(rule.cameo, codebook)
    # Coordinated event nouns share their target: "launched artillery, mortar and rocket fire against X".
    target = bound_target or [a for t in _prep_objects_of([tok, *tok.conjuncts], preps | {"between"})
                               for a in _phrase_actors(t, index, sentence)]
    if not bound_target and (light or source) and rule.cameo[:2] in _HOSTILE_NOUN_ROOTS:
        # "tightened the blockade of Serbia", "the army's arrest of two journalists": the of-phrase of a
        # hostile act's noun names whom it is done to (when the noun is an act of the clause or has an agent;
        # a bare "the shooting of X" that a protest is about stays its topic)
        undergoes = [a for t in _prep_objects(tok, {"of"}) for a in _phrase_actors(t, index, sentence)]
        target = undergoes or target
    if light and not target:
        target = [a for t in _prep_objects(head, preps) for a in _phrase_actors(t, index, sentence)]
    if light and not target:
        target = [a for t in _children(head, "dative") for a in _phrase_actors(t, index, sentence)]
    if undergoer:
        target = [a for t in undergoer for a in _phrase_actors(t, index, sentence)] or target
    target = _preferred_target(tok, rule.cameo, target, index, sentence, codebook)
    if not target and codebook.plover_of(rule.cameo) == "REQUEST":
        # "its demand that Israel ease restrictions": who is asked is the subject of the demanded clause
        target = [a for c in tok.children if c.dep_ in ("acl", "ccomp", "relcl") and any(
            m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
            for t in _children(c, "nsubj", "nsubjpass") for a in _phrase_actors(t, index, sentence)]
    if not source and not target and codebook.plover_of(rule.cameo) in _RECIPROCAL_NOUNS:
        # "a deal reached between the regime and rebels": the parties named by the participle describing the
        # agreement or meeting are each other's partners
        parties = [g for c in tok.children if c.dep_ == "acl" and c.tag_ == "VBN"
                   for g in _prep_objects(c, {"between", "among"})]
        source = [a for t in parties for a in _phrase_actors(t, index, sentence)]
        if len({a.id for a in source}) > 1:
            coordinated = True
            pattern = f"noun-parties:{tok.lemma_}"
        else:
            source = []
    if not target and codebook.plover_of(rule.cameo) == "CONSULT":
        # "hold a summit to bring together Turkey, France and Germany": the purpose clause names who meets.
        for clause in [c for g in (tok, head) for c in g.children if c.dep_ in ("advcl", "xcomp", "relcl", "acl")]:
            target += [a for t in _children(clause, "dobj") for a in _phrase_actors(t, index, sentence)]
    governing = False
    if codebook.plover_of(rule.cameo) in _GOVERNING:
        # "its demand that Israel ease restrictions": the demanded act is part of the demand
        roots = [c for c in tok.children if c.dep_ in ("acl", "ccomp", "xcomp") or (
            c.dep_ == "prep" and c.lower_ in ("for", "to"))]
        inner_triggers = _governed_triggers(roots, codebook, index) - {tok.i}
        if inner_triggers:
            consumed |= inner_triggers | {r.i for r in roots}
            governing = True
    if rule.cameo[:2] in ("18", "19", "20"):
        results = _violent_results([tok] + ([head] if light else []), codebook, index)
        if results:
            consumed |= results
            governing = True
    heads = [tok] + ([head] if light else [])
    clauses = _purpose_clauses(heads) if source and codebook.plover_of(rule.cameo) == "PROTEST" else []
    purposes = _protest_purposes(clauses, codebook, index)
    if purposes:
        consumed |= {p.i for p in purposes}
        governing = True
    if not [a for a in target if a not in source] and source:
        target = _fallback_target(heads + clauses, source, index)
        if target:
            pattern += "+nearest-actor"
    return Candidate(tok, rule, pattern, source, target, governor, consumed, coordinated, governing)
