"""The flat events table (CSV, Parquet, events JSONL; the dashboard's downloads; eventwire.to_frame):
one row per event, typed, with its actors, place, quantities, story and document denormalised onto it.

Written by DuckDB's own COPY, so a large store never passes through Python (from PostgreSQL it
streams through a temporary CSV file: store/postgres.py). The columns are
documented in docs/record-format.md ("The events table"). Dates: `date` is a DATE (the event's
day; a month or year is given by its first day, an ISO week by its Monday, a range by its start)
and `date_grain` says how precise it is (day | week | month | year | range); `date_end` is the last
day of a range. Actor columns hold the event's source (target) actors joined with ';' in one order,
so the n-th name, code, country and sector belong to the same actor.
"""
from __future__ import annotations

from typing import Any

from eventwire.store.dialect import Dialect
from eventwire.store.schema import event_columns

__all__ = ["TABLE_FORMATS", "events_table_sql", "copy_events_table", "OPTIONAL_EVENT_COLUMNS"]

TABLE_FORMATS = {"csv": "FORMAT CSV, HEADER TRUE", "parquet": "FORMAT PARQUET", "events-jsonl": "FORMAT JSON"}

# Fields events may carry in a newer store: (table column, output column). Each is passed through
# when the events table has it and is a typed NULL otherwise, so the table's layout never changes.
OPTIONAL_EVENT_COLUMNS = (("acled_type", "acled_type"), ("acled_sub_type", "acled_sub_type"))


# TimeML-style values (SQL string literals of regular expressions)
_YMD, _YW, _YM, _Y = r"'^\d{4}-\d{2}-\d{2}'", r"'^\d{4}-W\d{2}'", r"'^\d{4}-\d{2}$'", r"'^\d{4}$'"


def _day(d: Dialect, value: str) -> str:
    """SQL: the first calendar day of a TimeML-style value (NULL when it has none)."""
    week_year = d.try_int(f"substr({value}, 1, 4)")
    week = d.try_int(f"substr({value}, 7, 2)")
    jan4 = f"make_date({week_year}, 1, 4)"
    return f"""CASE
        WHEN {d.regex(value, _YMD)} THEN {d.try_date(f"substr({value}, 1, 10)")}
        WHEN {d.regex(value, _YW)} AND {week} BETWEEN 1 AND 53
            THEN CAST({jan4} - {d.days(f"{d.isodow(jan4)} - 1")} + {d.days(f"7 * ({week} - 1)")} AS DATE)
        WHEN {d.regex(value, _YM)} THEN {d.try_date(f"{value} || '-01'")}
        WHEN {d.regex(value, _Y)} THEN {d.try_date(f"{value} || '-01-01'")}
        END"""


def _grain(d: Dialect, value: str) -> str:
    return f"""CASE
        WHEN {d.regex(value, _YMD)} THEN 'day'
        WHEN {d.regex(value, _YW)} THEN 'week'
        WHEN {d.regex(value, _YM)} THEN 'month'
        WHEN {d.regex(value, _Y)} THEN 'year' END"""


def _side(role: str) -> str:
    def agg(expr: str, name: str) -> str:
        return (f"nullif((SELECT string_agg(coalesce({expr}, ''), ';' ORDER BY a.actor_id) FROM event_actors x "
                f"JOIN actors a USING (doc_id, actor_id) WHERE x.doc_id = e.doc_id AND x.event_id = e.event_id "
                f"AND x.role = '{role}'), '') AS {role}_{name}")
    return ",\n    ".join(agg(expr, name) for expr, name in (
        ("a.actor_id", "ids"), ("a.name", "names"), ("a.code", "codes"), ("a.country", "countries"),
        ("a.sector", "sectors"), ("a.kind", "kinds")))


def _quantity(category: str) -> str:
    return (f"(SELECT CAST(round(sum(q.value)) AS BIGINT) FROM event_quantities y JOIN quantities q "
            f"USING (doc_id, quantity_id) WHERE y.doc_id = e.doc_id AND y.event_id = e.event_id "
            f"AND q.category = '{category}' AND q.value IS NOT NULL) AS {category}")


def events_table_sql(store, filters: dict[str, Any] | None = None) -> tuple[str, list[Any]]:
    """The SELECT of the flat events table for the events matching `filters` (the API's filter
    keywords), oldest first, and its parameters."""
    where, params = store._api_where(**(filters or {}))
    d = store.dialect
    have = set(event_columns(store.con))
    optional = ",\n    ".join(f"e.{col} AS {out}" if col in have else f"CAST(NULL AS VARCHAR) AS {out}"
                               for col, out in OPTIONAL_EVENT_COLUMNS)
    point = "coalesce(e.date_value, e.date_start)"
    sql = f"""
SELECT e.doc_id, e.event_id, sm.story_id,
    {_day(d, point)} AS date,
    CASE WHEN e.date_value IS NULL AND e.date_start IS NOT NULL THEN 'range' ELSE {_grain(d, 'e.date_value')} END
        AS date_grain,
    CASE WHEN e.date_value IS NULL THEN {_day(d, 'e.date_end')} END AS date_end,
    {point} AS date_text, e.date_anchor,
    e.cameo, e.cameo_name, left(e.cameo, 2) AS cameo_root, CAST(e.quad_class AS INTEGER) AS quad_class,
    e.goldstein, e.plover_type, e.plover_mode, e.plover_context,
    {optional},
    array_to_string(e.modality, ';') AS modality,
    {_side('source')},
    {_side('target')},
    p.name AS place_name, p.kind AS place_kind, p.country AS place_country, p.admin1 AS place_admin1,
    p.lat AS place_lat, p.lon AS place_lon, CAST(p.geonames_id AS BIGINT) AS place_geonames_id, e.place_how,
    {_quantity('killed')}, {_quantity('injured')}, {_quantity('displaced')}, {_quantity('arrested')},
    e.trigger, e.rule, e.evidence_text AS evidence, e.section, CAST(e.sent_start AS INTEGER) AS evidence_start,
    CAST(e.sent_end AS INTEGER) AS evidence_end,
    d.title, d.url, d.outlet, d.published, d.language, d.source AS input,
    CAST(se.num_articles AS INTEGER) AS story_articles, CAST(se.num_sources AS INTEGER) AS story_sources
FROM events e JOIN documents d USING (doc_id)
LEFT JOIN places p ON p.doc_id = e.doc_id AND p.place_id = e.place_id
LEFT JOIN story_mentions sm ON sm.doc_id = e.doc_id AND sm.event_id = e.event_id
LEFT JOIN story_events se ON se.story_id = sm.story_id
{where}
ORDER BY date NULLS LAST, e.doc_id, e.event_id"""
    return sql, params


def copy_events_table(store, path: str, fmt: str, filters: dict[str, Any] | None = None) -> int:
    """Write the flat events table to `path` as csv, parquet or events-jsonl; returns the row count."""
    from eventwire.store.duckdb import copy_query

    sql, params = events_table_sql(store, filters)
    return copy_query(store.con, sql, params, path, TABLE_FORMATS[fmt])
