"""Near-duplicate articles (wire reprints, an outlet's re-posts) by MinHash over word shingles.

Candidates come from MinHash LSH (datasketch) so the work grows with the corpus, not its square;
each candidate pair is then confirmed on the exact shingle sets, so the LSH's estimate never
decides alone. A pair is a near-duplicate when its Jaccard similarity reaches `threshold`, or
when one article's shingles are almost all inside the other's (`containment`): a reprint that
was cut short or gained a paragraph of local context is still the same copy.

Each group of near-duplicates has one original: the earliest published member (the one without a
date last), ties broken by document id, so the choice is stable across reruns.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH

from eventwire.record import ArticleRecord

__all__ = ["DuplicatePair", "shingles", "near_duplicates", "duplicate_of"]

log = logging.getLogger(__name__)

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class DuplicatePair:
    doc_id: str
    duplicate_of: str  # the original: earlier published (else smaller id)
    jaccard: float
    containment: float  # |A ∩ B| / min(|A|, |B|)


def shingles(text: str, size: int = 5) -> frozenset[str]:
    """Word `size`-grams of the lower-cased text, punctuation ignored (FA-KES-style stripped commas
    and an outlet's typography then do not hide a copy). Short texts give their whole word string."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i:i + size]) for i in range(len(words) - size + 1))


def _article_text(record: ArticleRecord) -> str:
    doc = record.document
    return f"{doc.title}\n{doc.text}"


def _order_key(record: ArticleRecord) -> tuple:
    published = record.document.published
    return (published is None, published or "", record.document.id)


def near_duplicates(records: Sequence[ArticleRecord], threshold: float = 0.8, containment: float = 0.9,
                    num_perm: int = 128, shingle_size: int = 5, min_shingles: int = 20) -> list[DuplicatePair]:
    """Confirmed near-duplicate pairs among `records`, each pointing at the earlier article.

    Texts with fewer than `min_shingles` shingles (a headline, an empty body) are never called
    copies: two one-line items agreeing says nothing about reprinting.
    """
    sets: dict[str, frozenset[str]] = {}
    by_id: dict[str, ArticleRecord] = {}
    for record in records:
        doc_id = record.document.id
        if doc_id in by_id:
            continue
        by_id[doc_id] = record
        sets[doc_id] = shingles(_article_text(record), shingle_size)
    # LSH at a lower threshold than the confirmation: a reprint found only by containment has a
    # lower Jaccard, and the exact check below removes the extra candidates.
    lsh = MinHashLSH(threshold=min(threshold, containment) * 0.6, num_perm=num_perm)
    hashes: dict[str, MinHash] = {}
    for doc_id, items in sets.items():
        if len(items) < min_shingles:
            continue
        mh = MinHash(num_perm=num_perm, seed=1)
        mh.update_batch([s.encode("utf-8") for s in items])
        hashes[doc_id] = mh
        lsh.insert(doc_id, mh)
    pairs: list[DuplicatePair] = []
    seen: set[tuple[str, str]] = set()
    for doc_id, mh in hashes.items():
        for other in lsh.query(mh):
            key = (min(doc_id, other), max(doc_id, other))
            if other == doc_id or key in seen:
                continue
            seen.add(key)
            a, b = sets[doc_id], sets[other]
            common = len(a & b)
            jac = common / len(a | b)
            cont = common / min(len(a), len(b))
            if jac >= threshold or cont >= containment:
                first, second = sorted((by_id[doc_id], by_id[other]), key=_order_key)
                pairs.append(DuplicatePair(second.document.id, first.document.id, round(jac, 4), round(cont, 4)))
    pairs.sort(key=lambda p: (p.duplicate_of, p.doc_id))
    log.debug("%d near-duplicate pairs among %d articles", len(pairs), len(by_id))
    return pairs


def duplicate_of(pairs: Iterable[DuplicatePair], records: Sequence[ArticleRecord]) -> dict[str, str]:
    """doc id -> the original of its near-duplicate group (only the copies are keys)."""
    order = {r.document.id: _order_key(r) for r in records}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for pair in pairs:
        ra, rb = find(pair.doc_id), find(pair.duplicate_of)
        if ra != rb:
            first, second = sorted((ra, rb), key=lambda d: order.get(d, (True, "", d)))
            parent[second] = first
    return {d: find(d) for d in list(parent) if find(d) != d}
