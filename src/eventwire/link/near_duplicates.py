"""Near-duplicate articles (wire reprints, an outlet's re-posts) by MinHash over word shingles.

Candidates come from MinHash LSH (datasketch's MinHash and band layout, the bands held as numpy
columns) so the work grows with the corpus, not its square;
each candidate pair is then confirmed on the exact shingle sets, so the LSH's estimate never
decides alone. A pair is a near-duplicate when its Jaccard similarity reaches `threshold`, or
when one article's shingles are almost all inside the other's (`containment`): a reprint that
was cut short or gained a paragraph of local context is still the same copy.

Shingles are kept as sorted arrays of their 32-bit CRC (not as strings): a day of news fits in memory,
and the same text always gives the same hashes, run after run. The index is fed one article at a time
(`DuplicateIndex`) and then finds every pair at once.

Each group of near-duplicates has one original: the earliest published member (the one without a
date last), ties broken by document id, so the choice is stable across reruns.
"""
from __future__ import annotations

import logging
import re
import zlib
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from eventwire.link.buffers import Buffer, Segments
from eventwire.record import ArticleRecord

__all__ = ["DuplicatePair", "DuplicateIndex", "shingles", "shingle_hashes", "near_duplicates", "duplicate_of"]

log = logging.getLogger(__name__)

_WORD = re.compile(r"\w+", re.UNICODE)
_CONFIRM_CHUNK = 50_000  # candidate pairs confirmed per reading of their articles' shingles (DuplicateIndex.pairs)


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


def shingle_hashes(text: str, size: int = 5) -> np.ndarray:
    """The sorted distinct CRC-32 values of the text's shingles (see `shingles`)."""
    return np.unique(np.fromiter((zlib.crc32(s.encode("utf-8")) for s in shingles(text, size)), dtype=np.uint32))


def _article_text(record: ArticleRecord) -> str:
    doc = record.document
    return f"{doc.title}\n{doc.text}"


def order_key(published: str | None, doc_id: str) -> tuple:
    """Which of two copies is the original: the earlier published, the undated last, then the smaller id."""
    return (published is None, published or "", doc_id)


def _order_key(record: ArticleRecord) -> tuple:
    return order_key(record.document.published, record.document.id)


class DuplicateIndex:
    """Near-duplicate pairs among the articles added (`add`, or `add_signature` for a signature
    computed apart), found at once by `pairs`.

    Candidates are the pairs whose MinHash values agree on every value of at least one band (MinHash
    LSH with datasketch's band layout for the threshold, so the same candidates as its MinHashLSH),
    found by sorting each band's column of values; each is confirmed on the exact shingle hashes. What
    is held per article is its shingle hashes (in blocks that are never copied) and its banded MinHash
    values (one growing buffer: a column is sorted per band) (datasketch's index held a dict entry and
    a set per band per article: ~10 KB an article).

    Texts with fewer than `min_shingles` shingles (a headline, an empty body) are never called
    copies: two one-line items agreeing says nothing about reprinting.

    An article may be added without its shingle hashes (None) when they can be read again: `pairs` then
    asks `shingles_of` for those of the candidates alone (a store keeps them: link/database.py), so a
    day's shingles are never held while it is linked.
    """

    def __init__(self, threshold: float = 0.8, containment: float = 0.9, num_perm: int = 128,
                 shingle_size: int = 5, min_shingles: int = 20) -> None:
        self.threshold, self.containment = threshold, containment
        self.num_perm, self.shingle_size, self.min_shingles = num_perm, shingle_size, min_shingles
        # LSH at a lower threshold than the confirmation: a reprint found only by containment has a
        # lower Jaccard, and the exact check on the shingle hashes removes the extra candidates.
        layout = MinHashLSH(threshold=min(threshold, containment) * 0.6, num_perm=num_perm)
        self.bands, self.rows = layout.b, layout.r
        self._permutations = MinHash(num_perm=num_perm, seed=1).permutations
        self._order: dict[str, tuple] = {}
        self._ids: list[str] = []  # the articles with a MinHash, in the order added
        self._shingles = Segments(np.uint32)  # their shingle hashes, article after article, if given
        self._without_shingles = 0  # articles with a MinHash added without their shingle hashes
        # Their banded MinHash values (affine32: below 2**32), a row per article.
        self._bands = Buffer(np.uint32)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._order

    def signature(self, text: str) -> tuple[np.ndarray, np.ndarray | None]:
        """What the index keeps of a text: its shingle hashes and their MinHash values (None for a text
        too short to be called a copy). Computed apart from `add_signature` so it can be stored."""
        items = shingle_hashes(text, self.shingle_size)
        if len(items) < self.min_shingles:
            return items, None
        mh = MinHash(num_perm=self.num_perm, seed=1, hashfunc=int, permutations=self._permutations,
                     scheme="affine32")
        mh.update_batch(items.tolist())
        return items, mh.hashvalues

    def add(self, doc_id: str, published: str | None, text: str) -> None:
        if doc_id not in self._order:
            self.add_signature(doc_id, published, *self.signature(text))

    def add_signature(self, doc_id: str, published: str | None, items: np.ndarray | None,
                      hashvalues: np.ndarray | None) -> None:
        """`add` for a text whose `signature` was computed already (an article seen before is skipped);
        `items` None: its shingle hashes are not held (see `pairs`)."""
        if doc_id in self._order:
            return
        self._order[doc_id] = order_key(published, doc_id)
        if hashvalues is None:
            return
        self._ids.append(doc_id)
        if items is None:
            self._without_shingles += 1
        else:
            self._shingles.append(items)
        self._bands.extend(hashvalues[:self.bands * self.rows])

    def _candidates(self) -> np.ndarray:
        """(i, j) rows, i < j, of the articles (numbered as added) that agree on a whole band."""
        n, width = len(self._ids), self.bands * self.rows
        values = self._bands.array().reshape(n, width)
        found = []
        for band in range(self.bands):
            # Each row of the band as one opaque value: equal rows sort next to each other.
            rows = np.ascontiguousarray(values[:, band * self.rows:(band + 1) * self.rows])
            keys = rows.view(np.dtype((np.void, rows.itemsize * self.rows))).ravel()
            order = np.argsort(keys, kind="stable")
            ordered = keys[order]
            starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1], [True])))
            for lo, hi in zip(starts[:-1].tolist(), starts[1:].tolist()):
                if hi - lo > 1:
                    members = np.sort(order[lo:hi])
                    i, j = np.triu_indices(len(members), 1)
                    found.append(members[i] * n + members[j])
        if not found:
            return np.zeros((0, 2), dtype=np.int64)
        codes = np.unique(np.concatenate(found))
        return np.stack((codes // n, codes % n), axis=1)

    def pairs(self, shingles_of: Callable[[list[str]], Iterable[tuple[str, np.ndarray]]] | None = None
              ) -> list[DuplicatePair]:
        """The confirmed near-duplicate pairs among the articles added, each pointing at the earlier
        article, sorted by (original, copy). With `shingles_of` (doc ids -> (doc id, shingle hashes)
        pairs, in any order) the candidates' shingle hashes are read from it, a chunk of articles at a
        time, instead of those held (needed when some were added without them)."""
        candidates = self._candidates()
        if shingles_of is None:
            if self._without_shingles:
                raise ValueError(f"{self._without_shingles} articles were added without their shingle hashes "
                                 "and no shingles_of reads them")
            return self._confirmed(candidates, self._shingles, range(len(self._ids)))
        pairs = []
        # The candidates in chunks of their first article, each chunk's articles' shingles read at once
        # into blocks let go after it: a day's copies are a fifth of its articles.
        for lo in range(0, len(candidates), _CONFIRM_CHUNK):
            chunk = candidates[lo:lo + _CONFIRM_CHUNK]
            needed = np.unique(chunk)
            number_of = {self._ids[k]: k for k in needed.tolist()}
            held, where = Segments(np.uint32), np.full(len(self._ids), -1, dtype=np.int64)
            for doc_id, items in shingles_of(list(number_of)):
                k = number_of.get(doc_id)
                if k is not None and where[k] < 0:
                    where[k] = len(held)
                    held.append(items)
            missing = [self._ids[k] for k in needed.tolist() if where[k] < 0]
            if missing:
                raise LookupError(f"no shingle hashes read for {len(missing)} articles, e.g. {missing[0]!r}")
            pairs.extend(self._confirmed(chunk, held, where.tolist()))
        pairs.sort(key=lambda p: (p.duplicate_of, p.doc_id))
        return pairs

    def _confirmed(self, candidates: np.ndarray, shingles: Segments, where: Sequence[int]) -> list[DuplicatePair]:
        """The candidate (i, j) rows that are near-duplicates, as pairs sorted by (original, copy);
        article k's shingle hashes are shingles[where[k]]."""
        pairs = []
        for i, j in candidates.tolist():
            mine, theirs = shingles[where[i]], shingles[where[j]]
            common = len(np.intersect1d(mine, theirs, assume_unique=True))
            jac = common / (len(mine) + len(theirs) - common)
            cont = common / min(len(mine), len(theirs))
            if jac >= self.threshold or cont >= self.containment:
                first, second = sorted((self._ids[i], self._ids[j]), key=self._order.__getitem__)
                pairs.append(DuplicatePair(second, first, round(jac, 4), round(cont, 4)))
        pairs.sort(key=lambda p: (p.duplicate_of, p.doc_id))
        return pairs

    def order(self) -> dict[str, tuple]:
        """doc id -> order_key of every article added."""
        return self._order


def near_duplicates(records: Sequence[ArticleRecord], threshold: float = 0.8, containment: float = 0.9,
                    num_perm: int = 128, shingle_size: int = 5, min_shingles: int = 20) -> list[DuplicatePair]:
    """Confirmed near-duplicate pairs among `records`, each pointing at the earlier article (see
    DuplicateIndex)."""
    index = DuplicateIndex(threshold, containment, num_perm, shingle_size, min_shingles)
    for record in records:
        index.add(record.document.id, record.document.published, _article_text(record))
    pairs = index.pairs()
    log.debug("%d near-duplicate pairs among %d articles", len(pairs), len(index.order()))
    return pairs


def duplicate_of(pairs: Iterable[DuplicatePair], records: Sequence[ArticleRecord] | dict[str, tuple]) -> dict[str, str]:
    """doc id -> the original of its near-duplicate group (only the copies are keys); `records` or
    doc id -> order_key of each article."""
    order = records if isinstance(records, dict) else {r.document.id: _order_key(r) for r in records}
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
