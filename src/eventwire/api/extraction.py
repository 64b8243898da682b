"""Extraction for the API, off the request threads: a few worker processes, a short queue, a time limit.

Reading endpoints run on the server's threads and never wait behind an article: extraction runs in
`workers` processes of its own (each loads the spaCy pipeline once), at most `queue` requests wait
for one (more are refused at once with 429), and an article that takes longer than `timeout`
seconds has its process killed and replaced (503), so no request can hold a worker for long.
The waiting is done on the event loop, not by a thread.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from eventwire.config import Settings

__all__ = ["ExtractionPool", "Busy", "TimedOut", "WorkerFailed", "extract_article"]

log = logging.getLogger(__name__)


class Busy(Exception):
    """Every worker is busy and the queue is full."""


class TimedOut(Exception):
    """The article took longer than the time limit; its worker was stopped."""


class WorkerFailed(Exception):
    """The worker process died while extracting."""


def extract_article(content: str, kind: str, source: str, published: str | None,
                    settings: Settings) -> tuple[str, Any]:
    """In a worker process: ("record", ArticleRecord) or ("refused", reason)."""
    from eventwire.ingest import detect_kind, read_bytes
    from eventwire.pipeline import extract_documents
    from eventwire.record import Document

    if kind == "auto":
        # One article per request: content that looks like JSONL or a feed is read as text.
        kind = "html" if detect_kind(content) == "html" else "text"
    items = list(read_bytes(content.encode("utf-8"), source, kind=kind))
    docs = [i for i in items if isinstance(i, Document)]
    if not docs:
        return "refused", getattr(items[0], "reason", "no article found") if items else "no article found"
    doc = docs[0]
    if published and not doc.published:
        doc = dataclasses.replace(doc, published=published, published_from="request")
    (record,) = list(extract_documents([doc], settings))
    return "record", record


def _ready() -> bool:
    return True


class _Worker:
    """One process (started on first use, replaced after a kill)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.executor: ProcessPoolExecutor | None = None

    async def run(self, timeout: float, fn: Any, *args: Any) -> Any:
        from eventwire.run.work import warm_up

        if self.executor is None:
            self.executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                                # The model only: the first request, which waits for
                                                # it, should not wait for the stages' tables too.
                                                initializer=warm_up, initargs=(self.settings, False))
            # Loading the model is not the article's time: wait for the initializer first.
            await asyncio.wrap_future(self.executor.submit(_ready))
        future = self.executor.submit(fn, *args)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout)
        except asyncio.TimeoutError:
            self.stop()
            raise TimedOut from None
        except BrokenProcessPool:
            self.stop()
            raise WorkerFailed from None

    def stop(self) -> None:
        executor, self.executor = self.executor, None
        if executor is None:
            return
        # ProcessPoolExecutor cannot cancel a running call (Python 3.14 adds kill_workers()).
        processes = list((getattr(executor, "_processes", None) or {}).values())
        for process in processes:
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(5)


class ExtractionPool:
    """`workers` extraction processes behind a queue of `queue` waiting requests.

    The first extraction starts the processes (loading the model takes seconds and is not counted
    in the time limit). The app makes one per lifespan."""

    def __init__(self, settings: Settings, *, workers: int = 1, queue: int = 8, timeout: float = 30.0) -> None:
        self.settings = settings
        self.timeout = timeout
        self.capacity = max(1, workers) + max(0, queue)
        self._workers = [_Worker(settings) for _ in range(max(1, workers))]
        self._free: asyncio.Queue[_Worker] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._admitted = 0

    async def extract(self, content: str, kind: str, source: str, published: str | None) -> tuple[str, Any]:
        if self._admitted >= self.capacity:
            raise Busy
        self._admitted += 1
        try:
            loop = asyncio.get_running_loop()
            if self._free is None or self._loop is not loop:
                # The first use, or an app served again on a new event loop (in-process test clients).
                self._loop, self._free = loop, asyncio.Queue()
                for worker in self._workers:
                    self._free.put_nowait(worker)
            worker = await self._free.get()
            try:
                return await worker.run(self.timeout, extract_article, content, kind, source, published,
                                        self.settings)
            finally:
                self._free.put_nowait(worker)
        finally:
            self._admitted -= 1

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
