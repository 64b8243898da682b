"""The stored events joined with their document, place, actors and quantities: one dict per event.

Streams from the database in batches, so an export never holds the whole table in memory. Every column
of the events table is passed through (`e.*`), so a field added to events later (an ACLED type, a
normalised date) reaches the exports without editing this query.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["event_rows"]

_SQL = """
SELECT {event_columns}, e.date_iso AS date, e.date_iso_grain AS date_grain, e.date_value AS timex,
    e.date_grain AS timex_grain,
    d.url, d.source AS input, d.title, d.outlet, d.published, d.language, d.ingested_at,
    -- the offset where the body's first paragraph ends (0: one paragraph only)
    strpos(d.text, chr(10) || chr(10)) AS lead_end,
    p.name AS place_name, p.kind AS place_kind, p.country AS place_country, p.admin1 AS place_admin1,
    p.lat AS place_lat, p.lon AS place_lon, p.geonames_id AS place_geonames_id,
    (SELECT {actors}
       FROM event_actors x JOIN actors a USING (doc_id, actor_id)
       WHERE x.doc_id = e.doc_id AND x.event_id = e.event_id) AS actors,
    (SELECT {quantities}
       FROM event_quantities y JOIN quantities q USING (doc_id, quantity_id)
       WHERE y.doc_id = e.doc_id AND y.event_id = e.event_id) AS quantities
FROM events e JOIN documents d USING (doc_id)
LEFT JOIN places p ON p.doc_id = e.doc_id AND p.place_id = e.place_id
{where}
ORDER BY e.date_iso NULLS LAST, e.doc_id, e.event_id
"""


def _event_columns(store) -> str:
    """Every column of events but date_grain (given as timex_grain) and the copies of the place's and
    actors' fields the API filters on (schema.DENORMALISED_COLUMNS: the joins below give those)."""
    from eventwire.store.schema import DENORMALISED_COLUMNS

    left_out = ("date_grain", *(c for c, _ in DENORMALISED_COLUMNS))
    if store.dialect.name == "duckdb":
        return f"e.* EXCLUDE ({', '.join(left_out)})"
    from eventwire.store.schema import event_columns

    return ", ".join(f"e.{n}" for n in event_columns(store.con) if n not in left_out)


def event_rows(store, filters: dict[str, Any] | None = None, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Every stored event matching `filters` (the keywords of the API's event filters) with its
    joins; 'actors' lists sources (role 'source') before targets. `date` is the ISO calendar date
    (YYYY-MM-DD, YYYY-MM or YYYY) with its `date_grain`; `timex` the TimeML value it comes from."""
    where, params = store._api_where(**(filters or {}))
    d = store.dialect
    actors = d.struct_list({k: f"{t}.{k}" for t, k in (("x", "role"), ("a", "name"), ("a", "code"), ("a", "country"),
                                                         ("a", "sector"), ("a", "kind"), ("a", "wikidata"))},
                           "x.role, a.actor_id")
    quantities = d.struct_list({"category": "q.category", "value": "q.value", "text": "q.text"}, "q.quantity_id")
    sql = _SQL.format(where=where, event_columns=_event_columns(store), actors=actors, quantities=quantities)
    cursor = store.con.cursor()
    try:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        while rows := cursor.fetchmany(batch):
            for row in rows:
                out = dict(zip(names, row))
                out["actors"] = d.decode_struct_list(out["actors"])
                out["quantities"] = d.decode_struct_list(out["quantities"])
                yield out
    finally:
        cursor.close()
