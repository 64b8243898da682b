"""The unit of work every engine runs: a chunk of inputs -> their records and failures.

It is a pure function of its arguments (plus the per-process model cache), so the serial path,
a local process pool and a Dask cluster produce identical records. Everything that crosses a
process boundary is a frozen dataclass of plain values: ArticleRecord trees pickle, and InputError
(an exception whose constructor takes two arguments) is carried as a Failure instead.
"""
from __future__ import annotations

import logging
import os
import resource
import socket
import sys
import time
from dataclasses import dataclass, replace

from eventwire.config import Settings
from eventwire.errors import InputError, InputNotice
from eventwire.record import ArticleRecord, Document

__all__ = ["InputItem", "Failure", "InputResult", "ChunkResult", "process_chunk", "warm_up"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InputItem:
    """One input: a file path (or "-"), with its size and mtime for the resume check.

    `data` carries the bytes when the worker cannot read the path itself (standard input, or a
    remote cluster without a shared file system)."""

    location: str
    size: int | None = None
    mtime_ns: int | None = None
    data: bytes | None = None


@dataclass(frozen=True)
class Failure:
    """Something to report about an input or one of its articles. `kind`: "refused" (bad input),
    "failed" (analysis or storage failed: retried on the next run), "recovered" (a malformed file
    whose entries were kept) or "skipped" (parts passed over on purpose, with the reason)."""

    source: str  # the input location, or "file#entry" / "file#offset" / "file:line" inside it
    reason: str
    kind: str = "failed"
    count: int = 1  # records a "skipped" note is about
    label: str = ""  # its short reason, to group by

    @property
    def reason_key(self) -> str:
        return self.label or self.reason

    @property
    def is_failure(self) -> bool:
        return self.kind in ("refused", "failed")


@dataclass(frozen=True)
class InputResult:
    item: InputItem  # without its data
    records: tuple[ArticleRecord, ...]
    failures: tuple[Failure, ...]


@dataclass(frozen=True)
class ChunkResult:
    results: tuple[InputResult, ...]
    worker: str  # host:pid of the process that did the work
    peak_rss_mb: float  # that process's peak resident memory so far
    seconds: float


def warm_up(settings: Settings) -> str:
    """Load the model, actor KB and codebook into this process's caches (once per process)."""
    from eventwire.coding.codebook import load_codebook
    from eventwire.ground.actor_kb import load_actor_kb
    from eventwire.read import load_model

    load_model(settings.model, settings.blis)
    load_actor_kb(settings.actors)
    load_codebook()
    return _worker_name()


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def _read(item: InputItem) -> list[Document | InputError]:
    from eventwire.ingest import read_bytes, read_path

    try:
        if item.data is not None:
            return list(read_bytes(item.data, "<stdin>" if item.location == "-" else item.location))
        return list(read_path(item.location))
    except Exception as exc:  # an ingester bug must cost one input, not the batch
        log.exception("reading %s", item.location)
        return [InputError(item.location, f"internal error while reading ({type(exc).__name__}: {exc})")]


_article_counter = None  # a shared multiprocessing.Value in pool workers: articles analysed


def count_articles_into(counter) -> None:
    """Add each analysed article to `counter` (shared with the driver, for its progress)."""
    global _article_counter
    _article_counter = counter


def _counted(records):
    for record in records:
        if _article_counter is not None:
            with _article_counter.get_lock():
                _article_counter.value += 1
        yield record


def _extract_each(documents: list[Document], settings: Settings) -> list[ArticleRecord | Failure]:
    """One record per document; a document whose analysis fails becomes a Failure alone."""
    from eventwire.pipeline import extract_documents

    try:
        return list(_counted(extract_documents(documents, settings)))
    except Exception:
        log.warning("a batch of %d articles failed; retrying them one by one", len(documents))
    out: list[ArticleRecord | Failure] = []
    for document in documents:
        try:
            out.extend(extract_documents([document], settings))
        except Exception as exc:
            log.exception("analysing %s", document.source)
            out.append(Failure(document.source, f"internal error while analysing ({type(exc).__name__}: {exc})"))
    return out


def process_chunk(items: list[InputItem] | tuple[InputItem, ...], settings: Settings) -> ChunkResult:
    """Read, analyse and record a chunk of inputs; parsing is batched across the whole chunk."""
    started = time.perf_counter()
    read = [(item, _read(item)) for item in items]
    documents = [d for _, got in read for d in got if isinstance(d, Document)]
    analysed = iter(_extract_each(documents, settings)) if documents else iter(())
    results = []
    for item, got in read:
        records: list[ArticleRecord] = []
        failures: list[Failure] = []
        for entry in got:
            if isinstance(entry, InputError):
                if isinstance(entry, InputNotice):
                    failures.append(Failure(entry.source, entry.reason, entry.kind, entry.count, entry.label))
                else:
                    failures.append(Failure(entry.source, entry.reason, "refused"))
                continue
            outcome = next(analysed)
            (failures if isinstance(outcome, Failure) else records).append(outcome)
        results.append(InputResult(replace(item, data=None), tuple(records), tuple(failures)))
    return ChunkResult(tuple(results), _worker_name(), _peak_rss_mb(), time.perf_counter() - started)
