"""The stored events joined with their document, place, actors and quantities: one dict per event.

Streams from DuckDB in batches, so an export never holds the whole table in memory.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["event_rows"]

_SQL = """
SELECT e.doc_id, e.event_id, e.cameo, e.cameo_name, e.quad_class, e.goldstein, e.plover_type, e.plover_mode,
    e.plover_context, e.acled_type, e.acled_sub_type, e.date_value, e.date_start, e.date_end, e.date_grain, e.date_anchor, e.modality,
    e.trigger, e.rule, e.evidence_text, e.section, e.caption_index, e.sent_start, e.sent_end,
    d.url, d.source AS input, d.title, d.outlet, d.published, d.language, d.ingested_at,
    -- the offset where the body's first paragraph ends (0: one paragraph only)
    strpos(d.text, chr(10) || chr(10)) AS lead_end,
    p.name AS place_name, p.kind AS place_kind, p.country AS place_country, p.admin1 AS place_admin1,
    p.lat AS place_lat, p.lon AS place_lon, p.geonames_id AS place_geonames_id, e.place_how,
    (SELECT list({'role': x.role, 'name': a.name, 'code': a.code, 'country': a.country, 'sector': a.sector,
                  'kind': a.kind, 'wikidata': a.wikidata} ORDER BY x.role, a.actor_id)
       FROM event_actors x JOIN actors a USING (doc_id, actor_id)
       WHERE x.doc_id = e.doc_id AND x.event_id = e.event_id) AS actors,
    (SELECT list({'category': q.category, 'value': q.value, 'text': q.text} ORDER BY q.quantity_id)
       FROM event_quantities y JOIN quantities q USING (doc_id, quantity_id)
       WHERE y.doc_id = e.doc_id AND y.event_id = e.event_id) AS quantities
FROM events e JOIN documents d USING (doc_id)
LEFT JOIN places p ON p.doc_id = e.doc_id AND p.place_id = e.place_id
ORDER BY coalesce(e.date_value, e.date_start) NULLS LAST, e.doc_id, e.event_id
"""


def event_rows(store, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Every stored event with its joins; 'actors' lists sources (role 'source') before targets."""
    cursor = store.con.cursor()
    try:
        cursor.execute(_SQL)
        names = [c[0] for c in cursor.description]
        while rows := cursor.fetchmany(batch):
            for row in rows:
                out = dict(zip(names, row))
                out["actors"] = out["actors"] or []
                out["quantities"] = out["quantities"] or []
                yield out
    finally:
        cursor.close()
