"""The TF-IDF word vectors that article linking (articles.py) compares: held compactly for a day of
articles as their word counts, screened together (in single precision, or as one sparse product for
many candidates), and the cosines that decide a link computed in double precision from the same counts.

An article's weight of a word is (1 + ln count) * ln((N + 1) / (df + 1)) over the N articles given (df:
how many of them use the word), divided by the norm of the article's weights; words of weight zero
(used by every article) are left out.
"""
from __future__ import annotations

import math
import os
from collections.abc import Iterable
from itertools import islice

import numpy as np

__all__ = ["Vectors", "SCREEN_ERROR"]

_DF_CHUNK = 5000  # articles whose terms are counted together in _document_frequencies
_COUNT_LIMIT = np.iinfo(np.uint16).max  # counts held as uint16 unless an article has a larger one
# 1 + ln(count) of every uint16 count, in double and in single precision (`cosines` reads a candidate's
# term weights from its counts through them; 0 for the count 0, which no term has).
_TF64 = np.concatenate(([0.0], 1 + np.log(np.arange(1, _COUNT_LIMIT + 1, dtype=np.float64))))
_TF = _TF64.astype(np.float32)
# From this many terms of the candidates up, `cosines` screens them as one sparse matrix-vector product
# (scipy.sparse: the candidates' rows read and summed in compiled loops, in double precision) instead
# of numpy's separate gathers. The product costs ~60 us more a call, and saves ~3.5 ns a term: on the
# 46,885 screenings of a 50,000-article day (18,600 terms each) 7.4 s against numpy's 10.4 s; on the
# 4,177 of a 5,000-article day (2,500 terms each) numpy's 0.20 s against 0.29 s.
SPARSE_FROM = 8192

# How far `Vectors.cosines` may lie from `Vectors.cosine`, with margin. It sums, in double precision,
# single-precision products of two single-precision factors: the article's weight times the term's
# IDF, and the candidate's 1 + ln(count); each factor is within 2**-24 of its double (relative), a product
# within ~3 * 2**-24, and the products' absolute values sum to at most the candidate's norm (both
# vectors are of unit length once it is divided out), so the estimate is within ~2e-7 of the exact cosine.
SCREEN_ERROR = 1e-5


def _document_frequencies(term_arrays: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray, int, int]:
    """The distinct terms of the articles whose (distinct) terms are `term_arrays`, sorted, how many
    articles have each, how many articles there are and how many terms they have in all; counted a
    chunk of articles at a time: the terms of every article in one array, and its sorted copy, would be
    held beside the articles' own."""
    found, counts = [], []
    articles = total = 0
    arrays = iter(term_arrays)
    while chunk := list(islice(arrays, _DF_CHUNK)):
        articles += len(chunk)
        total += sum(len(terms) for terms in chunk)
        terms, n = np.unique(np.concatenate(chunk), return_counts=True)
        found.append(terms)
        counts.append(n)
    if len(found) <= 1:
        terms, n = (found[0], counts[0]) if found else (np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64))
        return terms, n, articles, total
    all_terms, inverse = np.unique(np.concatenate(found), return_inverse=True)
    df = np.bincount(inverse, weights=np.concatenate(counts), minlength=len(all_terms)).astype(np.int64)
    return all_terms, df, articles, total


class Vectors:
    """TF-IDF vectors of unit length of a day's articles (IDF over them), as one buffer of term numbers
    and one of word counts, with each article's offsets, norm and `key_terms` highest-weighted terms
    (an array per article costs ~100 bytes of header); a weight is made from its count, the IDF and
    the norm when it is read.

    Made in two readings of the articles' word counts, so the counts never need to be held whole: the
    first (`Vectors(term_arrays, key_terms)`) counts the document frequencies and the room the
    vectors take, the second `add`s each article's counts, in any order, as a row (numbered in the
    order added; `row` maps a doc id to it). Both readings must be of the same articles.

    6 bytes a term (10 with single-precision weights held beside: 840 MB for the 84 million terms of a
    300,000-article day, not 500): `cosines`, which screens candidates, reads a candidate's weights
    from its counts (in single precision, or as a sparse matrix over the same two buffers); `cosine`,
    which decides, computes the double weights of the
    two articles' shared terms with the operations the vectors were made with, and sums their products
    in the order of the terms' hashes, so it is the cosine of the double-precision vectors to the last
    bit (numpy's log of a value does not depend on the array it is taken in: checked bitwise on every
    weight of the 5,000 and 50,000-article days).

    Terms are numbered by how many articles use them, the most used first: `cosines` reads one
    article's weights by term number at random for every term of its candidates, and the common terms,
    most of what it reads, then lie together in a small part of that table (in cache). Within an
    article the terms keep the order of their hashes (the order the exact sum follows)."""

    def __init__(self, term_arrays: Iterable[np.ndarray], key_terms: int, scratch: str | None = None) -> None:
        """Room for the vectors of the articles whose (distinct, sorted) terms are `term_arrays`, one
        array an article, and their document frequencies; the rows are filled by `add`. With a
        `scratch` directory the term numbers and counts (most of what the vectors hold) are files
        mapped into memory there, so another process can map the same pages (`shared`, `mapped`)."""
        self._scratch, self._mapped = scratch, False
        self._all_terms, df, n, total = _document_frequencies(term_arrays)
        self.size, self._keys_per_row = n, key_terms  # size: the rows to add
        self.row: dict[str, int] = {}
        self.offsets = np.zeros(n + 1, dtype=np.int64)
        self.norms = np.ones(n, dtype=np.float64)
        self.key_offsets = np.zeros(n + 1, dtype=np.int64)
        # Filled article by article (at most every term of every article: the zero weights and short
        # articles' missing keys leave the end unused, and the pages never written are never held).
        self.keys = np.empty(n * key_terms, dtype=np.int32)
        self.terms = self._buffer("terms", total, np.int32)
        self.counts = self._buffer("counts", total, np.uint16)
        by_use = np.argsort(-df, kind="stable")
        self._number_of = np.empty(len(self._all_terms), dtype=np.int32)  # a term's number, by its place in _all_terms
        self._number_of[by_use] = np.arange(len(self._all_terms), dtype=np.int32)
        self.idf = np.log((n + 1) / (df[by_use] + 1))  # by term number
        self._lookup = np.zeros(len(self.idf), dtype=np.float32)  # one row's weights * IDF by term, in `cosines`
        self._lookup64: np.ndarray | None = None  # the same in double precision, for the sparse product
        self._matrix = None  # the rows as a scipy.sparse matrix of counts, once every row is added

    def _buffer(self, name: str, size: int, dtype: type) -> np.ndarray:
        """An empty array of `size` values: in memory, or a file of the scratch directory mapped."""
        if self._scratch is None or size == 0:  # (an empty file cannot be mapped)
            return np.empty(size, dtype=dtype)
        path = os.path.join(self._scratch, f"{name}-{np.dtype(dtype).name}.bin")
        return np.memmap(path, dtype=dtype, mode="w+", shape=(size,))

    def __len__(self) -> int:
        """The rows added so far (of `size`)."""
        return len(self.row)

    def shared(self) -> dict:
        """What `mapped` needs to screen these vectors in another process, once every row is added:
        the paths of the mapped term numbers and counts (made with a `scratch` directory) and the
        small arrays (offsets, norms, IDF)."""
        if len(self.row) < self.size:
            raise ValueError(f"{len(self.row)} of the {self.size} rows are added: the vectors are not complete")
        return {"size": self.size, "offsets": self.offsets, "norms": self.norms, "idf": self.idf,
                "terms": _mapped_file(self.terms), "counts": _mapped_file(self.counts)}

    @classmethod
    def mapped(cls, shared: dict) -> Vectors:
        """The vectors of another process's `shared`, read-only, for `cosines`, `cosine` and `screened`
        (no doc ids, keys or document frequencies)."""
        vectors = cls.__new__(cls)
        vectors._scratch, vectors.size, vectors._keys_per_row = None, shared["size"], 0
        vectors.offsets, vectors.norms, vectors.idf = shared["offsets"], shared["norms"], shared["idf"]
        vectors.terms, vectors.counts = (np.zeros(0, dtype=dtype) if path is None else
                                         np.memmap(path, dtype=dtype, mode="r", shape=(size,))
                                         for path, dtype, size in (shared["terms"], shared["counts"]))
        vectors.row, vectors._mapped = {}, True
        vectors._lookup = np.zeros(len(vectors.idf), dtype=np.float32)
        vectors._lookup64, vectors._matrix = None, None
        return vectors

    def add(self, doc_id: str, terms: np.ndarray, counts: np.ndarray) -> None:
        """The next row: the vector of the article `doc_id` with these (distinct, sorted) terms and their
        counts, one of the articles the document frequencies were counted over."""
        i = len(self.row)
        if doc_id in self.row:
            raise ValueError(f"the word counts of {doc_id!r} were given twice")
        if i == self.size:
            raise ValueError(f"more articles than the {self.size} whose document frequencies were counted "
                             f"({doc_id!r})")
        numbers = self._number_of[np.searchsorted(self._all_terms, terms)]
        weights = (1 + np.log(counts.astype(np.float64))) * self.idf[numbers]
        keep = weights > 0
        norm = math.sqrt(float(np.dot(weights, weights))) or 1.0
        numbers, counts, weights = numbers[keep], counts[keep], weights[keep] / norm
        kept, end = len(numbers), int(self.offsets[i])
        if end + kept > len(self.counts):
            raise ValueError(f"more terms than the articles whose document frequencies were counted have ({doc_id!r})")
        if kept and self.counts.dtype == np.uint16 and int(counts.max()) > _COUNT_LIMIT:
            wider = self._buffer("counts", len(self.counts), np.uint32)
            wider[:] = self.counts
            self.counts = wider
        self.terms[end:end + kept] = numbers
        self.counts[end:end + kept] = counts
        self.row[doc_id] = i
        self.norms[i] = norm
        self.offsets[i + 1] = end + kept
        # The keys: the highest weights, ties in the terms' hash order.
        top = numbers[np.argsort(-weights, kind="stable")[:self._keys_per_row]]
        ends = int(self.key_offsets[i])
        self.keys[ends:ends + len(top)] = top
        self.key_offsets[i + 1] = ends + len(top)

    def key_terms(self, row: int) -> list[int]:
        """The numbers of the row's highest-weighted terms (at most key_terms)."""
        return self.keys[self.key_offsets[row]:self.key_offsets[row + 1]].tolist()

    def _exact_weights(self, row: int, positions: np.ndarray) -> np.ndarray:
        """The double-precision weights of the row's terms at `positions`, computed as they were made."""
        at = self.offsets[row] + positions
        return (1 + np.log(self.counts[at].astype(np.float64))) * self.idf[self.terms[at]] / self.norms[row]

    def _weights_by_idf(self, a: int, terms: np.ndarray) -> np.ndarray:
        """Row a's double weights times their terms' IDF (`terms`: the row's), what `cosines` looks a
        candidate's terms up in: times the candidate's 1 + ln count and over its norm, the product is
        the two weights'."""
        return self._exact_weights(a, np.arange(len(terms))) * self.idf[terms]

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
        precision, or a sparse product in double precision from SPARSE_FROM candidate terms up: used to
        leave out pairs far below a threshold)."""
        lo, hi = self.offsets[a], self.offsets[a + 1]
        ta = self.terms[lo:hi]
        result = np.zeros(len(rows))
        firsts = self.offsets[rows]
        lengths = self.offsets[rows + 1] - firsts
        filled = lengths > 0
        if not len(ta) or not filled.any():
            return result
        norms = self.norms[rows]
        if int(lengths.sum()) >= SPARSE_FROM and (matrix := self._sparse_rows()) is not None:
            return self._sparse_cosines(matrix, a, ta, rows, norms)
        if not filled.all():  # a row without weights sums to nothing (reduceat cannot say so)
            firsts, lengths, norms = firsts[filled], lengths[filled], norms[filled]
        # The positions of every candidate's terms in the buffer, candidate after candidate: steps of
        # one, and at each candidate's start the jump from the previous candidate's last term.
        starts = np.zeros(len(lengths), dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        steps = np.ones(int(starts[-1] + lengths[-1]), dtype=np.int64)
        steps[0] = firsts[0]
        steps[starts[1:]] = firsts[1:] - (firsts[:-1] + lengths[:-1] - 1)
        index = np.cumsum(steps, out=steps)
        # Row a's weights times their IDF by term; a candidate's weight of a term is that IDF times
        # 1 + ln(count), over its norm (divided out of each candidate's sum).
        lookup = self._lookup
        lookup[ta] = self._weights_by_idf(a, ta)
        products = lookup[self.terms[index]]
        counts = self.counts[index]
        products *= np.take(_TF, counts) if counts.dtype == np.uint16 else (1 + np.log(counts.astype(np.float64)))
        lookup[ta] = 0.0
        sums = np.add.reduceat(products, starts, dtype=np.float64)
        sums /= norms
        if len(sums) == len(result):
            return sums
        result[filled] = sums
        return result

    def screened(self, articles: np.ndarray, bounds: np.ndarray, candidates: np.ndarray,
                 lowest: float) -> tuple[np.ndarray, np.ndarray]:
        """A batch of screenings: row `articles[i]` against the rows `candidates[bounds[i]:bounds[i + 1]]`.
        The places in `candidates` whose estimated cosine (`cosines`) reaches `lowest`, and the exact
        cosine (`cosine`) of each."""
        kept: list[int] = []
        exact: list[float] = []
        for a, lo, hi in zip(articles.tolist(), bounds[:-1].tolist(), bounds[1:].tolist()):
            rows = candidates[lo:hi]
            for j in np.flatnonzero(self.cosines(a, rows) >= lowest).tolist():
                kept.append(lo + j)
                exact.append(self.cosine(a, int(rows[j])))
        return np.array(kept, dtype=np.int64), np.array(exact, dtype=np.float64)

    def _sparse_rows(self):
        """The rows as a scipy.sparse CSR matrix of counts over term numbers (views of the buffers: the
        terms are its column indices, the counts its values), once every row is added; None while rows
        are missing, when the counts are past uint16 (no table of 1 + ln count) or too many to index
        with int32."""
        if self._matrix is None and (self._mapped or len(self.row) == self.size) and self.counts.dtype == np.uint16:
            end = int(self.offsets[-1])
            if end < np.iinfo(np.int32).max:
                import scipy.sparse

                self._matrix = scipy.sparse.csr_matrix(
                    (self.counts[:end], self.terms[:end], self.offsets.astype(np.int32)),
                    shape=(self.size, len(self.idf)), copy=False)
                self._lookup64 = np.zeros(len(self.idf), dtype=np.float64)
        return self._matrix

    def _sparse_cosines(self, matrix, a: int, ta: np.ndarray, rows: np.ndarray, norms: np.ndarray) -> np.ndarray:
        """`cosines` as the product of the candidates' rows (their counts made 1 + ln count, in double
        precision) with row a's weights times their IDF by term: within ~1e-15 of `cosine`."""
        lookup = self._lookup64
        lookup[ta] = self._weights_by_idf(a, ta)
        candidates = matrix[rows]
        # np.take, not fancy indexing: the same values, in 0.76 s against 1.30 s on the 32,305 screenings
        # of a 50,000-article day.
        candidates.data = np.take(_TF64, candidates.data)
        sums = candidates @ lookup
        lookup[ta] = 0.0
        sums /= norms
        return sums


def _mapped_file(values: np.ndarray) -> tuple[str | None, np.dtype, int]:
    """(path, dtype, length) of a mapped buffer (path None for an empty one)."""
    if len(values) == 0:
        return None, values.dtype, 0
    if not isinstance(values, np.memmap) or values.filename is None:
        raise ValueError("the vectors were made without a scratch directory: nothing to share")
    values.flush()
    return values.filename, values.dtype, len(values)

