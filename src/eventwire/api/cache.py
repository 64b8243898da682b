"""Answers kept while the data they were computed from is unchanged: facets, facet counts,
timelines, totals, the map, dyads and pages of events, computed once and served to every request
that asks the same again.

A DuckDB store changes only while the server's read-only instance is closed (a writer needs the
file; store/access.py), so the instance's generation — a number that grows each time it is
reopened — says whether an answer is still true: an answer is kept under its generation, and a
new generation drops every older answer. A store without a generation (PostgreSQL, whose data
other processes change at any moment; `serve --watch`, whose watcher writes beside the readers)
is never cached. Concurrent requests for the same missing answer wait for the one computing it
instead of computing it again. What answers are computed from (a generation's table of counts, and
the KeptValues that requests of different answers share: a page's documents, a filter's event count)
is kept for the whole generation, however many answers are kept, even none.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

__all__ = ["AnswerCache", "KeptValues"]


class _Pending:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.failed = False


def _weight(value: Any) -> int:
    """What an answer weighs against the byte budget: its length when it is rendered JSON (bytes)."""
    return len(value) if isinstance(value, (bytes, bytearray)) else 0


class AnswerCache:
    """At most `size` answers of the current generation, and at most `max_bytes` of rendered ones
    (an answer is 50 KB on average, a daily timeline 300 KB, the largest map 500 KB), least recently
    used dropped first."""

    def __init__(self, size: int = 256, max_bytes: int = 64_000_000) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._bytes = 0
        self._lock = threading.Lock()
        self._generation: Hashable | None = None
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()
        self._lasting: dict[Hashable, Any] = {}  # kept for the generation, outside the `size` answers
        self._pending: dict[Hashable, _Pending] = {}

    def lasting(self, generation: Hashable | None, key: Hashable) -> Any:
        """The lasting value kept for `key` in this generation, or None when there is none yet."""
        with self._lock:
            return self._lasting.get(key) if generation is not None and generation == self._generation else None

    def get(self, generation: Hashable | None, key: Hashable, compute: Callable[[], Any],
            lasting: bool = False) -> Any:
        """The answer for `key` in this generation, computed by `compute` when not kept. A `lasting`
        value is kept until the generation ends, whatever `size` is."""
        if generation is None or (self.size <= 0 and not lasting):
            return compute()
        with self._lock:
            if generation != self._generation:
                self._generation = generation
                self._answers.clear()
                self._bytes = 0
                self._lasting.clear()
                self._pending.clear()
            if lasting and key in self._lasting:
                return self._lasting[key]
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
            pending = self._pending.get(key)
            mine = pending is None
            if mine:
                pending = self._pending[key] = _Pending()
        if not mine:
            pending.done.wait()
            if not pending.failed:
                return pending.value
            return compute()  # the first computation failed: this request gets its own error or answer
        try:
            value = compute()
        except BaseException:
            pending.failed = True
            raise
        else:
            pending.value = value
            with self._lock:
                if self._generation == generation and lasting:
                    self._lasting[key] = value
                elif self._generation == generation and _weight(value) <= self.max_bytes:
                    self._bytes += _weight(value) - _weight(self._answers.pop(key, None))
                    self._answers[key] = value
                    while self._answers and (len(self._answers) > self.size or self._bytes > self.max_bytes):
                        self._bytes -= _weight(self._answers.popitem(last=False)[1])
            return value
        finally:
            with self._lock:
                if self._pending.get(key) is pending:
                    del self._pending[key]
            pending.done.set()


class KeptValues:
    """Values by key kept for one generation (kept lasting in its AnswerCache), at most `size` of
    them, least recently used dropped first: what answers are computed from and that requests of
    different answers share (a page's documents, the count of a filter's events)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()

    def many(self, keys: Any, look_up: Callable[[list[Any]], dict[Any, Any]]) -> dict[Any, Any]:
        """The values of these keys: those kept, and those `look_up` finds for the others (a key it
        does not find is looked up again next time)."""
        found: dict[Any, Any] = {}
        with self._lock:
            for key in keys:
                if key in self._kept:
                    self._kept.move_to_end(key)
                    found[key] = self._kept[key]
        missing = [key for key in keys if key not in found]
        if missing:
            looked_up = look_up(missing)
            found.update(looked_up)
            with self._lock:
                self._kept.update(looked_up)
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
        return found

    def one(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value of `key`, computed when not kept."""
        return self.many([key], lambda keys: {key: compute()})[key]
