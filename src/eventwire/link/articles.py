"""Articles about the same real-world event: a document-level similarity over near-duplicates,
shared story events and the words the articles use.

The rule (documented in docs and used by eval/clusters.py): two articles published at most
`max_days` apart are linked when
  - one is a near-duplicate of the other (near_duplicates.py), or
  - the cosine of their TF-IDF word vectors reaches `text_threshold`, or
  - it reaches `shared_threshold` and they share at least `min_shared` story events that
    several articles report (stories.py): the coded events vouch for a weaker textual match.
Article clusters are the connected components of these links. Words are lower-cased word tokens
of three or more letters outside a short stop list, the title counted twice; IDF is computed over
the articles being linked, so a word every article uses (the war's name in a war corpus) weighs
little.

Not every pair in the window is compared: a pair is a candidate when the articles share one of their
`key_terms` highest-weighted words (a word that is a key of more than `max_key_postings` articles in
the window is too common to say anything and stops being a key), share a multi-article story event,
or one is a near-duplicate of the other (linked to its original). Of an article's candidates, the
`max_candidates` sharing the most keys are compared (ties: the later published, then the larger id).
The work then grows with the articles, not with the square of a day's news. Candidates are screened in
batches (Vectors.screened: an estimate of every candidate's cosine, then the exact cosine of those
near a threshold); on a large day a helper process screens batches beside this one (helper.py).

An article without a publication date takes its place on the calendar from its events' own stated
dates (`blocking_day`): the latest day one of its events is stated to have happened on, since news
reports what has already happened. It is then compared like a dated article published that day; an
article with neither a publication date nor a stated event date is linked only as a near-duplicate.
Such a link needs more than a dated one, since the article's place on the calendar is only inferred:
the other article must be dated, their words must reach `text_threshold` and they must share
`undated_min_shared` story events (whose dates agreed); two articles both placed by their events are
never linked this way. Event dates place only undated articles: for a dated article its publication day is
what counts.
"""
from __future__ import annotations

import logging
import re
import sys
import tempfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from eventwire.link.buffers import Segments
from eventwire.link.helper import LinkHelper
from eventwire.link.mentions import LinkSettings, event_window
from eventwire.link.stories import StoryEvent, StoryEvents
from eventwire.link.vectors import SCREEN_ERROR, Vectors
from eventwire.record import ArticleRecord

__all__ = ["ArticleLinkSettings", "ArticleLink", "ArticleTerms", "TermCounts", "article_terms", "blocking_day", "article_links",
           "link_articles", "multi_article_stories", "article_clusters"]

log = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Function words only: content words are what tells two stories apart.
_STOP = frozenset("""
the and for that with was were are has have had from this but not his her its their they them she him
who whom which what when where why how all any been being can could did does doing into out over under
our your you said says say also than then there these those will would should may might must one two
about after again against before between both during each few more most other some such only own same
very just now new here while because until upon per via off onto among within without across
""".split())
_UINT16_MAX = np.iinfo(np.uint16).max


@dataclass(frozen=True)
class ArticleLinkSettings:
    max_days: int = 4
    text_threshold: float = 0.30
    shared_threshold: float = 0.15
    min_shared: int = 1
    # An article placed only by its events' dates: story events shared with the dated article. One shared
    # event can be an earlier one recalled in passing (a report of Tuesday's shelling that recalls the
    # chemical attack of the same week); two are two of its own events agreeing.
    undated_min_shared: int = 2
    key_terms: int = 12
    max_key_postings: int = 500
    # Candidates compared per article, those sharing the most keys first: a day of 300,000 articles
    # gives an article thousands of earlier ones sharing some key word. On bench/linking.py's synthetic
    # day of 50,000 articles, 100 and 200 give the same 14,296 links (100 in 2.7 s less) and 50 loses 2;
    # at 5,000 an article has ~12 candidates.
    max_candidates: int = 100


@dataclass(frozen=True)
class ArticleLink:
    doc_a: str
    doc_b: str
    cosine: float
    shared_stories: int
    near_duplicate: bool
    days_apart: int | None


@dataclass(frozen=True, slots=True)
class ArticleTerms:
    """What article linking keeps of one article: its day and its word counts (CRC-32 of each word)."""

    doc_id: str
    day: date | None  # blocking_day
    by_events: bool  # the day comes from its events' dates (no publication date)
    terms: np.ndarray | None  # uint32, sorted; None when not read (features.from_row)
    counts: np.ndarray | None  # uint32, aligned with terms; None with them


def _tokens(record: ArticleRecord, entities: bool = True) -> Counter:
    doc = record.document
    words = Counter(w for w in _WORD.findall(f"{doc.title}\n{doc.title}\n{doc.text}".lower()) if w not in _STOP)
    if entities:
        # Grounded names join the words: the gazetteer and the actor dictionary map spelling variants
        # ("Hasakeh", "Hasakah") and aliases ("Assad", "Bashar al-Assad") to one entity.
        for place in record.places:
            words[f"place:{place.geonames_id or place.name.lower()}"] += max(1, len(place.mentions))
        for actor in record.actors:
            if actor.kind in ("person", "organisation") and not actor.media_only:
                words[f"actor:{actor.wikidata or actor.name.lower()}"] += max(1, len(actor.mentions))
    return words


def _day(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def blocking_day(record: ArticleRecord, settings: LinkSettings | None = None) -> date | None:
    """The day an article is compared on: its publication day, else the latest day its events are
    stated to have happened on (events dated only vaguely, a month or a year, or that did not happen do
    not place it), else None."""
    day = _day(record.document.published)
    if day is not None:
        return day
    settings = settings or LinkSettings()
    stated: list[date] = []
    for event in record.events:
        if set(event.modality) & {"negated", "conditional", "intended"}:
            continue
        window = event_window(event, None, settings)
        if window is None or window[2] or (window[1] - window[0]).days > settings.max_window_days:
            continue
        # The window widened a stated day by the tolerance on each side: its last stated day.
        stated.append(window[1] - timedelta(days=settings.day_tolerance))
    return max(stated) if stated else None


def article_terms(record: ArticleRecord, settings: LinkSettings | None = None) -> ArticleTerms:
    """The ArticleTerms of one article (its text and grounded names, its blocking day)."""
    counts = Counter()
    for word, n in _tokens(record).items():
        counts[zlib.crc32(word.encode("utf-8"))] += n
    terms = np.array(sorted(counts), dtype=np.uint32)
    day = blocking_day(record, settings)
    return ArticleTerms(record.document.id, day, day is not None and _day(record.document.published) is None,
                        terms, np.array([counts[t] for t in terms.tolist()], dtype=np.uint32))


class TermCounts:
    """A day's word counts as article linking reads them, article after article, in flat buffers: the
    terms and the counts in blocks (Segments), each article's day and whether its events placed it. An
    ArticleTerms held per article cost ~200 bytes of array headers more, and its small heap blocks
    stayed with the process once freed; link_articles' second reading (`drained`) lets these blocks go
    as it makes the vectors. The counts are held as uint16 (6 bytes a term, not 8) until an article
    counts a word more often than that holds."""

    __slots__ = ("doc_ids", "days", "by_events", "terms", "counts")

    def __init__(self) -> None:
        self.doc_ids: list[str] = []
        self.days: list[date | None] = []
        self.by_events = bytearray()
        self.terms = Segments(np.uint32)
        self.counts = Segments(np.uint16)

    def __len__(self) -> int:
        return len(self.doc_ids)

    @classmethod
    def of(cls, articles: Iterable[ArticleTerms]) -> TermCounts:
        counts = cls()
        for a in articles:
            counts.add(a)
        return counts

    def add(self, article: ArticleTerms) -> None:
        self.doc_ids.append(article.doc_id)
        self.days.append(article.day)
        self.by_events.append(article.by_events)
        self.terms.append(article.terms)
        counts = article.counts
        if len(counts) and self.counts.dtype == np.uint16 and int(counts.max()) > _UINT16_MAX:
            self.counts = self.counts.widened(np.uint32)
        self.counts.append(counts)

    def __iter__(self) -> Iterator[ArticleTerms]:
        """Each article's ArticleTerms in the order added, its arrays views of the buffers."""
        for i, (doc_id, day, by_events) in enumerate(zip(self.doc_ids, self.days, self.by_events)):
            yield ArticleTerms(doc_id, day, bool(by_events), self.terms[i], self.counts[i])

    def drained(self) -> Iterator[ArticleTerms]:
        """__iter__, each block of the buffers let go once read (Segments.drained): the word counts are
        empty from the first article on."""
        for doc_id, day, by_events, terms, counts in zip(self.doc_ids, self.days, self.by_events,
                                                         self.terms.drained(), self.counts.drained()):
            yield ArticleTerms(doc_id, day, bool(by_events), terms, counts)


# A pair whose estimated cosine (Vectors.cosines: single precision, or a double-precision sparse product for
# many candidates) is below the lowest threshold by more than this is not judged: the estimate lies within
# ~2e-7 of the exact cosine (vectors.py).
_ROUNDING = SCREEN_ERROR


def article_links(records: Sequence[ArticleRecord], stories: Sequence[StoryEvent],
                  duplicate_of: Mapping[str, str], settings: ArticleLinkSettings | None = None) -> list[ArticleLink]:
    """The linked article pairs among `records` under the rule in the module docstring."""
    unique = list({r.document.id: r for r in records}.values())
    return link_articles([article_terms(r) for r in unique], stories, duplicate_of, settings)


def multi_article_stories(stories: Sequence[StoryEvent]) -> dict[str, set[int]]:
    """doc id -> the numbers of the story events it reports that several articles report; of
    StoryEvents read from its columns (no StoryEvent made)."""
    stories_of: dict[str, set[int]] = defaultdict(set)
    if isinstance(stories, StoryEvents):
        story, doc = stories.documents()
        several = np.bincount(story, minlength=len(stories))[story] > 1
        values = stories.table.values
        for i, d in zip(story[several].tolist(), doc[several].tolist()):
            stories_of[values[d]].add(i)
        return stories_of
    for i, story in enumerate(stories):
        docs = set(story.doc_ids)
        if len(docs) > 1:
            for d in docs:
                stories_of[d].add(i)
    return stories_of


def _readings(articles: Sequence[ArticleTerms] | TermCounts | Callable[[], Iterable[ArticleTerms]]
              ) -> tuple[Callable[[], Iterable[ArticleTerms]], Callable[[], Iterable[ArticleTerms]]]:
    """link_articles' two readings of the word counts (the document frequencies, then the vectors): a
    reader's two calls, or a TermCounts read twice, let go in the second (ArticleTerms are read into
    one first; a list of them is emptied)."""
    if callable(articles):
        return articles, articles
    if not isinstance(articles, TermCounts):
        given, articles = articles, TermCounts.of(articles)
        if isinstance(given, list):
            given.clear()
    return articles.__iter__, articles.drained


def link_articles(articles: Sequence[ArticleTerms] | TermCounts | Callable[[], Iterable[ArticleTerms]],
                  stories: Sequence[StoryEvent] | Mapping[str, set[int]], duplicate_of: Mapping[str, str],
                  settings: ArticleLinkSettings | None = None, helper: LinkHelper | None = None) -> list[ArticleLink]:
    """The linked article pairs among `articles` (see article_links): their word counts, read twice
    (vectors.py), as a reader called for each reading (the same articles each time, in any order: a
    store reads them again, link/database.py), or as read into a TermCounts, whose buffers are let go
    as the TF-IDF vectors are made, or ArticleTerms (a list of them is emptied). `stories`: the story
    events, or what is read of them, counted already (multi_article_stories). With a `helper` process
    (helper.py) the candidates are screened in both processes; the links are the same."""
    if helper is None or helper.failed:
        return _link_articles(articles, stories, duplicate_of, settings or ArticleLinkSettings(), None, None)
    # The vectors' buffers are files mapped into both processes, let go by both before they are removed.
    with tempfile.TemporaryDirectory(prefix="eventwire-vectors-") as scratch:
        try:
            return _link_articles(articles, stories, duplicate_of, settings or ArticleLinkSettings(), helper, scratch)
        finally:
            helper.unshare()


def _link_articles(articles: Sequence[ArticleTerms] | TermCounts | Callable[[], Iterable[ArticleTerms]],
                   stories: Sequence[StoryEvent] | Mapping[str, set[int]], duplicate_of: Mapping[str, str],
                   settings: ArticleLinkSettings, helper: LinkHelper | None, scratch: str | None) -> list[ArticleLink]:
    first, second = _readings(articles)
    vectors = Vectors((a.terms for a in first()), settings.key_terms, scratch)
    days: list[date | None] = []  # by row
    by_events = bytearray()
    for a in second():
        vectors.add(a.doc_id, a.terms, a.counts)
        days.append(a.day)
        by_events.append(a.by_events)
    if len(vectors) < vectors.size:
        raise ValueError(f"the second reading of the word counts gave {len(vectors)} of the {vectors.size} "
                         "articles of the first")
    row = vectors.row
    dated = sorted((day, d) for d, day in zip(row, days) if day is not None)
    stories_of = stories if isinstance(stories, Mapping) else multi_article_stories(stories)

    def keys(doc_id: str) -> list:
        return vectors.key_terms(row[doc_id]) + [("story", i) for i in sorted(stories_of.get(doc_id, ()))]

    def judged(a: str, b: str, dup: bool, cos: float | None = None) -> ArticleLink | None:
        """The link of a and b, or None; `cos`: their cosine, when computed already."""
        a, b = sorted((a, b))
        if cos is None:
            cos = vectors.cosine(row[a], row[b])
        n_shared = len(stories_of.get(a, set()) & stories_of.get(b, set()))
        day_a, day_b = days[row[a]], days[row[b]]
        apart = abs((day_a - day_b).days) if day_a and day_b else None
        if dup:
            return ArticleLink(a, b, round(cos, 4), n_shared, True, apart)
        events_a, events_b = by_events[row[a]], by_events[row[b]]
        if events_a and events_b:
            ok = False  # two guessed days: nothing says either article is of that day
        elif events_a or events_b:
            # Placed on the calendar only by its events: the words and a story event must both agree.
            ok = cos >= settings.text_threshold and n_shared >= settings.undated_min_shared
        else:
            ok = cos >= settings.text_threshold or (cos >= settings.shared_threshold and n_shared >= settings.min_shared)
        return ArticleLink(a, b, round(cos, 4), n_shared, False, apart) if ok else None

    # No link other than a copy's has a cosine below both thresholds: candidates estimated further below
    # are not judged.
    lowest = min(settings.text_threshold, settings.shared_threshold) - _ROUNDING
    links: dict[tuple[str, str], ArticleLink] = {}
    # Each near-duplicate copy is linked to its original when both lie within the window or either has
    # no day at all.
    for copy, original in duplicate_of.items():
        if copy not in row or original not in row:
            continue
        day_c, day_o = days[row[copy]], days[row[original]]
        if day_c is None or day_o is None or abs((day_c - day_o).days) <= settings.max_days:
            link = judged(copy, original, True)
            links[(link.doc_a, link.doc_b)] = link
    # A sweep over the days: each article meets the earlier articles within max_days that share a key.
    # Articles are numbered in (day, doc id) order, so "sharing more keys, then later published, then
    # the larger id" is "sharing more keys, then the larger number".
    dated_rows = np.array([row[d] for _, d in dated], dtype=np.int64)
    screens = _Screens(vectors, dated_rows, lowest, helper)

    def take(passed: Iterable[tuple[int, int, float]]) -> None:
        """Judge the candidate pairs (article numbers) that passed the screen, with their cosines."""
        for number, other_number, cos in passed:
            doc_id, other = dated[number][1], dated[other_number][1]
            pair = (doc_id, other) if doc_id < other else (other, doc_id)
            if pair not in links and (link := judged(doc_id, other, False, cos)) is not None:
                links[pair] = link
    day_numbers = [day.toordinal() for day, _ in dated]
    # key -> its article numbers in day order: the number alone while the key has one article (most
    # keys are one article's: a _Posting each was ~200 bytes, ~1.4 KB an article at 50,000), else a _Posting.
    postings: dict = {}
    most = settings.max_key_postings
    for number, (day, doc_id) in enumerate(dated):
        today = day_numbers[number]
        first_day = today - settings.max_days
        met, lone = [], []  # postings met; the numbers of keys met with one article
        for key in keys(doc_id):
            posting = postings.get(key)
            if posting is None:
                postings[key] = number
                continue
            if posting.__class__ is int:
                if day_numbers[posting] < first_day:
                    postings[key] = number  # its one article left the window
                elif most >= 1:
                    lone.append(posting)
                    postings[key] = _Posting(posting, day_numbers[posting], number)
                continue
            if posting.head_day < first_day:
                posting.leave_before(first_day, day_numbers)
            size = posting.size - posting.head
            if size > most:
                continue  # too common in these days to tell stories apart
            if size:
                met.append(posting.array[posting.head:posting.size])
            posting.append(number, today)
        if lone:
            met.append(np.array(lone, dtype=np.int64))
        elif not met:
            continue
        others, shared = np.unique(np.concatenate(met), return_counts=True)
        if len(others) > settings.max_candidates:
            # the most shared keys, then the later number (np.lexsort: last key first, ascending)
            others = others[np.lexsort((others, shared))[::-1][:settings.max_candidates]]
        screens.add(number, others)
        if screens.full():
            take(screens.screened())
    take(screens.screened(last=True))
    return list(links.values())


# Candidates screened together (Vectors.screened): a batch handed to the helper process is ~2-4 ms of
# work on a 50,000-article day, a few KB to send.
_BATCH_CANDIDATES = 2048


class _Screens:
    """The candidates of link_articles' sweep, gathered into batches and screened here or, while it has
    room for them, by the helper process; whichever is free takes the next batch."""

    def __init__(self, vectors: Vectors, dated_rows: np.ndarray, lowest: float, helper: LinkHelper | None) -> None:
        self.vectors, self.dated_rows, self.lowest = vectors, dated_rows, lowest
        self.helper = helper if helper is not None and helper.share(vectors) else None
        self.numbers: list[int] = []  # the articles of the batch being gathered
        self.others: list[np.ndarray] = []  # each one's candidates
        self.size = 0

    def add(self, number: int, others: np.ndarray) -> None:
        self.numbers.append(number)
        self.others.append(others)
        self.size += len(others)

    def full(self) -> bool:
        return self.size >= _BATCH_CANDIDATES

    def screened(self, last: bool = False) -> Iterator[tuple[int, int, float]]:
        """(article number, candidate number, exact cosine) of the pairs that passed the screen: of the
        batch gathered (handed to the helper if it has room, else screened here) and of the batches the
        helper has answered (with `last`, of all it was handed)."""
        if self.numbers:
            numbers = np.array(self.numbers, dtype=np.int64)
            others = np.concatenate(self.others)
            bounds = np.zeros(len(numbers) + 1, dtype=np.int64)
            np.cumsum([len(o) for o in self.others], out=bounds[1:])
            self.numbers, self.others, self.size = [], [], 0
            batch = (self.dated_rows[numbers], bounds, self.dated_rows[others], self.lowest)
            if self.helper is None or not self.helper.offer(batch, (numbers, others)):
                yield from _passed(numbers, others, bounds, *self.vectors.screened(*batch))
        if self.helper is not None:
            for (numbers, others), batch, kept, cosines in self.helper.answers(wait=last):
                yield from _passed(numbers, others, batch[1], kept, cosines)


def _passed(numbers: np.ndarray, others: np.ndarray, bounds: np.ndarray, kept: np.ndarray, cosines: np.ndarray
            ) -> Iterator[tuple[int, int, float]]:
    """Vectors.screened's answer for a batch as (article number, candidate number, cosine)."""
    articles = np.searchsorted(bounds, kept, side="right") - 1
    return zip(numbers[articles].tolist(), others[kept].tolist(), cosines.tolist())


_NO_DAY = sys.maxsize  # _Posting.head_day of an empty posting: nothing to leave


class _Posting:
    """The article numbers (ascending) of one key met by more than one article, in a growing array
    (array[head:size]); those out of the window are skipped from the front. `head_day` is the first
    one's day number, so a posting with nothing to leave is told apart without reading the array."""

    __slots__ = ("array", "head", "size", "head_day")

    def __init__(self, first: int, first_day: int, second: int) -> None:
        """A posting of two articles, the first on day number `first_day` (the second is not before)."""
        self.array = np.empty(4, dtype=np.int64)
        self.array[0], self.array[1] = first, second
        self.head, self.size = 0, 2
        self.head_day = first_day

    def __len__(self) -> int:
        return self.size - self.head

    def leave_before(self, first_day: int, day_numbers: list[int]) -> None:
        numbers, head, size = self.array, self.head, self.size
        while head < size and day_numbers[numbers[head]] < first_day:
            head += 1
        self.head = head
        self.head_day = day_numbers[numbers[head]] if head < size else _NO_DAY

    def append(self, number: int, day: int) -> None:
        if self.size == self.head:
            self.head_day = day
        if self.size == len(self.array):
            kept = self.array[self.head:self.size]
            grown = np.empty(max(4, 2 * len(kept)), dtype=np.int64)
            grown[:len(kept)] = kept
            self.array, self.size, self.head = grown, len(kept), 0
        self.array[self.size] = number
        self.size += 1


def article_clusters(doc_ids: Sequence[str], links: Sequence[ArticleLink]) -> dict[str, str]:
    """doc id -> cluster id (the smallest doc id of its connected component)."""
    parent = {d: d for d in doc_ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        parent.setdefault(link.doc_a, link.doc_a)
        parent.setdefault(link.doc_b, link.doc_b)
        ra, rb = find(link.doc_a), find(link.doc_b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {d: find(d) for d in parent}
