"""The built gazetteer index on disk: an SQLite file read in place, never loaded whole.

Held as Python dicts and tuples, the index (about 190,000 places under 400,000 names) took about
130 MB in every worker process; read from this file it takes a few MB: SQLite reads its pages with
pread, so they stay in the operating system's page cache, shared by every process, and each process
keeps only bounded caches of the names and places it looked up (bench/README.md, "Worker memory").

Tables: `entries` (one place per row, its id the row id, the values stored as built: the columns have
no declared type, so SQLite keeps each value's type), `names` (a lookup key -> the ids of the places
it names, comma-separated, in the order built), `state_codes` (US postal code -> id) and `meta`
(the format version). The file is written whole to a temporary name and renamed into place, and is
opened read-only and immutable, so readers never lock it.
"""
from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from urllib.request import pathname2url

__all__ = ["BuiltIndex", "write_index", "open_index"]

ENTRY_COLUMNS = ("name", "kind", "country", "admin1", "lat", "lon", "population", "geonames_id", "source")
_CACHED_NAMES = 50_000  # per process: names looked up (most lookups are of a few thousand names)
_CACHED_ENTRIES = 20_000


def write_index(path: Path, version: int, entries: list[tuple], index: dict[str, Iterable[int]],
                state_codes: dict[str, int]) -> None:
    """Write the index to `path` (replacing it whole)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # two processes building at once each write their own
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("CREATE TABLE meta (key PRIMARY KEY, value) WITHOUT ROWID")
        db.execute(f"CREATE TABLE entries (id INTEGER PRIMARY KEY, {', '.join(ENTRY_COLUMNS)})")
        db.execute("CREATE TABLE names (key PRIMARY KEY, ids) WITHOUT ROWID")
        db.execute("CREATE TABLE state_codes (code PRIMARY KEY, id) WITHOUT ROWID")
        db.execute("INSERT INTO meta VALUES ('version', ?)", (version,))
        db.executemany(f"INSERT INTO entries VALUES (?{', ?' * len(ENTRY_COLUMNS)})",
                       ((i, *entry) for i, entry in enumerate(entries)))
        db.executemany("INSERT INTO names VALUES (?, ?)",
                       ((key, ",".join(map(str, ids))) for key, ids in sorted(index.items())))
        db.executemany("INSERT INTO state_codes VALUES (?, ?)", sorted(state_codes.items()))
        db.commit()
        db.execute("VACUUM")
    finally:
        db.close()
    tmp.replace(path)


class BuiltIndex:
    """Read access to a written index, safe to share between threads (one connection, a lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._pid = -1
        self._db: sqlite3.Connection | None = None
        self._connect()
        self.version = self._one("SELECT value FROM meta WHERE key = 'version'")
        self._count = self._one("SELECT count(*) FROM entries")
        self.ids = functools.lru_cache(maxsize=_CACHED_NAMES)(self._ids)
        self.row = functools.lru_cache(maxsize=_CACHED_ENTRIES)(self._row)

    def _connect(self) -> sqlite3.Connection:
        # A connection is never used across a fork: a child opens its own.
        if self._db is None or self._pid != os.getpid():
            self._db = sqlite3.connect(f"file:{pathname2url(str(self.path.resolve()))}?mode=ro&immutable=1",
                                       uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._db

    def _query(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._connect().execute(sql, args).fetchall()

    def _one(self, sql: str, args: tuple = ()):
        rows = self._query(sql, args)
        return rows[0][0] if rows else None

    def _ids(self, key: str) -> tuple[int, ...]:
        """The ids of the places `key` (a normalised name) names, in the order built; () if none."""
        ids = self._one("SELECT ids FROM names WHERE key = ?", (key,))
        return tuple(map(int, ids.split(","))) if ids else ()

    def _row(self, i: int) -> tuple:
        rows = self._query(f"SELECT {', '.join(ENTRY_COLUMNS)} FROM entries WHERE id = ?", (i,))
        if not rows:
            raise IndexError(i)
        return rows[0]

    def state_code(self, code: str) -> int | None:
        return self._one("SELECT id FROM state_codes WHERE code = ?", (code,))

    def countries(self) -> list[tuple[int, str]]:
        """(id, ISO-3) of every country entry, in id order."""
        return self._query("SELECT id, country FROM entries WHERE kind = 'country' AND country IS NOT NULL "
                           "ORDER BY id")

    def __len__(self) -> int:
        return self._count


def open_index(path: Path, version: int) -> BuiltIndex | None:
    """The index at `path`, or None when it is missing, unreadable or of another format version."""
    if not path.exists():
        return None
    try:
        index = BuiltIndex(path)
    except sqlite3.DatabaseError:
        return None
    return index if index.version == version else None
