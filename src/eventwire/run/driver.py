"""The driver: plans the inputs, hands chunks to an engine, writes results to the store, counts.

Runs in the main process and is the store's only writer. Resuming: an input whose location,
size, mtime and settings fingerprint match a fully processed earlier run is skipped without being
read; an input is marked done only after all its articles and failures are written, so an
interrupted run redoes only what it had not finished. Standard input is never skipped.
"""
from __future__ import annotations

import logging
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from eventwire.config import Settings
from eventwire.language import is_analysed
from eventwire.record import RECORD_VERSION
from eventwire.run.engines import Engine, make_engine
from eventwire.run.work import ChunkResult, Failure, InputItem

__all__ = ["Summary", "plan_inputs", "run_ingest", "settings_fingerprint", "chunked"]

log = logging.getLogger(__name__)

MAX_CHUNK = 16


@dataclass
class Summary:
    """What a run did. `articles_read` = stored + replaced + unchanged."""

    inputs: int = 0  # inputs named (after folder/glob expansion)
    skipped_inputs: int = 0  # unchanged since an earlier complete run: not read again
    processed_inputs: int = 0
    stored: int = 0
    replaced: int = 0
    unchanged: int = 0  # articles already stored as they are: in skipped inputs, or read again identical
    failed: int = 0  # failures of this run
    failed_before: int = 0  # failures kept from earlier runs of the skipped inputs
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 0
    peak_rss_mb: dict[str, float] = field(default_factory=dict)  # per worker process
    # Articles of this run stored without analysis because they are not in English, per language.
    not_analysed: dict[str, int] = field(default_factory=dict)

    @property
    def articles_read(self) -> int:
        return self.stored + self.replaced + self.unchanged

    def line(self) -> str:
        skipped = f" ({self.skipped_inputs} unchanged since the last run, skipped)" if self.skipped_inputs else ""
        before = f" (+{self.failed_before} kept from earlier runs)" if self.failed_before else ""
        other = sum(self.not_analysed.values())
        languages = ", ".join(f"{lang} {n}" for lang, n in sorted(self.not_analysed.items(), key=lambda x: (-x[1], x[0])))
        not_coded = f"; {other} not in English, stored but not coded ({languages})" if other else ""
        return (f"{self.inputs} inputs{skipped}: {self.articles_read} articles — {self.stored} stored, "
                f"{self.replaced} replaced, {self.unchanged} unchanged{not_coded}; {self.failed} failed{before}")


def settings_fingerprint(settings: Settings) -> str:
    """What makes a record differ for the same input: the record version, model and dictionaries."""
    return f"{RECORD_VERSION}|{settings.model or 'default'}|{settings.actors or ''}"


def _stat(location: str) -> InputItem:
    try:
        st = os.stat(location)
        return InputItem(location, st.st_size, st.st_mtime_ns)
    except OSError:
        return InputItem(location)  # unreadable: the worker reports why


def plan_inputs(paths: Iterable[str], store, fingerprint: str, force: bool = False,
                summary: Summary | None = None) -> list[InputItem]:
    """The inputs to process (`paths` already expanded); skipped ones are counted in `summary`."""
    summary = summary if summary is not None else Summary()
    todo = []
    for location in paths:
        summary.inputs += 1
        if location == "-":
            todo.append(InputItem("-", data=sys.stdin.buffer.read()))
            continue
        item = _stat(location)
        done = None if force else store.input_done(item.location, item.size, item.mtime_ns, fingerprint)
        if done is not None:
            summary.skipped_inputs += 1
            summary.unchanged += done[0]
            summary.failed_before += done[1]
            continue
        todo.append(item)
    return todo


def chunked(items: list[InputItem], workers: int, size: int | None = None) -> Iterator[list[InputItem]]:
    """Chunks small enough to keep every worker busy (about four per worker), at most MAX_CHUNK."""
    size = size or max(1, min(MAX_CHUNK, math.ceil(len(items) / (workers * 4)))) if items else 1
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _with_data(chunks: Iterable[list[InputItem]]) -> Iterator[list[InputItem]]:
    """Chunks whose inputs carry their bytes (read lazily, one chunk at a time)."""
    for chunk in chunks:
        loaded = []
        for item in chunk:
            if item.data is None:
                try:
                    with open(item.location, "rb") as handle:
                        item = InputItem(item.location, item.size, item.mtime_ns, handle.read())
                except OSError:
                    pass  # the worker cannot read it either and reports why
            loaded.append(item)
        yield loaded


def run_ingest(
    paths: Iterable[str],
    store,
    settings: Settings,
    *,
    engine: str | Engine = "local",
    workers: int | None = None,
    dask_address: str | None = None,
    force: bool = False,
    chunk_size: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_chunk: Callable[[ChunkResult], None] | None = None,
    on_failure: Callable[[Failure], None] | None = None,
) -> Summary:
    """Process the inputs with an engine and write everything to `store`; returns the Summary."""
    started = time.perf_counter()
    fingerprint = settings_fingerprint(settings)
    summary = Summary()
    todo = plan_inputs(paths, store, fingerprint, force, summary)
    if on_start:
        on_start(len(todo))
    if not todo:
        summary.seconds = time.perf_counter() - started
        return summary
    if isinstance(engine, str) and engine != "serial" and dask_address is None and len(todo) == 1 \
            and todo[0].location == "-":
        engine = "serial"  # standard input alone: not worth starting workers
    # Never more worker processes (each holding a model, ~0.5 GB) than there are inputs to give them.
    workers = min(workers or os.cpu_count() or 1, len(todo))
    runner = make_engine(engine, settings, workers, dask_address) if isinstance(engine, str) else engine
    summary.workers = runner.workers
    chunks = chunked(todo, runner.workers, chunk_size)
    try:
        for result in runner.run(_with_data(chunks) if runner.ships_data else chunks):
            _write(result, store, fingerprint, summary, on_failure)
            if result.worker != "?":
                summary.peak_rss_mb[result.worker] = max(summary.peak_rss_mb.get(result.worker, 0.0), result.peak_rss_mb)
            if on_chunk:
                on_chunk(result)
    finally:
        if isinstance(engine, str):
            runner.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _write(result: ChunkResult, store, fingerprint: str, summary: Summary,
           on_failure: Callable[[Failure], None] | None) -> None:
    for done in result.results:
        item = done.item
        summary.processed_inputs += 1
        if item.location != "-":
            store.clear_failures(item.location)
        failed = 0
        for failure in done.failures:
            store.record_failure(failure.source, failure.reason)
            summary.failures.append(failure)
            failed += 1
            if on_failure:
                on_failure(failure)
        for record in done.records:
            try:
                outcome = store.write(record)
            except Exception as exc:  # one article's storage failure must not stop the batch
                log.exception("storing %s", record.document.source)
                failure = Failure(record.document.source, f"could not be stored ({type(exc).__name__}: {exc})")
                store.record_failure(failure.source, failure.reason)
                summary.failures.append(failure)
                failed += 1
                if on_failure:
                    on_failure(failure)
                continue
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            if not is_analysed(record.document):
                lang = record.document.language
                summary.not_analysed[lang] = summary.not_analysed.get(lang, 0) + 1
        summary.failed += failed
        # A chunk lost with its worker is not done: a rerun tries it again.
        if item.location != "-" and result.worker != "?":
            store.mark_input(item.location, item.size, item.mtime_ns, fingerprint, len(done.records), failed)
