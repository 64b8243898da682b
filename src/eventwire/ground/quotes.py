"""Quote grounding: direct and indirect speech -> Quotes with speakers, cues and the date spoken.

The stage reads the article paragraph by paragraph and composes four parts:
- quote_cues: the cue table (data/quotes/cues.tsv) and which words of a parse are cues;
- quote_direct: direct quotes between quotation marks, their cue, speaker labels and signatures;
- quote_indirect: indirect speech and other attributions, a cue and what it reports;
- quote_speakers: the speaker behind a cue, the actor it names, and the date spoken.

What it does with them, across the article:
- attribution is univocal, as PolNeAR annotates it: a reported clause whose cue lies inside another
  quote's clause ("X said Y plans to Z") is part of that quote; a participle set off by a comma inside
  a reported clause ("said ..., arguing that ..."), and a subjectless cue verb the parser coordinated
  with the clause ("said it was opposed and warned X to ..."), are second attributions of the same
  reporter;
- a paragraph ending with a cue and a colon ("Caddell continued:") introduces the next paragraph: its
  opening quote, or the whole paragraph when it has no quote marks and the cue is a speech verb;
- a direct quote with no cue of its own after a cued quote of the same paragraph ("“A,” he said.
  “B.”") shares that quote's cue.

Evidence of a quote is the sentence where the quoted words start (for indirect speech, the cue's
sentence, which contains the clause).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Token

from eventwire.ground.quote_cues import CueTable, _according_to, _cue_class, _cue_text, load_cues
from eventwire.ground.quote_direct import _Context, _Draft, _direct, _quote_marks, _sentence_at
from eventwire.ground.quote_indirect import _headline, _indirect
from eventwire.ground.quote_speakers import (
    _PRONOUNS_OTHER, _PRONOUNS_PERSON, _actor_at, _gap_name, _left_neighbour, _preceding_actor, _source_range,
    _spoken_at, _subject)
from eventwire.read import Parsed, Sentence, doc_text
from eventwire.record import Actor, Evidence, Mention, Quote, TimeRef

__all__ = ["resolve_quotes", "find_quotes", "FoundQuote"]

log = logging.getLogger(__name__)


# Relations the parser gives a speaker named after the cue ("..., said Leslie Wimes, a ...").
_INVERTED_SUBJECT = {"nsubj", "dobj", "npadvmod", "attr", "appos", "oprd", "dative", "conj", "nmod"}


@dataclass(frozen=True)
class FoundQuote:
    """A quote with the spans behind it (Quote is its record form; evaluation uses the spans)."""

    id: str
    kind: str  # direct | indirect
    text: str
    content: Mention  # the quoted words (direct) or the complement clause (indirect)
    evidence: Evidence
    cue: Mention | None  # the cue as written
    cue_class: str | None
    source: Mention | None  # the speaker as written next to the cue (the subject, "he", ...)
    speaker: str | None  # actor id
    speaker_how: str | None  # subject | appositive | according-to | surname | pronoun | continuation
    spoken: str | None

    def to_quote(self) -> Quote:
        return Quote(id=self.id, text=self.text, kind=self.kind, speaker=self.speaker,
                     evidence=self.evidence, cue=self.cue.text if self.cue else None, spoken=self.spoken)


@dataclass(frozen=True)
class _Spoken:
    actor: Actor
    p_index: int


# ------------------------------------------------------------------ the stage

def _contexts(parsed: Parsed) -> list[_Context]:
    by_paragraph: dict[int, dict[int, Sentence]] = {}
    for sentence in parsed.sentences:
        table = by_paragraph.setdefault(id(sentence.paragraph), {})
        for i in range(sentence.span.start, sentence.span.end):
            table[i] = sentence
    return [_Context(p, n, by_paragraph[id(p)]) for n, p in enumerate(parsed.paragraphs) if id(p) in by_paragraph]


def _colon_intro(ctx: _Context, quoted: set[int], table: CueTable) -> tuple[_Context, Token, str] | None:
    """A paragraph ending "Caddell continued:" / "The New York Times reports:" introduces the next
    paragraph's quotation: the cue (with a subject and nothing reported of its own) and its class."""
    doc = ctx.doc
    last = len(doc) - 1
    while last >= 0 and doc[last].is_space:
        last -= 1
    if last < 1 or doc[last].text != ":" or last in quoted:
        return None
    sentence = _sentence_at(ctx, last)
    if sentence is None:
        return None
    for tok in reversed(sentence.span):
        if tok.i in quoted:
            break
        cls = _cue_class(tok, table)
        if cls not in ("speech", "writing", "stance", "characterise", "thought") or _according_to(tok) is not None:
            continue
        if any(c.dep_ in ("ccomp", "xcomp", "dobj") for c in tok.children) or _subject(tok, table) is None:
            return None
        return ctx, tok, cls
    return None


def _block_quote(ctx: _Context, intro: tuple[_Context, Token, str]) -> _Draft:
    doc = ctx.doc
    start, end = 0, len(doc_text(doc))
    while start < end and doc_text(doc)[start].isspace():
        start += 1
    while end > start and doc_text(doc)[end - 1].isspace():
        end -= 1
    first = _sentence_at(ctx, 0)
    assert first is not None
    return _Draft("direct", ctx.p_index, first, start, end, intro[1], intro[2], cue_ctx=intro[0])


def _outermost(drafts: list[tuple[_Context, _Draft]]) -> list[tuple[_Context, _Draft]]:
    """Drop a reported clause whose cue lies inside another quote's content ("X said Y plans to Z"
    is X's attribution; Y's plan is part of what X said): attribution is univocal, each word
    belongs to one attribution, as in PolNeAR and PARC."""
    by_paragraph: dict[int, list[tuple[int, int, int | None, bool]]] = {}
    for ctx, d in drafts:
        by_paragraph.setdefault(d.p_index, []).append((d.start, d.end, d.cue.i if d.cue is not None else None,
                                                       d.nominal))
    containers = [d for _, d in drafts if d.kind == "indirect" and d.cue is not None and not d.nominal
                  and d.cue_class != "label"]
    kept = []
    for ctx, d in drafts:
        cue = d.cue
        if d.kind == "direct" and cue is not None and d.cue_class != "label" and d.cue_ctx is None:
            # "He told reporters he wants a policy “focused on ...”": the words quoted inside a
            # reported clause belong to that clause's cue, not to a cue nested in it.
            outer = next((o for o in containers if o.p_index == d.p_index and o.cue is not None
                          and o.cue.i != cue.i and o.start <= cue.idx < o.end), None)
            if outer is not None:
                d.cue, d.cue_class = outer.cue, outer.cue_class
        if d.kind == "indirect" and cue is not None and d.cue_class != "label":
            at = cue.idx
            # A nominal cue inside an object ("rejected Putin's claim that ...") is the claim's own
            # attribution; inside a reported clause it is part of what was said.
            if any(start <= at < end and other != cue.i and not (nominal and d.cue_class == "noun")
                   for start, end, other, nominal in by_paragraph[d.p_index]):
                log.debug("nested attribution %r dropped", cue.text)
                continue
        kept.append((ctx, d))
    return kept


def find_quotes(parsed: Parsed, actors: Sequence[Actor] = (), times: Sequence[TimeRef] = (),
                cues: CueTable | None = None) -> tuple[FoundQuote, ...]:
    """Every quote of the article with its content, cue and source spans, in reading order."""
    table = cues or load_cues()
    drafts: list[tuple[_Context, _Draft]] = []
    quoted_by_paragraph: dict[int, set[int]] = {}
    quoted_regions: list[tuple[str, int | None, int, int]] = []
    intro: tuple[_Context, Token, str] | None = None  # the previous paragraph's closing "X said:"
    for ctx in _contexts(parsed):
        marks = _quote_marks(doc_text(ctx.doc))
        quoted: set[int] = set()
        for mark in marks:
            span = ctx.doc.char_span(mark.open, mark.close + 1 if mark.close is not None else len(doc_text(ctx.doc)),
                                     alignment_mode="expand")
            if span is not None:
                quoted |= set(range(span.start, span.end))
        accepted: set[int] = set()
        previous_cue: tuple[Token, str | None, _Context | None] | None = None
        from_intro = intro is not None and intro[0].p_index == ctx.p_index - 1
        if from_intro and not marks and intro is not None and intro[2] in ("speech", "writing"):
            # "The governor added:" ¶ It's typical of ...: a block quotation without marks.
            drafts.append((ctx, _block_quote(ctx, intro)))
        for number, mark in enumerate(marks):
            draft = _direct(ctx, mark, quoted, table)
            if draft is None:
                continue
            if number == 0 and from_intro and draft.cue is None and draft.standalone and intro is not None:
                draft.cue_ctx, draft.cue, draft.cue_class = intro
                draft.standalone = False

            # “A,” he said. “B.”: a quote with no cue of its own goes on the paragraph's last cued quote.
            if draft.cue is not None:
                previous_cue = (draft.cue, draft.cue_class, draft.cue_ctx)
            elif previous_cue is not None and not draft.standalone:
                draft.cue, draft.cue_class, draft.cue_ctx = previous_cue
            drafts.append((ctx, draft))
            span = ctx.doc.char_span(mark.open, mark.close + 1 if mark.close is not None else len(doc_text(ctx.doc)),
                                     alignment_mode="expand")
            if span is not None:
                accepted |= set(range(span.start, span.end))
            base = ctx.paragraph.offset
            quoted_regions.append((ctx.paragraph.section, ctx.paragraph.caption_index,
                                   base + mark.open, base + (mark.close if mark.close is not None else len(doc_text(ctx.doc)))))
        quoted_by_paragraph[ctx.p_index] = accepted
        intro = _colon_intro(ctx, quoted, table)
        before = len(drafts)
        for sentence in sorted({s.index: s for s in ctx.sentence_at.values()}.values(), key=lambda s: s.index):
            drafts.extend((ctx, d) for d in _indirect(ctx, sentence, accepted, table))
        if len(drafts) == before and (ctx.p_index == 0 or ctx.paragraph.section == "title"):
            headline = _headline(ctx, table)
            if headline is not None:
                drafts.append((ctx, headline))
    drafts = _outermost(drafts)
    drafts.sort(key=lambda cd: (cd[1].p_index, cd[1].start))

    results: list[FoundQuote] = []
    last: _Spoken | None = None  # the previous quote's speaker
    previous_spoken: dict[str, str | None] = {}
    for number, (ctx, draft) in enumerate(drafts, start=1):
        paragraph, sentence, doc = ctx.paragraph, draft.sentence, ctx.doc
        quoted = quoted_by_paragraph.get(ctx.p_index, set())
        content_tokens = doc.char_span(draft.start, draft.end, alignment_mode="expand")
        content_range = (content_tokens.start, content_tokens.end - 1) if content_tokens is not None else (-1, -1)
        speaker: Actor | None = None
        how: str | None = None
        source: Mention | None = None
        cue_mention: Mention | None = None
        spoken: str | None = None
        if draft.cue is not None:
            if draft.cue_ctx is not None:
                # The cue closes the previous paragraph ("He said:"): its words are read there.
                quoted = quoted_by_paragraph.get(draft.cue_ctx.p_index, set())
                paragraph, doc, content_range = draft.cue_ctx.paragraph, draft.cue_ctx.doc, (-1, -1)
                cue_sentence = draft.cue_ctx.sentence_at.get(draft.cue.i, sentence)
            else:
                cue_sentence = ctx.sentence_at.get(draft.cue.i, sentence)
            text, a, b = _cue_text(draft.cue, table)
            cue_mention = cue_sentence.mention(a, b)
            label = draft.label
            subject = doc[label[1]] if label is not None else _subject(draft.cue, table)
            if (draft.cue.lemma_.lower() == "ask" and draft.cue.tag_ == "VBN" and draft.cue.dep_ != "ROOT"
                    and not any(c.dep_ == "agent" for c in draft.cue.children)):
                # "Asked about the blast, Clinton said ...": the one asked is not the one asking.
                subject = None
            elif (draft.cue.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in draft.cue.children)
                  and not any(c.dep_ == "agent" for c in draft.cue.children)
                  and any(c.dep_ == "xcomp" and c.tag_ == "VB" for c in draft.cue.children)):
                # "North Korea is not thought to be capable of ...", "Obama is expected to visit": a
                # passive belief with no "by" names nobody who holds it.
                subject = None
            elif draft.cue_class == "evidential" and not any(
                    c.dep_ == "xcomp" and c.lemma_.lower() in table.single for c in draft.cue.children):
                # "Melania seems to have vanished": an appearance, nobody's claim; but "he appeared to
                # suggest that ..." is his suggestion.
                subject = None
            if subject is not None and label is None and subject.i in quoted:
                # The parser took a word of the quote for the subject ("“Full panic mode,” said
                # Leslie Wimes"): the speaker is the cue's nominal after it, outside the quote.
                # A second subject outside the quote ("“A,” Obama's strategist said", where the parser
                # made a word of the quote a subject too) comes first.
                # A date is never the speaker ("..., Flynn said Thursday morning").
                subject = next((c for c in draft.cue.children if c.dep_ == "nsubj" and c.i not in quoted
                                and c.pos_ in ("PROPN", "NOUN", "PRON") and c.ent_type_ not in ("DATE", "TIME")), None) or next(
                    (c for c in draft.cue.children if c.i > draft.cue.i and c.i not in quoted
                     and c.pos_ in ("PROPN", "NOUN", "PRON") and c.dep_ in _INVERTED_SUBJECT
                     and c.ent_type_ not in ("DATE", "TIME")), None)
            if (subject is None and label is None and draft.kind == "direct" and draft.cue_ctx is None
                    and 0 <= content_range[1] < draft.cue.i and draft.cue_class != "evidential"):
                # "“...,” Tulsa police Chief Chuck Jordan said": a name between the closing mark and
                # the cue that the parser failed to make the cue's subject.
                label = _gap_name(doc, content_range[1] + 1, draft.cue.i, quoted)
                subject = doc[label[1]] if label is not None else None
            if subject is None and label is None and draft.cue_class != "evidential":
                label = _left_neighbour(doc, draft.cue, content_range, quoted)
                subject = doc[label[1]] if label is not None else None
            if subject is not None:
                first, last_i = label if label is not None else _source_range(subject, content_range)
                if first == draft.cue.i and first < last_i:
                    first += 1  # "Said Ellis": the cue is not part of the speaker's name
                source = cue_sentence.mention(doc[first].idx, doc[last_i].idx + len(doc[last_i]))
                pronoun = subject.lower_
                if pronoun in _PRONOUNS_PERSON or pronoun in _PRONOUNS_OTHER:
                    want_person = pronoun in _PRONOUNS_PERSON
                    if (last is not None and (last.actor.kind == "person") == want_person
                            and ctx.p_index - last.p_index <= 1):
                        speaker = last.actor
                    else:
                        speaker = _preceding_actor(actors, paragraph, source.start, want_person, quoted_regions)
                    how = "pronoun" if speaker else None
                else:
                    # (a surname alone is a mention of its person already: actor_coreference)
                    speaker = _actor_at(actors, paragraph, doc[first], doc[last_i], subject)
                    if speaker is not None:
                        appos = any(c.dep_ == "appos" for c in subject.children) and not any(
                            m.start <= paragraph.offset + subject.idx < m.end for m in speaker.mentions)
                        how = ("according-to" if _according_to(draft.cue) is not None
                               else "appositive" if appos else "subject")
            spoken = _spoken_at(draft.cue, paragraph, times, quoted)
        elif draft.standalone and last is not None and ctx.p_index - last.p_index <= 1:
            speaker, how = last.actor, "continuation"
        if speaker is not None and spoken is None and results and results[-1].speaker == speaker.id:
            spoken = previous_spoken.get(speaker.id)
        if speaker is not None:
            last = _Spoken(speaker, ctx.p_index)
            previous_spoken[speaker.id] = spoken
        content = sentence.mention(draft.start, draft.end)
        results.append(FoundQuote(
            id=f"quote{number}", kind=draft.kind, text=content.text, content=content,
            evidence=sentence.evidence(content), cue=cue_mention, cue_class=draft.cue_class, source=source,
            speaker=speaker.id if speaker else None, speaker_how=how, spoken=spoken))
    return tuple(results)


def resolve_quotes(parsed: Parsed, actors: Sequence[Actor], times: Sequence[TimeRef] = ()) -> tuple[Quote, ...]:
    """Direct and indirect quotes of the article, with speakers (actor ids), cues and dates spoken."""
    return tuple(found.to_quote() for found in find_quotes(parsed, actors, times))
