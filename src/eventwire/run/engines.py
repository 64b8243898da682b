"""Engines: where process_chunk runs. Serial (this process), a local process pool, or Dask.

Every engine takes chunks of inputs and yields ChunkResults as they complete; the caller (the
driver, in the main process) writes them to the store, since DuckDB has one writer. Each worker
process loads the spaCy model once (eventwire.read.load_model is cached per process) in a warm-up
before its first chunk. At most a few chunks per worker are in flight, so a long input list is
never read into memory at once.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Protocol

from eventwire.config import Settings
from eventwire.run.lifetime import die_with_parent, interrupts_deferred
from eventwire.run.work import ChunkResult, Failure, InputItem, InputResult, process_chunk, warm_up, warm_up_worker

__all__ = ["Engine", "SerialEngine", "LocalEngine", "DaskEngine", "local_cluster", "make_engine", "ENGINES"]

log = logging.getLogger(__name__)

ENGINES = ("serial", "local", "dask")
_IN_FLIGHT_PER_WORKER = 2


class Engine(Protocol):
    workers: int
    ships_data: bool  # whether inputs must carry their bytes (workers cannot read the paths)

    def run(self, chunks: Iterable[list[InputItem]]) -> Iterator[ChunkResult | None]: ...
        # None items are progress ticks while chunks run

    def analysed(self) -> int: ...  # articles analysed so far

    def close(self, now: bool = False) -> None: ...


def _crashed(chunk: list[InputItem], exc: BaseException) -> ChunkResult:
    """A chunk whose worker died or raised: every input in it fails with the reason."""
    reason = f"worker failed ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
    results = tuple(InputResult(InputItem(i.location, i.size, i.mtime_ns), 0, (Failure(i.location, reason),))
                    for i in chunk)
    return ChunkResult(results, "?", 0.0, 0.0)


def _started(settings: Settings) -> str:
    """A task that holds its worker briefly, so that a pool's warm-up reaches every process."""
    import time

    time.sleep(0.5)
    return warm_up(settings)


class SerialEngine:
    """In this process, one chunk after another: the reference path."""

    ships_data = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.workers = 1
        self._analysed = 0

    def run(self, chunks: Iterable[list[InputItem]]) -> Iterator[ChunkResult | None]:
        warm_up(self.settings)
        for chunk in chunks:
            result = process_chunk(chunk, self.settings)
            self._analysed += result.articles
            yield result

    def analysed(self) -> int:
        return self._analysed

    def close(self, now: bool = False) -> None:
        pass


def _start_worker(settings: Settings, parent_pid: int, counter) -> str:
    """A pool worker's initializer: end with the driver, count articles, load the model."""
    from eventwire.run import work

    die_with_parent(parent_pid)
    work.count_articles_into(counter)
    return warm_up_worker(settings)


class LocalEngine:
    """A pool of worker processes on this machine (spawned: no state inherited from the driver).

    Workers end with the driver whatever ends it (run/lifetime.py); they add each analysed article
    to a shared counter, so progress moves inside long chunks (a 95-entry feed is one input)."""

    ships_data = False
    _TICK = 0.5  # seconds between progress ticks while chunks run

    def __init__(self, settings: Settings, workers: int | None = None) -> None:
        self.settings = settings
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._context = multiprocessing.get_context("spawn")
        self._counter = self._context.Value("q", 0)
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=self._context, initializer=_start_worker,
                                   initargs=(self.settings, os.getpid(), self._counter))

    def warm(self) -> None:
        """Start every worker process now (each loads the model in its initializer)."""
        started = [self._submit(_started, self.settings) for _ in range(self.workers)]
        for future in started:
            future.result()

    def _submit(self, fn, *args):
        """The pool's submit, which may start a worker process (while the pool has fewer than it may
        hold): that start is not cut by an interrupt (lifetime.interrupts_deferred)."""
        with interrupts_deferred():
            return self._pool.submit(fn, *args)

    def analysed(self) -> int:
        return self._counter.value

    def run(self, chunks: Iterable[list[InputItem]]) -> Iterator[ChunkResult | None]:
        pending: dict = {}
        source = iter(chunks)
        limit = self.workers * _IN_FLIGHT_PER_WORKER
        exhausted = False
        while True:
            while not exhausted and len(pending) < limit:
                chunk = next(source, None)
                if chunk is None:
                    exhausted = True
                    break
                pending[self._submit(process_chunk, chunk, self.settings)] = chunk
            if not pending:
                return
            done, _ = wait(pending, timeout=self._TICK, return_when=FIRST_COMPLETED)
            if not done:
                yield None  # a tick: the caller may report progress
                continue
            for future in done:
                chunk = pending.pop(future)
                try:
                    yield future.result()
                except Exception as exc:  # BrokenProcessPool included: the chunk's inputs fail, the run goes on
                    log.error("a chunk of %d inputs failed: %s", len(chunk), exc)
                    yield _crashed(chunk, exc)
                    if "BrokenProcessPool" in type(exc).__name__:
                        self._pool = self._new_pool()

    def close(self, now: bool = False) -> None:
        """Shut the pool down; `now` (an interrupted or stopped run) ends the workers at once
        instead of letting their chunks finish."""
        if now:
            # ProcessPoolExecutor has no public way to stop running tasks before Python 3.14.
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()
        self._pool.shutdown(wait=True, cancel_futures=True)


def local_cluster(workers: int):
    """(LocalCluster, Security): `workers` single-threaded worker processes (a spaCy pipeline is
    not shared between threads), every listener on 127.0.0.1 and speaking mutual TLS with
    certificates made now and held in memory only. No scheduler dashboard; the workers' read-only
    status pages listen on 127.0.0.1 only."""
    import dask
    from distributed import LocalCluster
    from distributed.security import Security

    security = Security.temporary()
    with dask.config.set(_QUIET_CLUSTER):  # read as the scheduler, the nannies and the workers start
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                               protocol="tls://", security=security, dashboard_address=None,
                               silence_logs=logging.ERROR)
    return cluster, security


# Our own LocalCluster shares the cores with its workers (the scheduler and the nannies run in the
# driver's process): no statistical profiler sampling each running task's stack 100 times a second,
# and the event loops' health checks and system and memory monitors at a slower pace than the
# defaults (20 ms, 500 ms, 100 ms), which are for a dashboard this cluster does not have. Idle, the
# cluster's processes used 0.07 CPU-seconds a second with the defaults (bench/README.md). And no
# MALLOC_TRIM_THRESHOLD_ of 64 KB in the workers' environment (the nannies' default): it also fixes
# glibc's mmap threshold, so every allocation over 128 KB becomes an mmap/munmap pair; it cost the
# Dask workers about 10% more CPU than the pool's on the same articles. Workers give their free heap
# back after each chunk anyway (run/work.py trims it).
_QUIET_CLUSTER = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


class DaskEngine:
    """A Dask cluster: an existing scheduler (`address`), or a LocalCluster on 127.0.0.1.

    With a LocalCluster the workers read the input paths themselves; with a remote scheduler the
    driver reads each input and ships its bytes, so no shared file system is assumed.

    The LocalCluster speaks mutual TLS with certificates made for this run and held only in this
    process's memory (distributed.Security.temporary): binding 127.0.0.1 keeps other machines out,
    TLS keeps out the other processes of this machine, which could otherwise submit code to the
    workers. A remote scheduler's security is its operator's (give a tls:// address and the
    DASK_DISTRIBUTED__COMM__TLS__* settings)."""

    def __init__(self, settings: Settings, address: str | None = None, workers: int | None = None) -> None:
        from distributed import Client

        self.settings = settings
        self._cluster = None
        self._analysed = 0
        self.security = None
        # distributed logs every connection at INFO on its own handler: keep a run's stderr for our report.
        logging.getLogger("distributed").setLevel(logging.WARNING)
        if address:
            self._client = Client(address)
            self.ships_data = True
        else:
            n = max(1, workers or os.cpu_count() or 1)
            # One thread per worker process: a spaCy pipeline is not shared between threads.
            self._cluster, self.security = local_cluster(n)
            self._client = Client(self._cluster, security=self.security)
            self.ships_data = False
        if self._cluster is not None:  # our own workers end with this process (a remote cluster's do not)
            self._client.run(die_with_parent)
        # The model loaded once per worker process, before any chunk arrives.
        loaded = self._client.run(warm_up_worker, settings)
        self.workers = max(1, len(loaded))
        log.info("Dask workers ready: %s", ", ".join(sorted(loaded.values())))

    def run(self, chunks: Iterable[list[InputItem]]) -> Iterator[ChunkResult]:
        from distributed import as_completed

        source = iter(chunks)
        limit = self.workers * _IN_FLIGHT_PER_WORKER
        pending: dict = {}
        completed = as_completed()
        for _ in range(limit):
            chunk = next(source, None)
            if chunk is None:
                break
            future = self._client.submit(process_chunk, chunk, self.settings, pure=False)
            pending[future.key] = chunk
            completed.add(future)
        for future in completed:
            chunk = pending.pop(future.key)
            try:
                result = future.result()
                self._analysed += result.articles
                yield result
            except Exception as exc:
                log.error("a chunk of %d inputs failed on Dask: %s", len(chunk), exc)
                yield _crashed(chunk, exc)
            future.release()
            following = next(source, None)
            if following is not None:
                new = self._client.submit(process_chunk, following, self.settings, pure=False)
                pending[new.key] = following
                completed.add(new)

    def check_shards(self, folder: str) -> None:
        """Raise ShardFolderError unless every worker can write shards into `folder` (which must be
        storage the workers share with the driver)."""
        from eventwire.run.shards import ShardFolderError, writable_problem

        problems = {w: p for w, p in self._client.run(writable_problem, folder).items() if p}
        if problems:
            named = "; ".join(f"{w}: {p}" for w, p in sorted(problems.items()))
            raise ShardFolderError(f"shards folder {folder}: {len(problems)} Dask worker(s) cannot write it ({named})")

    def analysed(self) -> int:
        return self._analysed

    def close(self, now: bool = False) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_engine(engine: str, settings: Settings, workers: int | None = None, address: str | None = None) -> Engine:
    """The engine by name; an address implies Dask."""
    if address or engine == "dask":
        return DaskEngine(settings, address=address, workers=workers)
    if engine == "serial":
        return SerialEngine(settings)
    if engine == "local":
        return LocalEngine(settings, workers)
    raise ValueError(f"unknown engine {engine!r} (choose {', '.join(ENGINES)})")
