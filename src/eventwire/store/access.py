"""Sharing one DuckDB file between processes: one writer at a time, readers that stay live.

DuckDB lets one process open a database file read-write, or any number of processes open it
read-only, never both (it holds a file lock for as long as a database instance is open). So
every eventwire process holds the file only for as long as it needs it:

- a writer (`ingest`, `link`, `POST /api/ingest`) opens it read-write for one batch — one chunk of
  articles, one set of links — and closes it, which checkpoints: the next reader sees the batch;
- a reader (`events`, `export`, each request of `serve`) opens it read-only; the server keeps its
  read-only instance between requests and gives it up as soon as a writer waits;
- whoever finds the file locked says so in a sidecar file `<db>.waiting` (its pid) and retries
  with a short backoff for up to `wait` seconds; a holder that sees another process waiting
  lets go after the batch or request in hand. After `wait` seconds the caller gets StoreBusy,
  whose message is one line.

A writer appends in row groups of ROW_GROUP_SIZE rows (see there): it attaches the file on an instance
of its own, and a second read-write connection in the same process shares it (_attached).

Storage faults (a full disk, a file size limit, an I/O error) come out as StorageFailure, also one
line: DuckDB invalidates the instance after one, so the writer stops and nothing is marked done.

None of this applies to a PostgreSQL store (`Database("postgresql://...")` is a
postgres.PostgresDatabase): the server lets every process read and write at once.
"""
from __future__ import annotations

import logging
import os
import random
import re
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb

__all__ = ["Database", "StoreBusy", "StorageFailure", "connect", "is_storage_failure", "is_database_error"]

log = logging.getLogger(__name__)

DEFAULT_WAIT = 60.0
LATE_MATERIALIZED_ROWS = 500  # the API's largest page (api/app.py MAX_PAGE)
_HOLDER = re.compile(r"\(PID (\d+)\)")
# Rows in a row group a writer appends. DuckDB holds an append uncompressed in memory until its row group
# fills (then writes it, compressed) or the transaction commits. With its default of 122,880 rows, one
# large append (a day's link features: ~10 KB a row uncompressed) outgrows the memory limit a writer runs
# under (link/database.BUFFER_LIMIT), spills to disk and is read back at the commit: 50,000 articles'
# features took 6.8 s to load in a full link, 3.2 s in groups of 16,384 (5,000: 0.4 s either way). Every writer uses
# the same size: a checkpoint by a writer of another size merges the smaller groups again (5.5 s for those
# features).
ROW_GROUP_SIZE = 16_384


class StoreBusy(RuntimeError):
    """The database stayed locked by another process for longer than we were willing to wait."""

    def __init__(self, path: str, seconds: float, holder: str | None) -> None:
        who = f"process {holder}" if holder else "another process"
        super().__init__(f"{path}: database in use by {who} for more than {seconds:g} s "
                         "(one writer at a time; try again when it has finished, or raise EVENTWIRE_LOCK_WAIT)")
        self.path = path


class StorageFailure(RuntimeError):
    """Writing the database failed at the storage level (disk full, file too large, I/O error)."""

    def __init__(self, path: str, exc: BaseException) -> None:
        super().__init__(f"{path}: storage failed ({_first_line(exc)})")
        self.path = path


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _is_lock_conflict(exc: BaseException) -> bool:
    text = str(exc)
    # Another process holds the file lock; or, in this process, a connection with the other
    # access mode is still open (DuckDB shares one instance per file and configuration).
    return ("Could not set lock" in text or "Conflicting lock" in text
            or "different configuration than existing connections" in text
            or "Unique file handle conflict" in text)  # attached by another instance of this process


def is_storage_failure(exc: BaseException) -> bool:
    """Whether `exc` is a storage-level fault after which the database instance cannot be trusted."""
    if isinstance(exc, OSError):
        return True
    if isinstance(exc, duckdb.FatalException):
        return True
    if isinstance(exc, (duckdb.IOException, duckdb.InternalException)) and not _is_lock_conflict(exc):
        return True
    text = str(exc)
    return "database has been invalidated" in text or "No space left" in text or "File too large" in text


def is_database_error(exc: BaseException) -> bool:
    """Whether `exc` comes from the database (DuckDB's, or PostgreSQL's driver or server): the CLI
    reports it in one line."""
    from eventwire.store.postgres import PostgresUnavailable

    return (isinstance(exc, (duckdb.Error, PostgresUnavailable))
            or type(exc).__module__.split(".")[0] == "psycopg")


def _waiting_path(path: str) -> str:
    return path + ".waiting"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def other_waiting(path: str) -> bool:
    """Whether another live process waits for this database file."""
    try:
        with open(_waiting_path(path), encoding="ascii") as handle:
            pid = int(handle.read().strip() or 0)
    except (OSError, ValueError):
        return False
    return pid > 0 and pid != os.getpid() and _alive(pid)


def _announce(path: str) -> bool:
    try:
        with open(_waiting_path(path), "w", encoding="ascii") as handle:
            handle.write(str(os.getpid()))
        return True
    except OSError:  # a read-only folder: the holder lets go at its next batch anyway
        return False


def _withdraw(path: str) -> None:
    try:
        with open(_waiting_path(path), encoding="ascii") as handle:
            mine = handle.read().strip() == str(os.getpid())
        if mine:
            os.unlink(_waiting_path(path))
    except OSError:
        pass


def connect(path: str, read_only: bool, wait: float = DEFAULT_WAIT,
            config: dict[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to `path` (with DuckDB's `config`), waiting up to `wait` seconds while
    another process holds it. A read-write one appends in row groups of ROW_GROUP_SIZE rows (_attached)."""
    deadline = time.monotonic() + wait
    delay = 0.02
    announced = False
    try:
        while True:
            try:
                if not read_only and path not in ("", ":memory:"):
                    return _attached(path, config or {})
                return duckdb.connect(path, read_only=read_only, config=config or {})
            except (duckdb.IOException, duckdb.ConnectionException, duckdb.ResourceInUseException) as exc:
                if not _is_lock_conflict(exc):
                    if is_storage_failure(exc):
                        raise StorageFailure(path, exc) from exc
                    raise
                if time.monotonic() >= deadline:
                    holder = _HOLDER.search(str(exc))
                    raise StoreBusy(path, wait, holder.group(1) if holder else None) from None
                if delay == 0.02:  # the first conflict
                    log.info("%s is in use by another process; waiting up to %g s", path, wait)
                if not os.path.exists(_waiting_path(path)):  # first time, or another waiter got in and withdrew
                    announced = _announce(path) or announced
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 1.5, 0.25)
    finally:
        if announced:
            _withdraw(path)


# The read-write connections _attached made, by real path, while they are open: DuckDB lets a process
# attach a file once, so a second read-write connection in the process (serve --watch: the watcher's and
# the API's) is a cursor of the first, sharing its instance, as two `duckdb.connect` of one path would.
_WRITERS: dict[str, tuple[weakref.ref, dict[str, Any]]] = {}
_WRITERS_LOCK = threading.Lock()


def _attached(path: str, config: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    """A read-write connection whose current database is the file at `path`, attached with DuckDB's
    ROW_GROUP_SIZE (a setting of the attaching instance, not of the file: readers read row groups of any
    size), on an instance of its own; or, while such a connection with the same `config` is open in
    this process, a cursor of it (closed with it)."""
    key = os.path.realpath(path)
    with _WRITERS_LOCK:
        held, held_config = _WRITERS.get(key, (None, None))
        first = held() if held is not None else None
        if first is not None and held_config == config:
            try:
                return first.cursor()
            except duckdb.ConnectionException:  # closed since
                pass
        con = duckdb.connect(":memory:", config={"temp_directory": f"{path}.tmp", **config})
        try:
            literal = path.replace("'", "''")
            con.execute(f"ATTACH '{literal}' AS store (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
            con.execute("USE store")
            con.execute("DETACH memory")  # so the file is also the current database of its cursors
        except BaseException:
            con.close()
            raise
        _WRITERS[key] = (weakref.ref(con), dict(config))
        return con


def _identity(path: str) -> tuple[int, int, int, int] | None:
    """The file's device, inode, size and modification time, or None when it does not exist. Every
    checkpoint changes its size or time, and a write not checkpointed yet leaves a .wal beside it."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if os.path.exists(path + ".wal"):
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


class _FileState:
    """What the threads of this process share about one database file (DuckDB, too, keeps one
    instance per file per process)."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.reader: duckdb.DuckDBPyConnection | None = None
        self.readers = 0
        self.writing = False
        self.writers_waiting = 0  # threads of this process waiting in writing()
        self.watcher: threading.Thread | None = None
        self.legacy: str | None = None  # the view a store from before record 1.1 reads through
        # Grows each time the read-only instance is opened: while it stays open nothing can write
        # the file, so answers computed under one generation stay true (api/cache.py).
        self.generation = 0
        # The file as this process's last writer closed it (device, inode, size, mtime), when its
        # schema was ensured: a writer that finds it so again skips ensure_schema (bench/README.md,
        # "Ingest overhead"); a file that another process wrote, or removed and made again, differs.
        self.schema_ensured: tuple[int, int, int, int] | None = None


_FILES: dict[str, _FileState] = {}
_FILES_LOCK = threading.Lock()


def _state(path: str) -> _FileState:
    key = os.path.realpath(path)
    with _FILES_LOCK:
        return _FILES.setdefault(key, _FileState())


class Database:
    """The store at `path`, opened per use: `reading()` and `writing()` are context managers that
    yield a Store. Threads of one process share the file's state (the server's request threads,
    two runs in one process): reads run together, a write waits for them and excludes them. With
    `keep_reader`, the read-only instance stays open between reads until another process waits;
    `query_threads` caps the threads each of its queries runs on (DuckDB's default: one per core);
    `write_threads` those of each writer (an ingest driver's: 1, since its batches are small and the
    workers have the cores; each batch then costs 10-15% less CPU, bench/README.md "Ingest overhead").
    A postgresql:// URL gives a postgres.PostgresDatabase, which is used the same way."""

    def __new__(cls, path: str, **options: Any) -> Any:
        from eventwire.store.postgres import PostgresDatabase, is_postgres_url

        if is_postgres_url(path):
            return PostgresDatabase(path, **options)
        return super().__new__(cls)

    def __init__(self, path: str, *, wait: float = DEFAULT_WAIT, keep_reader: bool = False,
                 query_threads: int | None = None, write_threads: int | None = None) -> None:
        self.path = path
        self.wait = wait
        self.keep_reader = keep_reader
        self.query_threads = query_threads
        self.write_threads = write_threads
        self._file = _state(path)

    def exists(self) -> bool:
        return os.path.exists(self.path)

    @contextmanager
    def reading(self) -> Iterator[Any]:
        from eventwire.store.duckdb import Store
        from eventwire.store.schema import legacy_view_sql

        f = self._file
        with f.cond:
            if not f.cond.wait_for(self._may_read, timeout=self.wait):
                raise StoreBusy(self.path, self.wait, None)
            if f.reader is None:
                f.reader = connect(self.path, read_only=True, wait=self.wait)
                if self.query_threads:
                    f.reader.execute(f"SET threads = {int(self.query_threads)}")
                # A page of events sorts its keys and row ids alone and reads its other columns for
                # the page's rows only: DuckDB does so up to 50 rows by default; the API's pages go to
                # 500 (a page of 100 of 1M events: 49 -> 27 ms CPU).
                f.reader.execute(f"SET GLOBAL late_materialization_max_rows = {LATE_MATERIALIZED_ROWS}")
                f.generation += 1
                f.legacy = legacy_view_sql(f.reader)  # a store from before record 1.1: later columns empty
                if self.keep_reader and f.watcher is None:
                    f.watcher = threading.Thread(target=self._watch, name="eventwire-db-watch", daemon=True)
                    f.watcher.start()
            f.readers += 1
            cursor = f.reader.cursor()
            generation = (os.path.realpath(self.path), f.generation)
        try:
            if f.legacy:  # temporary views belong to one cursor
                cursor.execute(f.legacy)
            store = Store(cursor, self.path)
            store.generation = generation
            yield store
        finally:
            cursor.close()
            with f.cond:
                f.readers -= 1
                if f.readers == 0 and (not self.keep_reader or other_waiting(self.path)):
                    self._close_reader()
                f.cond.notify_all()

    def writer_waits(self) -> bool:
        """Whether a writer waits for the file: another process, or a thread of this one."""
        return self._file.writers_waiting > 0 or other_waiting(self.path)

    def _may_read(self) -> bool:
        f = self._file
        if f.writing:
            return False
        # Another process waits: let the requests in hand finish and the instance close first.
        return not (f.reader is not None and f.readers > 0 and other_waiting(self.path))

    def _watch(self) -> None:
        """Give the kept read-only instance up, between requests, when another process waits."""
        f = self._file
        while True:
            time.sleep(0.1)
            with f.cond:
                if f.reader is None:  # closed: a new reader starts a new watch
                    f.watcher = None
                    return
                if f.readers == 0 and other_waiting(self.path):
                    self._close_reader()
                    f.cond.notify_all()

    def _close_reader(self) -> None:
        f = self._file
        if f.reader is not None:
            try:
                f.reader.close()
            finally:
                f.reader = None

    @contextmanager
    def writing(self) -> Iterator[Any]:
        """The store opened read-write for one batch; closed (and checkpointed) afterwards."""
        from eventwire.store.duckdb import Store
        from eventwire.store.schema import ensure_schema

        f = self._file
        with f.cond:
            f.writers_waiting += 1
            try:
                if not f.cond.wait_for(lambda: not f.writing and f.readers == 0, timeout=self.wait):
                    raise StoreBusy(self.path, self.wait, None)
            finally:
                f.writers_waiting -= 1
            f.writing = True
            self._close_reader()
        try:
            con = connect(self.path, read_only=False, wait=self.wait,
                          config={"threads": int(self.write_threads)} if self.write_threads else None)
            failed = False
            try:
                found = _identity(self.path)  # once it is ours (opening it changes nothing there)
                if found is None or found != f.schema_ensured:
                    f.schema_ensured = None
                    ensure_schema(con)  # a file new, written by another process, or removed and made again
                yield Store(con, self.path)
            except BaseException:
                failed = True
                raise
            finally:
                try:
                    con.close()  # checkpoints: readers opening after this see the batch
                except duckdb.Error as exc:
                    if not failed:
                        raise StorageFailure(self.path, exc) from exc
                f.schema_ensured = None if failed else _identity(self.path)
        except duckdb.Error as exc:
            if is_storage_failure(exc):
                raise StorageFailure(self.path, exc) from exc
            raise
        finally:
            with f.cond:
                f.writing = False
                f.cond.notify_all()

    def close(self) -> None:
        with self._file.cond:
            if self._file.readers == 0:
                self._close_reader()
