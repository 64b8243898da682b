"""eventwire.to_frame: the flat events table (one typed row per event, actors, place, quantities,
story and document denormalised onto it) as a pandas DataFrame, for notebooks.

pandas is an optional dependency: `pip install eventwire[pandas]`. The columns are the same as the
CSV / Parquet export's (export/table.py, documented in docs/record-format.md): `date` is a datetime64
(the event's day) with `date_grain` saying how precise it is; integer columns are nullable integers.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

__all__ = ["to_frame"]


def to_frame(source: "str | os.PathLike[str] | Iterable[Any]", **filters: Any):
    """A pandas DataFrame of events, one row per event.

    `source` is the path of an eventwire DuckDB database, or records: ArticleRecord objects (from
    extract_text / extract_paths) or their JSON form (dicts from `eventwire extract --jsonl`).
    `filters` are the event filters of the CLI and the API (actor, country, since, until, cameo,
    plover, modality, quad_class, q ...), checked by eventwire.filters.

        >>> import eventwire
        >>> frame = eventwire.to_frame("eventwire.duckdb", country="SY", since="2020")
        >>> frame.groupby("cameo_root").size()
    """
    try:
        import pandas  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("eventwire.to_frame needs pandas: pip install 'eventwire[pandas]'") from None
    from eventwire.export.table import events_table_sql
    from eventwire.filters import event_filters
    from eventwire.store.duckdb import open_store
    from eventwire.store.postgres import is_postgres_url

    checked = event_filters(**filters)
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if not is_postgres_url(path) and not os.path.exists(path):
            raise FileNotFoundError(f"{path}: no such database")
        with open_store(path, read_only=True) as store:
            return _frame(store, events_table_sql(store, checked))
    with open_store(":memory:") as store:
        for record in source:
            store.write(_as_record(record))
        return _frame(store, events_table_sql(store, checked))


def _as_record(item: Any):
    from eventwire.record import ArticleRecord

    if isinstance(item, ArticleRecord):
        return item
    if isinstance(item, dict):
        from eventwire.link.load import record_from_json

        return record_from_json(item)
    raise TypeError(f"to_frame: expected a database path or records, got {type(item).__name__}")


_INTEGERS = ("quad_class", "place_geonames_id", "killed", "injured", "displaced", "arrested", "evidence_start",
             "evidence_end", "story_articles", "story_sources")


def _frame(store, query: tuple[str, list[Any]]):
    import pandas as pd

    sql, params = query
    if store.dialect.name == "duckdb":
        frame = store.con.execute(sql, params).df()
    else:  # through a Parquet file, typed as DuckDB types it (store/postgres.py)
        import tempfile

        from eventwire.store.duckdb import copy_query

        with tempfile.TemporaryDirectory(prefix="eventwire-frame-") as folder:
            path = os.path.join(folder, "events.parquet")
            copy_query(store.con, sql, params, path, "FORMAT PARQUET")
            frame = pd.read_parquet(path)
    for column in ("date", "date_end"):
        frame[column] = pd.to_datetime(frame[column])
    for column in _INTEGERS:
        frame[column] = frame[column].astype("Int64")
    return frame
