"""What differs between DuckDB and PostgreSQL SQL, in one place.

The store's queries are written once in SQL that both accept; where the two disagree (a function
name, a type, an aggregate's syntax), the query asks its connection's Dialect for the fragment.
The table definitions are written once too, in DuckDB's type names; `ddl` renders them for
PostgreSQL. Text compares byte-wise in both (PostgreSQL columns use the "C" collation), so ISO
dates, ids and keyset paging order the same way everywhere.
"""
from __future__ import annotations

import re
from typing import Any

__all__ = ["Dialect", "DUCKDB", "POSTGRES", "dialect_of"]

# JSON stays JSON, not JSONB: a record is kept as written, its keys in their order.
_TYPES = ((re.compile(r"\bVARCHAR(\[\])?"), r'TEXT\1 COLLATE "C"'),
          (re.compile(r"\bDOUBLE\b"), "DOUBLE PRECISION"),
          (re.compile(r"\bBLOB\b"), "BYTEA"))


class Dialect:
    """DuckDB's SQL; PostgresDialect overrides what PostgreSQL spells differently."""

    name = "duckdb"

    def ddl(self, sql: str) -> str:
        """Table definitions (written with DuckDB's type names) for this database."""
        return sql

    def mode(self, expr: str) -> str:
        """The most frequent value of `expr` in the group."""
        return f"mode({expr})"

    def any_value(self, expr: str) -> str:
        return f"any_value({expr})"

    def list_has(self, array: str, value: str) -> str:
        return f"list_contains({array}, {value})"

    def each_distinct(self, source: str, arrays: list[str], scalars: list[str] = ()) -> str:
        """A query of one row (column c) per distinct element, NULLs left out, of each row of `source`
        over its `arrays` (list columns) and `scalars` together."""
        joined = ", ".join([*arrays, *(f"[{x}]" for x in scalars)])
        return f"SELECT unnest(list_distinct(flatten([{joined}]))) AS c FROM {source}"

    def each_once(self, array: str) -> str:
        """The distinct elements of `array`, NULL among them when it holds one; [NULL] when empty."""
        # One element (most events' sides) or none is answered without the list functions.
        return (f"CASE len({array}) WHEN 1 THEN {array} WHEN 0 THEN [NULL::VARCHAR] ELSE "
                f"list_concat(list_distinct({array}), CASE WHEN len(list_filter({array}, lambda x: x IS NULL)) > 0 "
                f"THEN [NULL::VARCHAR] ELSE [] END) END")

    def sorted_set(self, array: str, value: str) -> str:
        """The distinct elements of `array` and `value` (a text list and a text), NULLs left out, sorted
        byte-wise."""
        return f"list_sort(list_distinct(list_append({array}, {value})))"

    def empty_list(self, element: str) -> str:
        """An empty list of `element` (a DuckDB type name)."""
        return f"CAST([] AS {element}[])"

    def actor_refs_json(self) -> str:
        """Over a group of event_actors x joined to actors a (one event): the text of a JSON object
        {"source": [...], "target": [...]}, each side's actors as {"id", "name", "code"} sorted by id."""
        side = ("coalesce(CAST(to_json(list({{'id': a.actor_id, 'name': a.name, 'code': a.code}} "
                "ORDER BY a.actor_id) FILTER (WHERE x.role = '{}')) AS VARCHAR), '[]')")
        return f"""'{{"source":' || {side.format("source")} || ',"target":' || {side.format("target")} || '}}'"""

    def list_any(self, array: str, condition: str) -> str:
        """Whether some element x of `array` meets `condition` (SQL over x)."""
        return f"(len(list_filter({array}, lambda x: {condition})) > 0)"

    def regex(self, expr: str, pattern: str) -> str:
        """Whether `expr` matches the regular expression `pattern` (a SQL string literal) anywhere."""
        return f"regexp_matches({expr}, {pattern})"

    def try_date(self, expr: str) -> str:
        """`expr` (YYYY-MM-DD) as a DATE, NULL when it is not a date."""
        return f"try_cast({expr} AS DATE)"

    def try_int(self, expr: str) -> str:
        return f"try_cast({expr} AS INTEGER)"

    def isodow(self, expr: str) -> str:
        return f"isodow({expr})"

    def days(self, expr: str) -> str:
        """An interval of `expr` (an integer) days."""
        return f"INTERVAL ({expr}) DAY"

    def struct_list(self, fields: dict[str, str], order_by: str) -> str:
        """An aggregate of one object per row ({name: expression}), in `order_by` order; it reads
        back as a list of dicts (see decode_struct_list)."""
        inner = ", ".join(f"'{name}': {expr}" for name, expr in fields.items())
        return f"list({{{inner}}} ORDER BY {order_by})"

    @staticmethod
    def decode_struct_list(value: Any) -> list[dict[str, Any]]:
        return value or []


class PostgresDialect(Dialect):
    name = "postgresql"

    def ddl(self, sql: str) -> str:
        for pattern, replacement in _TYPES:
            sql = pattern.sub(replacement, sql)
        return sql

    def mode(self, expr: str) -> str:
        return f"mode() WITHIN GROUP (ORDER BY {expr})"

    def any_value(self, expr: str) -> str:  # any_value() is PostgreSQL 16's; min() is one of the values too
        return f"min({expr})"

    def list_has(self, array: str, value: str) -> str:
        return f"({value} = ANY({array}))"

    def each_distinct(self, source: str, arrays: list[str], scalars: list[str] = ()) -> str:
        joined = " || ".join([*arrays, *(f"ARRAY[{x}]" for x in scalars)])
        return f"""SELECT c FROM (SELECT DISTINCT doc_id, event_id, unnest({joined}) AS c FROM {source}) AS each
            WHERE c IS NOT NULL"""

    def each_once(self, array: str) -> str:
        return (f"ARRAY(SELECT DISTINCT c FROM unnest(CASE WHEN cardinality({array}) = 0 THEN ARRAY[NULL::TEXT] "
                f"ELSE {array} END) AS u(c))")

    def sorted_set(self, array: str, value: str) -> str:
        return (f"ARRAY(SELECT c FROM (SELECT DISTINCT c FROM unnest(array_append({array}, CAST({value} AS TEXT))) "
                f"AS u(c) WHERE c IS NOT NULL) AS once ORDER BY c COLLATE \"C\")")

    def empty_list(self, element: str) -> str:
        return f"CAST('{{}}' AS {self.ddl(element).split()[0]}[])"

    def actor_refs_json(self) -> str:
        side = ("coalesce(CAST(json_agg(json_build_object('id', a.actor_id, 'name', a.name, 'code', a.code) "
                "ORDER BY a.actor_id) FILTER (WHERE x.role = '{}') AS TEXT), '[]')")
        return f"""'{{"source":' || {side.format("source")} || ',"target":' || {side.format("target")} || '}}'"""

    def list_any(self, array: str, condition: str) -> str:
        return f"EXISTS (SELECT 1 FROM unnest({array}) AS listed(x) WHERE {condition})"

    def regex(self, expr: str, pattern: str) -> str:
        return f"({expr} ~ {pattern})"

    def try_date(self, expr: str) -> str:
        return f"eventwire_try_date({expr})"  # defined by the PostgreSQL schema (store/schema.py)

    def try_int(self, expr: str) -> str:
        return f"eventwire_try_int({expr})"

    def isodow(self, expr: str) -> str:
        return f"CAST(extract(isodow FROM {expr}) AS INTEGER)"

    def days(self, expr: str) -> str:
        return f"make_interval(days => CAST({expr} AS INTEGER))"

    def struct_list(self, fields: dict[str, str], order_by: str) -> str:
        inner = ", ".join(f"'{name}', {expr}" for name, expr in fields.items())
        return f"json_agg(json_build_object({inner}) ORDER BY {order_by})"

    @staticmethod
    def decode_struct_list(value: Any) -> list[dict[str, Any]]:
        import json

        return json.loads(value) if isinstance(value, str) else (value or [])


DUCKDB = Dialect()
POSTGRES = PostgresDialect()


def dialect_of(con: Any) -> Dialect:
    """The dialect of a connection (or cursor) the store was given."""
    return getattr(con, "dialect", DUCKDB)
