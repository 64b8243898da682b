"""The reading stage: Document -> Parsed (spaCy sentences, entities and parse per section).

Paragraphs are parsed separately, so a blank line is always a sentence boundary; the title and
each caption are parsed on their own. Offsets in Parsed always index one section's text.
"""
from __future__ import annotations

import functools
import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

import numpy
import spacy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from eventwire.config import DEFAULT_MODELS
from eventwire.record import EVIDENCE_WINDOW_AFTER, EVIDENCE_WINDOW_MARGIN, Document, Evidence, Mention, Section

__all__ = ["load_model", "read", "read_many", "split_long", "MAX_PARAGRAPH_CHARS", "Parsed", "Sentence", "Paragraph"]

log = logging.getLogger(__name__)


_SENTENCE_END = {".", "!", "?", "…", "..."}
_CLOSERS = {"”", '"', "’", "'", ")", "]"}


# Written through the Doc's array: Token.is_sent_start's setter first asks Doc.has_annotation("DEP"),
# which reads every token of a Doc not yet parsed, so a paragraph of n tokens cost n^2 reads.
_NOT_SENT_START = numpy.uint64(2**64 - 1)  # -1, as Doc.to_array and Doc.from_array hold it


@Language.component("eventwire_sentence_guard")
def sentence_guard(doc: Doc) -> Doc:
    """Forbid sentence starts that no punctuation supports.

    The small model splits inside bracketed insertions ("Macron [French president] and ...");
    a sentence can only start after sentence-final punctuation (possibly inside a closing quote
    or bracket). The parser still decides among the allowed positions.
    """
    if len(doc) < 2:
        return doc
    texts = [token.text for token in doc]
    starts = doc.to_array(SENT_START)
    for i in range(1, len(texts)):
        prev = texts[i - 1]
        ends = prev in _SENTENCE_END or prev.endswith(".") or "\n" in prev
        if not ends and prev in _CLOSERS and i > 1:
            ends = texts[i - 2] in _SENTENCE_END
        if not ends:
            starts[i] = _NOT_SENT_START
    doc.from_array([SENT_START], starts)
    return doc


@functools.lru_cache(maxsize=4)
def load_model(name: str | None = None, blis: bool = False) -> Language:
    """Load the spaCy pipeline once per process (cached by name)."""
    if not blis:
        # Same weights and output, numpy's matmul instead of blis: 1.2x faster on these CPUs with
        # identical records (bench/README.md). One BLAS thread per process: worker processes are the
        # unit of parallelism, and more threads only buy the same speed with more CPU.
        from thinc.api import NumpyOps, set_current_ops
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
        set_current_ops(NumpyOps(use_blis=False))
    candidates = (name,) if name else DEFAULT_MODELS
    errors = []
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate)
            if "parser" in nlp.pipe_names:
                nlp.add_pipe("eventwire_sentence_guard", before="parser")
            log.info("loaded spaCy pipeline %s %s", nlp.meta.get("name"), nlp.meta.get("version"))
            return nlp
        except OSError as exc:
            errors.append(f"{candidate}: {exc}")
    raise RuntimeError("no spaCy English pipeline could be loaded: " + "; ".join(errors))


_TEXT_KEY = "eventwire.text"


def doc_text(doc: Doc) -> str:
    """A Doc's text, built once (or kept from the parser's input): spaCy's Doc.text joins every token
    again on each access, and the grounding stages slice paragraph texts thousands of times per article."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:  # a parsed Doc's text never changes
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def token_offsets(doc: Doc) -> tuple[list[int], list[int]]:
    """Each token's start and end character in the Doc's text, read once from the Doc's arrays:
    slicing the text by token numbers then needs no Token objects."""
    offsets = doc.user_data.get("eventwire.offsets")
    if offsets is None:
        array = doc.to_array([IDX, LENGTH])
        starts = array[:, 0].tolist()
        offsets = doc.user_data["eventwire.offsets"] = (starts, (array[:, 0] + array[:, 1]).tolist())
    return offsets


@dataclass(frozen=True)
class Paragraph:
    section: Section
    caption_index: int | None
    offset: int  # where the paragraph starts in its section's text
    doc: Doc

    @functools.cached_property
    def tokens(self) -> tuple[Token, ...]:
        """The Doc's tokens, made once: `doc[i]` builds a new Token object on every call, and the
        grounding stages' loops index tokens millions of times per thousand articles."""
        return tuple(self.doc)

    @functools.cached_property
    def ents(self) -> tuple[tuple[Span, ...], list[int]]:
        """The Doc's entities, made once, and where each starts: Doc.ents builds every entity anew on
        each access, and Span.ents reads all of them for each sentence."""
        ents = tuple(self.doc.ents)
        return ents, [ent.start for ent in ents]


@dataclass(frozen=True)
class Sentence:
    index: int
    paragraph: Paragraph
    span: Span

    @property
    def section(self) -> Section:
        return self.paragraph.section

    # start, end and key are read for every fact matched to its sentence: each is worked out once
    @functools.cached_property
    def start(self) -> int:
        return self.paragraph.offset + self.span.start_char

    @functools.cached_property
    def end(self) -> int:
        return self.paragraph.offset + self.span.end_char

    @functools.cached_property
    def text(self) -> str:
        """The sentence's text, sliced once from the paragraph's (Span.text joins its tokens anew)."""
        return doc_text(self.paragraph.doc)[self.span.start_char:self.span.end_char]

    @property
    def tokens(self) -> tuple[Token, ...]:
        """The sentence's tokens (a slice of the paragraph's, made once)."""
        return self.paragraph.tokens[self.span.start:self.span.end]

    @functools.cached_property
    def ents(self) -> tuple[Span, ...]:
        """The named entities inside the sentence, as Span.ents gives them (those from the first that
        starts in the sentence up to the first that runs past its end), from the paragraph's."""
        ents, starts = self.paragraph.ents
        out = []
        for ent in ents[bisect_left(starts, self.span.start):]:
            if ent.end > self.span.end:
                break
            out.append(ent)
        return tuple(out)

    @functools.cached_property
    def key(self) -> tuple[str, int | None, int]:
        """(section, caption_index, start): equal to the `sentence_key` of every evidence it gives."""
        return self.section, self.paragraph.caption_index, self.start

    def holds(self, evidence: Evidence) -> bool:
        """Whether `evidence` (the whole sentence or a window of it) comes from this sentence."""
        return evidence.sentence_key == self.key

    def evidence(self, around: tuple[int, int] | Mention | Token | Span | None = None) -> Evidence:
        """The evidence of a fact in this sentence: the sentence itself, or, for a sentence longer than
        EVIDENCE_WINDOW_AFTER characters, a window of it from about EVIDENCE_WINDOW_MARGIN characters
        before the fact to as many after, cut at token boundaries. `around` is the fact: section
        offsets (start, end), a mention, or a token or span of the paragraph's Doc; without it (or when it lies
        outside the sentence) the window is the sentence's start. Offsets stay exact either way:
        section_text[evidence.start:evidence.end] == evidence.text."""
        whole = self.__dict__.get("_whole_evidence")
        if whole is None:
            whole = Evidence(self.text, self.start, self.end, self.section, self.paragraph.caption_index)
            self.__dict__["_whole_evidence"] = whole  # one object per sentence (a frozen dataclass)
        if self.end - self.start <= EVIDENCE_WINDOW_AFTER:
            return whole
        base = self.paragraph.offset
        if isinstance(around, Mention):
            around = (around.start, around.end)
        elif isinstance(around, Token):
            around = (base + around.idx, base + around.idx + len(around))
        elif isinstance(around, Span):
            around = (base + around.start_char, base + around.end_char)
        first, last = around or (self.start, self.start)
        first, last = max(first, self.start), min(max(last, first), self.end)
        if first >= self.end:
            first = last = self.start
        starts, ends = token_offsets(self.paragraph.doc)
        lo = bisect_left(starts, first - EVIDENCE_WINDOW_MARGIN - base, self.span.start, self.span.end)
        hi = bisect_right(ends, last + EVIDENCE_WINDOW_MARGIN - base, self.span.start, self.span.end)
        # Cut at token boundaries, never inside the fact: the first token starting at or after the
        # margin (or the one holding the fact's start), the last ending at or before it.
        lo = min(lo, bisect_right(starts, first - base, self.span.start, self.span.end) - 1)
        hi = max(hi, bisect_left(ends, last - base, self.span.start, self.span.end) + 1)
        lo, hi = max(lo, self.span.start), min(max(hi, lo + 1), self.span.end)
        start_char, end_char = starts[lo], ends[hi - 1]
        text = doc_text(self.paragraph.doc)[start_char:end_char]
        return Evidence(text, base + start_char, base + end_char, self.section, self.paragraph.caption_index,
                        sentence_span=(self.start, self.end))

    def mention(self, start_char: int, end_char: int) -> Mention:
        """A mention from character offsets inside the paragraph's Doc."""
        text = doc_text(self.paragraph.doc)[start_char:end_char]
        base = self.paragraph.offset
        return Mention(text, base + start_char, base + end_char, self.section,
                       self.paragraph.caption_index, self.index)


@dataclass(frozen=True)
class Parsed:
    document: Document
    paragraphs: tuple[Paragraph, ...]
    sentences: tuple[Sentence, ...]


# The longest piece of text given to spaCy at once. Far below its max_length (1,000,000, error
# E088), because the parser's memory grows with the length of what it is given: a 20,000-character
# piece took about 54 MB of working memory while parsed, so no piece exceeds a batch (BATCH_CHARS).
# Real paragraphs run to a few thousand characters (7,636 at most in the 303 news texts of
# bench/corpus.py), so only a wall of text without paragraph breaks is cut.
MAX_PARAGRAPH_CHARS = 10_000
_SENTENCE_GAP = re.compile(r"[.!?…][\"'”’)\]]*\s+")


def split_long(text: str, limit: int = MAX_PARAGRAPH_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) pieces of at most `limit` characters, cut after the last sentence end before
    the limit, else at the last space, else at the limit itself. The pieces cover the text."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        ends = [m.end() for m in _SENTENCE_GAP.finditer(window)]
        cut = ends[-1] if ends and ends[-1] > limit // 2 else 0
        if not cut:
            space = window.rfind(" ", limit // 2)
            cut = space + 1 if space > 0 else limit
        pieces.append((start, text[start:start + cut]))
        start += cut
    pieces.append((start, text[start:]))
    return pieces


def _paragraph_slices(document: Document) -> tuple[list[tuple[Section, int | None, int, str]], list[str]]:
    """The texts spaCy parses, each with its section, caption index and offset; and a note for
    every one that had to be cut to MAX_PARAGRAPH_CHARS."""
    whole: list[tuple[Section, int | None, int, str]] = []
    if document.title.strip():
        whole.append(("title", None, 0, document.title))
    offset = 0
    for block in document.text.split("\n\n"):
        lead = len(block) - len(block.lstrip())
        if block.strip():
            whole.append(("body", None, offset + lead, block.strip()))
        offset += len(block) + 2
    for i, caption in enumerate(document.captions):
        if caption.text.strip():
            whole.append(("caption", i, 0, caption.text))
    slices: list[tuple[Section, int | None, int, str]] = []
    notes: list[str] = []
    for section, caption_index, start, text in whole:
        pieces = split_long(text)
        if len(pieces) > 1:
            notes.append(f"a {section} paragraph of {len(text)} characters (at offset {start}) was parsed in "
                         f"{len(pieces)} pieces of at most {MAX_PARAGRAPH_CHARS}: no sentence spans a cut")
        slices.extend((section, caption_index, start + at, piece) for at, piece in pieces)
    return slices, notes


# At most this many characters of paragraphs in one spaCy batch (besides `batch_size` paragraphs):
# a batch's working arrays grow with its tokens, and 64 long paragraphs of real news pages took a
# worker's memory up by about 200 MB during the parse, against about 40 MB under a 10,000-character
# bound (bench/README.md, "Worker memory"). 20,000 parses ~5% faster than 10,000 (fewer, fuller
# batches) for a worker peak of 545 MB instead of 513 MB on 600 articles (`worker_memory.py`), under
# the 600 MB ceiling. Each paragraph is parsed on its own, so the batches change no output.
BATCH_CHARS = 20_000


def _pipe_bounded(nlp: Language, texts: Iterable[str], batch_size: int) -> Iterator[Doc]:
    """nlp.pipe over `texts` in batches of at most `batch_size` paragraphs and BATCH_CHARS characters
    (a longer paragraph alone), lazily and in order."""
    group: list[str] = []
    size = 0
    for text in texts:
        if group and (len(group) >= batch_size or size + len(text) > BATCH_CHARS):
            yield from _finished(group, nlp.pipe(group, batch_size=len(group)))
            group, size = [], 0
        group.append(text)
        size += len(text)
    if group:
        yield from _finished(group, nlp.pipe(group, batch_size=len(group)))


_NO_TENSOR = numpy.zeros((0, 0), dtype="float32")


def _finished(texts: list[str], docs: Iterable[Doc]) -> Iterator[Doc]:
    """The Docs, each with its text kept (see doc_text) and without the tok2vec output spaCy leaves on
    them (96 floats, 384 bytes a token): every component has run, and nothing after the parse reads
    it (no vectors or similarity here). An article's paragraphs are all held until it is grounded, so
    a page of 600,000 characters kept about 55 MB of it alive."""
    for text, doc in zip(texts, docs):
        doc.tensor = _NO_TENSOR
        doc.user_data[_TEXT_KEY] = text  # a Doc's text is the text it was made from, character for character
        yield doc


def read_many(documents: Iterable[Document], nlp: Language, batch_size: int = 64) -> Iterator[Parsed]:
    """Parse documents with one stream of spaCy batches over all their paragraphs."""
    documents = list(documents)
    plans = [_paragraph_slices(d) for d in documents]
    texts = (text for plan, _ in plans for (_, _, _, text) in plan)
    docs = _pipe_bounded(nlp, texts, batch_size)
    for document, (plan, notes) in zip(documents, plans):
        if notes:
            document = replace(document, notes=document.notes + tuple(notes))
        paragraphs = tuple(Paragraph(sec, cap, off, next(docs)) for sec, cap, off, _ in plan)
        sentences = []
        for paragraph in paragraphs:
            for span in paragraph.doc.sents:
                if span.text.strip():
                    sentences.append(Sentence(len(sentences), paragraph, span))
        yield Parsed(document, paragraphs, tuple(sentences))


def read(document: Document, nlp: Language) -> Parsed:
    return next(read_many([document], nlp))
