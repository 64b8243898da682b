"""Growing numpy buffers for what linking holds per article of a day: arrays kept one after the other
in blocks (`Segments`), and one growing array (`Buffer`); a numpy column as an array.array
(`array_of`); handing freed heap memory back to the system between linking's steps
(`release_freed_memory`); and keeping the collector off what a step holds (`kept_objects_frozen`)."""
from __future__ import annotations

import ctypes
import gc
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

__all__ = ["Segments", "Buffer", "array_of", "release_freed_memory", "kept_objects_frozen"]


class Segments:
    """Arrays kept one after the other in blocks of `block` values (an array longer than a block gets
    a block of its own), each read back by its number. Growing never copies what is held: a doubling
    buffer held the old and the new copy at once when it grew (twice a day's shingles, at the end)."""

    __slots__ = ("_dtype", "_block", "_blocks", "_used", "_where")

    def __init__(self, dtype: type, block: int = 1 << 22) -> None:
        self._dtype, self._block = dtype, block
        self._blocks: list[np.ndarray] = []
        self._used = 0  # values written in the last block
        self._where = array("q")  # per array: its block, start and end, one after the other

    def __len__(self) -> int:
        return len(self._where) // 3

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(self._dtype)

    def widened(self, dtype: type) -> Segments:
        """The same arrays in segments of a wider `dtype` (these are emptied as they are copied)."""
        wider = Segments(dtype, self._block)
        for values in self.drained():
            wider.append(values)
        return wider

    def append(self, values: np.ndarray) -> None:
        n = len(values)
        if not self._blocks or self._used + n > len(self._blocks[-1]):
            self._blocks.append(np.empty(max(self._block, n), dtype=self._dtype))
            self._used = 0
        self._blocks[-1][self._used:self._used + n] = values
        self._where.extend((len(self._blocks) - 1, self._used, self._used + n))
        self._used += n

    def __getitem__(self, number: int) -> np.ndarray:
        block, start, end = self._where[3 * number:3 * number + 3]
        return self._blocks[block][start:end]

    def drained(self) -> Iterator[np.ndarray]:
        """Every array in order, each block let go once its last array is given: the memory goes back
        as it is read. The segments are empty from the first array on."""
        blocks, where = self._blocks, self._where
        self._blocks, self._used, self._where = [], 0, array("q")
        previous = -1
        for number in range(len(where) // 3):
            block, start, end = where[3 * number:3 * number + 3]
            if block != previous and previous >= 0:
                blocks[previous] = None
            previous = block
            yield blocks[block][start:end]


class Buffer:
    """A growing one-dimensional array (amortised doubling)."""

    __slots__ = ("_array", "_size")

    def __init__(self, dtype: type) -> None:
        self._array = np.empty(1024, dtype=dtype)
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def extend(self, values: np.ndarray) -> None:
        end = self._size + len(values)
        if end > len(self._array):
            grown = np.empty(max(end, 2 * len(self._array)), dtype=self._array.dtype)
            grown[:self._size] = self._array[:self._size]
            self._array = grown
        self._array[self._size:end] = values
        self._size = end

    def array(self) -> np.ndarray:
        return self._array[:self._size]


def array_of(typecode: str, values: np.ndarray) -> array:
    """A numpy column as an array.array (its elements read as Python numbers, faster than numpy's)."""
    out = array(typecode)
    out.frombytes(values.astype({"i": np.int32, "q": np.int64, "d": np.float64}[typecode]).tobytes())
    return out


def release_freed_memory() -> None:
    """Hand the heap memory freed by a step of linking (the story sweep's working columns and indexes,
    a block's stories, the stowed mention table) back to the system (glibc's malloc_trim), so the next
    step's buffers do not come on top of it; a no-op where the C library has no malloc_trim."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


# While linking, a full collection comes after this many collections of the middle generation, not
# CPython's 10 (gc.set_threshold's third value): each one walks every object the step has made since
# the last freeze (a day's stories while they are swept, the link tables' rows while they are written),
# so they grew faster than the day (50,000 articles: 30 full collections, 1.8 s of a 19 s story sweep,
# and 1.0 s of the 8 s write; 5,000 articles: 0.1 s in all).
FULL_COLLECTION_AFTER = 1000


@contextmanager
def kept_objects_frozen() -> Iterator[Callable[[], None]]:
    """Yields a function that collects the garbage among the objects made since it was last called and
    moves the rest out of the collector's sight (gc.freeze) until the block ends (gc.unfreeze): a day's
    features and stories are millions of long-lived objects, and each full collection while they are
    built and compared would walk them all again. Meanwhile full collections are rarer
    (FULL_COLLECTION_AFTER), the younger generations still collected as usual. A process that froze
    objects of its own (a pre-forking server) keeps them frozen: only the threshold changes there."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], max(thresholds[2], FULL_COLLECTION_AFTER))
    try:
        if gc.get_freeze_count():
            yield lambda: None
            return
        try:
            yield _collected_and_frozen
        finally:
            gc.unfreeze()
    finally:
        gc.set_threshold(*thresholds)


def _collected_and_frozen() -> None:
    """One full collection, which walks only what is not frozen yet (what a step made since the last
    freeze: its cyclic garbage would otherwise wait frozen for the end), then gc.freeze."""
    gc.collect()
    gc.freeze()
