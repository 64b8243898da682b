"""The event coder: triggers over the dependency parse -> CAMEO/PLOVER events with their actors,
own date, place, linked quantities, modality and the rule that fired.

Precision first: an event needs a resolved source or target actor, unless it is violence with
casualties; one trigger gives one event. The title is not coded (it restates the lead); captions
are (they often carry a separate, dated event); related links and furniture never reach here.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from spacy.tokens import Doc, Span, Token

from eventwire.coding.codebook import Codebook, TriggerRule
from eventwire.ground.actor_kb import country_or_bloc
from eventwire.ground.event_dates import with_calendar_date
from eventwire.read import Parsed, Sentence, doc_text
from eventwire.record import Actor, Event, Place, Quantity, Quote, TimeRef

__all__ = ["code_events", "PlaceChooser"]

log = logging.getLogger(__name__)

# (parsed, sentence index, trigger token index in the paragraph Doc, places) -> (place id or None, how)
PlaceChooser = Callable[[Parsed, int, int, Sequence[Place]], tuple[str | None, str]]

_REPORTING = {"say", "tell", "announce", "add", "explain", "claim", "report", "state", "confirm", "insist",
              "stress", "warn", "note", "write", "declare", "argue", "point", "allege", "assert", "reveal", "reiterate",
              "conclude"}
_INTENT = {"plan", "intend", "want", "aim", "seek", "hope", "prepare", "decide", "expect", "agree", "vow",
           "pledge", "promise", "offer", "propose", "support", "back", "plot", "consider", "wish", "swear"}
# "is willing to withdraw", "ready to contribute": a predicate adjective that announces the act it governs.
_INTENT_ADJ = {"willing", "ready", "prepared", "committed", "determined", "eager", "keen", "resolved",
               "set", "due", "scheduled", "slated", "poised"}  # "is set to meet": a scheduled act
_FUTURE_AUX = {"will", "would", "shall", "'ll", "’ll", "'d", "’d"}
_HEDGE_VERBS = {"think", "believe", "suspect", "allege", "report", "say", "rumour", "rumor", "fear", "understand"}
_HEDGE_WORDS = {"reportedly", "allegedly", "apparently", "possibly", "likely", "probably", "purportedly",
                "may", "might", "could", "perhaps", "seemingly"}
_CONDITION_MARKS = {"if", "unless", "provided", "providing"}
_TARGET_PREPS = {"against", "with", "on", "at", "to", "into", "upon", "toward", "towards"}
# Light verbs that undo their noun's event: the noun is coded only by a row with a `verb:` condition
# ("lift a curfew" -> 0813), else the verb's own trigger stands ("rejected an invitation" -> reject).
_REVERSING = {"cancel", "postpone", "lift", "ease", "end", "halt", "suspend", "stop", "abandon", "relax", "reduce",
              "cut", "freeze", "reject", "refuse", "scrap", "abolish", "shorten", "call", "break", "sever"}
# "accepted demands from the rebels", "met their demands": the verb answers the request, and its own
# trigger (a concession) codes the event, not the request it answers.
_ANSWERING = {"accept", "meet", "heed", "satisfy", "grant", "fulfil", "fulfill", "ignore"}
_PREPOSITIONAL_LIGHT = {("engage", "in"), ("participate", "in"), ("involve", "in"), ("take", "in")}
_RECIPIENT_PREPS = {"to", "for", "with", "against", "on"}
_RECIPROCAL = {"AGREE", "CONSULT", "COOPERATE", "ASSAULT", "SUPPORT"}
_LINKED_CATEGORIES = {"killed", "injured", "displaced", "missing", "homeless", "evacuated", "arrested", "died", "dead"}
_HISTORICAL_DAYS = 180
# An intended cooperative act is an expression of intent (03x); an intended hostile act is a threat (13x).
# "will not accept refugees", "would not meet": an announced refusal of a cooperative act is a rejection (12x).
_REFUSAL_CODES = {"03": "120", "04": "125", "05": "120", "06": "121", "07": "121", "08": "124"}
_INTENT_CODES = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035",
                 "14": "133", "15": "138", "16": "131", "17": "132", "18": "138", "19": "138", "20": "138"}


@dataclass
class _Index:
    """Actor mentions and times located in the paragraph Docs, for token lookups."""

    spans: dict[int, list[tuple[int, int, Actor]]] = field(default_factory=dict)  # id(doc) -> (start, end, actor)
    times: dict[int, list[tuple[Span, TimeRef]]] = field(default_factory=dict)  # sentence index -> (span, time)
    persons_before: list[tuple[int, int, Actor]] = field(default_factory=list)  # (sentence, char, actor)
    actors: dict[str, Actor] = field(default_factory=dict)
    quote_spans: dict[int, list[tuple[int, int, Quote]]] = field(default_factory=dict)  # id(doc) -> spans


def _build_index(parsed: Parsed, actors: Sequence[Actor], times: Sequence[TimeRef],
                 quotes: Sequence[Quote]) -> _Index:
    index = _Index(actors={a.id: a for a in actors})
    by_section = {}
    for p in parsed.paragraphs:
        by_section.setdefault((p.section, p.caption_index), []).append(p)

    lengths = {id(p.doc): len(doc_text(p.doc)) for p in parsed.paragraphs}

    def locate(section, caption_index, start, end):
        for p in by_section.get((section, caption_index), []):
            if p.offset <= start and end <= p.offset + lengths[id(p.doc)]:
                return p
        return None

    for actor in actors:
        for m in actor.mentions:
            p = locate(m.section, m.caption_index, m.start, m.end)
            if p is None:
                continue
            index.spans.setdefault(id(p.doc), []).append((m.start - p.offset, m.end - p.offset, actor))
            if actor.kind == "person" and m.sentence is not None:
                index.persons_before.append((m.sentence, m.start, actor))
    for t in times:
        p = locate(t.evidence.section, t.evidence.caption_index, t.start, t.end)
        if p is None:
            continue
        span = p.doc.char_span(t.start - p.offset, t.end - p.offset, alignment_mode="expand")
        if span is None:
            continue
        for s in parsed.sentences:
            if s.paragraph is p and s.span.start <= span.start < s.span.end:
                index.times.setdefault(s.index, []).append((span, t))
    index.persons_before.sort(key=lambda x: (x[0], x[1]))
    texts = {id(p.doc): doc_text(p.doc) for p in parsed.paragraphs if any(
        (q.evidence.section, q.evidence.caption_index) == (p.section, p.caption_index) for q in quotes)}
    for q in quotes:
        for p in by_section.get((q.evidence.section, q.evidence.caption_index), []):
            at = texts[id(p.doc)].find(q.text[:60])
            if at >= 0:
                index.quote_spans.setdefault(id(p.doc), []).append((at, at + len(q.text), q))
                break
    return index


def _actors_at(index: _Index, doc: Doc, first: int, last: int) -> list[Actor]:
    """Actors with a mention overlapping tokens first..last."""
    start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
    hits = [(s, e, a) for s, e, a in index.spans.get(id(doc), []) if s < end and e > start]
    # "Syrian regime forces" beats the "Syrian regime" inside it.
    hits = [h for h in hits if not any(o[0] <= h[0] and h[1] <= o[1] and (o[1] - o[0]) > (h[1] - h[0])
                                       for o in hits)]
    seen, out = set(), []
    for _, _, actor in sorted(hits, key=lambda h: h[0]):
        if actor.id not in seen:
            seen.add(actor.id)
            out.append(actor)
    return out


def _phrase_actors(token: Token, index: _Index, sentence: Sentence) -> list[Actor]:
    """Actors of the noun phrase headed by `token`, its conjuncts and appositions."""
    out: list[Actor] = []
    for head in (token, *token.conjuncts):
        lefts = [c for c in head.lefts if c.dep_ not in ("cc", "punct", "prep", "det")]
        first = min([c.left_edge.i for c in lefts] + [head.i])
        found = _actors_at(index, head.doc, first, head.i)
        own = {a.country for a in found if a.country}
        for child in head.children:
            if child.dep_ == "appos":
                # "Pakistan, a key U.S. ally": an apposition describing a placed actor by another
                # country's relation to it adds no actor of that other country.
                found += [a for a in _actors_at(index, head.doc, child.left_edge.i, child.right_edge.i)
                          if not own or not a.country or a.country in own]
            if child.dep_ == "prep" and child.lower_ in ("of", "from") and not found:
                found += [a for g in child.children if g.dep_ == "pobj" for a in _phrase_actors(g, index, sentence)]
        if not found and head.pos_ == "PRON":
            found = _pronoun_actor(head, index, sentence)
        if not found and head.pos_ == "NUM" and head.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj"):
            found = _numeral_antecedent_actors(head, index)
        out += [a for a in found if a not in out]
    return out


# Verbs whose subject owns what their object counts: "Turkey has 12 observation posts".
_OWNING = {"have", "own", "operate", "maintain", "run", "keep", "station", "deploy", "establish", "set", "hold"}


def _numeral_antecedent_actors(num: Token, index: _Index) -> list[Actor]:
    """ "Turkey has 12 observation posts ... but four are surrounded": a bare numeral stands for the nearest
    counted noun phrase before it in the sentence; its actors are the phrase's own ("12 Turkish posts",
    "Turkey's 12 posts"), else its owner's (the subject of "has", or the actor just before that verb when
    the parser has attached the subject elsewhere)."""
    doc = num.doc
    sent_start = num.sent.start
    antecedent = next((t for t in reversed(doc[sent_start:num.i]) if t.pos_ == "NOUN"
                       and any(c.dep_ == "nummod" for c in t.children)), None)
    if antecedent is None:
        return []
    first = min([c.left_edge.i for c in antecedent.lefts if c.dep_ not in ("det", "nummod")] + [antecedent.i])
    own = _actors_at(index, doc, first, antecedent.i)
    if own:
        return own
    verb = antecedent.head
    if antecedent.dep_ != "dobj" or verb.lemma_.lower() not in _OWNING:
        return []
    subj = _children(verb, "nsubj")
    if subj:
        return [a for t in subj for a in _actors_at(index, doc, t.left_edge.i, t.i)]
    return _actors_at(index, doc, verb.i - 1, verb.i - 1) if verb.i > sent_start else []


def _pronoun_actor(pron: Token, index: _Index, sentence: Sentence) -> list[Actor]:
    """I/we inside a quote -> its speaker; he/she -> the speaker whose reported speech contains it,
    else the nearest preceding person."""
    if pron.lower_ in ("i", "we", "me", "us", "my", "our"):
        quote = _quote_of(index, pron)
        speaker = index.actors.get(quote.speaker) if quote is not None and quote.speaker else None
        return [speaker] if speaker is not None else []
    if pron.lower_ not in ("he", "she", "him", "her", "his", "it", "its", "they", "their", "them"):
        return []
    for anc in pron.ancestors:
        if anc.lemma_ in _REPORTING:
            subj = [c for c in anc.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subj and subj[0] is not pron and subj[0].pos_ != "PRON":
                return _phrase_actors(subj[0], index, sentence)
    if pron.lower_ not in ("he", "she", "him", "her", "his"):
        return []  # "it"/"they" only within the reported speech of the actor they stand for
    char = sentence.start + (pron.idx - sentence.span.start_char)
    before = [a for s, c, a in index.persons_before if (s, c) < (sentence.index, char) and s >= sentence.index - 2]
    return before[-1:] if before else []


def _children(token: Token, *deps: str) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _prep_objects(token: Token, preps: set[str]) -> list[Token]:
    return [g for c in token.children if c.dep_ == "prep" and c.lower_ in preps
            for g in c.children if g.dep_ == "pobj"]


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _source_sectors(actors: list[Actor]) -> set[str]:
    out = set()
    for a in actors:
        if a.sector:
            out.add(a.sector)
        if a.code and a.country and a.code.startswith(a.country) and len(a.code) > len(a.country):
            out.add(a.code[len(a.country):])
        elif a.code and not a.country:
            out.add(a.code[:3])
    return out


@dataclass
class _Candidate:
    trigger: Token
    rule: TriggerRule
    pattern: str
    source: list[Actor]
    target: list[Actor]
    governor: Token  # the verb whose clause carries tense, modality and the time (the light verb for nouns)
    consumed: set[int]
    coordinated: bool = False  # the source is a coordination ("Turkey and Russia"), not one phrase
    governing: bool = False  # a threat, demand or refusal that took in the act it is about


def _verb_forms(verb: Token) -> tuple[str, ...]:
    """The verb's lemma, then stems of its past form: the small model lemmatises "staged" as "stag"."""
    lemma, word = verb.lemma_.lower(), verb.lower_
    if verb.tag_ in ("VBD", "VBN") and word.endswith("ed"):
        return lemma, word[:-1], word[:-2]
    return (lemma,)


def _rules_for(token: Token, pos: str, codebook: Codebook) -> tuple[TriggerRule, ...]:
    lemma = token.lemma_.lower()
    if pos == "NOUN":
        # "hunger strike", "car bombing": the compound names a more specific event than its head.
        for child in token.children:
            if child.dep_ in ("compound", "amod") and child.i < token.i:
                rules = codebook.triggers.get((f"{child.lemma_.lower()} {lemma}", pos))
                if rules:
                    return rules
    if pos == "VERB":
        return next((codebook.triggers[(f, pos)] for f in _verb_forms(token) if (f, pos) in codebook.triggers), ())
    return codebook.triggers.get((lemma, pos), ())


def _choose(rules: tuple[TriggerRule, ...], token: Token, source: list[Actor], codebook: Codebook,
            complement_type: str | None) -> TriggerRule | None:
    for rule in rules:
        cond = rule.condition
        if cond is None:
            return rule
        kind, values = cond
        if kind == "source" and _source_sectors(source) & values:
            return rule
        if kind == "xcomp" and complement_type in values:
            return rule
        if kind == "prep" and any(c.dep_ == "prep" and c.lower_ in values for c in token.children):
            return rule
        if kind == "particle" and any(c.dep_ == "prt" and c.lower_ in values for c in token.children):
            return rule
        if kind == "verb" and token.dep_ in ("dobj", "nsubjpass") and set(_verb_forms(token.head)) & values:
            return rule
        if kind == "object" and any(o.lemma_.lower() in values for c in token.children
                                    if c.dep_ in ("dobj", "nsubjpass") for o in (c, *c.conjuncts)):
            return rule
    return None


def _intent_adjective(token: Token) -> bool:
    """ "ready" in "is ready to": an intent adjective predicated of a clause subject."""
    return (token.pos_ == "ADJ" and token.lemma_.lower() in _INTENT_ADJ and token.dep_ == "acomp"
            and token.head.pos_ in ("VERB", "AUX"))


def _target_preps(cameo: str, codebook: Codebook) -> set[str]:
    """Prepositions whose object is the target: "withdraw troops from Lebanon" (a retreat leaves its
    target); "a curfew in Haiti" (administrative restrictions and their easing fall on a place's people);
    "arrived in Amman" (a visit's host)."""
    extra = {"from"} if codebook.plover_of(cameo) == "RETREAT" else set()
    if cameo[:3] in ("172", "081", "042", "154") or cameo[:4] in ("0813", "0814"):
        extra.add("in")  # "arrived in Amman", "forces in Lebanon": the place's government or people
    return _TARGET_PREPS | extra


def _complement(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ in ("xcomp", "ccomp") and c.pos_ in ("VERB", "AUX"):
            return c
    return None


# Participles that, with "be ... to", state the subject's own stance, not something done to it.
_STATIVE_PASSIVES = {"oppose"}

# Documents whose participle speaks for whoever issues them: "issued a statement condemning the raids".
_STATEMENTS = {"statement", "declaration", "communique", "communiqué", "resolution", "letter", "message", "appeal",
               "note", "decree", "order", "ultimatum"}


def _verbless_subject(tok: Token, sentence: Sentence) -> list[Token]:
    """When the parser leaves a sentence without a main verb ("Doctors from two aid groups donated and
    delivered goods": root "Doctors", "donated" a clause on "groups"), a finite past verb in a clause
    hanging off the root's phrase is the root's predicate: the root noun is its subject."""
    clause = tok.head if tok.dep_ == "conj" and tok.head.pos_ == "VERB" else tok
    root = sentence.span.root
    if clause.dep_ != "acl" or root.pos_ not in ("NOUN", "PROPN") or clause.head.i == root.i \
            or not any(v.tag_ == "VBD" for v in (clause, *clause.conjuncts)):
        return []
    ancestor = clause.head
    while ancestor.i != root.i and ancestor.dep_ in ("pobj", "prep", "compound", "conj"):
        ancestor = ancestor.head
    return [root] if ancestor.i == root.i else []


def _verb_candidate(tok: Token, sentence: Sentence, index: _Index, codebook: Codebook) -> _Candidate | None:
    rules = _rules_for(tok, "VERB", codebook)
    if not rules:
        return None
    passive = _is_passive(tok)
    if passive and tok.lemma_.lower() in _STATIVE_PASSIVES and not _prep_objects(tok, {"by"}) and not _children(
            tok, "agent") and _prep_objects(tok, {"to"}):
        passive = False  # "Israel is opposed to French mediation": Israel opposes it
        source_tokens = _children(tok, "nsubjpass")
        target_tokens = _prep_objects(tok, {"to"})
    elif passive:
        source_tokens = _prep_objects(tok, {"by"}) + [g for c in _children(tok, "agent") for g in _children(c, "pobj")]
        target_tokens = _children(tok, "nsubjpass")
        if not target_tokens and tok.dep_ == "xcomp":
            # "four are thought to be surrounded": the raised subject of the matrix verb undergoes the act
            target_tokens = _children(tok.head, "nsubjpass", "nsubj")
    else:
        source_tokens = _children(tok, "nsubj")
        target_tokens = _children(tok, "dobj", "dative")
    has_subject = any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in tok.children)
    if not source_tokens and not has_subject and tok.head.pos_ in ("VERB", "AUX") and (
            tok.dep_ in ("xcomp", "conj") or (tok.dep_ == "advcl" and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in tok.children))):
        # "Turkey threatened to attack", "struck work to protest": the controller acts
        source_tokens = _children(tok.head, "nsubj")
    if not source_tokens and not has_subject and tok.dep_ == "acl" and tok.head.lemma_.lower() in _STATEMENTS and (
            tok.head.dep_ == "dobj" and tok.head.head.pos_ in ("VERB", "AUX")):
        source_tokens = _children(tok.head.head, "nsubj")  # "the PKK issued a declaration demanding ..."
    if not source_tokens and not has_subject:
        source_tokens = _verbless_subject(tok, sentence)
    if not source_tokens and not has_subject and tok.dep_ == "xcomp" and _intent_adjective(tok.head):
        source_tokens = _children(tok.head.head, "nsubj")  # "Syria is willing to withdraw": the subject acts
    consumed = {tok.i}
    pattern = "passive-agent" if passive else "subject-verb-object"
    source = [a for t in source_tokens for a in _phrase_actors(t, index, sentence)]
    # "killed in attacks by the regime": the agent sits in the event noun that the verb's clause names.
    if not source:
        for noun in _prep_objects(tok, {"in", "during", "by", "from", "after"}):
            by = _prep_objects(noun, {"by"})
            if by and _rules_for(noun, "NOUN", codebook):
                source = [a for t in by for a in _phrase_actors(t, index, sentence)]
                consumed.add(noun.i)
                pattern = f"verb-in-noun-by-agent:{noun.lemma_}"
                break
    complement = _complement(tok)
    complement_type = None
    if complement is not None:
        inner = _rules_for(complement, "VERB", codebook)
        if inner:
            complement_type = codebook.plover_of(inner[0].cameo)
    rule = _choose(rules, tok, source, codebook, complement_type)
    if rule is None:
        return None
    target = [a for t in target_tokens for a in _phrase_actors(t, index, sentence)]
    if rule.condition and rule.condition[0] == "xcomp" and complement is not None:
        consumed.add(complement.i)
        pattern = f"complement:{tok.lemma_}+{complement.lemma_}"
        if not target:
            target = [a for t in _children(complement, "dobj") for a in _phrase_actors(t, index, sentence)]
    if not target:
        target = [a for t in _prep_objects(tok, _target_preps(rule.cameo, codebook))
                  for a in _phrase_actors(t, index, sentence)]
    if not target and complement is not None and complement.dep_ == "ccomp" and (
            codebook.plover_of(rule.cameo) == "REQUEST"):
        # "demanded that the United States match ...": who is asked is the subject of the demanded clause
        target = [a for t in _children(complement, "nsubj", "nsubjpass") for a in _phrase_actors(t, index, sentence)]
    if not target:
        target = _recipients(tok, complement, index, sentence)
    target = _preferred_target(tok, rule.cameo, target, index, sentence, codebook)
    governing = False
    plover = codebook.plover_of(rule.cameo)
    if plover in _GOVERNING:
        roots = _requested_acts(tok)
        inner_triggers = _governed_triggers(roots, codebook) - {tok.i}
        if inner_triggers:
            consumed |= inner_triggers | {r.i for r in roots}
            governing = True
            if pattern == "subject-verb-object":
                pattern = f"governs:{tok.lemma_}+{tok.doc[min(inner_triggers)].lemma_}"
    if rule.cameo[:2] in ("17", "18", "19", "20"):
        results = _violent_results([tok], codebook)
        if results:
            consumed |= results
            governing = True
    clauses = _purpose_clauses([tok]) if source and plover == "PROTEST" else []
    purposes = _protest_purposes(clauses, codebook)
    if purposes:
        consumed |= {p.i for p in purposes}
        governing = True
    if not [a for a in target if a not in source] and source:
        target = _fallback_target([tok] + clauses, source, index)
        if target:
            pattern += "+nearest-actor"
    if not [a for a in target if a not in source] and plover == "THREATEN":
        target = _condition_subjects([tok] + ([complement] if complement is not None else []), source, index,
                                     sentence)
        if target:
            pattern += "+condition-subject"
    coordinated = _is_coordinated(source_tokens)
    return _Candidate(tok, rule, pattern, source, target, tok, consumed, coordinated, governing)


# The fallback target search never follows these links: adverbial, relative and parenthetical clauses
# (another event's actors), nor function words; nor, from the trigger itself, its subject or agent.
_FALLBACK_SKIP = {"csubj", "csubjpass", "expl", "aux", "auxpass", "neg", "punct", "cc", "mark", "advmod", "advcl",
                  "parataxis", "relcl", "npadvmod", "intj", "dep", "meta", "preconj", "det", "prt", "case", "predet",
                  "quantmod"}
_TRIGGER_OWN = {"nsubj", "csubj", "agent"}  # the trigger's own subject or agent is its source
_FALLBACK_DEPTH = 8
# Verbal conflict acts that govern the act they are about: "threatened to cut off electricity", "demanded
# that the US cancel plans", "refused to lift the curfew" code one event, the threat, demand or refusal.
_GOVERNING = {"THREATEN", "REQUEST", "REJECT"}


def _fallback_target(starts: list[Token], source: list[Actor], index: _Index) -> list[Actor]:
    """When no grammatical role names the target (in the spirit of PETRARCH's and ICEWS's coders): the first
    actor in the trigger's object and complement subtree, nearest in the tree, then in reading order, other
    than the source: "demanded that the DPRK forsake" (the complement's subject), "rejected calls by Belarus's
    rulers" (an actor inside the object), "aid to refugees fleeing the war in Liberia" (the place's country).
    The search stays inside the trigger's clause: no subject, adverbial, coordinated or reporting clause."""
    doc = starts[0].doc
    seen = {t.i for t in starts}
    level = list(starts)
    for depth in range(_FALLBACK_DEPTH):
        following = []
        for tok in level:
            for child in tok.children:
                if child.i in seen or child.dep_ in _FALLBACK_SKIP:
                    continue
                if depth == 0 and child.dep_ in _TRIGGER_OWN:
                    continue  # a complement's subject is searched ("demanded that the US cancel"), its own is not
                if child.pos_ in ("VERB", "AUX") and (child.dep_ == "conj" or child.lemma_ in _REPORTING):
                    continue
                seen.add(child.i)
                following.append(child)
        for tok in sorted(following, key=lambda t: t.i):
            found = [a for t in (tok, *tok.conjuncts) for a in _actors_at(index, doc, t.i, t.i)]
            found = [a for a in dict.fromkeys(found) if a not in source]
            if found:
                return found
        level = following
    return []


_PURPOSE_TYPES = {"REQUEST", "ACCUSE", "PROTEST"}


def _purpose_clauses(heads: list[Token]) -> list[Token]:
    """ "staged demonstrations to demand reforms", "blocked a road to show their disapproval for X",
    "rallies calling for independence": what a protest is held for."""
    return [c for head in heads for c in head.children
            if c.dep_ in ("advcl", "xcomp", "acl") and c.pos_ == "VERB" and not _children(c, "nsubj", "nsubjpass")
            and (c.tag_ == "VBG" or any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children))]


def _protest_purposes(clauses: list[Token], codebook: Codebook) -> list[Token]:
    """The demand or protest a protest is held for ("began a hunger strike to protest X") says what the
    protest is about; it is not a second event."""
    out = []
    for c in clauses:
        rules = _rules_for(c, "VERB", codebook)
        if rules and codebook.plover_of(rules[-1].cameo) in _PURPOSE_TYPES:
            out.append(c)
    return out


def _condition_subjects(tokens: list[Token], source: list[Actor], index: _Index, sentence: Sentence) -> list[Actor]:
    """ "threatened to stop talks if the United States deploys missiles": who must meet the condition is
    the one threatened."""
    out = []
    for t in tokens:
        for c in t.children:
            if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children):
                out += [a for sub in _children(c, "nsubj", "nsubjpass") for a in _phrase_actors(sub, index, sentence)
                        if a not in source and a not in out]
    return out


# Clauses and phrases that set the main event in time or cause ("one day after a jet shot down a
# helicopter", "as the opposition threatened to storm his residence", "after violent protests"). Not
# contrast ("while Iraq rejected ..."), which reports an event of its own.
_BACKGROUND_MARKS = {"as", "when", "after", "before", "since", "because"}
_BACKGROUND_PREPS = {"after", "before", "since", "following", "amid", "despite", "over", "because"}
_CONTRAST_MARKS = {"while", "whereas", "although", "though"}
# Clauses and phrases that set a governed act in its time or cause ("as the leaders sought to ease
# tensions", "on the eve of a visit", "over their ties with Israel"): their events stand on their own.
_CONTEXT_MARKS = _BACKGROUND_MARKS | _CONTRAST_MARKS
_CONTEXT_PREPS = _BACKGROUND_PREPS | {"during", "on"}


def _governed_triggers(roots: list[Token], codebook: Codebook) -> set[int]:
    """The trigger tokens inside the governed phrases (verbs and event nouns alike), but not inside a
    relative clause, which describes something that did happen ("observers who were taken hostage"), nor
    in a phrase of time or cause."""
    out: set[int] = set()
    stack = list(roots)
    while stack:
        t = stack.pop()
        if t not in roots and (t.dep_ == "relcl" or (t.dep_ == "prep" and t.lower_ in _CONTEXT_PREPS) or (
                t.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CONTEXT_MARKS for m in t.children))):
            continue
        if (t.pos_ == "VERB" and _rules_for(t, "VERB", codebook)) or (
                t.pos_ == "NOUN" and _rules_for(t, "NOUN", codebook)):
            out.add(t.i)
        stack.extend(t.children)
    return out


def _requested_acts(tok: Token) -> list[Token]:
    """What a threat, demand or refusal is about: its complement clause, and the complement of a request
    it answers or makes ("rejected a call for peacekeepers to be deployed", "refused to commit to any
    assistance", "demanded a meeting to discuss")."""
    roots = [c for c in tok.children if c.dep_ in ("xcomp", "ccomp") and c.pos_ in ("VERB", "AUX")]
    for obj in _children(tok, "dobj"):
        roots += [c for c in obj.children if c.dep_ in ("acl", "xcomp", "ccomp")
                  or (c.dep_ == "prep" and c.lower_ in ("for", "to"))]
    return roots


# "shelled the city, killing 20": the participle gives the toll of the act it follows, not another event.
def _violent_results(heads: list[Token], codebook: Codebook) -> set[int]:
    out = set()
    for head in heads:
        for c in head.children:
            if c.dep_ == "advcl" and c.tag_ == "VBG" and not _children(c, "nsubj", "nsubjpass"):
                rules = _rules_for(c, "VERB", codebook)
                if rules and all(r.cameo[:2] in ("18", "19", "20") for r in rules):
                    out.add(c.i)
    return out


def _recipients(verb: Token, complement: Token | None, index: _Index, sentence: Sentence) -> list[Actor]:
    """Who receives the act when no argument of the trigger names an actor: "provide aid to/for Romania"
    (a preposition on the object), "offered to hand over X to Britain" (the complement's arguments)."""
    verbs = [verb] + ([complement] if complement is not None else [])
    heads = [v for v in verbs[1:]] + [o for v in verbs for d in _children(v, "dobj") for o in (d, *d.conjuncts)]
    tokens = [o for v in verbs[1:] for o in _children(v, "dobj", "dative")]
    tokens += _prep_objects_of(heads, _RECIPIENT_PREPS)
    return [a for t in tokens for a in _phrase_actors(t, index, sentence)]


def _preferred_target(tok: Token, cameo: str, target: list[Actor], index: _Index, sentence: Sentence,
                      codebook: Codebook) -> list[Actor]:
    """Arguments that name the target better than the object does:
    - a retreat's "from X" ("withdraw its troops from Lebanon", "withdrawal of forces from Panama"): the
      troops are the source's own;
    - an offer's or aid's recipient ("offered its troops to Lebanon", "gave X to Y");
    - an investigation's or accusation's culprit ("investigating crimes by X", "an inquiry into abuses by X")."""
    def actors(tokens: list[Token]) -> list[Actor]:
        return [a for t in tokens for a in _phrase_actors(t, index, sentence)]

    heads = [tok] + [g for g in _prep_objects(tok, {"of"})] + _children(tok, "dobj")
    plover = codebook.plover_of(cameo)
    if plover == "RETREAT":
        better = actors(_prep_objects_of(heads, {"from"}))
    elif cameo[:2] in ("03", "07"):
        better = actors(_children(tok, "dative") + _prep_objects(tok, {"to", "for"}))
    elif cameo[:2] in ("09", "11") and not target:
        objects = _children(tok, "dobj") + _prep_objects(tok, {"into", "of"})
        objects += [v for o in objects for v in _children(o, "acl")]  # "crimes committed by X"
        better = actors(_prep_objects_of(objects, {"by"}) + [g for o in objects for c in _children(o, "agent")
                                                             for g in _children(c, "pobj")])
    else:
        better = []
    return better or target


def _prep_objects_of(tokens: list[Token], preps: set[str]) -> list[Token]:
    return [g for t in tokens for g in _prep_objects(t, preps)]


def _is_coordinated(tokens: list[Token]) -> bool:
    """ "Turkey and Russia", "Hungarian and Romanian officials": the phrase names several parties."""
    return any(t.conjuncts or any(c.conjuncts for c in t.children if c.dep_ in ("amod", "compound", "nmod"))
               for t in tokens)


def _demand_candidate(tok: Token, sentence: Sentence, index: _Index, codebook: Codebook) -> _Candidate | None:
    """ "X said Y must/should do Z": the speaker demands something of Y (CAMEO 100)."""
    if tok.lemma_ not in _REPORTING or ("demand", "VERB") not in codebook.triggers:
        return None
    for clause in _children(tok, "ccomp"):
        if not any(a.dep_ == "aux" and a.lower_ in ("must", "should") for a in clause.children):
            continue
        source = [a for t in _children(tok, "nsubj") for a in _phrase_actors(t, index, sentence)]
        target = [a for t in _children(clause, "nsubj", "nsubjpass") for a in _phrase_actors(t, index, sentence)]
        rule = codebook.triggers[("demand", "VERB")][-1]
        # "said the US must be ready to mediate": what is demanded is not an event of its own
        return _Candidate(tok, rule, f"reported-obligation:{tok.lemma_}+must", source, target, tok,
                          {tok.i, clause.i} | _governed_triggers([clause], codebook), governing=True)
    return None


_GATHERING_PREPS = {"during", "for", "in", "at"}


def _noun_candidate(tok: Token, sentence: Sentence, index: _Index, codebook: Codebook) -> _Candidate | None:
    rules = _rules_for(tok, "NOUN", codebook)
    if not rules:
        return None
    head = tok.head
    particle = next((codebook.light_verbs[f] for f in _verb_forms(head) if f in codebook.light_verbs), None)
    light = tok.dep_ in ("dobj", "nsubjpass") and head.pos_ in ("VERB", "AUX") and particle is not None and (
        not particle or any(c.dep_ == "prt" and c.lower_ == particle for c in head.children))
    if not light and tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.head.pos_ == "VERB" and (
            tok.head.head.lemma_.lower(), tok.head.lower_) in _PREPOSITIONAL_LIGHT:
        head, light = tok.head.head, True  # "engaged in ethnic cleansing": the verb's subject does the noun
    source: list[Actor] = []
    consumed = {tok.i}
    coordinated = False
    if light:
        subj = _children(head, "agent") and [g for c in _children(head, "agent") for g in _children(c, "pobj")]
        subj = subj or _children(head, "nsubj") or [c for c in _children(head, "nsubjpass") if c is not tok]
        if not subj and head.dep_ in ("xcomp", "conj", "advcl") and head.head.pos_ in ("VERB", "AUX"):
            subj = _children(head.head, "nsubj")
        if not subj and head.dep_ == "xcomp" and _intent_adjective(head.head):
            subj = _children(head.head.head, "nsubj")
        source = [a for t in subj for a in _phrase_actors(t, index, sentence)]
        coordinated = _is_coordinated(subj)
        consumed.add(head.i)
        pattern, governor = f"light-verb:{head.lemma_}+{tok.lemma_}", head
    else:
        by = _prep_objects(tok, {"by"}) + _children(tok, "poss")
        source = [a for t in by for a in _phrase_actors(t, index, sentence)]
        if not source:
            # "Palestinian riots", "French mediation": a nationality or group before the noun is its agent
            source = [a for c in tok.children if c.dep_ in ("amod", "compound", "nmod") and c.i < tok.i
                      for a in _actors_at(index, tok.doc, c.left_edge.i, c.i)]
        pattern, governor = f"noun:{tok.lemma_}", head if head.pos_ in ("VERB", "AUX") else tok
    rule = _choose(rules, tok, source, codebook, None)
    if rule is None:
        return None
    if not source and not light and codebook.plover_of(rule.cameo) == "PROTEST" and tok.dep_ == "pobj" and (
            head.lower_ in _GATHERING_PREPS and head.head.pos_ == "VERB" and not _is_passive(head.head)):
        # "youths threw stones during demonstrations against X", "Nigerians converged for a rally": who
        # acts in the clause takes part in the protest it is set in.
        subj = _children(head.head, "nsubj")
        source = [a for t in subj for a in _phrase_actors(t, index, sentence)]
        coordinated = _is_coordinated(subj)
        if source:
            pattern = f"protest-setting:{head.lower_}+{tok.lemma_}"
    if light and set(_verb_forms(head)) & _REVERSING and (rule.condition or ("",))[0] != "verb":
        return None  # "cancelled the visit", "rejected an invitation": only a rule naming the verb codes it
    if light and set(_verb_forms(head)) & _ANSWERING and codebook.plover_of(rule.cameo) == "REQUEST":
        return None
    preps = _target_preps(rule.cameo, codebook)
    target = [a for t in _prep_objects(tok, preps | {"between"}) for a in _phrase_actors(t, index, sentence)]
    if light and not target:
        target = [a for t in _prep_objects(head, preps) for a in _phrase_actors(t, index, sentence)]
    if light and not target:
        target = [a for t in _children(head, "dative") for a in _phrase_actors(t, index, sentence)]
    target = _preferred_target(tok, rule.cameo, target, index, sentence, codebook)
    if not target and codebook.plover_of(rule.cameo) == "REQUEST":
        # "its demand that Israel ease restrictions": who is asked is the subject of the demanded clause
        target = [a for c in tok.children if c.dep_ in ("acl", "ccomp", "relcl") and any(
            m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
            for t in _children(c, "nsubj", "nsubjpass") for a in _phrase_actors(t, index, sentence)]
    if not target and codebook.plover_of(rule.cameo) == "CONSULT":
        # "hold a summit to bring together Turkey, France and Germany": the purpose clause names who meets.
        for clause in [c for g in (tok, head) for c in g.children if c.dep_ in ("advcl", "xcomp", "relcl", "acl")]:
            target += [a for t in _children(clause, "dobj") for a in _phrase_actors(t, index, sentence)]
    governing = False
    if codebook.plover_of(rule.cameo) in _GOVERNING:
        # "its demand that Israel ease restrictions": the demanded act is part of the demand
        roots = [c for c in tok.children if c.dep_ in ("acl", "ccomp", "xcomp") or (
            c.dep_ == "prep" and c.lower_ in ("for", "to"))]
        inner_triggers = _governed_triggers(roots, codebook) - {tok.i}
        if inner_triggers:
            consumed |= inner_triggers | {r.i for r in roots}
            governing = True
    if rule.cameo[:2] in ("18", "19", "20"):
        results = _violent_results([tok] + ([head] if light else []), codebook)
        if results:
            consumed |= results
            governing = True
    heads = [tok] + ([head] if light else [])
    clauses = _purpose_clauses(heads) if source and codebook.plover_of(rule.cameo) == "PROTEST" else []
    purposes = _protest_purposes(clauses, codebook)
    if purposes:
        consumed |= {p.i for p in purposes}
        governing = True
    if not [a for a in target if a not in source] and source:
        target = _fallback_target(heads + clauses, source, index)
        if target:
            pattern += "+nearest-actor"
    return _Candidate(tok, rule, pattern, source, target, governor, consumed, coordinated, governing)


def _clause_chain(token: Token) -> list[Token]:
    """The token and the verbs above it up to the sentence root."""
    chain = [token]
    while chain[-1].head is not chain[-1] and len(chain) < 8:
        chain.append(chain[-1].head)
    return chain


def _modality(c: _Candidate, plover: str | None, in_quote: bool, reported_by: Token | None) -> list[str]:
    gov = c.governor
    mods: list[str] = []
    chain = _clause_chain(gov)
    local = [gov, c.trigger]
    auxes = {a.lower_ for t in local for a in t.children if a.dep_ in ("aux", "auxpass")}
    if auxes & _FUTURE_AUX or any(a.lower_ == "going" for t in local for a in t.children) or any(
            (t.lemma_ in _INTENT or t.lower_ in _INTENT_ADJ) and t is not c.trigger for t in chain[1:3]
            if gov.dep_ in ("xcomp", "ccomp") or c.trigger.dep_ in ("xcomp", "pcomp")):
        mods.append("intended")
    if plover == "THREATEN" or any(t.lemma_ in ("threaten", "warn") for t in chain[1:3] if t is not c.trigger):
        mods.append("threatened")
    inner = [gov.doc[i] for i in sorted(c.consumed)]
    if any(ch.dep_ == "advcl" and any(m.lower_ in _CONDITION_MARKS for m in ch.children if m.dep_ == "mark")
           for t in chain[:3] + inner for ch in t.children):
        mods.append("conditional")
    if any(t.lemma_ in _HEDGE_VERBS and _is_passive(t) for t in chain[1:4]) or any(
            ch.lower_ in _HEDGE_WORDS for t in local for ch in t.children if ch.dep_ in ("advmod", "aux")):
        mods.append("hedged")
    if any(ch.dep_ == "neg" for t in local for ch in t.children):
        mods.append("negated")
    if in_quote or reported_by is not None:
        mods.append("reported")
    if not set(mods) & {"intended", "threatened", "conditional", "hedged", "negated"}:
        mods.insert(0, "asserted")
    return mods


def _is_ultimatum(c: _Candidate) -> bool:
    """ "will withdraw its force unless ...": the act is announced on a condition the target must meet."""
    inner = [c.governor.doc[i] for i in sorted(c.consumed)]
    return any(ch.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in ch.children)
               for t in _clause_chain(c.governor)[:3] + inner for ch in t.children)


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
            if node.head is node:
                break
            node = node.head
            if node.pos_ in ("VERB", "AUX") and node.i not in targets and node.dep_ not in ("aux", "auxpass"):
                if node.i in targets:
                    return time
                break
    return None


def _quote_of(index: _Index, token: Token) -> Quote | None:
    for start, end, quote in index.quote_spans.get(id(token.doc), []):
        if start <= token.idx < end:
            return quote
    return None


def _date(c: _Candidate, sentence: Sentence, index: _Index, quote: Quote | None, reporter: Token | None,
          published: str | None) -> dict[str, str | None]:
    governors = [c.trigger, c.governor]
    if c.governor.dep_ == "xcomp":
        governors.append(c.governor.head)  # "agreed on Wednesday to resume talks": the intent's day
    time = _attached_time(index, sentence, governors)
    if time is not None and time.value == "PRESENT_REF":
        # "four are now thought to be surrounded": the state holds on the day of publication.
        day = published[:10] if published else None
        return {"value": day, "start": None, "end": None, "grain": "day" if day else None, "anchor": "published"}
    if time is not None:
        return {"value": time.value, "start": time.range_start, "end": time.range_end, "grain": time.grain,
                "anchor": "expression" if time.anchor == "absolute" else time.anchor}
    if reporter is not None:
        said = _attached_time(index, sentence, [reporter])
        if said is not None:
            return {"value": said.value, "start": None, "end": None, "grain": said.grain, "anchor": "speech"}
    if quote is not None and quote.spoken:
        grain = {4: "year", 7: "month"}.get(len(quote.spoken), "day")
        return {"value": quote.spoken, "start": None, "end": None, "grain": grain, "anchor": f"speech:{quote.id}"}
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


def _placed(actor: Actor) -> bool:
    """The actor is a state's or a transnational body's, not a bare sector ("missing people", "workers")."""
    return country_or_bloc(actor.country, actor.code) is not None


def _own_government(source: list[Actor], sentence: Sentence, index: _Index) -> list[Actor]:
    """A protest with no named target is aimed at the protesters' own government (the convention of
    PETRARCH's and the PLOVER coders); a curfew or martial law with none falls on the imposing state's own
    people. That is the state actor of the source's one country: named in the sentence ("parties in Nepal
    organised a strike that shut down Kathmandu"), else anywhere in the article ("Iraq's government")."""
    countries = {a.country for a in source}
    if len(countries) != 1 or None in countries:
        return []
    country = countries.pop()
    named = _actors_at(index, sentence.span.doc, sentence.span.start, sentence.span.end - 1)
    for pool in (named, list(index.actors.values())):
        found = [a for a in pool if a not in source and a.country == country and a.kind == "state"]
        if found:
            return found[:1]
    return []


# What goes off by itself: an attack carried out by one of these, with no author named, is coded to the
# country where it went off ("a roadside bomb near Samarra killed a U.S. soldier": Iraq -> USA).
_DEVICES = {"bomb", "bombing", "explosion", "blast", "device", "mine", "landmine", "minefield", "explosive", "ied"}


def _device_site(verb: Token, sentence: Sentence, index: _Index) -> list[Actor]:
    """The state where the device that is the violent verb's subject (or its passive agent, or the
    "in" of a passive: "killed in a car bomb explosion") went off: the one country of the state actors
    (places) named in the sentence; none when the sentence names no place or places in several."""
    if verb.pos_ != "VERB":
        return []
    heads = _children(verb, "nsubj")
    if _is_passive(verb):
        heads = _prep_objects(verb, {"by", "in"}) + [g for c in _children(verb, "agent") for g in _children(c, "pobj")]
    if not any(h.lemma_.lower() in _DEVICES or h.lower_ in _DEVICES for h in heads):
        return []
    doc = sentence.span.doc
    states = [a for a in _actors_at(index, doc, sentence.span.start, sentence.span.end - 1) if a.kind == "state"]
    countries = {a.country for a in states}
    return states[:1] if len(countries) == 1 and None not in countries else []


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
    "would blockade Paris to demand an end to X"), not a coordinated, reported or contrasted clause."""
    path = []
    for _ in range(50):
        if token.i == main.i:
            return not any(t.dep_ in ("conj", "ccomp", "parataxis") or (t.dep_ == "advcl" and any(
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


def _without_background(candidates: list[_Candidate], has_toll: bool) -> list[_Candidate]:
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


def code_events(
    parsed: Parsed,
    actors: Sequence[Actor],
    codebook: Codebook,
    *,
    times: Sequence[TimeRef] = (),
    places: Sequence[Place] = (),
    quantities: Sequence[Quantity] = (),
    quotes: Sequence[Quote] = (),
    place_of: PlaceChooser | None = None,
) -> tuple[Event, ...]:
    """Every event of the article, in reading order."""
    index = _build_index(parsed, [a for a in actors if not a.media_only], times, quotes)
    published = parsed.document.published
    events: list[Event] = []
    for sentence in parsed.sentences:
        if sentence.section == "title":
            continue
        found = []
        for tok in sentence.span:
            cand = None
            if tok.pos_ == "NOUN":
                cand = _noun_candidate(tok, sentence, index, codebook)
            elif tok.pos_ == "VERB":
                cand = _verb_candidate(tok, sentence, index, codebook) or _demand_candidate(
                    tok, sentence, index, codebook)
            if cand is not None:
                found.append(cand)
        # One trigger, one event: where candidates share tokens, the one with more resolved actors wins,
        # then the event noun (a light verb such as "sign a deal" names its noun's event).
        # A threat, demand or refusal beats the act it governs ("threatened to break relations" is a threat).
        found.sort(key=lambda c: (not c.governing, -(bool(c.source) + bool(c.target)), c.trigger.pos_ != "NOUN",
                                  c.trigger.i))
        # "agreed to resume talks": the complement's event, made intended, says it all (CAMEO 036).
        governed = {c.governor.head.i for c in found if c.governor.dep_ == "xcomp" and (c.source or c.target)}
        found = [c for c in found if not (c.rule.lemma in _INTENT and c.trigger.i in governed)]
        consumed: set[int] = set()
        candidates: list[_Candidate] = []
        for cand in found:
            if cand.consumed & consumed:
                continue
            consumed |= cand.consumed
            candidates.append(cand)
        sentence_quantities = [q for q in quantities if q.evidence.section == sentence.section
                               and q.evidence.caption_index == sentence.paragraph.caption_index
                               and q.evidence.start == sentence.start and q.category in _LINKED_CATEGORIES]
        candidates = _without_background(candidates, bool(sentence_quantities))
        violent_seen = False
        found_here: list[Event] = []
        for c in sorted(candidates, key=lambda c: c.trigger.i):
            cameo = c.rule.cameo
            quote = _quote_of(index, c.trigger)
            reporter = _reporting_verb(c.governor)
            mods = _modality(c, codebook.plover_of(cameo), quote is not None, reporter)
            # CAMEO codes what is only announced as intent (03x) or threat (13x), not as done; an announced
            # refusal as rejection (12x); a cooperative step announced with "unless" as an ultimatum (131).
            if "intended" in mods and "negated" in mods and cameo[:2] in _REFUSAL_CODES:
                cameo = _REFUSAL_CODES[cameo[:2]]
            elif "intended" in mods and _is_ultimatum(c) and cameo[:2] in _REFUSAL_CODES:
                cameo = "131"
            elif "intended" in mods and cameo[:2] in _INTENT_CODES:
                cameo = _INTENT_CODES[cameo[:2]]
            row = codebook.code(cameo)
            plover = row.plover
            target = [a for a in c.target if a not in c.source]
            if not any(map(_placed, target)) and (plover == "PROTEST" or (
                    c.rule.cameo[:3] == "172" and not target)):
                own = _own_government(c.source, sentence, index)
                if own:
                    target = own
                    c.pattern += "+own-government"
            # A target only guessed from the nearest actor yields to the sides of a coordinated source
            # of several countries ("Hungarian and Romanian officials agreed ... Romanian refugees").
            guessed = "+nearest-actor" in c.pattern and len({a.country for a in c.source}) > 1
            if (guessed or not any(map(_placed, target))) and c.coordinated and len(c.source) > 1 \
                    and plover in _RECIPROCAL:
                target = list(c.source)  # "Turkey and Russia agreed": each side is the other's target
                c.pattern += "+reciprocal"
            violent = row.quad_class == 4 and c.rule.cameo[:2] in ("18", "19", "20")
            if violent and not c.source:
                site = [a for a in _device_site(c.trigger, sentence, index) if a not in target]
                if site:
                    c.source = site
                    c.pattern += "+device-site"
            linked = [q.id for q in sentence_quantities] if violent and not violent_seen else []
            # Violence with a human toll (dead, injured, displaced, missing ...) is coded even when
            # nobody is named as its author: that toll is what humanitarian monitors count.
            if not c.source and not target and not linked:
                continue
            violent_seen = violent_seen or violent
            when = with_calendar_date(_date(c, sentence, index, quote, reporter, published))
            if _is_historical(when.get("end") or when["value"] or when.get("start"), published):
                mods.append("historical")
            place_id, place_how = (None, "")
            if place_of is not None and places:
                place_id, place_how = place_of(parsed, sentence.index, c.trigger.i, places)
            trigger_text = c.trigger.text if c.governor is c.trigger or c.governor.i not in c.consumed else (
                f"{c.governor.text} … {c.trigger.text}")
            found_here.append(Event(
                id="",
                cameo=cameo,
                cameo_name=row.name,
                plover=plover,
                plover_mode=row.plover_mode,
                plover_context=row.plover_context,
                quad_class=row.quad_class,
                goldstein=row.goldstein,
                source=tuple(dict.fromkeys(a.id for a in c.source)),
                target=tuple(dict.fromkeys(a.id for a in target)),
                date=when,
                modality=tuple(mods),
                evidence=sentence.evidence(),
                rule=f"{c.rule.lemma}/{c.rule.pos}->{c.rule.cameo}"
                     + (f" [{c.rule.when}]" if c.rule.when else "") + f" via {c.pattern}"
                     + (f", intended->{cameo}" if cameo != c.rule.cameo else ""),
                place=place_id,
                place_how=place_how or None,
                quantities=tuple(linked),
                trigger=trigger_text,
            ))
        for e in _without_untargeted_repeats(found_here):
            events.append(replace(e, id=f"event{len(events) + 1}"))
    return tuple(events)
