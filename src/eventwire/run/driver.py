"""The driver: plans the inputs, hands chunks to an engine, writes results to the store, counts.

Runs in the main process and is the run's only writer. Workers send their articles as store rows
(store/rows.py), or, with a shards folder, write them there as Parquet shards and send only a
summary (run/shards.py); the driver only appends them and writes them in a batch cadence — every
`batch_articles` articles or `batch_seconds` seconds, and at the end — each batch in one transaction
(store/writes.py), so its own work stays small beside the workers'. It opens the database for each
batch and lets go in between (store/access.py), so `serve`, `events` and `export` keep working.
Resuming: an input whose location, size, mtime and settings fingerprint match a fully processed
earlier run is skipped without being read; an input is marked done only after every one of its
articles committed (refusals recorded), so an interrupted run, a full disk or a failed article
leaves it to be redone by the next run. Standard input is never skipped.
"""
from __future__ import annotations

import logging
import math
import os
import sys
import time
from collections.abc import Callable, Container, Iterable, Iterator
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field, replace

from eventwire.config import Settings
from eventwire.language import is_analysed_language
from eventwire.record import RECORD_VERSION
from eventwire.run.engines import Engine, make_engine
from eventwire.run.shards import ShardFolder, read_shard, remove_shard, set_aside
from eventwire.run.work import ChunkResult, Failure, InputItem, InputResult, _arrow_without_pandas
from eventwire.store.access import StorageFailure, StoreBusy, is_storage_failure
from eventwire.store.rows import ArticleBatch

__all__ = ["Summary", "plan_inputs", "run_ingest", "settings_fingerprint", "chunked"]

log = logging.getLogger(__name__)

MAX_CHUNK = 16


@dataclass
class Summary:
    """What a run did, in articles. `articles_read` = stored + replaced + unchanged."""

    inputs: int = 0  # inputs named (after folder/glob expansion)
    skipped_inputs: int = 0  # unchanged since an earlier complete run: not read again
    processed_inputs: int = 0
    stored: int = 0
    replaced: int = 0
    unchanged: int = 0  # articles already stored as they are: in skipped inputs, or read again identical
    refused: int = 0  # inputs or entries refused as bad input (each with its reason)
    failed: int = 0  # articles whose analysis or storage failed in this run: retried by the next run
    recovered: int = 0  # malformed inputs whose entries were recovered and stored
    skipped: Counter = field(default_factory=Counter)  # reason -> records passed over on purpose
    failed_before: int = 0  # refusals kept from earlier runs of the skipped inputs
    failures: list[Failure] = field(default_factory=list)  # every report, refusals and notes alike
    stopped: str | None = None  # why the run stopped before the end (storage, busy database, signal)
    seconds: float = 0.0
    write_seconds: float = 0.0  # of `seconds`, spent writing batches to the store
    batches: int = 0  # store batches written
    shards: int = 0  # of them, shards that workers wrote and this run loaded
    leftover_shards: int = 0  # of those, shards an earlier run left unloaded
    workers: int = 0
    peak_rss_mb: dict[str, float] = field(default_factory=dict)  # per worker process
    # Articles of this run stored without analysis because they are not in English, per language.
    not_analysed: dict[str, int] = field(default_factory=dict)

    @property
    def articles_read(self) -> int:
        return self.stored + self.replaced + self.unchanged

    @property
    def complete(self) -> bool:
        """Every input read and every article stored: nothing refused, failed or left undone."""
        return self.stopped is None and not (self.refused or self.failed or self.failed_before)

    def note(self, failure: Failure) -> None:
        self.failures.append(failure)
        if failure.kind == "refused":
            self.refused += 1
        elif failure.kind == "recovered":
            self.recovered += 1
        elif failure.kind == "skipped":
            self.skipped[failure.reason_key] += failure.count
        else:
            self.failed += 1

    def line(self) -> str:
        skips = Counter(self.skipped)
        if self.unchanged:
            skips["unchanged"] = self.unchanged
        skipped = ", ".join(f"{n} {why}" for why, n in skips.most_common())
        before = f" (+{self.failed_before} kept from earlier runs)" if self.failed_before else ""
        inputs = f"{self.inputs} inputs" + (f" ({self.skipped_inputs} unchanged since the last run, not read)"
                                            if self.skipped_inputs else "")
        return (f"{inputs}: {self.articles_read} articles — {self.stored + self.replaced} stored"
                f"{f' ({self.replaced} replaced)' if self.replaced else ''}, "
                f"{sum(skips.values())} skipped{f' ({skipped})' if skipped else ''}, {self.refused} refused{before}, "
                f"{self.failed} failed, {self.recovered} recovered{self._not_coded()}")

    def _not_coded(self) -> str:
        other = sum(self.not_analysed.values())
        if not other:
            return ""
        languages = ", ".join(f"{lang} {n}" for lang, n in sorted(self.not_analysed.items(), key=lambda x: (-x[1], x[0])))
        return f"; {other} not in English, stored but not coded ({languages})"


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
                summary: Summary | None = None,
                on_skip: Callable[[str, str], None] | None = None,
                stored_now: Container[str] = ()) -> list[InputItem]:
    """The inputs to process (`paths` already expanded); skipped ones are counted in `summary`,
    except those of `stored_now` (stored by this run already, from shards an earlier run left)."""
    summary = summary if summary is not None else Summary()
    listed = []
    for location in paths:
        summary.inputs += 1
        listed.append(InputItem("-", data=sys.stdin.buffer.read()) if location == "-" else _stat(location))
    done = {} if force else store.inputs_done(
        [(item.location, item.size, item.mtime_ns) for item in listed if item.location != "-"], fingerprint)
    todo = []
    for item in listed:
        found = done.get((item.location, item.size, item.mtime_ns)) if item.location != "-" else None
        if found is None:
            todo.append(item)
            continue
        if item.location in stored_now:
            continue
        if on_skip:
            on_skip(item.location, f"unchanged since the last run ({found[0]} article{'' if found[0] == 1 else 's'} stored)")
        summary.skipped_inputs += 1
        summary.unchanged += found[0]
        summary.failed_before += found[1]
    return todo


def chunked(items: list[InputItem], workers: int, size: int | None = None) -> Iterator[list[InputItem]]:
    """Chunks of `size`, or small enough to keep every worker busy (about four per worker), at most
    MAX_CHUNK. With several workers they shrink near the end (to half of what is left per worker), so
    that no worker is left running a full chunk while the others have nothing more to do."""
    usual = size or max(1, min(MAX_CHUNK, math.ceil(len(items) / (workers * 4))))
    start = 0
    while start < len(items):
        step = usual if size or workers == 1 else min(usual, math.ceil((len(items) - start) / (workers * 2)))
        yield items[start:start + step]
        start += step


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


@dataclass
class _Pending:
    """Chunk results received and not yet written, in order — their rows, or the shards a worker
    wrote them to — each with the settings fingerprint its inputs are marked done with."""

    chunks: list[tuple[ChunkResult, str]] = field(default_factory=list)
    articles: int = 0
    since: float = 0.0  # when the oldest of them arrived

    def add(self, result: ChunkResult, fingerprint: str) -> None:
        if not self.chunks:
            self.since = time.monotonic()
        self.chunks.append((result, fingerprint))
        self.articles += result.articles

    def due(self, articles: int, seconds: float) -> bool:
        return bool(self.chunks) and (self.articles >= articles or time.monotonic() - self.since >= seconds)


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
    batch_articles: int | None = None,
    batch_seconds: float | None = None,
    shards: str | None = None,
    on_start: Callable[[int], None] | None = None,
    on_chunk: Callable[[ChunkResult], None] | None = None,
    on_failure: Callable[[Failure], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_skip: Callable[[str, str], None] | None = None,
) -> Summary:
    """Process the inputs with an engine and write everything to `store`; returns the Summary.

    `store` is a Database (store/access.py: opened for each batch's writes, so that readers get
    the file in between) or an open Store. Articles are written in batches of up to
    `batch_articles` articles, a batch at least every `batch_seconds` seconds while results come
    in, and the rest at the end (or on an interrupt); by default the settings'
    store_batch_articles and store_batch_seconds. A storage fault or a database held too long
    by another process stops the run cleanly (`Summary.stopped`); so does an interrupt.
    `on_progress` gets the number of articles analysed so far, while chunks are still running when
    the engine can tell; `on_skip` gets (source, reason) for each input or article skipped as
    unchanged.

    `shards` (by default the settings' shards; "" for none) is a folder where the workers write
    their rows as Parquet shards and the driver loads them from (run/shards.py): shards left there
    by an earlier run are loaded first. A folder that cannot be used raises ShardFolderError (an
    OSError) before any work starts."""
    started = time.perf_counter()
    _arrow_without_pandas()  # the driver never needs pandas either (its import: about 0.4 s of CPU)
    fingerprint = settings_fingerprint(settings)
    summary = Summary()
    runner = None
    pending = _Pending()
    batch_articles = max(1, batch_articles or settings.store_batch_articles)
    batch_seconds = settings.store_batch_seconds if batch_seconds is None else batch_seconds
    shards = settings.shards if shards is None else shards or None
    folder = None
    stack = ExitStack()  # holds the shards folder's lock for the run
    from_shards: set[str] = set()  # inputs of shards an earlier run left

    def flush() -> None:
        nonlocal pending
        if pending.chunks:
            batch, pending = pending, _Pending()
            _write_batch(batch, store, summary, on_failure, on_skip)

    try:
        if shards:
            folder = stack.enter_context(ShardFolder(shards))
            for result, made_with in folder.leftover():  # an earlier run's: before planning, so their inputs count as done
                summary.leftover_shards += 1
                from_shards.update(r.item.location for r in result.results)
                pending.add(result, made_with)
                if pending.due(batch_articles, math.inf):
                    flush()
            flush()
            if summary.leftover_shards:
                log.info("loaded %d shards left in %s by an earlier run", summary.leftover_shards, folder.path)
        with store.writing() as opened:
            todo = plan_inputs(paths, opened, fingerprint, force, summary, on_skip, from_shards)
        if on_start:
            on_start(len(todo))
        if not todo:
            return summary
        if isinstance(engine, str) and engine != "serial" and dask_address is None and len(todo) == 1 \
                and todo[0].location == "-":
            engine = "serial"  # standard input alone: not worth starting workers
        # Never more worker processes (each holding a model, ~0.5 GB) than there are inputs to give them.
        workers = min(workers or os.cpu_count() or 1, len(todo))
        if isinstance(engine, str):
            # Workers write shards; the serial engine is the driver itself, which keeps its rows.
            sharded = folder is not None and (engine != "serial" or dask_address is not None)
            runner = make_engine(engine, replace(settings, shards=folder.path if sharded else None), workers,
                                 dask_address)
            if sharded and hasattr(runner, "check_shards"):
                runner.check_shards(folder.path)
        else:
            runner = engine
        summary.workers = runner.workers
        chunks = chunked(todo, runner.workers, chunk_size)
        for result in runner.run(_with_data(chunks) if runner.ships_data else chunks):
            if result is not None:
                pending.add(result, fingerprint)
                if result.worker != "?":
                    summary.peak_rss_mb[result.worker] = max(summary.peak_rss_mb.get(result.worker, 0.0),
                                                             result.peak_rss_mb)
                if on_chunk:
                    on_chunk(result)
            if pending.due(batch_articles, batch_seconds):
                flush()
            if on_progress:
                on_progress(runner.analysed())
        flush()
    except (StorageFailure, StoreBusy) as exc:
        summary.stopped = str(exc)
        log.info("run stopped: %s", exc)
    except KeyboardInterrupt:  # SIGINT, and SIGTERM where the CLI maps it here
        summary.stopped = "interrupted"
        try:  # the articles analysed already are kept
            flush()
        except (StorageFailure, StoreBusy, KeyboardInterrupt) as exc:
            log.info("articles analysed before the interrupt not stored: %s", exc)
    finally:
        if runner is not None and isinstance(engine, str):
            runner.close(now=summary.stopped is not None)
        stack.close()
        summary.seconds = time.perf_counter() - started
    return summary


def _write_batch(pending: _Pending, store, summary: Summary,
                 on_failure: Callable[[Failure], None] | None, on_skip: Callable[[str, str], None] | None) -> None:
    """Store the pending articles in one batch, then, in one transaction, what their inputs tell:
    their failures, and each input done when every one of its articles committed and none failed,
    so that the next run retries the others. Shards loaded are removed once all that committed."""
    started = time.perf_counter()
    chunks = [(_loaded(result), fingerprint) for result, fingerprint in pending.chunks]
    rows = ArticleBatch.join([result.rows for result, _ in chunks])
    sources, languages = rows.column("source"), rows.column("language")
    with store.writing() as opened:
        try:
            outcomes = opened.write_batch(rows)
        except Exception as exc:
            if is_storage_failure(exc):  # the instance is gone: stop; nothing of the batch is marked done
                raise StorageFailure(getattr(opened, "path", "database"), exc) from exc
            raise
        with opened.transaction():
            reports, marks = [], []
            at = 0
            # Their earlier failures forgotten first, then what this run found recorded.
            opened.clear_failures_of([d.item.location for r, _ in chunks for d in r.results if d.item.location != "-"])
            for done, worker, fingerprint in ((d, r.worker, f) for r, f in chunks for d in r.results):
                item = done.item
                summary.processed_inputs += 1
                mine = list(done.failures)
                not_stored = 0
                for k in range(at, at + done.articles):
                    if isinstance(outcomes[k], Exception):
                        log.warning("storing %s failed: %s", sources[k], outcomes[k])
                        mine.append(Failure(sources[k], f"could not be stored ({type(outcomes[k]).__name__}: "
                                                        f"{outcomes[k]})"))
                        not_stored += 1
                at += done.articles
                for failure in mine:
                    if failure.is_failure:
                        opened.record_failure(failure.source, failure.reason)
                reports.extend(mine)
                refused = sum(1 for f in done.failures if f.kind == "refused")
                retry = not_stored or any(f.kind == "failed" for f in done.failures)
                # A chunk lost with its worker, or an input with a failed article, is not done: a rerun tries it again.
                if item.location != "-" and worker != "?" and not retry:
                    marks.append((item.location, item.size, item.mtime_ns, fingerprint, done.articles, refused))
            opened.mark_inputs(marks)
    for result, _ in chunks:
        if result.shard is not None:  # its rows and its inputs' state committed: the shard is done
            remove_shard(result.shard)
            summary.shards += 1
    summary.batches += 1
    summary.write_seconds += time.perf_counter() - started
    # Counted once the batch and its inputs' state committed.
    for failure in reports:
        summary.note(failure)
        if on_failure:
            on_failure(failure)
    for k, outcome in enumerate(outcomes):
        if isinstance(outcome, Exception):
            continue
        if outcome == "unchanged" and on_skip:
            on_skip(sources[k], "stored already, unchanged")
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        if not is_analysed_language(languages[k]):
            summary.not_analysed[languages[k]] = summary.not_analysed.get(languages[k], 0) + 1


def _loaded(result: ChunkResult) -> ChunkResult:
    """The result with its rows, read from its shard when a worker wrote one. A shard that cannot
    be read is set aside and its inputs fail, so that the next run reads them again."""
    if result.shard is None:
        return result
    try:
        return replace(result, rows=read_shard(result.shard))
    except (OSError, ValueError, KeyError, TypeError) as exc:  # pyarrow's errors are OSError / ValueError
        aside = set_aside(result.shard)
        log.warning("shard %s cannot be read: %s", result.shard, exc)
        reason = f"its rows could not be read from the worker's shard ({type(exc).__name__}: {exc}; kept as {aside})"
        failed = tuple(replace(r, articles=0, failures=(*r.failures, Failure(r.item.location, reason)))
                       if r.articles else r for r in result.results)
        return replace(result, results=failed, shard=None)
