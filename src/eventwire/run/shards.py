"""Shards: workers write their chunks' store rows as Parquet files to a folder the driver reads too
(shared storage on a cluster), and send the driver only a summary; the driver loads the shards
into the store in its batch cadence and removes each one once its batch committed.

A shard is one chunk's work: a folder DIR/<id>/ holding one Parquet file per table that has rows
(`<table>.parquet`, the columnar rows of store/rows.py, unchanged) and `manifest.json`: the chunk's
inputs with their articles and failures, where each article's rows are in every table, the
settings fingerprint and the worker. It is written under a hidden name (DIR/.<id>.tmp) and renamed
when whole, so a shard is complete or absent; ids begin with the time, so names sort oldest first.

A shard left behind (the driver killed, a full disk, a busy database) is loaded by the next run
over the same folder before that run plans its inputs: what a worker finished is never lost, and
its inputs, once committed, are skipped. Loading one twice stores nothing twice (an unchanged
article is a no-op). One run at a time uses a folder (a lock file); unfinished temporary folders
of earlier runs are removed, and a shard that cannot be read is renamed `.<id>.unreadable` (kept
for inspection, never loaded) while its inputs fail and are read again by the next run.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, replace

from eventwire.run.work import ChunkResult, Failure, InputItem, InputResult
from eventwire.store.rows import TABLES, ArticleBatch

__all__ = ["ShardFolderError", "ShardFolder", "write_shard", "read_shard", "writable_problem"]

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
FORMAT = 1
COMPRESSION = "snappy"  # cheap to decode: reading shards is the driver's work
_LOCK = ".eventwire-shards.lock"


class ShardFolderError(OSError):
    """The shards folder cannot be used (not writable, or in use by another run): one line."""


def writable_problem(path: str) -> str | None:
    """Why this process cannot write shards into `path` (None when it can): run on every worker."""
    try:
        probe = os.path.join(path, f".probe-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        with open(probe, "wb") as handle:
            handle.write(b"ok")
        os.remove(probe)
        return None
    except OSError as exc:
        return exc.strerror or str(exc)


def _shard_id() -> str:
    return f"{time.time_ns():020d}-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def _is_shard_name(name: str) -> bool:
    """A shard's folder name (anything else in the folder is left alone)."""
    return len(name) > 21 and name[:20].isdigit() and name[20] == "-"


def write_shard(result: ChunkResult, folder: str, fingerprint: str) -> ChunkResult:
    """Write the chunk's rows as a shard in `folder`; returns the result without its rows, naming the
    shard. Raises OSError when the shard cannot be written (nothing of it is left then)."""
    import pyarrow.parquet as pq

    name = _shard_id()
    temporary, final = os.path.join(folder, f".{name}.tmp"), os.path.join(folder, name)
    rows = result.rows
    manifest = {
        "format": FORMAT, "fingerprint": fingerprint, "worker": result.worker, "peak_rss_mb": result.peak_rss_mb,
        "seconds": result.seconds, "bounds": {t: list(rows.bounds[t]) for t in TABLES},
        "inputs": [{"location": r.item.location, "size": r.item.size, "mtime_ns": r.item.mtime_ns,
                    "articles": r.articles, "failures": [asdict(f) for f in r.failures]} for r in result.results],
    }
    try:
        os.mkdir(temporary)
        for table, got in rows.tables.items():
            if got.num_rows:
                pq.write_table(got, os.path.join(temporary, f"{table}.parquet"), compression=COMPRESSION)
        # Not synced to disk: a shard a power loss damaged is set aside when read, and its inputs, not
        # marked done, are read again — the store commits durably, a shard need not.
        with open(os.path.join(temporary, MANIFEST), "w", encoding="utf-8") as handle:
            json.dump(manifest, handle)
        os.rename(temporary, final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return replace(result, rows=ArticleBatch.join(()), shard=final)


def _manifest(path: str) -> dict:
    with open(os.path.join(path, MANIFEST), encoding="utf-8") as handle:
        manifest = json.load(handle)
    if manifest.get("format") != FORMAT:
        raise ValueError(f"shard format {manifest.get('format')!r}, not {FORMAT}")
    return manifest


def _summary(path: str, manifest: dict) -> ChunkResult:
    results = tuple(InputResult(InputItem(i["location"], i["size"], i["mtime_ns"]), i["articles"],
                                tuple(Failure(**f) for f in i["failures"])) for i in manifest["inputs"])
    return ChunkResult(results, manifest["worker"], manifest["peak_rss_mb"], manifest["seconds"], shard=path)


def read_shard(path: str) -> ArticleBatch:
    """The rows of the shard at `path`, as the worker made them. Raises OSError or ValueError
    (pyarrow's errors included) when it cannot be read whole."""
    import pyarrow.parquet as pq

    manifest = _manifest(path)
    tables, bounds = {}, {}
    for table, schema in TABLES.items():
        at = tuple(manifest["bounds"][table])
        if at[-1]:
            # One small file: the plain reader, in this thread (the dataset API and a thread pool cost more).
            got = pq.ParquetFile(os.path.join(path, f"{table}.parquet")).read(use_threads=False)
            if got.schema != schema:
                got = got.select(schema.names).cast(schema)
        else:
            got = schema.empty_table()
        if got.num_rows != at[-1]:
            raise ValueError(f"{table}: {got.num_rows} rows, the manifest says {at[-1]}")
        tables[table], bounds[table] = got, at
    if len(bounds["documents"]) != 1 + sum(i["articles"] for i in manifest["inputs"]):
        raise ValueError("the manifest's articles and documents disagree")
    return ArticleBatch(tables, bounds)


def remove_shard(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)


def set_aside(path: str) -> str:
    """Rename an unreadable shard out of the way (kept for inspection, never loaded again)."""
    head, name = os.path.split(path)
    aside = os.path.join(head, f".{name}.unreadable")
    try:
        os.rename(path, aside)
    except OSError as exc:
        log.warning("could not set the unreadable shard %s aside: %s", path, exc)
    return aside


class ShardFolder:
    """The driver's side of a shards folder: created if missing, checked writable, locked for the run.
    Use as a context manager (the lock is released on exit)."""

    def __init__(self, path: str) -> None:
        self.path = os.path.abspath(path)
        self._lock = None

    def __enter__(self) -> ShardFolder:
        try:
            os.makedirs(self.path, exist_ok=True)
        except OSError as exc:
            raise ShardFolderError(f"shards folder {self.path}: cannot be created ({exc.strerror or exc})") from None
        if not os.path.isdir(self.path):
            raise ShardFolderError(f"shards folder {self.path}: not a folder")
        problem = writable_problem(self.path)
        if problem:
            raise ShardFolderError(f"shards folder {self.path}: cannot be written ({problem})")
        self._take_lock()
        self._remove_unfinished()
        return self

    def __exit__(self, *exc) -> None:
        if self._lock is not None:
            self._lock.close()  # releases the lock
            self._lock = None

    def _take_lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # no advisory locks here: one run at a time is the user's to keep
            return
        handle = open(os.path.join(self.path, _LOCK), "a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise ShardFolderError(f"shards folder {self.path}: in use by another ingest run") from None
        except OSError as exc:  # a file system without locks (some network mounts)
            log.warning("shards folder %s cannot be locked (%s): one run at a time must use it", self.path, exc)
        self._lock = handle

    def _remove_unfinished(self) -> None:
        """Temporary folders of shards whose writer stopped (their run is over: we hold the lock)."""
        for name in os.listdir(self.path):
            if name.startswith(".") and name.endswith(".tmp"):
                shutil.rmtree(os.path.join(self.path, name), ignore_errors=True)

    def leftover(self) -> Iterator[tuple[ChunkResult, str]]:
        """Shards left by earlier runs, oldest first: (summary naming the shard, settings fingerprint).
        A shard whose manifest cannot be read is set aside."""
        names = sorted(n for n in os.listdir(self.path)
                       if _is_shard_name(n) and os.path.isdir(os.path.join(self.path, n)))
        for name in names:
            path = os.path.join(self.path, name)
            try:
                manifest = _manifest(path)
                yield _summary(path, manifest), manifest["fingerprint"]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("shard %s cannot be read (%s): set aside", path, exc)
                set_aside(path)
