"""The embedded store: one DuckDB file with documents, their facts and the links between them.

Every article is written in one transaction that first deletes whatever the same document id
had: re-ingesting replaces, never duplicates, and a crash never leaves half an article.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import duckdb

from eventwire.record import ArticleRecord, Evidence, to_json

__all__ = ["Store", "open_store", "EventFilter", "SCHEMA_VERSION"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

_EVIDENCE = "evidence_text VARCHAR, section VARCHAR, caption_index INTEGER, sent_start INTEGER, sent_end INTEGER"

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY, source VARCHAR, input_kind VARCHAR, url VARCHAR, outlet VARCHAR,
    title VARCHAR, published VARCHAR, published_from VARCHAR, language VARCHAR, text VARCHAR,
    content_hash VARCHAR, record_version VARCHAR, record JSON, ingested_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS captions (doc_id VARCHAR, idx INTEGER, text VARCHAR, credit VARCHAR,
    PRIMARY KEY (doc_id, idx));
CREATE TABLE IF NOT EXISTS related (doc_id VARCHAR, idx INTEGER, title VARCHAR, url VARCHAR,
    PRIMARY KEY (doc_id, idx));
CREATE TABLE IF NOT EXISTS actors (doc_id VARCHAR, actor_id VARCHAR, name VARCHAR, code VARCHAR,
    country VARCHAR, sector VARCHAR, kind VARCHAR, role VARCHAR, wikidata VARCHAR, resolved_by VARCHAR,
    media_only BOOLEAN, {_EVIDENCE}, PRIMARY KEY (doc_id, actor_id));
CREATE TABLE IF NOT EXISTS actor_mentions (doc_id VARCHAR, actor_id VARCHAR, text VARCHAR,
    section VARCHAR, caption_index INTEGER, start_char INTEGER, end_char INTEGER, sentence INTEGER);
CREATE TABLE IF NOT EXISTS places (doc_id VARCHAR, place_id VARCHAR, name VARCHAR, kind VARCHAR,
    country VARCHAR, admin1 VARCHAR, lat DOUBLE, lon DOUBLE, geonames_id BIGINT, resolved_by VARCHAR,
    {_EVIDENCE}, PRIMARY KEY (doc_id, place_id));
CREATE TABLE IF NOT EXISTS times (doc_id VARCHAR, time_id VARCHAR, text VARCHAR, value VARCHAR,
    grain VARCHAR, anchor VARCHAR, start_char INTEGER, end_char INTEGER, range_start VARCHAR,
    range_end VARCHAR, {_EVIDENCE}, PRIMARY KEY (doc_id, time_id));
CREATE TABLE IF NOT EXISTS quantities (doc_id VARCHAR, quantity_id VARCHAR, text VARCHAR,
    value DOUBLE, low DOUBLE, high DOUBLE, approximate BOOLEAN, subject VARCHAR, category VARCHAR,
    scope VARCHAR, period VARCHAR, source_actor VARCHAR, {_EVIDENCE}, PRIMARY KEY (doc_id, quantity_id));
CREATE TABLE IF NOT EXISTS quotes (doc_id VARCHAR, quote_id VARCHAR, text VARCHAR, kind VARCHAR,
    speaker VARCHAR, cue VARCHAR, spoken VARCHAR, {_EVIDENCE}, PRIMARY KEY (doc_id, quote_id));
CREATE TABLE IF NOT EXISTS events (doc_id VARCHAR, event_id VARCHAR, cameo VARCHAR, cameo_name VARCHAR,
    quad_class INTEGER, goldstein DOUBLE, plover_type VARCHAR, plover_mode VARCHAR, plover_context VARCHAR,
    date_value VARCHAR, date_start VARCHAR, date_end VARCHAR, date_grain VARCHAR, date_anchor VARCHAR,
    modality VARCHAR[], place_id VARCHAR, place_how VARCHAR, trigger VARCHAR, rule VARCHAR, {_EVIDENCE},
    PRIMARY KEY (doc_id, event_id));
CREATE TABLE IF NOT EXISTS event_actors (doc_id VARCHAR, event_id VARCHAR, actor_id VARCHAR, role VARCHAR);
CREATE TABLE IF NOT EXISTS event_quantities (doc_id VARCHAR, event_id VARCHAR, quantity_id VARCHAR);
CREATE TABLE IF NOT EXISTS failures (source VARCHAR PRIMARY KEY, reason VARCHAR, failed_at TIMESTAMP);
"""

_DOC_TABLES = ("captions", "related", "actors", "actor_mentions", "places", "times", "quantities",
               "quotes", "events", "event_actors", "event_quantities", "documents")


def _ev(e: Evidence) -> tuple:
    return (e.text, e.section, e.caption_index, e.start, e.end)


@dataclass(frozen=True)
class EventFilter:
    actor: str | None = None  # matches an actor's code prefix or a substring of its name
    country: str | None = None  # ISO-3 of the source or target actor
    cameo: str | None = None  # code prefix: "19" matches 190, 193, ...
    since: str | None = None  # ISO date, compared with the event date
    until: str | None = None
    limit: int = 100


class Store:
    def __init__(self, connection: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = connection
        self.path = path

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------------ writing
    def write(self, record: ArticleRecord) -> str:
        """Store one article atomically; returns 'stored', 'replaced' or 'unchanged'."""
        doc = record.document
        row = self.con.execute(
            "SELECT content_hash, record_version FROM documents WHERE doc_id = ?", [doc.id]).fetchone()
        if row is not None and row[0] == doc.content_hash and row[1] == record.record_version:
            existing = self.con.execute("SELECT record FROM documents WHERE doc_id = ?", [doc.id]).fetchone()
            if existing and json.loads(existing[0]) == json.loads(json.dumps(to_json(record))):
                return "unchanged"
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table in _DOC_TABLES:
                self.con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc.id])
            self._insert(record)
            self.con.execute("DELETE FROM failures WHERE source = ?", [doc.source])
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return "stored" if row is None else "replaced"

    def _insert(self, record: ArticleRecord) -> None:
        doc = record.document
        d = doc.id
        many = self.con.executemany
        self.con.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [d, doc.source, doc.input_kind, doc.url, doc.outlet, doc.title, doc.published,
             doc.published_from, doc.language, doc.text, doc.content_hash, record.record_version,
             json.dumps(to_json(record), ensure_ascii=False), datetime.now(timezone.utc).replace(tzinfo=None)])
        if doc.captions:
            many("INSERT INTO captions VALUES (?, ?, ?, ?)",
                 [(d, i, c.text, c.credit) for i, c in enumerate(doc.captions)])
        if doc.related:
            many("INSERT INTO related VALUES (?, ?, ?, ?)",
                 [(d, i, r.title, r.url) for i, r in enumerate(doc.related)])
        if record.actors:
            many("INSERT INTO actors VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 [(d, a.id, a.name, a.code, a.country, a.sector, a.kind, a.role, a.wikidata, a.resolved_by,
                   a.media_only, *_ev(a.evidence)) for a in record.actors])
            many("INSERT INTO actor_mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 [(d, a.id, m.text, m.section, m.caption_index, m.start, m.end, m.sentence)
                  for a in record.actors for m in a.mentions])
        if record.places:
            many("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 [(d, p.id, p.name, p.kind, p.country, p.admin1, p.lat, p.lon, p.geonames_id, p.resolved_by,
                   *_ev(p.evidence)) for p in record.places])
        if record.times:
            many("INSERT INTO times VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 [(d, t.id, t.text, t.value, t.grain, t.anchor, t.start, t.end, t.range_start, t.range_end,
                   *_ev(t.evidence)) for t in record.times])
        if record.quantities:
            many("INSERT INTO quantities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 [(d, q.id, q.text, q.value, q.low, q.high, q.approximate, q.subject, q.category, q.scope,
                   q.period, q.source, *_ev(q.evidence)) for q in record.quantities])
        if record.quotes:
            many("INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 [(d, q.id, q.text, q.kind, q.speaker, q.cue, q.spoken, *_ev(q.evidence))
                  for q in record.quotes])
        if record.events:
            many(f"INSERT INTO events VALUES ({', '.join(['?'] * 24)})",
                 [(d, e.id, e.cameo, e.cameo_name, e.quad_class, e.goldstein, e.plover, e.plover_mode,
                   e.plover_context, e.date.get("value"), e.date.get("start"), e.date.get("end"),
                   e.date.get("grain"), e.date.get("anchor"), list(e.modality), e.place, e.place_how,
                   e.trigger, e.rule, *_ev(e.evidence)) for e in record.events])
            links = [(d, e.id, a, "source") for e in record.events for a in e.source]
            links += [(d, e.id, a, "target") for e in record.events for a in e.target]
            if links:
                many("INSERT INTO event_actors VALUES (?, ?, ?, ?)", links)
            qlinks = [(d, e.id, q) for e in record.events for q in e.quantities]
            if qlinks:
                many("INSERT INTO event_quantities VALUES (?, ?, ?)", qlinks)

    def record_failure(self, source: str, reason: str) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO failures VALUES (?, ?, ?)",
            [source, reason, datetime.now(timezone.utc).replace(tzinfo=None)])

    # ------------------------------------------------------------------ reading
    def count(self, table: str) -> int:
        if table not in _DOC_TABLES + ("failures",):
            raise ValueError(f"unknown table {table}")
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def records(self) -> Iterator[dict[str, Any]]:
        for (text,) in self.con.execute("SELECT record FROM documents ORDER BY published, doc_id").fetchall():
            yield json.loads(text)

    def events_query(self, flt: EventFilter) -> tuple[str, list[Any]]:
        """SQL for the flat events table (one row per event, actor codes aggregated) and its params."""
        where, params = [], []
        if flt.cameo:
            where.append("e.cameo LIKE ?")
            params.append(flt.cameo + "%")
        if flt.since:
            where.append("coalesce(e.date_start, e.date_value) >= ?")
            params.append(flt.since)
        if flt.until:
            where.append("coalesce(e.date_start, e.date_value) <= ?")
            params.append(flt.until + "\uffff")
        if flt.actor:
            where.append("""EXISTS (SELECT 1 FROM event_actors x JOIN actors a USING (doc_id, actor_id)
                WHERE x.doc_id = e.doc_id AND x.event_id = e.event_id
                AND (a.code LIKE ? OR lower(a.name) LIKE ?))""")
            params += [flt.actor.upper() + "%", f"%{flt.actor.lower()}%"]
        if flt.country:
            where.append("""EXISTS (SELECT 1 FROM event_actors x JOIN actors a USING (doc_id, actor_id)
                WHERE x.doc_id = e.doc_id AND x.event_id = e.event_id AND a.country = ?)""")
            params.append(flt.country.upper())
        sql = f"""
            SELECT e.doc_id, e.event_id, coalesce(e.date_value, e.date_start) AS date, e.date_anchor,
                e.cameo, e.cameo_name, e.quad_class, e.goldstein, e.plover_type, e.plover_mode,
                (SELECT string_agg(a.code, ';' ORDER BY a.actor_id) FROM event_actors x
                   JOIN actors a USING (doc_id, actor_id)
                   WHERE x.doc_id = e.doc_id AND x.event_id = e.event_id AND x.role = 'source') AS source,
                (SELECT string_agg(a.code, ';' ORDER BY a.actor_id) FROM event_actors x
                   JOIN actors a USING (doc_id, actor_id)
                   WHERE x.doc_id = e.doc_id AND x.event_id = e.event_id AND x.role = 'target') AS target,
                array_to_string(e.modality, ';') AS modality, p.name AS place, p.lat, p.lon,
                e.evidence_text AS evidence, e.section, e.rule, d.title, d.url, d.source AS input
            FROM events e JOIN documents d USING (doc_id)
            LEFT JOIN places p ON p.doc_id = e.doc_id AND p.place_id = e.place_id
            {"WHERE " + " AND ".join(where) if where else ""}
            ORDER BY date NULLS LAST, e.doc_id, e.event_id"""
        return sql, params

    def events(self, flt: EventFilter = EventFilter()) -> list[dict[str, Any]]:
        sql, params = self.events_query(flt)
        cur = self.con.execute(sql + f" LIMIT {int(flt.limit)}", params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def copy_events(self, path: str, fmt: str) -> int:
        """Write the flat events table to CSV or Parquet with DuckDB's own writer."""
        sql, params = self.events_query(EventFilter(limit=0))
        options = {"csv": "FORMAT CSV, HEADER TRUE", "parquet": "FORMAT PARQUET"}[fmt]
        escaped = path.replace("'", "''")
        self.con.execute(f"COPY ({sql}) TO '{escaped}' ({options})", params)
        return self.con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]


def open_store(path: str, read_only: bool = False) -> Store:
    """Open (creating when needed) the DuckDB store at `path`."""
    con = duckdb.connect(path, read_only=read_only)
    if not read_only:
        con.execute(_SCHEMA)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
    return Store(con, path)
