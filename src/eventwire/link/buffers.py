"""Growing numpy buffers for what linking holds per article of a day: arrays kept one after the other
in blocks (`Segments`), and one growing array (`Buffer`); a numpy column as an array.array
(`array_of`); and handing freed heap memory back to the
system between linking's steps (`release_freed_memory`)."""
from __future__ import annotations

import ctypes
from array import array
from collections.abc import Iterator

import numpy as np

__all__ = ["Segments", "Buffer", "array_of", "release_freed_memory"]


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
