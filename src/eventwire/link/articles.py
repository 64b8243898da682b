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
little. Articles without a publication date are linked only as near-duplicates.
"""
from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from eventwire.link.stories import StoryEvent
from eventwire.record import ArticleRecord

__all__ = ["ArticleLinkSettings", "ArticleLink", "article_links", "article_clusters"]

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


@dataclass(frozen=True)
class ArticleLinkSettings:
    max_days: int = 4
    text_threshold: float = 0.30
    shared_threshold: float = 0.15
    min_shared: int = 1


@dataclass(frozen=True)
class ArticleLink:
    doc_a: str
    doc_b: str
    cosine: float
    shared_stories: int
    near_duplicate: bool
    days_apart: int | None


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


def _vectors(records: Sequence[ArticleRecord]) -> dict[str, dict[str, float]]:
    counts = {r.document.id: _tokens(r) for r in records}
    df: Counter = Counter()
    for c in counts.values():
        df.update(c.keys())
    n = len(counts)
    vectors: dict[str, dict[str, float]] = {}
    for doc_id, c in counts.items():
        vec = {w: (1 + math.log(tf)) * math.log((n + 1) / (df[w] + 1)) for w, tf in c.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors[doc_id] = {w: v / norm for w, v in vec.items() if v > 0}
    return vectors


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def article_links(records: Sequence[ArticleRecord], stories: Sequence[StoryEvent],
                  duplicate_of: Mapping[str, str], settings: ArticleLinkSettings | None = None) -> list[ArticleLink]:
    """The linked article pairs under the rule in the module docstring."""
    settings = settings or ArticleLinkSettings()
    unique = list({r.document.id: r for r in records}.values())
    vectors = _vectors(unique)
    shared: Counter = Counter()
    for story in stories:
        docs = sorted(set(story.doc_ids))
        if len(docs) < 2:
            continue
        for i, a in enumerate(docs):
            for b in docs[i + 1:]:
                shared[(a, b)] += 1
    links: list[ArticleLink] = []
    dated = sorted(((d, r.document.id) for r in unique if (d := _day(r.document.published))), key=lambda x: x)
    # A sweep over publication days: only articles within max_days of each other are compared.
    lo = 0
    for i, (day_i, id_i) in enumerate(dated):
        while (day_i - dated[lo][0]).days > settings.max_days:
            lo += 1
        for day_j, id_j in dated[lo:i]:
            a, b = sorted((id_i, id_j))
            cos = _cosine(vectors[a], vectors[b])
            n_shared = shared.get((a, b), 0)
            dup = duplicate_of.get(a, a) == duplicate_of.get(b, b)
            if dup or cos >= settings.text_threshold or (
                    cos >= settings.shared_threshold and n_shared >= settings.min_shared):
                links.append(ArticleLink(a, b, round(cos, 4), n_shared, dup, abs((day_i - day_j).days)))
    # Undated articles: near-duplicates only.
    undated = {r.document.id for r in unique if _day(r.document.published) is None}
    for copy, original in duplicate_of.items():
        if copy in undated or original in undated:
            a, b = sorted((copy, original))
            links.append(ArticleLink(a, b, round(_cosine(vectors[a], vectors[b]), 4),
                                     shared.get((a, b), 0), True, None))
    return links


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
