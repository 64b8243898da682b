"""Who said a quote, and when: the speaker behind a cue, the actor it names, and the date spoken.

- the speaker: the cue's grammatical subject (climbing from "adding" or "and said" to the verb that
  has one), the object of "according to", or a nominal cue's possessive; an appositive name wins ("Kremlin spokesperson, Dmitry
  Peskov, told" -> Peskov); "he"/"she"/"they"/"it" take the previous speaker when that speaker
  fits and spoke in this or the previous paragraph, else the nearest preceding fitting actor; a
  relative pronoun reaches back to its antecedent ("Butterfield, who said"); a participle takes its
  noun ("a statement announcing"), the subject of the verb that noun is the object of ("the Council
  issued a statement calling"), or the subject of the verb it hangs from ("by telling them", "stopped
  short of calling"); a nominal cue its possessive, its "from" ("warnings from his lawyer that"), or
  the subject of the verb it is the object of ("persisted in arguments that"); when the parser found
  no subject outside the quote, a short name between the closing mark and the cue is the speaker
  ("“...,” Tulsa police Chief Chuck Jordan said"); a date never is ("said Thursday morning"), nor is
  the one asked ("Asked about X, Y said": the asking has no source); a quote paragraph with no cue
  right after a quote with a speaker continues that speaker;
- the date spoken: a time expression (from the times stage) whose phrase attaches to the cue verb,
  outside every quote ("On Saturday, Erdogan said ..."), or to the verb a subjectless cue hangs from
  ("On Monday she spoke, adding ..."), never to a verb of another clause ("the 2018 deal gave ... but
  four are now thought to be ..."); otherwise, for a speaker's consecutive
  quotes, the date of the same speaker's previous quote.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from eventwire.ground.quote_cues import CueTable, _RELATIVE, _according_to, _coordinated_cue
from eventwire.read import Paragraph, doc_text
from eventwire.record import Actor, Mention, TimeRef


_PRONOUNS_PERSON = {"he", "she"}
_PRONOUNS_OTHER = {"they", "it"}
# Relations through which a cue without a subject takes the subject of its head verb:
# "Erdogan explained, adding: ...", "Smith smiled and said ...", "went on to say ...".
_CLIMB_DEPS = {"advcl", "conj", "xcomp"}
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


# ------------------------------------------------------------------ speakers

def _subject(cue: Token, table: CueTable) -> Token | None:
    to = _according_to(cue) or (cue if cue.lower_ == "in" and cue.dep_ == "prep" else None)
    if to is not None:
        objects = [c for c in to.children if c.dep_ == "pobj"]
        if not objects:
            # "according to show insiders": the parser read a noun as a verb; its first noun is the source.
            objects = [t for t in to.subtree if t.i > to.i and t.pos_ in ("NOUN", "PROPN")]
        return objects[0] if objects else None
    if cue.pos_ == "NOUN":
        # "his claim that", "Trump's plan to"; else the subject of "made the claim that".
        owners = [c for c in cue.children if c.dep_ in ("poss", "nsubj")]
        if owners:
            # A possessive, or a subject when the parser read a verb as a noun ("Trump claims that").
            return owners[0]
        if cue.dep_ == "appos":
            return cue.head  # "Clinton, a longtime supporter of NATO"
        agents = [o for p in cue.children if p.dep_ == "prep" and p.lower_ == "from" and p.i > cue.i
                  for o in p.children if o.dep_ == "pobj"]
        if agents:
            return agents[0]  # "warnings from his attorney that ..."
        if cue.dep_ == "pobj" and cue.head.dep_ == "prep" and cue.head.head.pos_ in ("VERB", "AUX"):
            cue = cue.head  # "Democrats persisted in arguments that ...": the holder is the verb's subject
        if cue.dep_ not in ("dobj", "attr", "prep") or cue.head.pos_ not in ("VERB", "AUX"):
            return None
        cue = cue.head
    if cue.tag_ == "VBG" and cue.i > 0 and cue.doc[cue.i - 1].text in (",", "—", "–"):
        # "X said he did not believe it, arguing that ...": the participle set off inside a reported
        # clause is the reporter's, the subject of the verb that the clause is a complement of.
        node = cue
        while node.head.i != node.i and node.dep_ not in ("ccomp", "parataxis"):
            node = node.head
        if node.dep_ == "ccomp" and node.head.i != node.i:
            subjects = [c for c in node.head.children if c.dep_ == "nsubj"]
            if subjects:
                return subjects[0]
    if cue.dep_ == "compound" and cue.head.pos_ == "PROPN" and cue.i < cue.head.i:
        return cue.head  # "Said Ellis: ...", a cue the parser folded into the name after it
    if cue.dep_ == "relcl" and cue.head.dep_ == "dobj" and cue.head.head.pos_ == "VERB":
        relative = [c for c in cue.children if c.dep_ == "nsubj" and c.lower_ in ("that", "which")]
        issuers = [c for c in cue.head.head.children if c.dep_ == "nsubj"]
        if relative and issuers:
            return issuers[0]  # "he released a letter that says ...": he says it through the letter
    verb = cue
    for _ in range(4):
        # Climbed to a head verb, a passive subject is the same person ("After saying ..., she was
        # taken to hospital").
        subjects = [c for c in verb.children if c.dep_ == "nsubj" or (c.dep_ == "nsubjpass" and verb.i != cue.i)]
        if subjects:
            # Two subjects are a misparse of a long title phrase ("Wikileaks editor-in-chief Kristinn
            # Hrafnsson said"): the one next to the verb is the speaker.
            before = [c for c in subjects if c.i < verb.i]
            return before[-1] if len(subjects) > 1 and before else subjects[0]
        # "was first reported by The Washington Post": the agent of a passive cue.
        agents = [o for c in verb.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj"]
        if agents and verb.i == cue.i:
            return agents[0]
        if verb.dep_ == "ROOT" and verb.tag_ == "VBG":
            # "“...,” Obama said, not even needing to mention ...": the parser made the participle the
            # root and the saying its parataxis; the one who said it is the one who needs.
            sayers = [s for c in verb.children if c.dep_ == "parataxis" and c.i < verb.i
                      for s in c.children if s.dep_ == "nsubj"]
            if sayers:
                return sayers[-1]
        holders = [c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i] if (
            verb.dep_ == "xcomp" and verb.tag_ == "VBG") else []
        if holders:
            return holders[0]  # "left many nations feeling that ...": the nations feel, not what left them
        if _coordinated_cue(verb, verb.head.head):
            verb = verb.head.head  # "China said it was opposed and warned ...": China warned
        elif (verb.dep_ in _CLIMB_DEPS or verb.dep_ == "acomp") and verb.head.i != verb.i:
            verb = verb.head
        elif verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("VERB", "AUX"):
            verb = verb.head.head  # "pitched himself by telling them ...": the teller is the pitcher
        elif (verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("ADV", "ADJ")
              and verb.head.head.head.pos_ in ("VERB", "AUX")):
            verb = verb.head.head.head  # "stopped short of calling ..."
        elif verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ in ("NOUN", "PROPN"):
            noun = verb.head
            issuer = [c for c in noun.head.children if c.dep_ == "nsubj"] if noun.dep_ == "dobj" else []
            if issuer and noun.head.pos_ == "VERB":
                return issuer[0]  # "the Council issued a statement calling ...": the Council
            message = noun.lemma_.lower() in table.nouns or noun.lemma_.lower() in table.single
            if (not message and noun.dep_ == "pobj" and noun.head.dep_ == "prep"
                    and noun.head.head.pos_ in ("VERB", "AUX")):
                # "she said at a news conference announcing ...", "in many cases reporting ...": the
                # participle is the doing of the verb's subject, not of the noun it hangs on; a message
                # noun ("in a statement announcing ...") speaks for itself.
                verb = noun.head.head
                continue
            return noun  # "a statement announcing the pick", "a tweet attacking ..."
        else:
            return None
    return None


_GAP_MAX_WORDS = 8


def _gap_name(doc: Doc, start: int, cue: int, quoted: set[int]) -> tuple[int, int] | None:
    """The words between a closing quote mark (token `start` on) and the cue after it, when they
    are a short name or noun phrase ("Tulsa police Chief Chuck Jordan"): their token range."""
    words = [t for t in doc[start:cue] if not (t.is_punct or t.is_space)]
    if not words or len(words) > _GAP_MAX_WORDS or any(t.i in quoted for t in words):
        return None
    if not (words[0].text[:1].isupper() or words[0].pos_ == "PRON"):
        return None
    # Any lowercase verb or a conjunction means another clause, not a name.
    if any((t.pos_ in ("VERB", "AUX") and t.text[:1].islower()) or t.pos_ in ("CCONJ", "SCONJ") for t in words):
        return None
    if not any(t.pos_ in ("PROPN", "NOUN", "PRON") for t in words):
        return None
    return words[0].i, words[-1].i


_FINITE = {"VBZ", "VBD", "VBP"}


def _left_neighbour(doc: Doc, cue: Token, content: tuple[int, int], quoted: set[int]) -> tuple[int, int] | None:
    """The noun phrase right before a finite cue verb whose subject the parser missed ("DuVernay both
    documents", "the $20 million experts say it costs", "which Apple's chief, Tim Cook, called"): its
    token range, or None when the word before the cue is not a name, noun or pronoun."""
    if cue.tag_ not in _FINITE:
        return None
    i = cue.i - 1
    while i >= 0 and doc[i].pos_ in ("ADV", "DET") and doc[i].lower_ in ("both", "also", "now", "still", "again", "then"):
        i -= 1  # "DuVernay both documents", "Trump also said"
    appositive = i >= 1 and doc[i].text == "," and doc[i - 1].pos_ == "PROPN"
    if appositive:
        i -= 1  # "Tim Cook, called": an apposition closed by its comma
    if i < 0 or i in quoted or content[0] <= i <= content[1] or i < cue.sent.start:
        return None
    last = doc[i]
    if last.pos_ not in ("PROPN", "NOUN", "PRON") or last.ent_type_ in ("DATE", "TIME", "CARDINAL", "MONEY"):
        return None
    if last.pos_ == "PRON" and last.lower_ not in _PRONOUNS_PERSON | _PRONOUNS_OTHER | {"i", "we", "you"}:
        return None
    first = i
    while (first - 1 >= cue.sent.start and doc[first - 1].pos_ in ("PROPN", "NOUN") and first - 1 not in quoted
           and not content[0] <= first - 1 <= content[1]):
        first -= 1
    if appositive and (first == 0 or doc[first - 1].text != ","):
        return None  # "Trump, appearing at the NBC forum, cited": not a name set off by commas
    return first, i


def _source_range(subject: Token, content: tuple[int, int]) -> tuple[int, int]:
    """Token range of the subject phrase, trimmed of punctuation, never reaching into the quote."""
    first, last = subject.left_edge.i, subject.right_edge.i
    doc = subject.doc
    if subject.lower_ in _RELATIVE and subject.head.dep_ == "relcl" and subject.head.head.i < subject.i:
        # "Rep. Butterfield, who said ...": the antecedent with the relative pronoun.
        first = subject.head.head.left_edge.i
    if first <= content[1] and content[0] <= last:
        first = last = subject.i
        while first - 1 >= 0 and doc[first - 1].head.i == subject.i and doc[first - 1].dep_ in ("compound", "amod", "det"):
            first -= 1
    while first < last and doc[first].is_punct:
        first += 1
    while last > first and doc[last].is_punct:
        last -= 1
    return first, last


def _overlaps(m: Mention, section: str, caption: int | None, a: int, b: int) -> bool:
    return m.section == section and m.caption_index == caption and m.start < b and a < m.end


def _actor_at(actors: Sequence[Actor], paragraph: Paragraph, first: Token, last: Token, head: Token) -> Actor | None:
    """The actor mentioned in the subject phrase: the head's or an appositive's name before others."""
    base = paragraph.offset
    a, b = base + first.idx, base + last.idx + len(last)
    head_at = base + head.idx
    appos_at = [base + c.idx for c in head.children if c.dep_ == "appos"]
    best: tuple[int, Actor] | None = None
    for actor in actors:
        for m in actor.mentions:
            if not _overlaps(m, paragraph.section, paragraph.caption_index, a, b):
                continue
            person = actor.kind == "person"
            has_head = m.start <= head_at < m.end
            has_appos = any(m.start <= x < m.end for x in appos_at)
            rank = 5 if has_head and person else 4 if has_appos else 3 if has_head else 2 if person else 1
            if best is None or rank > best[0]:
                best = (rank, actor)
    return best[1] if best else None


def _preceding_actor(actors: Sequence[Actor], paragraph: Paragraph, at: int, person: bool,
                     quoted: list[tuple[str, int | None, int, int]]) -> Actor | None:
    """The actor mentioned last before section offset `at`, outside quotes, of the wanted kind."""
    best: tuple[int, Actor] | None = None
    for actor in actors:
        if (actor.kind == "person") != person or actor.media_only:
            continue
        for m in actor.mentions:
            if m.section != paragraph.section or m.caption_index != paragraph.caption_index or m.end > at:
                continue
            if any(m.section == s and m.caption_index == c and x <= m.start < y for s, c, x, y in quoted):
                continue
            if best is None or m.start > best[0]:
                best = (m.start, actor)
    return best[1] if best else None


# ------------------------------------------------------------------ the date spoken

def _time_tokens(time: TimeRef, paragraph: Paragraph) -> Span | None:
    if time.evidence.section != paragraph.section or time.evidence.caption_index != paragraph.caption_index:
        return None
    text = doc_text(paragraph.doc)
    a, b = time.start - paragraph.offset, time.end - paragraph.offset
    if not (0 <= a < b <= len(text)) or text[a:b] != time.text:
        # Offsets relative to something else: find the expression inside its evidence sentence.
        ev = time.evidence
        if not (0 <= ev.start - paragraph.offset <= len(text)):
            return None
        found = text.find(time.text, ev.start - paragraph.offset, ev.end - paragraph.offset)
        if found < 0:
            return None
        a, b = found, found + len(time.text)
    return paragraph.doc.char_span(a, b, alignment_mode="expand")


def _attaches_to(span: Span, cue: Token) -> bool:
    """Whether the time phrase modifies the cue verb (or the verb a subjectless cue hangs from)."""
    verbs = {cue.i}
    node = cue
    # Only a cue without a subject of its own shares its head's time ("On Monday he spoke, adding
    # ..."); a coordinated clause with its own subject ("the 2018 deal gave Turkey posts but four are
    # now thought to be ...") is another clause, and its time is not the cue's.
    while (node.dep_ in _CLIMB_DEPS and node.head.i != node.i
           and not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in node.children)):
        node = node.head
        verbs.add(node.i)
    node = span.root.head
    while node.pos_ not in ("VERB", "AUX") and node.head.i != node.i:
        node = node.head
    return node.i in verbs


def _spoken_at(cue: Token, paragraph: Paragraph, times: Sequence[TimeRef], quoted: set[int]) -> str | None:
    for time in times:
        if not time.value or not _ISO_DATE.match(time.value):
            continue
        span = _time_tokens(time, paragraph)
        if span is None or any(t.i in quoted for t in span):
            continue
        if span.root.i != cue.i and _attaches_to(span, cue):
            return time.value
    return None
