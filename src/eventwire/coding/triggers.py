"""Trigger candidates of a verb (or a demand): the verb's rule (trigger_rules.py), its source and target
phrases and the tokens it consumes; the event nouns' candidates are noun_triggers.py's."""
from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Token

from eventwire.coding.codebook import Codebook, TriggerRule
from eventwire.read import Sentence
from eventwire.record import Actor

from eventwire.coding.background import _CONTEXT_MARKS, _CONTEXT_PREPS
from eventwire.coding.arguments import (_REPORTING, _actors_at, _children, _condition_subjects, _fallback_target, _Index,
                                        _is_coordinated, _is_passive, _objects, _phrase_actors, _preferred_target, _prep_objects,
                                        _prep_objects_of, _recipients, _source_sectors, _target_preps)
from eventwire.coding.modality import _intent_adjective, modality_words
from eventwire.coding.trigger_rules import Candidate, choose, choose_bound, dictionary_match, rules_for


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
    if clause.dep_ == "acl" and clause.head.i == root.i and root.pos_ in ("NOUN", "PROPN") \
            and _after_parenthesis(root, clause):
        return [root]
    if clause.dep_ != "acl" or root.pos_ not in ("NOUN", "PROPN") or clause.head.i == root.i \
            or not any(v.tag_ == "VBD" for v in (clause, *clause.conjuncts)):
        return []
    ancestor = clause.head
    while ancestor.i != root.i and ancestor.dep_ in ("pobj", "prep", "compound", "conj"):
        ancestor = ancestor.head
    return [root] if ancestor.i == root.i else []


_DASHES = frozenset({"-", "–", "—", "--"})


def _bracketed_subject(verb: Token, index: _Index) -> list[Actor]:
    """ "The only two states to have signed treaties with Israel - Egypt and Jordan - also criticised X": when
    an apposition between dashes stands right before the verb, the parser leaves the verb without a subject
    or hangs the names elsewhere; the actors the dashes enclose are the subject."""
    doc = verb.doc
    k = verb.i - 1
    while k >= 0 and doc[k].head.i == verb.i and doc[k].dep_ in ("advmod", "neg", "aux"):
        k -= 1
    if k < 1 or doc[k].text not in _DASHES:
        return []
    j = k - 1
    while j >= verb.sent.start and doc[j].text not in _DASHES:
        j -= 1
    if j < verb.sent.start or not 0 < k - j - 1 <= 8 or any(t.pos_ in ("VERB", "AUX") for t in doc[j + 1:k]):
        return []
    return _actors_at(index, doc, j + 1, k - 1)


def _after_parenthesis(root: Token, clause: Token) -> bool:
    """ "The Authority - which has rejected X as a mediator - called for a meeting": a verb the parser hung on
    the root noun after a parenthetical (a relative clause between dashes or commas) is the noun's predicate,
    not a participle describing it (which has no such clause between, and no agent)."""
    between = root.doc[root.i + 1:clause.i]
    return (clause.tag_ in ("VBD", "VBN") and not _agents(clause) and not _children(clause, "nsubj", "nsubjpass")
            and any(t.dep_ == "relcl" and t.head.i == root.i for t in between)
            and any(t.text in ("-", "–", "—", ",") and t.i == clause.i - 1 for t in between))


# Codes of violence that name no means: "killed", "wounded", "attacked".
_GENERIC_VIOLENCE = frozenset({"180", "190", "200"})


def _violent_means(verb: Token, rule: TriggerRule, source: list[Actor], codebook: Codebook,
                   index: _Index) -> tuple[TriggerRule, Token | None]:
    """ "killed in a suicide bombing", "wounded by a car bomb": the event noun of the verb's (or its
    conjunct's) phrase of means codes the act more precisely than a verb of violence in general."""
    for noun in _prep_objects_of([verb, *verb.conjuncts], {"in", "by", "during"}):
        rules = rules_for(noun, "NOUN", codebook, index)
        means = choose(rules, noun, source, codebook, None) if rules else None
        if means is not None and means.cameo[:2] in ("18", "19", "20") and means.cameo not in _GENERIC_VIOLENCE:
            return means, noun
    return rule, None


def _participle_controller(tok: Token) -> list[Token]:
    """ "shells fired by rebels hit the town, killing five and wounding dozens": a participle clause of
    violence with no subject (nor subordinating word) of its own is done by the subject of the clause it
    hangs on, or by that clause's passive agent; conjoined participles share it. (Other participles more
    often tell a result than an act: "the volcano erupted, sending ash into the sky".)"""
    node = tok
    for _ in range(3):
        if node.dep_ == "conj" and node.head.pos_ == "VERB" and not _children(node.head, "nsubj", "nsubjpass"):
            node = node.head
        else:
            break
    head = node.head
    if node.dep_ != "advcl" or node.tag_ != "VBG" or head.pos_ not in ("VERB", "AUX") or any(
            c.dep_ == "mark" for c in node.children):
        return []
    return _agents(head) if _is_passive(head) else _children(head, "nsubj")


def _clause_subject(verb: Token) -> list[Token]:
    """The subject of a verb, or of the clause it completes when it has none of its own ("youths resorted to
    throwing stones", "troops began to fire"): up through complements, conjuncts, purpose infinitives and
    "to"/"by" phrases."""
    for _ in range(4):
        subj = _children(verb, "nsubj")
        if subj or _children(verb, "nsubjpass"):
            return subj
        head = verb.head.head if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" else verb.head
        if verb.dep_ == "acl" and head.dep_ == "ROOT" and head.pos_ in ("NOUN", "PROPN"):
            return [head]  # a sentence the parser left without a main verb: its root noun acts
        if _misparsed_main_clause(verb):
            return [head]
        purpose = verb.dep_ == "advcl" and any(a.dep_ == "aux" and a.lower_ == "to" for a in verb.children)
        if (verb.dep_ not in ("xcomp", "pcomp", "conj") and not purpose) or head.pos_ not in ("VERB", "AUX") \
                or head.i == verb.i:
            return []  # (a purpose infinitive, "mobilized groups to help support X", is its clause subject's)
        verb = head
    return []


def _noun_agents(noun: Token, index: _Index, sentence: Sentence) -> list[Actor]:
    """Who does what an event noun names: its "by" phrase or possessor ("attacks by the regime", "the
    army's offensive"), else a nationality or group before it ("a Russian airstrike", "Palestinian riots")."""
    by = _prep_objects(noun, {"by"}) + _children(noun, "poss")
    found = [a for t in by for a in _phrase_actors(t, index, sentence)]
    return found or [a for c in noun.children if c.dep_ in ("amod", "compound", "nmod") and c.i < noun.i
                     for a in _actors_at(index, noun.doc, c.left_edge.i, c.i)]


def _agents(verb: Token) -> list[Token]:
    """The passive verb's agent phrases: "by X" (an `agent` link, or a plain "by" preposition)."""
    return _prep_objects(verb, {"by"}) + [g for c in _children(verb, "agent") for g in _children(c, "pobj")]


def _reduced_passive(verb: Token) -> bool:
    """A past participle describing a noun ("soldiers killed in the attack", "a rocket fired by militants"):
    for violence, the noun is the victim (what else such a participle says describes a participant)."""
    return verb.dep_ == "acl" and verb.tag_ == "VBN" and verb.head.pos_ in ("NOUN", "PROPN", "PRON") and (
        verb.head.dep_ in _CLAUSE_PARTICIPANTS) and not _misparsed_main_clause(verb)


def _misparsed_main_clause(verb: Token) -> bool:
    """ "Youths resorted to throwing stones, officials said", parsed with "resorted" as a participle
    describing "youths" and both nouns as subjects of "said" (or the first as a loose dependent of it): a verb
    cannot take two subjects, so the first noun is the subject of the clause the parser hung on it, and that
    clause is the reported one."""
    noun = verb.head
    return verb.dep_ == "acl" and noun.dep_ in ("nsubj", "dep") and noun.i < verb.i and any(
        s.dep_ == "nsubj" and s.i != noun.i for s in noun.head.children)


# A noun that takes part in its clause itself (not one inside another phrase's object: "the return of
# property seized by the army" describes the property).
_CLAUSE_PARTICIPANTS = frozenset({"attr", "nsubj", "nsubjpass", "ROOT", "appos", "conj"})


def _verb_candidate(tok: Token, sentence: Sentence, index: _Index, codebook: Codebook) -> Candidate | None:
    rules = rules_for(tok, "VERB", codebook, index)
    if not rules:
        return None
    if tok.dep_ == "acl" and tok.tag_ == "VBN" and tok.head.lemma_.lower() in _STATEMENTS:
        return None  # "in a letter handed over to the UN", "a statement sent to X": a message delivered, no act
    passive = _is_passive(tok)
    if passive and tok.lemma_.lower() in _STATIVE_PASSIVES and not _prep_objects(tok, {"by"}) and not _children(
            tok, "agent") and _prep_objects(tok, {"to"}):
        passive = False  # "Israel is opposed to French mediation": Israel opposes it
        source_tokens = _children(tok, "nsubjpass")
        target_tokens = _prep_objects(tok, {"to"})
    elif passive or (_reduced_passive(tok) and any(r.cameo[:2] in ("18", "19", "20") for r in rules)):
        passive = True
        source_tokens = _agents(tok)
        target_tokens = _children(tok, "nsubjpass")
        if not target_tokens and tok.dep_ == "xcomp":
            # "four are thought to be surrounded": the raised subject of the matrix verb undergoes the act
            target_tokens = _children(tok.head, "nsubjpass", "nsubj")
        if not target_tokens and tok.dep_ == "acl":
            # "there were four soldiers killed", "civilians wounded by shelling": the noun the participle
            # describes undergoes the act
            target_tokens = [tok.head]
    else:
        source_tokens = _children(tok, "nsubj")
        target_tokens = _objects(tok)
    has_subject = any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in tok.children)
    if not source_tokens and not has_subject and not passive and tok.head.pos_ in ("VERB", "AUX") and (
            tok.dep_ in ("xcomp", "conj") or (tok.dep_ == "advcl" and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in tok.children))):
        # "Turkey threatened to attack", "struck work to protest": the controller acts; an infinitive
        # after an object is that object's ("persuaded the rebels to free the hostages": the rebels free them)
        objects = _children(tok.head, "dobj") if tok.dep_ == "xcomp" else []
        source_tokens = objects or _children(tok.head, "nsubj") or _clause_subject(tok.head)
    if not source_tokens and not has_subject and not passive and tok.dep_ == "pcomp" and tok.tag_ == "VBG" \
            and tok.head.dep_ == "prep" and tok.head.head.pos_ in ("VERB", "AUX"):
        source_tokens = _clause_subject(tok)  # "retaliated by shelling the town": who retaliated shelled it
    if not source_tokens and not has_subject and tok.dep_ == "acl" and tok.head.lemma_.lower() in _STATEMENTS and (
            tok.head.dep_ == "dobj" and tok.head.head.pos_ in ("VERB", "AUX")):
        source_tokens = _children(tok.head.head, "nsubj")  # "the PKK issued a declaration demanding ..."
    violent = any(r.cameo[:2] in ("18", "19", "20") for r in rules)
    # Arrests and other coercion, like violence, are done by the clause's agent ("stormed the building,
    # arresting three leaders").
    if not source_tokens and not has_subject and (violent or any(r.cameo[:2] == "17" for r in rules)):
        source_tokens = _participle_controller(tok)
        if any(t.pos_ == "NOUN" and rules_for(t, "NOUN", codebook, index) for t in source_tokens):
            return None  # "a chemical attack hit the town, killing 87": the toll of the noun's event, not another
    if not source_tokens and not has_subject and not passive and _misparsed_main_clause(tok):
        source_tokens = [tok.head]  # "rebels attacked the town, officials said" misparsed (see there)
    if not source_tokens and not has_subject:
        source_tokens = _verbless_subject(tok, sentence)
    if not source_tokens and not has_subject and tok.dep_ == "xcomp" and _intent_adjective(tok.head):
        source_tokens = _children(tok.head.head, "nsubj")  # "Syria is willing to withdraw": the subject acts
    if not source_tokens and not has_subject and tok.dep_ == "pcomp" and tok.head.lower_ == "to" and (
            tok.head.head.lower_ in modality_words()["intent_adjective"]):
        # "Syria is committed to withdrawing": who is committed (parsed as a passive's subject) acts
        word = tok.head.head
        source_tokens = _children(word, "nsubj", "nsubjpass") or _children(word.head, "nsubj")
    # A CAMEO dictionary pattern names its source ($) and target (+) phrases; its words are part of the act.
    match = dictionary_match(tok, codebook, index) if rules[0].id.startswith("cameo:") else None
    if match is not None and match.source is not None:
        source_tokens = [tok.doc[match.source]]
    if match is not None and match.target is not None:
        target_tokens = [tok.doc[match.target]]
    consumed = {tok.i} | set(match.words if match is not None else ())
    pattern = "passive-agent" if passive else "subject-verb-object"
    source = [a for t in source_tokens for a in _phrase_actors(t, index, sentence)]
    if not source:
        # "hit by a rocket fired by militants", "shells fired by rebels hit the city": who used the weapon
        # that is the agent or the subject
        source = [a for t in source_tokens for c in _children(t, "acl") for g in _agents(c)
                  for a in _phrase_actors(g, index, sentence)]
    if not source and not passive and tok.dep_ == "ROOT":
        source = _bracketed_subject(tok, index)
    # "killed in attacks by the regime", "killed in a Russian airstrike": the agent sits in the event noun
    # that the verb's clause names.
    if not source:
        victims = [a for t in target_tokens for a in _phrase_actors(t, index, sentence)]
        for noun in _prep_objects_of([tok, *tok.conjuncts], {"in", "during", "by", "from", "after"}):
            if not rules_for(noun, "NOUN", codebook, index):
                continue
            agents = _noun_agents(noun, index, sentence) if violent else [
                a for t in _prep_objects(noun, {"by"}) for a in _phrase_actors(t, index, sentence)]
            agents = [a for a in agents if a not in victims]
            if agents:
                source = agents
                consumed.add(noun.i)
                pattern = f"verb-in-noun-agent:{noun.lemma_}"
                break
    if rules[0].weak and not (source and target_tokens):
        return None  # a verb coded by its block alone needs both its own subject and object to be actors
    complement = _complement(tok)
    complement_type = None
    if complement is not None:
        inner = rules_for(complement, "VERB", codebook, index)
        if inner:
            complement_type = codebook.plover_of(inner[-1].cameo)  # its unconditional row
    chosen = choose_bound(rules, tok, source, codebook, complement_type, lambda t: _phrase_actors(t, index, sentence))
    if chosen is None:
        return None
    rule, bound = chosen
    if bound is not None:
        # The row's pattern names which phrase is the source and which the target; its words are the act's.
        consumed |= bound.words
        if bound.source is not None:
            source_tokens = [tok.doc[bound.source]]
            source = [a for t in source_tokens for a in _phrase_actors(t, index, sentence)]
        if bound.target is not None:
            target_tokens = [tok.doc[bound.target]]
        if bound.source is not None or bound.target is not None:
            pattern = "pattern-slots"
    if rule.cameo in _GENERIC_VIOLENCE:
        rule, means = _violent_means(tok, rule, source, codebook, index)
        if means is not None:
            consumed.add(means.i)
            pattern += f"+means:{means.lemma_}"
    if rule.cameo in _RIOT_ACTS and source and not _source_sectors(source) & _ARMED_SECTORS:
        setting = _protest_setting(tok, codebook, index)
        if setting is not None:
            # "youths threw stones during demonstrations against X": unarmed participants' violence in a
            # protest is the protest turned violent (CAMEO 145, PLOVER PROTEST riot)
            rule = replace(rule, cameo="145")
            consumed.add(setting.i)
            pattern += f"+riot:{setting.lemma_}"
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
    if not target and not passive:
        # "stopped the march by opposition supporters", "prevented the opposition's rally": the act falls on
        # those who do the event its object names (the parser often hangs that "by" on the verb as an agent)
        for noun in target_tokens:
            if noun.pos_ == "NOUN" and rules_for(noun, "NOUN", codebook, index):
                stray = [g for c in _children(tok, "agent") for g in _children(c, "pobj") if c.i > noun.i]
                target = _noun_agents(noun, index, sentence) or [
                    a for t in stray for a in _phrase_actors(t, index, sentence)]
                if target:
                    break
    if not target and codebook.plover_of(rule.cameo) == "AID":
        # "send material to help defend Saudi Arabia": whom the aid is for is the object of its purpose
        for clause in _purpose_clauses([tok]):
            verbs = [clause] + [c for c in clause.children if c.dep_ == "xcomp"]
            target = [a for v in verbs for t in _children(v, "dobj") for a in _phrase_actors(t, index, sentence)]
            if target:
                break
    target = _preferred_target(tok, rule.cameo, target, index, sentence, codebook)
    governing = False
    plover = codebook.plover_of(rule.cameo)
    if plover in _GOVERNING:
        roots = _requested_acts(tok)
        inner_triggers = _governed_triggers(roots, codebook, index) - {tok.i}
        if inner_triggers:
            consumed |= inner_triggers | {r.i for r in roots}
            governing = True
            if pattern == "subject-verb-object":
                pattern = f"governs:{tok.lemma_}+{tok.doc[min(inner_triggers)].lemma_}"
    if rule.cameo[:2] in ("17", "18", "19", "20"):
        results = _violent_results([tok], codebook, index)
        if results:
            consumed |= results
            governing = True
    clauses = _purpose_clauses([tok]) if source and plover == "PROTEST" else []
    purposes = _protest_purposes(clauses, codebook, index)
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
    reverse = ""
    if match is not None and not match.cameo:
        source, target = target, source  # [:054] "gained recognition from X": X recognises the subject
    elif match is not None:
        reverse = match.reverse  # [042:043] "visited X": X also hosts the visit
    return Candidate(tok, rule, pattern, source, target, tok, consumed, coordinated, governing, reverse)


# Verbal conflict acts that govern the act they are about: "threatened to cut off electricity", "demanded
# that the US cancel plans", "refused to lift the curfew" code one event, the threat, demand or refusal.
_GOVERNING = {"THREATEN", "REQUEST", "REJECT"}

_PURPOSE_TYPES = {"REQUEST", "ACCUSE", "PROTEST"}


def _purpose_clauses(heads: list[Token]) -> list[Token]:
    """ "staged demonstrations to demand reforms", "blocked a road to show their disapproval for X",
    "rallies calling for independence": what a protest is held for."""
    return [c for head in heads for c in head.children
            if c.dep_ in ("advcl", "xcomp", "acl") and c.pos_ == "VERB" and not _children(c, "nsubj", "nsubjpass")
            and (c.tag_ == "VBG" or any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children))]


def _protest_purposes(clauses: list[Token], codebook: Codebook, index: _Index) -> list[Token]:
    """The demand or protest a protest is held for ("began a hunger strike to protest X") says what the
    protest is about; it is not a second event."""
    out = []
    for c in clauses:
        rules = rules_for(c, "VERB", codebook, index)
        if rules and codebook.plover_of(rules[-1].cameo) in _PURPOSE_TYPES:
            out.append(c)
    return out


def _governed_triggers(roots: list[Token], codebook: Codebook, index: _Index) -> set[int]:
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
        if (t.pos_ == "VERB" and rules_for(t, "VERB", codebook, index)) or (
                t.pos_ == "NOUN" and rules_for(t, "NOUN", codebook, index)):
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
def _violent_results(heads: list[Token], codebook: Codebook, index: _Index) -> set[int]:
    out = set()
    for head in heads:
        for c in head.children:
            if c.dep_ == "advcl" and c.tag_ == "VBG" and not _children(c, "nsubj", "nsubjpass"):
                rules = rules_for(c, "VERB", codebook, index)
                if rules and all(r.cameo[:2] in ("18", "19", "20") for r in rules):
                    out.add(c.i)
    return out


def _demand_candidate(tok: Token, sentence: Sentence, index: _Index, codebook: Codebook) -> Candidate | None:
    """ "X said Y must/should do Z", "X issued a reminder to Y that it must do Z": the speaker demands
    something of Y (CAMEO 100)."""
    if ("demand", "VERB") not in codebook.triggers:
        return None
    clauses = _children(tok, "ccomp") if tok.lemma_ in _REPORTING else []
    messages = [n for n in _children(tok, "dobj") if n.lemma_.lower() in _MESSAGES]
    clauses += [c for n in messages for c in n.children if c.dep_ in ("acl", "ccomp") and any(
        m.dep_ == "mark" and m.lower_ == "that" for m in c.children)]
    if not clauses:
        return None
    addressees = [a for t in _children(tok, "dative") + _prep_objects(tok, {"to"})
                  for g in ([t] if t.dep_ != "dative" or not _children(t, "pobj") else _children(t, "pobj"))
                  for a in _phrase_actors(g, index, sentence)]
    for clause in clauses:
        if not any(a.dep_ == "aux" and a.lower_ in ("must", "should") for a in clause.children):
            continue
        source = [a for t in _children(tok, "nsubj") for a in _phrase_actors(t, index, sentence)]
        subjects = _children(clause, "nsubj", "nsubjpass")
        target = [a for t in subjects for a in _phrase_actors(t, index, sentence)]
        if addressees and (not target or all(t.pos_ == "PRON" for t in subjects)):
            target = addressees  # "a reminder to Iraq that it must cooperate": the one addressed
        rule = codebook.triggers[("demand", "VERB")][-1]
        # "said the US must be ready to mediate": what is demanded is not an event of its own
        return Candidate(tok, rule, f"reported-obligation:{tok.lemma_}+must", source, target, tok,
                          {tok.i, clause.i} | {n.i for n in messages} | _governed_triggers([clause], codebook, index),
                          governing=True)
    return None


def _verb_or_demand_candidate(tok: Token, sentence: Sentence, index: _Index, codebook: Codebook) -> Candidate | None:
    """The verb's own event, or the demand it reports: the demand wins over a verb coded by its synonym block
    alone, and over one that only delivers a message ("sent a reminder to Serbia that it must ...")."""
    cand = _verb_candidate(tok, sentence, index, codebook)
    if cand is None or cand.rule.weak or any(n.lemma_.lower() in _MESSAGES for n in _children(tok, "dobj")):
        return _demand_candidate(tok, sentence, index, codebook) or cand
    return cand


# Messages whose that-clause of obligation is a demand on their addressee ("a reminder that it must").
_MESSAGES = _STATEMENTS | {"reminder", "warning", "notice", "memo", "memorandum"}


# The prepositions that set a clause in a gathering of each kind.
_GATHERING_PREPS = {"PROTEST": {"during", "for", "in", "at"}, "CONSULT": {"for", "at"}}


# Violence short of arms (unconventional violence, beating, throwing stones): done by a protest's unarmed
# participants within it, a riot. Sectors of armed or state actors, whose violence in a protest is repression.
_RIOT_ACTS = frozenset({"180", "182"})
_ARMED_SECTORS = frozenset({"MIL", "COP", "PRM", "SPY", "GOV", "REB", "INS", "UAF", "IMG"})


def _protest_setting(verb: Token, codebook: Codebook, index: _Index) -> Token | None:
    """The protest noun of a phrase that sets the verb's act in it ("during demonstrations", "at a rally")."""
    for noun in _prep_objects(verb, _GATHERING_PREPS["PROTEST"]):
        if noun.pos_ == "NOUN" and any(codebook.plover_of(r.cameo) == "PROTEST"
                                       for r in rules_for(noun, "NOUN", codebook, index)):
            return noun
    return None
