"""Linking across articles: near-duplicate copies, story events (event coreference) and article clusters.

`link_records(records)` runs the three in order over one collection and returns `Links`. It reads the
records once, as a stream, and keeps of each only what linking compares (shingle and word hashes, its
events' linking facts), so a store can feed it without holding every record in memory.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from eventwire.link.articles import ArticleLink, ArticleLinkSettings, article_clusters, article_terms, link_articles
from eventwire.link.near_duplicates import DuplicateIndex, DuplicatePair, duplicate_of, order_key
from eventwire.link.stories import LinkSettings, StoryEvent, StoryMention, event_mentions, stories_of_mentions
from eventwire.record import ArticleRecord

__all__ = ["Links", "link_records", "DuplicatePair", "StoryEvent", "StoryMention", "ArticleLink",
           "LinkSettings", "ArticleLinkSettings"]


@dataclass(frozen=True)
class Links:
    duplicates: tuple[DuplicatePair, ...]
    duplicate_of: dict[str, str]  # copy doc id -> original doc id
    stories: tuple[StoryEvent, ...]
    article_links: tuple[ArticleLink, ...]
    article_cluster: dict[str, str]  # doc id -> cluster id (smallest doc id in it)


def link_records(records: Iterable[ArticleRecord], settings: LinkSettings | None = None,
                 article_settings: ArticleLinkSettings | None = None) -> Links:
    """Near-duplicates, story events and article clusters over `records` (read once; a document id seen
    again is skipped)."""
    settings = settings or LinkSettings()
    index = DuplicateIndex()
    pairs: list[DuplicatePair] = []
    order: dict[str, tuple] = {}
    terms = []
    mentions = []
    for record in records:
        doc = record.document
        if doc.id in order:
            continue
        order[doc.id] = order_key(doc.published, doc.id)
        pairs.extend(index.add(doc.id, doc.published, f"{doc.title}\n{doc.text}"))
        terms.append(article_terms(record, settings))
        mentions.extend(event_mentions(record, settings))
    del index
    pairs.sort(key=lambda p: (p.duplicate_of, p.doc_id))
    copies = duplicate_of(pairs, order)
    stories = stories_of_mentions(mentions, settings, copies)
    del mentions
    links = link_articles(terms, stories, copies, article_settings)
    clusters = article_clusters(list(order), links)
    return Links(tuple(pairs), copies, tuple(stories), tuple(links), clusters)
