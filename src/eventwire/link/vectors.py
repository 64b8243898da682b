"""The TF-IDF word vectors that article linking (articles.py) compares: held compactly for a day of
articles, screened in single precision, and the cosines that decide a link computed in double precision
from the word counts.

An article's weight of a word is (1 + ln count) * ln((N + 1) / (df + 1)) over the N articles given (df:
how many of them use the word), divided by the norm of the article's weights; words of weight zero
(used by every article) are left out.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import islice
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from eventwire.link.articles import TermCounts

__all__ = ["Vectors", "SCREEN_ERROR"]

_DF_CHUNK = 5000  # articles whose terms are counted together in _document_frequencies
_ENTRY = np.dtype([("term", np.int32), ("weight", np.float32)])  # 8 bytes: read as one int64
_COUNT_LIMIT = np.iinfo(np.uint16).max  # counts held as uint16 unless an article has a larger one

# How far `Vectors.cosines` (single-precision weights and products, summed in double) may lie from
# `Vectors.cosine`, with margin: a weight is within 2**-24 of its double (relative), a product of two
# within ~1.5 * 2**-23, and the products' absolute values sum to at most 1 (both vectors of unit length),
# so the estimate is within ~2e-7 of the exact cosine.
SCREEN_ERROR = 1e-5


def _document_frequencies(term_arrays: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct terms of the articles whose (distinct) terms are `term_arrays`, sorted, and how many
    articles have each, counted a chunk of articles at a time: the terms of every article in one
    array, and its sorted copy, would be held beside the articles' own."""
    found, counts = [], []
    arrays = iter(term_arrays)
    while chunk := list(islice(arrays, _DF_CHUNK)):
        terms, n = np.unique(np.concatenate(chunk), return_counts=True)
        found.append(terms)
        counts.append(n)
    if len(found) <= 1:
        return (found[0], counts[0]) if found else (np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64))
    all_terms, inverse = np.unique(np.concatenate(found), return_inverse=True)
    return all_terms, np.bincount(inverse, weights=np.concatenate(counts), minlength=len(all_terms)).astype(np.int64)


class Vectors:
    """TF-IDF vectors of unit length of a day's articles (IDF over them), as one buffer of (term number,
    single-precision weight) entries and one of word counts, with each article's offsets, norm and
    `key_terms` highest-weighted terms (an array per article costs ~100 bytes of header).

    10 bytes a term (12 with double weights): the single-precision weights serve `cosines`, which
    screens candidates; `cosine`, which decides, computes the double weights of the two articles'
    shared terms again from their counts, the IDF and the article's norm with the operations the
    weights were made with, and sums their products in the order of the terms' hashes, so it is the
    cosine of the double-precision vectors to the last bit (numpy's log of a value does not depend on
    the array it is taken in: checked bitwise on every weight of the 5,000 and 50,000-article days).

    Terms are numbered by how many articles use them, the most used first: `cosines` reads one
    article's weights by term number at random for every term of its candidates, and the common terms,
    most of what it reads, then lie together in a small part of that table (in cache). Within an
    article the terms keep the order of their hashes (the order the exact sum follows)."""

    def __init__(self, articles: TermCounts, key_terms: int) -> None:
        """The vectors of `articles`, whose word counts are let go block by block as the vectors are
        made, so a day's counts and its vectors are not both held whole."""
        n = len(articles)
        self.row = {d: i for i, d in enumerate(articles.doc_ids)}
        self.offsets = np.zeros(n + 1, dtype=np.int64)
        self.norms = np.ones(n, dtype=np.float64)
        self.key_offsets = np.zeros(n + 1, dtype=np.int64)
        self.keys = np.empty(n * key_terms, dtype=np.int32)
        self.idf = np.zeros(0, dtype=np.float64)  # by term number
        # Filled article by article (at most every term of every article; trimmed after), so the
        # buffers are never held twice.
        total = sum(len(articles.terms[i]) for i in range(n))
        # A term's number and weight side by side (`cosines` reads both of each candidate term: one read).
        self._entries = np.empty(total, dtype=_ENTRY)
        self.terms, self.weights = self._entries["term"], self._entries["weight"]
        self.counts = np.empty(total, dtype=np.uint16)
        if n:
            all_terms, df = _document_frequencies(articles.terms[i] for i in range(n))
            by_use = np.argsort(-df, kind="stable")
            number_of = np.empty(len(all_terms), dtype=np.int32)  # a term's number, by its place in all_terms
            number_of[by_use] = np.arange(len(all_terms), dtype=np.int32)
            self.idf = np.log((n + 1) / (df[by_use] + 1))
            end = ends = 0
            for i, (terms, counts) in enumerate(zip(articles.terms.drained(), articles.counts.drained())):
                numbers = number_of[np.searchsorted(all_terms, terms)]
                weights = (1 + np.log(counts.astype(np.float64))) * self.idf[numbers]
                keep = weights > 0
                norm = math.sqrt(float(np.dot(weights, weights))) or 1.0
                numbers, counts, weights = numbers[keep], counts[keep], weights[keep] / norm
                kept = len(numbers)
                if kept and self.counts.dtype == np.uint16 and int(counts.max()) > _COUNT_LIMIT:
                    self.counts = self.counts.astype(np.uint32)
                self.terms[end:end + kept] = numbers
                self.weights[end:end + kept] = weights
                self.counts[end:end + kept] = counts
                self.norms[i] = norm
                end += kept
                self.offsets[i + 1] = end
                # The keys: the highest weights, ties in the terms' hash order.
                top = numbers[np.argsort(-weights, kind="stable")[:key_terms]]
                self.keys[ends:ends + len(top)] = top
                ends += len(top)
                self.key_offsets[i + 1] = ends
            # Zero weights and short articles' missing keys left out (views: a copy would hold both).
            self._entries, self.counts, self.keys = self._entries[:end], self.counts[:end], self.keys[:ends]
            self.terms, self.weights = self._entries["term"], self._entries["weight"]
        self._lookup = np.zeros(len(self.idf), dtype=np.float32)  # one row's weights by term, in `cosines`

    def key_terms(self, row: int) -> list[int]:
        """The numbers of the row's highest-weighted terms (at most key_terms)."""
        return self.keys[self.key_offsets[row]:self.key_offsets[row + 1]].tolist()

    def _exact_weights(self, row: int, positions: np.ndarray) -> np.ndarray:
        """The double-precision weights of the row's terms at `positions`, computed as they were made."""
        at = self.offsets[row] + positions
        return (1 + np.log(self.counts[at].astype(np.float64))) * self.idf[self.terms[at]] / self.norms[row]

    def cosine(self, a: int, b: int) -> float:
        """The cosine of rows a and b: their shared terms' double weights multiplied and summed in the
        terms' hash order (each row's own order)."""
        ta = self.terms[self.offsets[a]:self.offsets[a + 1]]
        tb = self.terms[self.offsets[b]:self.offsets[b + 1]]
        _, ia, ib = np.intersect1d(ta, tb, assume_unique=True, return_indices=True)
        in_hash_order = np.argsort(ia)
        ia, ib = ia[in_hash_order], ib[in_hash_order]
        return float(np.dot(self._exact_weights(a, ia), self._exact_weights(b, ib)))

    def cosines(self, a: int, rows: np.ndarray) -> np.ndarray:
        """The cosines of row `a` with each of `rows` at once, within SCREEN_ERROR of `cosine` (single
        precision: used to leave out pairs far below a threshold)."""
        lo, hi = self.offsets[a], self.offsets[a + 1]
        ta, wa = self.terms[lo:hi], self.weights[lo:hi]
        result = np.zeros(len(rows))
        firsts = self.offsets[rows]
        lengths = self.offsets[rows + 1] - firsts
        filled = lengths > 0
        if not len(ta) or not filled.any():
            return result
        if not filled.all():  # a row without weights sums to nothing (reduceat cannot say so)
            firsts, lengths = firsts[filled], lengths[filled]
        # The positions of every candidate's terms in the buffer, candidate after candidate: steps of
        # one, and at each candidate's start the jump from the previous candidate's last term.
        starts = np.zeros(len(lengths), dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        steps = np.ones(int(starts[-1] + lengths[-1]), dtype=np.int64)
        steps[0] = firsts[0]
        steps[starts[1:]] = firsts[1:] - (firsts[:-1] + lengths[:-1] - 1)
        index = np.cumsum(steps, out=steps)
        entries = self._entries.view(np.int64)[index].view(_ENTRY)
        lookup = self._lookup
        lookup[ta] = wa
        products = lookup[entries["term"]]
        products *= entries["weight"]
        lookup[ta] = 0.0
        sums = np.add.reduceat(products, starts, dtype=np.float64)
        if len(sums) == len(result):
            return sums
        result[filled] = sums
        return result
