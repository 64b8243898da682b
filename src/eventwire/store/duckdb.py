"""The embedded store: one DuckDB file with documents, their facts and the links between them.

Every article is written in one transaction that first deletes whatever the same document id
(or the same input, edited: see Store._earlier_versions) had: re-ingesting replaces, never
duplicates, and a crash never leaves half an article. How processes share the file: access.py.
The same Store runs on PostgreSQL (store/postgres.py): the tables are defined in store/schema.py,
the reads for the API are in store/queries.py, and store/dialect.py says what the two spell
differently.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any


from eventwire.ground.event_dates import with_calendar_date
from eventwire.record import ArticleRecord, Evidence, to_json
from eventwire.store.dialect import dialect_of
from eventwire.store.postgres import advisory_lock, is_postgres_url
from eventwire.store.queries import EventQueries
from eventwire.store.schema import (DOC_TABLES, EVENT_COLUMNS, LINK_SCHEMA, LINK_TABLES, SCHEMA_VERSION,
                                    ensure_schema, legacy_view_sql)

__all__ = ["Store", "open_store", "link_database", "ensure_schema", "EventFilter", "SCHEMA_VERSION", "copy_query"]

log = logging.getLogger(__name__)


def _calendar(when: dict[str, str | None]) -> tuple[str | None, str | None]:
    """An event's ISO date and grain: as coded, else from its TIMEX value (records made by hand)."""
    if "date" not in when:
        when = with_calendar_date(when)
    return when.get("date"), when.get("date_grain")


def _ev(e: Evidence) -> tuple:
    return (e.text, e.section, e.caption_index, e.start, e.end)


@dataclass(frozen=True)
class EventFilter:
    actor: str | None = None  # matches an actor's code prefix or a substring of its name
    country: str | None = None  # ISO-3 of the source or target actor, or of the event's place
    cameo: str | None = None  # code prefix: "19" matches 190, 193, ...
    since: str | None = None  # ISO date, compared with the event date
    until: str | None = None
    limit: int = 100
    lang: str | None = None  # ISO 639-1 language of the event's document
    acled: str | None = None  # ACLED event type or sub-event type (case-insensitive)


class Store(EventQueries):
    def __init__(self, connection: Any, path: str) -> None:
        self.con = connection  # a DuckDB connection or cursor, or a postgres.PostgresConnection
        self.path = path
        self.dialect = dialect_of(connection)

    def close(self) -> None:
        self.con.close()

    # An open Store stands in for a Database (store/access.py): reads and writes use it as it is.
    @contextmanager
    def reading(self) -> Iterator["Store"]:
        yield self

    @contextmanager
    def writing(self) -> Iterator["Store"]:
        yield self

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
            # PostgreSQL: writers of the same document or input wait for each other (DuckDB has one writer).
            advisory_lock(self.con, "doc:" + doc.id, "source:" + (doc.source or ""))
            earlier = self._earlier_versions(record)
            for doc_id in (doc.id, *earlier):
                for table in DOC_TABLES:
                    self.con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc_id])
            self._insert(record)
            self.con.execute("DELETE FROM failures WHERE source = ?", [doc.source])
            self.con.execute("COMMIT")
        except Exception:
            self._rollback()
            raise
        return "stored" if row is None and not earlier else "replaced"

    def _earlier_versions(self, record: ArticleRecord) -> list[str]:
        """Documents this article replaces though their id differs: what the same input (its
        source) gave before it was edited. Without a URL the id follows the content, so an edited
        file gets a new id; a document with a URL is its own unless the edited single-article file
        no longer names one. Two URLs are two articles, as when a feed moves on. "<stdin>"-like
        sources name no input."""
        doc = record.document
        if not doc.source or doc.source.startswith("<"):
            return []
        return [r[0] for r in self.con.execute(
            "SELECT doc_id FROM documents WHERE source = ? AND doc_id <> ? "
            "AND (url IS NULL OR (? AND input_kind IN ('text', 'html')))",
            [doc.source, doc.id, not doc.url]).fetchall()]

    def _rollback(self) -> None:
        try:
            self.con.execute("ROLLBACK")
        except Exception:  # after a storage fault the instance is invalid: the first error is the one to report
            pass

    def _insert(self, record: ArticleRecord) -> None:
        doc = record.document
        d = doc.id
        many = self.con.executemany
        self.con.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [d, doc.source, doc.input_kind, doc.url, doc.outlet, doc.title, doc.published,
             doc.published_from, doc.language, doc.text, doc.content_hash, record.record_version,
             json.dumps(to_json(record), ensure_ascii=False), datetime.now(timezone.utc).replace(tzinfo=None),
             doc.language_confidence])
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
            mentions = [(d, a.id, m.text, m.section, m.caption_index, m.start, m.end, m.sentence)
                        for a in record.actors for m in a.mentions]
            if mentions:  # DuckDB's executemany refuses an empty list
                many("INSERT INTO actor_mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?)", mentions)
        if record.places:
            many("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 [(d, p.id, p.name, p.kind, p.country, p.admin1, p.lat, p.lon, p.geonames_id, p.resolved_by,
                   *_ev(p.evidence)) for p in record.places])
        if record.times:
            many("INSERT INTO times VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 [(d, t.id, t.text, t.value, t.grain, t.anchor, t.start, t.end, t.range_start, t.range_end,
                   *_ev(t.evidence)) for t in record.times])
        if record.quantities:
            many("INSERT INTO quantities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 [(d, q.id, q.text, q.value, q.low, q.high, q.approximate, q.subject, q.category, q.scope,
                   q.period, q.source, *_ev(q.evidence), q.unit) for q in record.quantities])
        if record.quotes:
            many("INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 [(d, q.id, q.text, q.kind, q.speaker, q.cue, q.spoken, *_ev(q.evidence))
                  for q in record.quotes])
        if record.events:
            many(f"INSERT INTO events ({EVENT_COLUMNS}) VALUES ({', '.join(['?'] * 28)})",
                 [(d, e.id, e.cameo, e.cameo_name, e.quad_class, e.goldstein, e.plover, e.plover_mode,
                   e.plover_context, e.date.get("value"), e.date.get("start"), e.date.get("end"),
                   e.date.get("grain"), e.date.get("anchor"), list(e.modality), e.place, e.place_how,
                   e.trigger, e.rule, *_ev(e.evidence), *_calendar(e.date),
                   e.acled.event_type if e.acled else None,
                   e.acled.sub_event_type if e.acled else None) for e in record.events])
            links = [(d, e.id, a, "source") for e in record.events for a in e.source]
            links += [(d, e.id, a, "target") for e in record.events for a in e.target]
            if links:
                many("INSERT INTO event_actors VALUES (?, ?, ?, ?)", links)
            qlinks = [(d, e.id, q) for e in record.events for q in e.quantities]
            if qlinks:
                many("INSERT INTO event_quantities VALUES (?, ?, ?)", qlinks)

    def record_failure(self, source: str, reason: str) -> None:
        self.con.execute(
            "INSERT INTO failures VALUES (?, ?, ?) ON CONFLICT (source) DO UPDATE SET reason = excluded.reason, "
            "failed_at = excluded.failed_at", [source, reason, datetime.now(timezone.utc).replace(tzinfo=None)])

    # ------------------------------------------------------------------ inputs (resuming a run)
    def input_done(self, location: str, size: int | None, mtime_ns: int | None,
                   fingerprint: str) -> tuple[int, int] | None:
        """(articles, failures) when this input, with this size and mtime, was fully processed with
        these settings; else None."""
        if size is None or mtime_ns is None:
            return None
        row = self.con.execute("SELECT size, mtime_ns, fingerprint, articles, failed FROM inputs WHERE location = ?",
                               [location]).fetchone()
        if row is None or tuple(row[:3]) != (size, mtime_ns, fingerprint):
            return None
        return row[3], row[4]

    def mark_input(self, location: str, size: int | None, mtime_ns: int | None, fingerprint: str,
                   articles: int, failed: int) -> None:
        """Record an input as fully processed (after all its articles and failures are written)."""
        self.con.execute("INSERT INTO inputs VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (location) DO UPDATE SET "
                         "size = excluded.size, mtime_ns = excluded.mtime_ns, fingerprint = excluded.fingerprint, "
                         "articles = excluded.articles, failed = excluded.failed, done_at = excluded.done_at",
                         [location, size, mtime_ns, fingerprint, articles, failed,
                          datetime.now(timezone.utc).replace(tzinfo=None)])

    def clear_failures(self, location: str) -> None:
        """Forget the failures of an input (and of its entries "loc#n", "loc:line") before it is re-read."""
        escaped = location.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        self.con.execute("DELETE FROM failures WHERE source = ? OR source LIKE ? ESCAPE '\\' OR source LIKE ? ESCAPE '\\'",
                         [location, escaped + "#%", escaped + ":%"])

    def failures(self) -> list[tuple[str, str]]:
        return [tuple(r) for r in self.con.execute("SELECT source, reason FROM failures ORDER BY source").fetchall()]

    # ------------------------------------------------------------------ reading
    def count(self, table: str) -> int:
        if table not in DOC_TABLES + ("failures", "inputs"):
            raise ValueError(f"unknown table {table}")
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def records(self, lang: str | None = None) -> Iterator[dict[str, Any]]:
        where, params = ("WHERE language = ?", [lang.lower()]) if lang else ("", [])
        for (text,) in self.con.execute(f"SELECT record FROM documents {where} ORDER BY published, doc_id",
                                        params).fetchall():
            yield json.loads(text)

    def events_query(self, flt: EventFilter) -> tuple[str, list[Any]]:
        """SQL for the flat events table (one row per event, actor codes aggregated) and its params."""
        where, params = [], []
        if flt.cameo:
            where.append("e.cameo LIKE ?")
            params.append(flt.cameo + "%")
        if flt.acled:
            where.append("(lower(e.acled_sub_type) = ? OR lower(e.acled_type) = ?)")
            params += [flt.acled.lower(), flt.acled.lower()]
        if flt.since:
            where.append("e.date_iso >= ?")
            params.append(flt.since)
        if flt.until:
            where.append("e.date_iso <= ?")
            params.append(flt.until + "\uffff")
        if flt.lang:
            where.append("d.language = ?")
            params.append(flt.lang.lower())
        if flt.actor:
            where.append("""EXISTS (SELECT 1 FROM event_actors x JOIN actors a USING (doc_id, actor_id)
                WHERE x.doc_id = e.doc_id AND x.event_id = e.event_id
                AND (a.code LIKE ? OR lower(a.name) LIKE ?))""")
            params += [flt.actor.upper() + "%", f"%{flt.actor.lower()}%"]
        if flt.country:  # as everywhere (eventwire/filters.py): an actor's country or the place's
            where.append("""(EXISTS (SELECT 1 FROM event_actors x JOIN actors a USING (doc_id, actor_id)
                WHERE x.doc_id = e.doc_id AND x.event_id = e.event_id AND a.country = ?)
                OR EXISTS (SELECT 1 FROM places p WHERE p.doc_id = e.doc_id AND p.place_id = e.place_id
                AND p.country = ?))""")
            params += [flt.country.upper(), flt.country.upper()]
        sql = f"""
            SELECT e.doc_id, e.event_id, e.date_iso AS date, e.date_iso_grain AS date_grain, e.date_value AS timex, e.date_anchor,
                e.cameo, e.cameo_name, e.quad_class, e.goldstein, e.plover_type, e.plover_mode,
                e.acled_type, e.acled_sub_type,
                (SELECT string_agg(a.code, ';' ORDER BY a.actor_id) FROM event_actors x
                   JOIN actors a USING (doc_id, actor_id)
                   WHERE x.doc_id = e.doc_id AND x.event_id = e.event_id AND x.role = 'source') AS source,
                (SELECT string_agg(a.code, ';' ORDER BY a.actor_id) FROM event_actors x
                   JOIN actors a USING (doc_id, actor_id)
                   WHERE x.doc_id = e.doc_id AND x.event_id = e.event_id AND x.role = 'target') AS target,
                array_to_string(e.modality, ';') AS modality, p.name AS place, p.lat, p.lon,
                e.evidence_text AS evidence, e.section, e.rule, d.title, d.url, d.source AS input,
                sm.story_id, se.num_articles AS story_articles, se.num_sources AS story_sources
            FROM events e JOIN documents d USING (doc_id)
            LEFT JOIN places p ON p.doc_id = e.doc_id AND p.place_id = e.place_id
            LEFT JOIN story_mentions sm ON sm.doc_id = e.doc_id AND sm.event_id = e.event_id
            LEFT JOIN story_events se ON se.story_id = sm.story_id
            {"WHERE " + " AND ".join(where) if where else ""}
            ORDER BY date NULLS LAST, e.doc_id, e.event_id"""
        return sql, params

    def events(self, flt: EventFilter = EventFilter()) -> list[dict[str, Any]]:
        sql, params = self.events_query(flt)
        cur = self.con.execute(sql + f" LIMIT {int(flt.limit)}", params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def copy_events(self, path: str, fmt: str, lang: str | None = None) -> int:
        """Write the flat events table to CSV or Parquet with DuckDB's own writer."""
        sql, params = self.events_query(EventFilter(limit=0, lang=lang))
        options = {"csv": "FORMAT CSV, HEADER TRUE", "parquet": "FORMAT PARQUET"}[fmt]
        return copy_query(self.con, sql, params, path, options)


    # ------------------------------------------------------------------ linking
    def link(self, settings: Any = None, article_settings: Any = None) -> Any:
        """Recompute near-duplicates, story events and article clusters over every stored article and
        replace the link tables with them (one transaction); returns the eventwire.link.Links."""
        from eventwire.link.database import link_database

        return link_database(self, settings, article_settings)

    def replace_links(self, links: Any) -> None:
        """Replace the link tables with `links` in one transaction."""
        from eventwire.link.database import write_links

        write_links(self.con, links)

    def story_events(self, min_articles: int = 1, limit: int = 100) -> list[dict[str, Any]]:
        """Story events with at least `min_articles` articles, most reported first (after `link`)."""
        if not self._has_links():
            return []
        cur = self.con.execute(
            "SELECT * FROM story_events WHERE num_articles >= ? "
            "ORDER BY num_articles DESC, num_sources DESC, first_seen, story_id LIMIT ?", [min_articles, limit])
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def story_mentions(self, story_id: str) -> list[dict[str, Any]]:
        """The mentions of one story event with their evidence (after `link`)."""
        if not self._has_links():
            return []
        cur = self.con.execute(
            "SELECT * FROM story_mentions WHERE story_id = ? ORDER BY published, doc_id, event_id", [story_id])
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def story_counts(self) -> dict[tuple[str, str], tuple[str, int, int, int]]:
        """(doc id, event id) -> (story id, mentions, sources, articles) for linked events."""
        if not self._has_links():
            return {}
        rows = self.con.execute(
            "SELECT m.doc_id, m.event_id, s.story_id, s.num_mentions, s.num_sources, s.num_articles "
            "FROM story_mentions m JOIN story_events s USING (story_id)").fetchall()
        return {(d, e): (sid, nm, ns, na) for d, e, sid, nm, ns, na in rows}

    def _has_links(self) -> bool:
        return bool(self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'story_events'").fetchone()[0])


def link_database(db: Any, settings: Any = None, article_settings: Any = None) -> Any:
    """Link every stored article of a Database (store/access.py): eventwire.link.database."""
    from eventwire.link.database import link_database as link

    return link(db, settings, article_settings)



def copy_query(con: Any, sql: str, params: list[Any], path: str, options: str) -> int:
    """Write the result of a query to `path` with DuckDB's COPY `options` (CSV, Parquet, JSON);
    returns its row count."""
    if dialect_of(con).name == "postgresql":
        from eventwire.store.postgres import copy_to_file

        copy_to_file(con, sql, params, path, options)
    else:
        escaped = path.replace("'", "''")
        con.execute(f"COPY ({sql}) TO '{escaped}' ({options})", params)
    return con.execute(f"SELECT count(*) FROM ({sql}) AS counted", params).fetchone()[0]


def open_store(path: str, read_only: bool = False, wait: float | None = None) -> Store:
    """Open (creating when needed) the DuckDB store at `path`, or the PostgreSQL store at a
    postgresql:// URL, and keep it open until closed; waits up to `wait` seconds while another
    process holds a DuckDB file (see store/access.py)."""
    from eventwire.store.access import DEFAULT_WAIT, connect

    if is_postgres_url(path):
        from eventwire.store.postgres import PostgresConnection

        pg = PostgresConnection(path)
        if not read_only:
            ensure_schema(pg)
        return Store(pg, path)

    con = connect(path, read_only=read_only, wait=DEFAULT_WAIT if wait is None else wait)
    if not read_only:
        ensure_schema(con)
    else:
        if view := legacy_view_sql(con):
            con.execute(view)
    return Store(con, path)
