"""Linking across articles: near-duplicate copies, story events (event coreference) and article clusters.

`link_records(records)` runs the three in order over one collection and returns `Links`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from eventwire.link.articles import ArticleLink, ArticleLinkSettings, article_clusters, article_links
from eventwire.link.near_duplicates import DuplicatePair, duplicate_of, near_duplicates
from eventwire.link.stories import LinkSettings, StoryEvent, StoryMention, link_stories
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
    """Near-duplicates, story events and article clusters over `records` (one pass, all in memory)."""
    records = list({r.document.id: r for r in records}.values())
    pairs = near_duplicates(records)
    copies = duplicate_of(pairs, records)
    stories = link_stories(records, copies, settings)
    links = article_links(records, stories, copies, article_settings)
    clusters = article_clusters([r.document.id for r in records], links)
    return Links(tuple(pairs), copies, tuple(stories), tuple(links), clusters)
