"""Linking across articles: near-duplicate copies, story events (event coreference) and article clusters.

`link_records(records)` runs the three in order over one collection and returns `Links`. It reads the
records once, as a stream, and keeps of each only what linking compares (shingle and word hashes, its
events' linking facts), so a store can feed it without holding every record in memory.
`link_features`, the same over features (a store keeps them), need not hold even those hashes: it can
read them again when needed, the near-duplicate candidates' shingle hashes (`shingles_of`) and, after
the story sweep, every article's word counts (`terms_of`). What a day's linking holds at once is kept
to what its step compares: the story sweep holds one event type's stories at a time (stories.py), the
story events are columns (StoryEvents), and their mention table waits on disk while the article links
hold their word vectors (MentionTable.stowed). On a day of `helper.HELPER_FROM` articles or more, a
helper process sweeps story events of the smaller event types and screens article-link candidates beside
this one (helper.py).
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventwire.link.articles import (ArticleLink, ArticleLinkSettings, TermCounts, article_clusters, link_articles,
                                     multi_article_stories)
from eventwire.link.buffers import kept_objects_frozen, release_freed_memory
from eventwire.link.helper import HELPER_FROM, helper_for
from eventwire.link.near_duplicates import DuplicateIndex, DuplicatePair, duplicate_of
from eventwire.link.mentions import LinkSettings, MentionTable, StoryMention
from eventwire.link.stories import StoryEvent, stories_of_mentions
from eventwire.record import ArticleRecord

if TYPE_CHECKING:
    import numpy as np

    from eventwire.link.articles import ArticleTerms
    from eventwire.link.features import ArticleFeatures

__all__ = ["Links", "link_records", "link_features", "DuplicatePair", "StoryEvent", "StoryMention", "ArticleLink",
           "LinkSettings", "ArticleLinkSettings"]


@dataclass(frozen=True)
class Links:
    duplicates: tuple[DuplicatePair, ...]
    duplicate_of: dict[str, str]  # copy doc id -> original doc id
    stories: Sequence[StoryEvent]  # as linked, StoryEvents: columns, each event made as it is read
    article_links: tuple[ArticleLink, ...]
    article_cluster: dict[str, str]  # doc id -> cluster id (smallest doc id in it)


_FREEZE_EVERY = 5000  # articles read between two freezes of what is held


def link_records(records: Iterable[ArticleRecord], settings: LinkSettings | None = None,
                 article_settings: ArticleLinkSettings | None = None) -> Links:
    """Near-duplicates, story events and article clusters over `records` (read once; a document id seen
    again is skipped)."""
    from eventwire.link.features import article_features

    settings = settings or LinkSettings()
    return link_features((article_features(r, settings) for r in records), settings, article_settings)


def link_features(features: Iterable[ArticleFeatures], settings: LinkSettings | None = None,
                  article_settings: ArticleLinkSettings | None = None,
                  shingles_of: Callable[[list[str]], Iterable[tuple[str, np.ndarray]]] | None = None,
                  terms_of: Callable[[], Iterable[ArticleTerms]] | None = None) -> Links:
    """link_records over the articles' features (features.py), e.g. as a store keeps them; read once, a
    document id seen again is skipped. The order they come in does not change the result. Features
    read without their shingle hashes (None) need `shingles_of`, which reads those of the given
    documents again (DuplicateIndex.pairs). With `terms_of`, which reads every article's word counts
    again (twice, after the story sweep: _word_counts), the features' own are not held, so they may
    be read without them (None)."""
    from eventwire.link.features import StoredMentions

    settings = settings or LinkSettings()
    helper = None
    with kept_objects_frozen() as freeze:
        try:
            index = DuplicateIndex()
            terms = TermCounts() if terms_of is None else None  # else read again for the article links only
            mentions = MentionTable()  # a day's mentions as columns, not an object each
            read = 0
            for f in features:
                if f.doc_id in index:
                    continue
                index.add_signature(f.doc_id, f.published, f.shingles, f.minhash)
                if terms is not None:
                    if f.terms.terms is None:
                        raise ValueError(f"the features of {f.doc_id!r} were read without their word counts "
                                         "and no terms_of reads them")
                    terms.add(f.terms)
                if isinstance(f.mentions, StoredMentions):
                    f.mentions.into(mentions)  # straight from the stored JSON into the columns
                else:
                    mentions.extend(f.mentions)
                read += 1
                if read % _FREEZE_EVERY == 0:
                    freeze()
                if read == HELPER_FROM:  # started while the rest is read, it is ready by the sweep
                    helper = helper_for(read)
            pairs = index.pairs(shingles_of)
            order = index.order()
            del index
            copies = duplicate_of(pairs, order)
            freeze()
            stories = stories_of_mentions(mentions, settings, copies, helper)
            del mentions
            reported = multi_article_stories(stories)
            freeze()
            # The story events' mention table waits on disk while the article links hold their vectors.
            with stories.table.stowed():
                release_freed_memory()
                links = link_articles(terms if terms_of is None else _word_counts(terms_of, order), reported,
                                      copies, article_settings, helper)
        finally:
            if helper is not None:
                helper.close()
        clusters = article_clusters(sorted(order), links)
    return Links(tuple(pairs), copies, stories, tuple(sorted(links, key=lambda k: (k.doc_a, k.doc_b))),
                 clusters)


def _word_counts(terms_of: Callable[[], Iterable[ArticleTerms]], linked: Collection[str]
                 ) -> Callable[[], Iterator[ArticleTerms]]:
    """A reader of the `linked` articles' word counts by `terms_of`, each once, whatever else it reads
    (a store's features of documents deleted since, an id seen again): link_articles reads them twice
    (the document frequencies, then the vectors). A linked article it does not read is an error."""
    def read() -> Iterator[ArticleTerms]:
        seen: set[str] = set()
        for article in terms_of():
            if article.doc_id in linked and article.doc_id not in seen:
                seen.add(article.doc_id)
                yield article
        if len(seen) < len(linked):
            missing = next(d for d in linked if d not in seen)
            raise LookupError(f"no word counts read for {len(linked) - len(seen)} articles, e.g. {missing!r}")
    return read
