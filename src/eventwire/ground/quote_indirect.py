"""Indirect speech and other attributions: a cue and the clause, infinitive or object it reports.

What it recognises in a sentence:
- indirect speech and other attributions: a cue with a complement clause ("Erdogan said he would
  meet ...", "X said that ...", "..., sources said", "vowed to ...", "called for ...", "But, he said,
  ...") outside direct quotes; the text is the clause without its "that" and without any direct quote
  it contains. Beliefs, plans and findings count ("believes that", "wants to", "a poll shows that"),
  as PolNeAR and PARC annotate them; a stance verb with no clause reports its object ("criticized
  the tariffs"), and so does a speech verb unless its object is the person addressed ("stressed the
  need for talks", not "told reporters"); a nominal cue its "that"-clause ("Putin's claim that ...", and
  an infinitive when a possessive holds it: "his determination to act"); a passive stance verb its
  subject, with the agent as source ("the nominee was endorsed by dozens of papers"); an attitude
  adjective after "be" its clause or prepositional object ("are afraid that", "critical of Trump"); a
  supporter or opponent noun what it stands for ("a staunch opponent of the death penalty"); "seems
  to" its infinitive, with no source, and so does a passive belief with no agent ("is thought to be",
  "is expected to"); a verb outside the cue table that takes a "that"-clause with its own subject and
  has a subject is a cue too ("Democrats fear that ..."); "In this poll, <clause>" attributes the
  clause to the poll (data class venue);
- a title-case headline the parser misreads ("Former Doctor Says Clinton Hid ...", "Clinton Hid ...,
  Former Doctor Says."), when nothing else was found in it, is split at a capitalised present-tense
  cue: the words before (or after the last comma) are the source, the rest what is attributed.
"""
from __future__ import annotations

from spacy.tokens import Doc, Token

from eventwire.ground.quote_cues import (
    CueTable, _RELATIVE, _according_to, _adjective_complements, _clause_taking, _coordinated_cue, _cue_class,
    _may_be_cues, _noun_clauses, _partisan_objects, _venue)
from eventwire.ground.quote_direct import _Context, _Draft, _sentence_at, _speaker_label
from eventwire.read import Sentence
from eventwire.token_columns import columns


# Cue classes that introduce a reported clause. "characterise" cues introduce a direct quote only
# ("called it “a disgrace”"). Beliefs, plans and findings ("believes that", "wants to", "a poll shows
# that") are attributions too, as PolNeAR and PARC annotate them.
_INDIRECT_CLASSES = {"speech", "writing", "attribution", "thought", "evidence", "stance", "characterise", "noun",
                     "adjective", "evidential", "partisan", "other", "venue"}
# The shortest noun-phrase content (the object of "called for", "criticized") kept as an attribution.
_NOMINAL_CONTENT = 1  # words at least: PolNeAR marks even a pronoun object ("cited it")
# Speech verbs whose direct object is the person addressed, never what was said.
_TO_WHOM = {"tell", "ask", "urge", "warn", "remind", "assure", "inform", "thank", "answer", "caution",
            "call", "address", "brief", "email", "text", "interrupt", "press"}


def _clause_run(head: Token, allowed: set[int]) -> tuple[int, int] | None:
    """The contiguous token run around `head` inside `allowed`, trimmed of "that" and punctuation."""
    if head.i not in allowed:
        return None
    first = last = head.i
    while first - 1 in allowed:
        first -= 1
    while last + 1 in allowed:
        last += 1
    doc = head.doc
    while first <= last and (doc[first].is_punct or doc[first].is_space
                             or (doc[first].lower_ == "that" and doc[first].dep_ == "mark")):
        first += 1
    while last >= first and (doc[last].is_punct and doc[last].text not in (".", "?", "!", ")", "]")
                             or doc[last].is_space):
        last -= 1
    if last < first:
        return None
    return first, last


def _complements(cue: Token, table: CueTable) -> list[Token]:
    """The heads of what the cue reports: its complement clause ("said (that) he would"), an
    infinitive ("vowed to form", "told his advisers to find"), the object of a phrasal cue ("called
    for a review"); or, for a cue set off as an aside ("..., sources said."; "But, he said, X"), the
    clause it interrupts."""
    if cue.pos_ == "NOUN" and cue.lemma_.lower() in table.partisans:
        return _partisan_objects(cue)
    if cue.pos_ == "NOUN":
        return _noun_clauses(cue, infinitive=cue.lemma_.lower() in table.intentions)
    if cue.pos_ == "ADJ":
        return _adjective_complements(cue)
    heads = [c for c in cue.children if c.dep_ == "ccomp"]
    heads += [c for c in cue.children if c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)]
    if heads:
        return heads
    lemma = cue.lemma_.lower()
    for child in cue.children:
        if child.dep_ == "prep" and (lemma, child.lower_) in table.phrasal and _next_to(cue, child):
            heads += [o for o in child.children if o.dep_ in ("pobj", "pcomp")]
    if heads:
        return heads
    cls = next((table.phrasal[(lemma, c.lower_)] for c in cue.children
                if c.dep_ == "prt" and (lemma, c.lower_) in table.phrasal), table.single.get(lemma))
    objects = [c for c in cue.children if c.dep_ == "dobj"]
    # "found the law unconstitutional", "the study found higher rates" are findings; "they found a way",
    # "leaders found little unity" come upon a thing.
    predicated = lemma != "find" or any(c.dep_ in ("oprd", "xcomp", "acomp") for c in cue.children) or any(
        c.dep_ == "nsubj" and (c.lemma_.lower() in table.venues or c.lemma_.lower() in table.nouns)
        for c in cue.children)
    if cls in ("stance", "evidence") and objects and predicated:
        return objects
    passive = [c for c in cue.children if c.dep_ == "nsubjpass"]
    if cls in ("stance", "characterise") and passive and cue.tag_ == "VBN" and passive[0].lower_ not in _RELATIVE:
        # "The nominee has been endorsed by dozens of papers": what is attributed is the passive
        # subject, and the agent ("by ...") is the source.
        return passive
    # A speech verb's object is what was said ("stressed the need for talks"), unless it is the
    # person spoken to ("told reporters", "urged Congress"): a person, a pronoun or a proper name.
    said = [o for o in objects if o.pos_ == "NOUN" and o.ent_type_ not in ("PERSON", "NORP", "ORG", "GPE")]
    if cls in ("speech", "writing") and said and lemma not in _TO_WHOM:
        return said
    called = any(c.dep_ in ("oprd", "xcomp", "acomp") for c in cue.children) or any(
        c.dep_ == "prep" and c.lower_ == "as" for o in [cue, *objects] for c in o.children)
    if cls == "characterise" and objects and (called or lemma != "call"):
        # "called the charges unsubstantiated", "described the showdown as ominous": the object and
        # what it is called, one run; "described crass behavior" its object (but "called the police"
        # is a call, not a characterisation).
        return objects
    aside = cue.dep_ == "parataxis" or (
        cue.dep_ in ("ccomp", "advcl") and cue.i > 0 and cue.doc[cue.i - 1].text in (",", "—", "–")
        and any(c.dep_ == "nsubj" for c in cue.children) and cue.head.i < cue.i)
    if aside and cue.head.i != cue.i and cue.head.pos_ in ("VERB", "AUX"):
        return [cue.head]
    return []


def _next_to(cue: Token, prep: Token) -> bool:
    """Whether only the cue's particle and adverbs stand between it and its preposition ("spoke out
    Tuesday about", "spoke emotionally of")."""
    return prep.i > cue.i and all(t.head.i == cue.i and t.dep_ in ("prt", "advmod", "npadvmod")
                                  for t in cue.doc[cue.i + 1: prep.i])


def _trailing_cues(doc: Doc, allowed: set[int], cue: Token, table: CueTable) -> set[int]:
    """Tokens of a participial cue set off by a comma inside a reported clause ("said he didn't
    believe it, arguing that ...", "..., citing ..."): a second attribution of its own, not part of
    the first one's content."""
    cut: set[int] = set()
    for i in sorted(allowed):
        t = doc[i]
        if (i in cut or t.i == cue.i or t.tag_ != "VBG" or t.dep_ not in ("advcl", "conj", "xcomp")
                or i == 0 or doc[i - 1].text not in (",", "—", "–")):
            continue
        if _cue_class(t, table) in _INDIRECT_CLASSES:
            cut |= set(range(i - 1, t.right_edge.i + 1))
    for i in sorted(allowed):
        t = doc[i]
        if i in cut or t.i == cue.i or not _coordinated_cue(t, cue):
            continue
        if _cue_class(t, table) in _INDIRECT_CLASSES:
            first = min([c.i for c in (*t.children, *t.head.children) if c.dep_ == "cc" and c.i < t.i] or [t.i])
            cut |= set(range(first, t.right_edge.i + 1))
    return cut

_HEADLINE_CLASSES = {"speech", "stance", "thought", "characterise", "writing"}
_HEADLINE_MAX_WORDS = 25


def _headline_cue(tok: Token, table: CueTable) -> tuple[str, int] | None:
    """A capitalised present-tense cue in a title-case headline ("Says", "Vows", "Goes After"), which
    the parser rarely reads as a verb: its class and the index of its last token."""
    word = tok.lower_
    if not word.endswith("s") or len(word) < 4:
        return None
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    for stem in (word[:-1], word[:-2]) + ((word[:-3] + "y",) if word.endswith("ies") else ()):
        if nxt is not None and (stem, nxt.lower_) in table.phrasal:
            cls = table.phrasal[(stem, nxt.lower_)]
            if cls in _HEADLINE_CLASSES:
                return cls, nxt.i
        cls = table.single.get(stem)
        if cls in _HEADLINE_CLASSES:
            return cls, tok.i
    return None


def _headline(ctx: _Context, table: CueTable) -> _Draft | None:
    """A title-case headline "Former White House Doctor Says Clinton Hid Past Health Problems": the
    words before a capitalised cue are the source, the words after it what is attributed. The parser
    reads such headlines badly, so this goes by position alone."""
    doc = ctx.doc
    words = [t for t in doc if t.is_alpha]
    if not words or len(words) > _HEADLINE_MAX_WORDS or len(list(doc.sents)) > 1:
        return None
    for tok in words[1:]:
        found = _headline_cue(tok, table)
        if found is None:
            continue
        cls, last = found
        source = [t for t in doc[: tok.i] if not (t.is_punct or t.is_space)]
        content = [t for t in doc[last + 1:] if not t.is_space]
        comma = max((t.i for t in doc[: tok.i] if t.text == ","), default=None)
        if comma is not None and all(t.is_punct for t in content):
            # "Clinton Hid Health Problems, Former Doctor Says.": the source after the comma.
            source = [t for t in doc[comma + 1: tok.i] if not (t.is_punct or t.is_space)]
            content = [t for t in doc[:comma] if not t.is_space]
        while content and content[0].is_punct:
            content.pop(0)
        while content and content[-1].is_punct and content[-1].text not in ("?", "!"):
            content.pop()
        if not source or len(source) > 6 or not content or any(t.text in (":", ";") for t in source):
            return None
        sentence = _sentence_at(ctx, tok.i)
        if sentence is None:
            return None
        return _Draft("indirect", ctx.p_index, sentence, content[0].idx, content[-1].idx + len(content[-1]),
                      tok, cls, label=(source[0].i, source[-1].i))
    return None


def _indirect(ctx: _Context, sentence: Sentence, excluded: set[int], table: CueTable) -> list[_Draft]:
    doc = ctx.doc
    drafts = []
    label = _speaker_label(doc, 0) if sentence.span.start == 0 and 0 not in excluded else None
    if label is not None and label[2].i < sentence.span.end - 1:
        last = sentence.span.end - 1
        while last > label[2].i and (doc[last].is_punct or doc[last].is_space):
            last -= 1
        words = doc[label[2].i + 1: last + 1]
        if not any(t.i in excluded for t in words):
            return [_Draft("indirect", ctx.p_index, sentence, words.start_char, words.end_char, label[2], "label",
                           label=(label[0], label[1]))]
    cols = columns(doc)
    may_be_cue = _may_be_cues(cols, table)
    in_sentence = set(range(sentence.span.start, sentence.span.end))
    for tok in sentence.tokens:
        if tok.i in excluded:
            continue
        cls = (_cue_class(tok, table) if may_be_cue[tok.i] else None) or (
            _clause_taking(tok) if cols.pos[tok.i] == "VERB" else None)
        if cls not in _INDIRECT_CLASSES:
            continue
        to = _according_to(tok) or _venue(tok, table)
        if to is not None:
            if cls == "venue" and _cue_class(tok.head, table) is not None:
                continue  # "In an interview, he said ...": the verb is the cue
            # "According to X, <clause>": the clause is the sentence without the according-phrase.
            owner = tok.head if tok.head.i != tok.i else None
            if owner is None:
                continue
            phrase = {t.i for t in tok.subtree} | {t.i for t in to.subtree}
            allowed = {t.i for t in owner.subtree} - phrase - excluded
            heads = [owner]
        else:
            heads = _complements(tok, table)
            allowed = set()
            cue_phrase = {t.i for t in tok.subtree}
            for head in heads:
                clause = {t.i for t in head.subtree}
                # A complement lies inside the cue's phrase; an interrupted clause contains it.
                inside = tok.i in {a.i for a in head.ancestors}
                allowed |= clause if inside else clause - cue_phrase
                if inside and tok.lemma_.lower() in table.single and table.single[tok.lemma_.lower()] == "characterise":
                    allowed |= {t.i for c in tok.children if c.dep_ in ("oprd", "xcomp", "acomp")
                                or (c.dep_ == "prep" and c.lower_ == "as") for t in c.subtree}
            allowed -= excluded
            allowed.discard(tok.i)
        allowed &= in_sentence
        allowed -= _trailing_cues(doc, allowed, tok, table)
        runs: set[tuple[int, int]] = set()
        for head in heads:
            run = _clause_run(head, allowed)
            # Two complements of one cue that the parser joined into one run are one attribution.
            if run is None or run in runs:
                continue
            runs.add(run)
            tokens = doc[run[0]: run[1] + 1]
            words = sum(1 for t in tokens if not t.is_punct)
            nominal = head.dep_ in ("dobj", "pobj", "nsubjpass") and tok.i in {a.i for a in head.ancestors}
            if nominal and words < _NOMINAL_CONTENT:
                continue
            # An infinitive may be two words ("declined to comment"); a clause needs three.
            shortest = 2 if head.dep_ == "xcomp" else 3
            if not nominal and (words < shortest or not any(t.pos_ in ("VERB", "AUX") for t in tokens)):
                continue
            drafts.append(_Draft("indirect", ctx.p_index, sentence, tokens.start_char, tokens.end_char, tok, cls,
                                 nominal=nominal))
    return drafts
