"""Argument binding for the event coder: which actors a trigger's phrases name (subjects, objects,
agents, preposition objects, conjuncts, appositions, pronouns, bare numerals), and the fallbacks when no
grammatical role names a target (the nearest actor in the clause, the protesters' own government, the
country where an unattributed device went off)."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from eventwire.coding.codebook import Codebook
from eventwire.ground.actor_kb import country_or_bloc
from eventwire.read import Parsed, Sentence, doc_text, token_offsets
from eventwire.record import Actor, Quote, TimeRef
from eventwire.token_columns import columns


_REPORTING = {"say", "tell", "announce", "add", "explain", "claim", "report", "state", "confirm", "insist",
              "stress", "warn", "note", "write", "declare", "argue", "point", "allege", "assert", "reveal", "reiterate",
              "conclude"}

_TARGET_PREPS = {"against", "with", "on", "at", "to", "into", "upon", "toward", "towards"}

_RECIPIENT_PREPS = {"to", "for", "with", "against", "on"}


@dataclass
class _Index:
    """Actor mentions and times located in the paragraph Docs, for token lookups."""

    spans: dict[int, list[tuple[int, int, Actor]]] = field(default_factory=dict)  # id(doc) -> (start, end, actor)
    times: dict[int, list[tuple[Span, TimeRef]]] = field(default_factory=dict)  # sentence index -> (span, time)
    persons_before: list[tuple[int, int, Actor]] = field(default_factory=list)  # (sentence, char, actor)
    actors: dict[str, Actor] = field(default_factory=dict)
    quote_spans: dict[int, list[tuple[int, int, Quote]]] = field(default_factory=dict)  # id(doc) -> spans
    # `spans` of each Doc sorted by start (stable), their starts, and the longest span's length: the
    # mentions overlapping a few tokens are then found by bisection, not by a scan of the whole paragraph
    sorted_spans: dict[int, tuple[list[tuple[int, int, Actor]], list[int], int]] = field(default_factory=dict)


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
    for doc_id, spans in index.spans.items():
        ordered = sorted(spans, key=lambda span: span[0])
        index.sorted_spans[doc_id] = (ordered, [span[0] for span in ordered], max(e - s for s, e, _ in ordered))
    texts = {id(p.doc): doc_text(p.doc) for p in parsed.paragraphs if any(
        (q.evidence.section, q.evidence.caption_index) == (p.section, p.caption_index) for q in quotes)}
    for q in quotes:
        for p in by_section.get((q.evidence.section, q.evidence.caption_index), []):
            at = texts[id(p.doc)].find(q.text[:60])
            if at >= 0:
                index.quote_spans.setdefault(id(p.doc), []).append((at, at + len(q.text), q))
                break
    return index


_NO_SPANS: tuple[list, list, int] = ([], [], 0)


def _actors_at(index: _Index, doc: Doc, first: int, last: int) -> list[Actor]:
    """Actors with a mention overlapping tokens first..last."""
    starts, ends = token_offsets(doc)
    start, end = starts[first], ends[last]
    ordered, span_starts, longest = index.sorted_spans.get(id(doc), _NO_SPANS)
    # the spans starting before `end` and ending after `start`, in the order of their starts
    hits = [h for h in ordered[bisect_right(span_starts, start - longest):bisect_left(span_starts, end)] if h[1] > start]
    # "Syrian regime forces" beats the "Syrian regime" inside it.
    hits = [h for h in hits if not any(o[0] <= h[0] and h[1] <= o[1] and (o[1] - o[0]) > (h[1] - h[0])
                                       for o in hits)]
    seen, out = set(), []
    for _, _, actor in sorted(hits, key=lambda h: h[0]):
        if actor.id not in seen:
            seen.add(actor.id)
            out.append(actor)
    return out

_RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}


def _phrase_actors(token: Token, index: _Index, sentence: Sentence) -> list[Actor]:
    """Actors of the noun phrase headed by `token`, its conjuncts and appositions."""
    out: list[Actor] = []
    for head in (token, *token.conjuncts):
        lefts = [c for c in head.lefts if c.dep_ not in ("cc", "punct", "prep", "det")]
        first = min([c.left_edge.i for c in lefts] + [head.i])
        found = _actors_at(index, head.doc, first, head.i)
        named = _actors_at(index, head.doc, head.i, head.i) if head.pos_ == "PROPN" else []
        if named:
            # "NATO-member Norway", "U.S. ally Israel": a name's modifiers describe it; they add no actor
            found = named
        own = {a.country for a in found if a.country}
        for child in head.children:
            if child.dep_ == "appos":
                # "Pakistan, a key U.S. ally": an apposition describing a placed actor by another
                # country's relation to it adds no actor of that other country.
                found += [a for a in _actors_at(index, head.doc, child.left_edge.i, child.right_edge.i)
                          if not own or not a.country or a.country in own]
            if child.dep_ == "prep" and child.lower_ in ("of", "from") and not any(map(_placed, found)):
                # "workers of the Tehran bus company", "members of the X movement": people named only by their
                # kind stand for the organisation or state their phrase names
                owners = [a for g in child.children if g.dep_ == "pobj" for a in _phrase_actors(g, index, sentence)]
                found = [a for a in owners if _placed(a)] or found + owners
        if any(map(_placed, found)):
            # "Montenegro Municipality Association officials": one phrase names one party; its placed actor
            # says who, an unplaced kind word inside it ("officials") adds no second party
            found = [a for a in found if _placed(a)]
        if found and not any(map(_placed, found)):
            # "their forces", "its troops": a group named only by its kind belongs to the possessor
            owners = [a for c in head.children if c.dep_ == "poss" and c.pos_ == "PRON"
                      for a in _pronoun_actor(c, index, sentence)]
            found = [a for a in owners if _placed(a)] or found
        if not found and head.pos_ == "PRON" and head.lower_ in _RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
            # "rebels, who attacked the convoy": the relative pronoun stands for the noun its clause describes
            found = _phrase_actors(head.head.head, index, sentence)
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
    below = pron
    for anc in pron.ancestors:
        if anc.lemma_ in _REPORTING:
            subj = [c for c in anc.children if c.dep_ in ("nsubj", "nsubjpass")]
            # a pronoun inside the subject's own phrase ("their forces said") cannot stand for that phrase
            if subj and subj[0].pos_ != "PRON" and not subj[0].left_edge.i <= pron.i <= subj[0].right_edge.i:
                return _phrase_actors(subj[0], index, sentence)
        elif below.dep_ == "advcl" and anc.pos_ in ("VERB", "AUX") and pron.dep_ in ("nsubj", "nsubjpass") \
                and pron.head.i == below.i:
            # "Islamic State has made gains since it seized Mosul": the subject of a subordinate clause
            # stands for the subject of the clause it depends on
            subj = [c for c in anc.children if c.dep_ in ("nsubj", "nsubjpass")]
            found = _phrase_actors(subj[0], index, sentence) if subj and subj[0].pos_ != "PRON" else []
            if found:
                return found
        below = anc
    if pron.lower_ not in ("he", "she", "him", "her", "his"):
        return []  # "it"/"they" only within the reported speech of the actor they stand for
    char = sentence.start + (pron.idx - sentence.span.start_char)
    before = [a for s, c, a in index.persons_before if (s, c) < (sentence.index, char) and s >= sentence.index - 2]
    return before[-1:] if before else []


def _children(token: Token, *deps: str) -> list[Token]:
    """The token's children by these links (read from the Doc's tree columns: only the children
    returned are made Tokens)."""
    doc = token.doc
    cols = columns(doc)
    dep = cols.dep
    return [doc[c] for c in cols.children[token.i] if dep[c] in deps]


def _has_child(token: Token, *deps: str) -> bool:
    """The token has a child by one of these links."""
    cols = columns(token.doc)
    dep = cols.dep
    return any(dep[c] in deps for c in cols.children[token.i])


def _objects(verb: Token) -> list[Token]:
    """The verb's direct and indirect objects. A counted object after "up to" ("kidnapped up to 16 advisers")
    is often parsed as the verb's particle "up" and a phrase "to 16 advisers": the counted noun is the object."""
    out = _children(verb, "dobj", "dative")
    if out:
        return out
    cols = columns(verb.doc)
    for at in cols.children[verb.i]:
        if cols.dep[at] not in ("prt", "advmod") or cols.lower[at] != "up" or at < verb.i:
            continue
        up = verb.doc[at]
        for prep in (*up.children, *verb.children):
            if prep.dep_ == "prep" and prep.lower_ == "to" and prep.i == up.i + 1:
                out += [g for g in prep.children if g.dep_ == "pobj" and (g.like_num or any(
                    n.dep_ in ("nummod", "quantmod") or n.like_num for n in g.children))]
    return out


def _prep_objects(token: Token, preps: set[str]) -> list[Token]:
    out = []
    doc = token.doc
    cols = columns(doc)
    dep, lower, children = cols.dep, cols.lower, cols.children
    for c in children[token.i]:
        if dep[c] == "prep" and lower[c] in preps:
            objects = [doc[g] for g in children[c] if dep[g] == "pobj"]
            out += objects or _stranded_object(token, doc[c])
    return out


def _stranded_object(token: Token, prep: Token) -> list[Token]:
    """ "granted asylum to five officers holed up in a residence", parsed with the noun as the subject of the
    participle's clause and the preposition left without an object: the noun right after the preposition is
    its object."""
    if prep.lower_ in _CLAUSE_INTRODUCERS:
        return []  # "after soldiers opened fire": a clause of its own
    return [s for v in token.children if v.dep_ in ("advcl", "ccomp", "conj", "acl") and v.i > prep.i
            and not _children(v, "mark") for s in v.children if s.dep_ == "nsubj" and s.left_edge.i == prep.i + 1]


# Words that are prepositions and also introduce clauses ("after the talks", "after the talks ended").
_CLAUSE_INTRODUCERS = {"after", "before", "since", "until", "till", "as", "because", "while", "once", "like"}


def _is_passive(verb: Token) -> bool:
    return _has_child(verb, "nsubjpass", "auxpass")


def _source_sectors(actors: list[Actor]) -> set[str]:
    out = set()
    for a in actors:
        if a.sector:
            out.add(a.sector)
        if a.code and a.country and a.code.startswith(a.country) and len(a.code) > len(a.country):
            out.add(a.code[len(a.country):])
        elif a.code and not a.country:
            out.add(a.code[:3])
        elif a.kind == "state" and a.code == a.country:
            out.add("GOV")  # "the United States defended ...": a state acts through its government
    return out


def _target_preps(cameo: str, codebook: Codebook) -> set[str]:
    """Prepositions whose object is the target: "withdraw troops from Lebanon" (a retreat leaves its
    target); "a curfew in Haiti" (administrative restrictions and their easing fall on a place's people);
    "arrived in Amman" (a visit's host); "reimposed blockades in the West Bank" (a blockade, like a curfew,
    restricts the movement of a place's people)."""
    extra = {"from"} if codebook.plover_of(cameo) == "RETREAT" else set()
    if cameo[:3] in ("172", "081", "042", "154", "191") or cameo[:4] in ("0813", "0814"):
        extra.add("in")  # "arrived in Amman", "forces in Lebanon": the place's government or people
    return _TARGET_PREPS | extra


# The fallback target search never follows these links: adverbial, relative and parenthetical clauses
# (another event's actors), nor function words; nor, from the trigger itself, its subject or agent.
_FALLBACK_SKIP = {"csubj", "csubjpass", "expl", "aux", "auxpass", "neg", "punct", "cc", "mark", "advmod", "advcl",
                  "parataxis", "relcl", "npadvmod", "intj", "dep", "meta", "preconj", "det", "prt", "case", "predet",
                  "quantmod"}

# Nor a phrase of what the act goes without ("agreed to resign without returning to X"): what does not
# happen names no target. (A phrase of time or cause may: "called off a strike after talks with X".)
_FALLBACK_SKIP_PREPS = {"without"}

# Prepositions that name where an act happens, not whom it concerns (see _fallback_target).
_PLACE_PREPS = {"in", "at", "near", "inside", "outside", "throughout", "across", "around"}

_TRIGGER_OWN = {"nsubj", "csubj", "agent"}  # the trigger's own subject or agent is its source

_FALLBACK_DEPTH = 8


def _fallback_target(starts: list[Token], source: list[Actor], index: _Index) -> list[Actor]:
    """When no grammatical role names the target (in the spirit of PETRARCH's and ICEWS's coders): the first
    actor in the trigger's object and complement subtree, nearest in the tree, then in reading order, other
    than the source: "demanded that the DPRK forsake" (the complement's subject), "rejected calls by Belarus's
    rulers" (an actor inside the object), "aid to refugees fleeing the war in Liberia" (the place's country).
    The search stays inside the trigger's clause: no subject, adverbial, coordinated or reporting clause.
    An actor reached through a place preposition ("blocked streets in Hong Kong") is only where the act
    happened: any actor reached otherwise ("in defiance of Chinese authorities") is preferred to it."""
    doc = starts[0].doc
    seen = {t.i for t in starts}
    level = [(t, False) for t in starts]
    placed: list[Actor] = []
    for depth in range(_FALLBACK_DEPTH):
        following = []
        for tok, in_place in level:
            for child in tok.children:
                if child.i in seen or child.dep_ in _FALLBACK_SKIP or (
                        child.dep_ == "prep" and child.lower_ in _FALLBACK_SKIP_PREPS):
                    continue
                if depth == 0 and child.dep_ in _TRIGGER_OWN:
                    continue  # a complement's subject is searched ("demanded that the US cancel"), its own is not
                if depth == 0 and tok.pos_ == "NOUN" and child.dep_ == "prep" and child.lower_ == "by":
                    continue  # nor an event noun's agent ("ordered patrols by the police": the police patrol)
                if child.pos_ in ("VERB", "AUX") and (child.dep_ == "conj" or child.lemma_ in _REPORTING):
                    continue
                seen.add(child.i)
                following.append((child, _names_place(child, in_place)))
        for tok, in_place in sorted(following, key=lambda pair: pair[0].i):
            found = [a for t in (tok, *tok.conjuncts) for a in _actors_at(index, doc, t.i, t.i)]
            found = [a for a in dict.fromkeys(found) if a not in source]
            if found and not in_place:
                return found
            if found and not placed:
                placed = found
        level = following
    return placed


def _names_place(tok: Token, head_names_place: bool) -> bool:
    """Whether the token is (a modifier of) the object of a place preposition: "in Hong Kong", "at a jail
    in East Timor's capital", but not "in defiance of Chinese authorities" (the object of "of")."""
    if tok.dep_ == "pobj":
        return tok.head.dep_ == "prep" and tok.head.lower_ in _PLACE_PREPS
    return head_names_place and tok.dep_ in ("compound", "poss", "amod", "appos", "nmod", "nummod")


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
    - an investigation's or accusation's culprit ("investigating crimes by X", "an inquiry into abuses by X");
    - a complaint's culprit over its addressee ("complained to the UN over Israeli raids")."""
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
    elif cameo[:2] == "11" and not _children(tok, "dobj") and _prep_objects(tok, {"to"}):
        # "complained to the UN over Israeli air raids": the addressee hears the complaint, the one whose
        # act it is about is accused
        better = actors(_prep_objects(tok, {"over", "about"}))
    else:
        better = []
    return better or target


def _prep_objects_of(tokens: list[Token], preps: set[str]) -> list[Token]:
    return [g for t in tokens for g in _prep_objects(t, preps)]


def _is_coordinated(tokens: list[Token]) -> bool:
    """ "Turkey and Russia", "Hungarian and Romanian officials": the phrase names several parties."""
    return any(t.conjuncts or any(c.conjuncts for c in t.children if c.dep_ in ("amod", "compound", "nmod"))
               for t in tokens)


def _quote_of(index: _Index, token: Token) -> Quote | None:
    for start, end, quote in index.quote_spans.get(id(token.doc), []):
        if start <= token.idx < end:
            return quote
    return None


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
    return _one_state_site(sentence, index)


def _one_state_site(sentence: Sentence, index: _Index, main_clauses: bool = False) -> list[Actor]:
    """The one country of the state actors (places) named in the sentence; none when it names no place
    or places in several. `main_clauses`: only those outside relative, participle and purpose clauses
    ("to protest the sending of troops to Iraq" says nothing of where the act happened)."""
    doc = sentence.span.doc
    states = [a for a in _actors_at(index, doc, sentence.span.start, sentence.span.end - 1) if a.kind == "state"]
    if main_clauses:
        kept = {a.id for t in sentence.span if not _in_described_clause(t) for a in _actors_at(index, doc, t.i, t.i)}
        states = [a for a in states if a.id in kept]
    countries = {a.country for a in states}
    return states[:1] if len(countries) == 1 and None not in countries else []


def _in_described_clause(token: Token) -> bool:
    """The token lies in a relative or participle clause describing a noun, or in a purpose infinitive."""
    for _ in range(50):
        if token.head.i == token.i:
            return False
        if token.dep_ in ("relcl", "acl") or (token.dep_ == "advcl" and any(
                a.dep_ == "aux" and a.lower_ == "to" for a in token.children)):
            return True
        token = token.head
    return False


def _legal_site(tokens: list[Token], index: _Index, sentence: Sentence) -> list[Actor]:
    """The one state named as where a legal act happened ("was arrested in Lebanon", "put under
    investigation in Italy"): only a state's authorities arrest, charge or investigate there."""
    states = [a for t in dict.fromkeys(tokens) for g in _prep_objects(t, {"in"})
              for a in _phrase_actors(g, index, sentence) if a.kind == "state"]
    return states[:1] if len({a.country for a in states}) == 1 and states[0].country else []
