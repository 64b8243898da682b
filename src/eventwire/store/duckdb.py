"""The embedded store: one DuckDB file with documents, their facts and the links between them.

Articles are written in batches, one transaction each, that first delete whatever the same
document ids (or the same inputs, edited) had: re-ingesting replaces, never duplicates, and a crash
never leaves half a batch (store/rows.py builds the batch, store/writes.py writes it). How
processes share the file: access.py.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import duckdb

from eventwire.record import ArticleRecord, Evidence
from eventwire.store.rows import ArticleBatch, article_batch
from eventwire.store.writes import DOC_TABLES, write_batch

__all__ = ["Store", "open_store", "link_database", "ensure_schema", "SCHEMA_VERSION"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

_EVIDENCE = "evidence_text VARCHAR, section VARCHAR, caption_index INTEGER, sent_start INTEGER, sent_end INTEGER"

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY, source VARCHAR, input_kind VARCHAR, url VARCHAR, outlet VARCHAR,
    title VARCHAR, published VARCHAR, published_from VARCHAR, language VARCHAR, text VARCHAR,
    content_hash VARCHAR, record_version VARCHAR, record JSON, ingested_at TIMESTAMP,
    language_confidence DOUBLE);
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
    scope VARCHAR, period VARCHAR, source_actor VARCHAR, {_EVIDENCE}, unit VARCHAR, PRIMARY KEY (doc_id, quantity_id));
CREATE TABLE IF NOT EXISTS quotes (doc_id VARCHAR, quote_id VARCHAR, text VARCHAR, kind VARCHAR,
    speaker VARCHAR, cue VARCHAR, spoken VARCHAR, {_EVIDENCE}, PRIMARY KEY (doc_id, quote_id));
CREATE TABLE IF NOT EXISTS events (doc_id VARCHAR, event_id VARCHAR, cameo VARCHAR, cameo_name VARCHAR,
    quad_class INTEGER, goldstein DOUBLE, plover_type VARCHAR, plover_mode VARCHAR, plover_context VARCHAR,
    date_value VARCHAR, date_start VARCHAR, date_end VARCHAR, date_grain VARCHAR, date_anchor VARCHAR,
    modality VARCHAR[], place_id VARCHAR, place_how VARCHAR, trigger VARCHAR, rule VARCHAR, {_EVIDENCE},
    date_iso VARCHAR, date_iso_grain VARCHAR, acled_type VARCHAR, acled_sub_type VARCHAR,
    PRIMARY KEY (doc_id, event_id));
CREATE TABLE IF NOT EXISTS event_actors (doc_id VARCHAR, event_id VARCHAR, actor_id VARCHAR, role VARCHAR);
CREATE TABLE IF NOT EXISTS event_quantities (doc_id VARCHAR, event_id VARCHAR, quantity_id VARCHAR);
CREATE TABLE IF NOT EXISTS failures (source VARCHAR PRIMARY KEY, reason VARCHAR, failed_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS inputs (location VARCHAR PRIMARY KEY, size BIGINT, mtime_ns BIGINT,
    fingerprint VARCHAR, articles INTEGER, failed INTEGER, done_at TIMESTAMP);
"""

# Written by Store.link(), which recomputes them over the whole store (not per article).
_LINK_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS duplicate_of (doc_id VARCHAR PRIMARY KEY, duplicate_of VARCHAR, jaccard DOUBLE,
    containment DOUBLE);
CREATE TABLE IF NOT EXISTS story_events (story_id VARCHAR PRIMARY KEY, cameo_root VARCHAR, plover_type VARCHAR,
    date_start VARCHAR, date_end VARCHAR, place VARCHAR, lat DOUBLE, lon DOUBLE, actors VARCHAR[],
    num_articles INTEGER, num_sources INTEGER, num_mentions INTEGER, first_seen VARCHAR, last_seen VARCHAR);
CREATE TABLE IF NOT EXISTS story_mentions (story_id VARCHAR, doc_id VARCHAR, event_id VARCHAR, outlet VARCHAR,
    published VARCHAR, date_start VARCHAR, date_end VARCHAR, date_weak BOOLEAN, duplicate_of VARCHAR,
    {_EVIDENCE}, PRIMARY KEY (doc_id, event_id));
CREATE TABLE IF NOT EXISTS article_clusters (doc_id VARCHAR PRIMARY KEY, cluster_id VARCHAR);
"""
_LINK_TABLES = ("duplicate_of", "story_events", "story_mentions", "article_clusters")


def _ev(e: Evidence) -> tuple:
    return (e.text, e.section, e.caption_index, e.start, e.end)


class Store:
    def __init__(self, connection: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = connection
        self.path = path

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
        (outcome,) = self.write_batch(article_batch([record]))
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def write_batch(self, batch: ArticleBatch) -> list[str | Exception]:
        """Store a batch of articles in one transaction (store/writes.py); per article: 'stored',
        'replaced', 'unchanged' or the exception that kept it out. Raises on a storage fault."""
        return write_batch(self.con, batch)

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """Statements that commit together (or not at all)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self
            self.con.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        try:
            self.con.execute("ROLLBACK")
        except duckdb.Error:  # after a storage fault the instance is invalid: the first error is the one to report
            pass

    def record_failure(self, source: str, reason: str) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO failures VALUES (?, ?, ?)",
            [source, reason, datetime.now(timezone.utc).replace(tzinfo=None)])

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
        self.con.execute("INSERT OR REPLACE INTO inputs VALUES (?, ?, ?, ?, ?, ?, ?)",
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

    # ------------------------------------------------------------------ reading for the HTTP API
    # Filters are keyword arguments shared by search_events, timeline, event_points and dyads:
    # actor, source, target (CAMEO code prefix or part of a name), country (ISO-3 of an actor or of
    # the event's place), cameo (code prefix), plover (type), modality, quad_class, since, until
    # (ISO dates), bbox ((min_lon, min_lat, max_lon, max_lat) of the event's place, or a sequence of
    # such boxes), q (text in the
    # evidence sentence), doc_id. Values are assumed validated by the caller (the API).

    def _api_where(self, actor: str | None = None, source: str | None = None, target: str | None = None,
                   country: str | None = None, cameo: str | None = None, plover: str | None = None,
                   modality: str | None = None, quad_class: int | None = None, since: str | None = None,
                   until: str | None = None, bbox: Sequence[float] | None = None, q: str | None = None,
                   doc_id: str | None = None, lang: str | None = None, acled: str | None = None,
                   acled_type: str | None = None) -> tuple[str, list[Any]]:
        where: list[str] = []
        params: list[Any] = []

        # The matching actors are found first, uncorrelated, then their events: measured 2x faster
        # on 1M events than an EXISTS whose join is correlated with each event.
        def with_actor(condition: str, role: str = "") -> str:
            role_sql = f"AND x.role = '{role}'" if role else ""
            return f"""EXISTS (SELECT 1 FROM (SELECT x.doc_id, x.event_id FROM event_actors x
                SEMI JOIN (SELECT doc_id, actor_id FROM actors a WHERE {condition}) a
                    ON a.doc_id = x.doc_id AND a.actor_id = x.actor_id WHERE true {role_sql}) m
                WHERE m.doc_id = e.doc_id AND m.event_id = e.event_id)"""

        for role, value in (("", actor), ("source", source), ("target", target)):
            if value:
                # Plain string functions, not LIKE: no wildcards to escape, and DuckDB runs them faster.
                where.append(with_actor("starts_with(a.code, ?) OR contains(lower(a.name), ?)", role))
                params += [value.upper(), value.lower()]
        if country:
            where.append(f"""({with_actor("a.country = ?")}
                OR EXISTS (SELECT 1 FROM (SELECT doc_id, place_id FROM places WHERE country = ?) p
                    WHERE p.doc_id = e.doc_id AND p.place_id = e.place_id))""")
            params += [country.upper(), country.upper()]
        if cameo:
            where.append("starts_with(e.cameo, ?)")
            params.append(cameo)
        if plover:
            where.append("e.plover_type = ?")
            params.append(plover.upper())
        if acled:  # a sub-event type, or an event type
            where.append("(lower(e.acled_sub_type) = ? OR lower(e.acled_type) = ?)")
            params += [acled.lower(), acled.lower()]
        if acled_type:
            where.append("lower(e.acled_type) = ?")
            params.append(acled_type.lower())
        if modality:
            where.append("list_contains(e.modality, ?)")
            params.append(modality.lower())
        if quad_class is not None:
            where.append("e.quad_class = ?")
            params.append(int(quad_class))
        if since:
            where.append("e.date_iso >= ?")
            params.append(since)
        if until:
            where.append("e.date_iso <= ?")
            params.append(until + "\uffff")
        if bbox:
            # One box (min_lon, min_lat, max_lon, max_lat) or several (a box split at the antimeridian).
            boxes = [bbox] if isinstance(bbox[0], (int, float)) else list(bbox)
            inside = " OR ".join(["(p.lon BETWEEN ? AND ? AND p.lat BETWEEN ? AND ?)"] * len(boxes))
            where.append(f"""EXISTS (SELECT 1 FROM places p WHERE p.doc_id = e.doc_id AND p.place_id = e.place_id
                AND ({inside}))""")
            for min_lon, min_lat, max_lon, max_lat in boxes:
                params += [float(min_lon), float(max_lon), float(min_lat), float(max_lat)]
        if q:
            where.append("contains(lower(e.evidence_text), ?)")
            params.append(q.lower())
        if doc_id:
            where.append("e.doc_id = ?")
            params.append(doc_id)
        if lang:
            where.append("EXISTS (SELECT 1 FROM documents d WHERE d.doc_id = e.doc_id AND d.language = ?)")
            params.append(lang.lower())
        return ("WHERE " + " AND ".join(where)) if where else "", params

    def search_events(self, *, order: str = "desc", limit: int = 50, offset: int = 0,
                      after: Sequence[str] | None = None, **filters: Any) -> dict[str, Any]:
        """One page of events matching `filters`, newest first (order="desc") or oldest first.

        `after` is the sort key (date key, doc_id, event_id) of the last row of the previous page
        (keyset paging: stable and fast however deep); `next` in the result is the key to pass on.
        Undated events sort as the empty date: last when newest first."""
        where, params = self._api_where(**filters)
        desc = order == "desc"
        cmp, direction = ("<", "DESC") if desc else (">", "ASC")
        key = "coalesce(e.date_iso, '')"
        page_where, page_params = "", []
        if after is not None:
            page_where = ("WHERE (sort_key {0} ? OR (sort_key = ? AND (doc_id {0} ? OR "
                          "(doc_id = ? AND event_id {0} ?))))").format(cmp)
            k, d, ev = after
            page_params = [k, k, d, d, ev]
        columns = ("doc_id, event_id, date_value, date_start, date_end, date_grain, date_anchor, date_iso, date_iso_grain, cameo, cameo_name, "
                   "quad_class, goldstein, plover_type, plover_mode, modality, place_id, trigger, evidence_text, "
                   "section, caption_index, acled_type, acled_sub_type")
        order_by = f"ORDER BY sort_key {direction}, doc_id {direction}, event_id {direction}"
        limits = f"LIMIT {int(limit)} OFFSET {int(offset) if after is None else 0}"
        if not where:
            # Unfiltered: the count is free and one top-N scan brings the page's own columns.
            total = self.con.execute("SELECT count(*) FROM events").fetchone()[0]
            cur = self.con.execute(f"""SELECT * FROM (SELECT {key} AS sort_key, {columns} FROM events e)
                {page_where} {order_by} {limits}""", page_params)
            names = [c[0] for c in cur.description]
            rows = [dict(zip(names, row)) for row in cur.fetchall()]
            keys = [(r["sort_key"], r["doc_id"], r["event_id"]) for r in rows]
            items = self._event_items([(d, e) for _, d, e in keys], {(r["doc_id"], r["event_id"]): r for r in rows})
        else:
            # Filtered: the filters are evaluated once; the matching keys are materialised, counted and
            # sorted, and the page's columns fetched for its rows only. The LEFT JOIN from one row keeps
            # the total when the page is empty.
            sql = f"""
                WITH f AS MATERIALIZED (SELECT {key} AS sort_key, e.doc_id, e.event_id FROM events e {where}),
                top AS (SELECT * FROM f {page_where} {order_by} {limits})
                SELECT (SELECT count(*) FROM f) AS total, top.sort_key, top.doc_id, top.event_id
                FROM (SELECT 1) one LEFT JOIN top ON true"""
            found = self.con.execute(sql, params + page_params).fetchall()
            total = found[0][0]
            keys = [(k, d, e) for _, k, d, e in found if d is not None]
            items = self._event_items([(d, e) for _, d, e in keys])
        nxt = None
        if len(keys) == int(limit) and (int(offset) + len(keys) < total or after is not None):
            nxt = keys[-1]
        return {"total": total, "items": items, "next": nxt}

    def _event_items(self, keys: list[tuple[str, str]],
                     rows: dict[tuple[str, str], dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """The list form of these events, in this order (at most one page: the lookups use IN lists)."""
        if not keys:
            return []
        docs = sorted({d for d, _ in keys})
        marks = ", ".join("?" * len(docs))
        wanted = set(keys)

        def fetch(sql: str, copies: int = 1) -> list[dict[str, Any]]:
            cur = self.con.execute(sql, docs * copies)
            names = [c[0] for c in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

        events = rows if rows is not None else {(r["doc_id"], r["event_id"]): r for r in fetch(f"""
            SELECT doc_id, event_id, date_value, date_start, date_end, date_grain, date_anchor, date_iso, date_iso_grain, cameo, cameo_name,
                quad_class, goldstein, plover_type, plover_mode, modality, place_id, trigger, evidence_text,
                section, caption_index, acled_type, acled_sub_type FROM events WHERE doc_id IN ({marks})""")
            if (r["doc_id"], r["event_id"]) in wanted}
        sides: dict[tuple[str, str], dict[str, list]] = {}
        for r in fetch(f"""SELECT x.doc_id, x.event_id, x.role, a.actor_id, a.name, a.code
                FROM event_actors x JOIN actors a ON a.doc_id = x.doc_id AND a.actor_id = x.actor_id
                WHERE x.doc_id IN ({marks}) AND a.doc_id IN ({marks}) ORDER BY a.actor_id""", 2):
            if (r["doc_id"], r["event_id"]) in wanted:
                sides.setdefault((r["doc_id"], r["event_id"]), {"source": [], "target": []}).setdefault(
                    r["role"], []).append({"id": r["actor_id"], "name": r["name"], "code": r["code"]})
        places = {(r["doc_id"], r["place_id"]): r for r in fetch(
            f"SELECT doc_id, place_id, name, country, lat, lon FROM places WHERE doc_id IN ({marks})")}
        documents = {r["doc_id"]: r for r in fetch(
            f"SELECT doc_id, title, published, url FROM documents WHERE doc_id IN ({marks})")}
        items = []
        for doc_id, event_id in keys:
            r = events[(doc_id, event_id)]
            place = places.get((doc_id, r["place_id"])) if r["place_id"] else None
            doc = documents.get(doc_id, {})
            side = sides.get((doc_id, event_id), {})
            items.append({
                "doc_id": doc_id, "event_id": event_id,
                "date": r["date_iso"], "date_grain": r["date_iso_grain"], "timex": r["date_value"],
                "date_range": [r["date_start"], r["date_end"]] if r["date_start"] else None,
                "date_anchor": r["date_anchor"],
                "cameo": r["cameo"], "cameo_name": r["cameo_name"], "quad_class": r["quad_class"],
                "goldstein": r["goldstein"], "plover": r["plover_type"], "plover_mode": r["plover_mode"],
                "acled_type": r["acled_type"], "acled_sub_type": r["acled_sub_type"],
                "modality": list(r["modality"] or []),
                "source": side.get("source", []), "target": side.get("target", []),
                "place": {"id": r["place_id"], "name": place["name"] if place else None,
                          "country": place["country"] if place else None,
                          "lat": place["lat"] if place else None,
                          "lon": place["lon"] if place else None} if r["place_id"] else None,
                "trigger": r["trigger"], "evidence": r["evidence_text"], "section": r["section"],
                "caption_index": r["caption_index"],
                "document": {"id": doc_id, "title": doc.get("title"), "published": doc.get("published"),
                             "url": doc.get("url")},
            })
        return items

    def timeline(self, grain: str = "month", **filters: Any) -> dict[str, Any]:
        """Event counts per period (day | week | month | year) and QuadClass. A date coarser than the
        grain counts at the start of its period (a "2023-09" event on 2023-09-01 by day)."""
        if grain not in ("day", "week", "month", "year"):
            raise ValueError(f"unknown grain {grain}")
        where, params = self._api_where(**filters)
        # Counted per distinct date string first (a few thousand), then dated and grouped by period:
        # parsing a million date strings was the slow part.
        sql = f"""
            WITH per_date AS (
                SELECT e.date_iso AS k, e.quad_class, count(*) AS n
                FROM events e {where} GROUP BY ALL),
            dated AS (
                SELECT try_cast(CASE length(k) WHEN 4 THEN k || '-01-01' WHEN 7 THEN k || '-01'
                                ELSE left(k, 10) END AS DATE) AS day, quad_class, n FROM per_date)
            SELECT CAST(date_trunc('{grain}', day) AS DATE) AS period, quad_class, sum(n)::BIGINT AS n
            FROM dated GROUP BY ALL ORDER BY period NULLS LAST, quad_class"""
        series: dict[str, dict[str, Any]] = {}
        undated = 0
        for period, quad, n in self.con.execute(sql, params).fetchall():
            if period is None:
                undated += n
                continue
            slot = series.setdefault(period.isoformat(), {"period": period.isoformat(), "total": 0,
                                                          "quad_class": {"1": 0, "2": 0, "3": 0, "4": 0}})
            slot["quad_class"][str(quad) if quad else "unknown"] = n
            slot["total"] += n
        return {"grain": grain, "series": list(series.values()), "undated": undated}

    def event_points(self, limit: int = 2000, **filters: Any) -> list[dict[str, Any]]:
        """Map markers: events matching `filters` grouped by the coordinates of their place."""
        where, params = self._api_where(**filters)
        sql = f"""
            SELECT p.lat, p.lon, mode(p.name) AS name, count(*) AS n,
                count(*) FILTER (WHERE e.quad_class = 4) AS material_conflict
            FROM events e JOIN places p ON p.doc_id = e.doc_id AND p.place_id = e.place_id
            {where} {"AND" if where else "WHERE"} p.lat IS NOT NULL AND p.lon IS NOT NULL
            GROUP BY p.lat, p.lon ORDER BY n DESC, p.lat, p.lon LIMIT {int(limit)}"""
        return [{"lat": lat, "lon": lon, "name": name, "events": n, "material_conflict": mc}
                for lat, lon, name, n, mc in self.con.execute(sql, params).fetchall()]

    def dyads(self, limit: int = 200, **filters: Any) -> list[dict[str, Any]]:
        """Who did what to whom: event counts per (source code, target code, PLOVER type) over the
        events matching `filters`; a missing side is null."""
        where, params = self._api_where(**filters)
        sql = f"""
            WITH ev AS (SELECT e.doc_id, e.event_id, e.plover_type, e.cameo, e.cameo_name, e.quad_class
                        FROM events e {where}),
            sides AS (
                SELECT ev.*,
                    (SELECT list(DISTINCT a.code) FROM event_actors x JOIN actors a USING (doc_id, actor_id)
                     WHERE x.doc_id = ev.doc_id AND x.event_id = ev.event_id AND x.role = 'source') AS src,
                    (SELECT list(DISTINCT a.code) FROM event_actors x JOIN actors a USING (doc_id, actor_id)
                     WHERE x.doc_id = ev.doc_id AND x.event_id = ev.event_id AND x.role = 'target') AS tgt
                FROM ev),
            pairs AS (
                SELECT unnest(CASE WHEN src IS NULL OR len(src) = 0 THEN [NULL] ELSE src END) AS source,
                    tgt, plover_type, cameo, cameo_name, quad_class FROM sides),
            pairs2 AS (
                SELECT source, unnest(CASE WHEN tgt IS NULL OR len(tgt) = 0 THEN [NULL] ELSE tgt END) AS target,
                    plover_type, cameo, cameo_name, quad_class FROM pairs)
            SELECT source, target, plover_type, mode(cameo_name) AS example, mode(quad_class) AS quad_class,
                count(*) AS n
            FROM pairs2 GROUP BY source, target, plover_type
            ORDER BY n DESC, source NULLS LAST, target NULLS LAST, plover_type NULLS LAST LIMIT {int(limit)}"""
        return [{"source": s, "target": t, "plover": p, "example": ex, "quad_class": qc, "events": n}
                for s, t, p, ex, qc, n in self.con.execute(sql, params).fetchall()]

    def actor_counts(self, *, q: str | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
        """Actors grouped by CAMEO code, with how often they act (source) and are acted on (target)."""
        where, params = "", []
        if q:
            escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where = "WHERE a.code LIKE ? ESCAPE '\\' OR lower(a.name) LIKE ? ESCAPE '\\'"
            params = [escaped.upper() + "%", f"%{escaped.lower()}%"]
        base = f"""
            SELECT a.code, mode(a.name) AS name, list(DISTINCT a.name ORDER BY a.name)[1:5] AS names,
                any_value(a.country) AS country, any_value(a.kind) AS kind,
                count(x.event_id) FILTER (WHERE x.role = 'source') AS as_source,
                count(x.event_id) FILTER (WHERE x.role = 'target') AS as_target,
                count(DISTINCT a.doc_id) AS documents
            FROM actors a LEFT JOIN event_actors x ON x.doc_id = a.doc_id AND x.actor_id = a.actor_id
            {where} GROUP BY a.code"""
        total = self.con.execute(f"SELECT count(*) FROM ({base})", params).fetchone()[0]
        cur = self.con.execute(
            f"{base} ORDER BY as_source + as_target DESC, documents DESC, a.code "
            f"LIMIT {int(limit)} OFFSET {int(offset)}", params)
        names = [c[0] for c in cur.description]
        items = []
        for row in cur.fetchall():
            item = dict(zip(names, row))
            item["events"] = item["as_source"] + item["as_target"]
            items.append(item)
        return {"total": total, "items": items}

    def list_documents(self, *, q: str | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
        """Documents newest first, with their event counts; `q` searches titles."""
        where, params = "", []
        if q:
            escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where, params = "WHERE d.title ILIKE ? ESCAPE '\\'", [f"%{escaped}%"]
        total = self.con.execute(f"SELECT count(*) FROM documents d {where}", params).fetchone()[0]
        cur = self.con.execute(f"""
            SELECT d.doc_id AS id, d.title, d.published, d.url, d.outlet, d.source, d.input_kind,
                (SELECT count(*) FROM events e WHERE e.doc_id = d.doc_id) AS events
            FROM documents d {where} ORDER BY d.published DESC NULLS LAST, d.doc_id
            LIMIT {int(limit)} OFFSET {int(offset)}""", params)
        names = [c[0] for c in cur.description]
        return {"total": total, "items": [dict(zip(names, row)) for row in cur.fetchall()]}

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """One document: its text, captions and the evidence of each of its events."""
        row = self.con.execute("""SELECT doc_id, title, published, published_from, url, outlet, source,
            input_kind, language, text FROM documents WHERE doc_id = ?""", [doc_id]).fetchone()
        if row is None:
            return None
        keys = ("id", "title", "published", "published_from", "url", "outlet", "source", "input_kind",
                "language", "text")
        out = dict(zip(keys, row))
        out["captions"] = [{"text": t, "credit": c} for t, c in self.con.execute(
            "SELECT text, credit FROM captions WHERE doc_id = ? ORDER BY idx", [doc_id]).fetchall()]
        out["events"] = [
            {"event_id": e, "cameo": c, "cameo_name": n, "plover": p, "section": s, "caption_index": ci,
             "start": st, "end": en, "evidence": ev}
            for e, c, n, p, s, ci, st, en, ev in self.con.execute("""
                SELECT event_id, cameo, cameo_name, plover_type, section, caption_index, sent_start, sent_end,
                    evidence_text FROM events WHERE doc_id = ? ORDER BY sent_start, event_id""", [doc_id]).fetchall()]
        return out

    def event_detail(self, doc_id: str, event_id: str) -> dict[str, Any] | None:
        """One event with its evidence sentence, the spans inside it (source, target, time, place,
        quantity, trigger; offsets relative to the sentence), its actors, place and source document."""
        row = self.con.execute("""
            SELECT d.title, d.published, d.url, d.outlet, d.source, d.record FROM events e
            JOIN documents d USING (doc_id) WHERE e.doc_id = ? AND e.event_id = ?""", [doc_id, event_id]).fetchone()
        if row is None:
            return None
        title, published, url, outlet, source, record_json = row
        try:
            record = json.loads(record_json) if record_json else {}
        except ValueError:
            record = {}
        event = next((e for e in record.get("events", []) if e.get("id") == event_id), None)
        if event is None:  # a record without its JSON form: rebuild what the tables hold
            return self._event_detail_from_tables(doc_id, event_id, (title, published, url, outlet, source))
        actors = {a["id"]: a for a in record.get("actors", [])}
        places = {p["id"]: p for p in record.get("places", [])}
        quantities = {q["id"]: q for q in record.get("quantities", [])}
        ev = event["evidence"]
        where = (ev["section"], ev.get("caption_index"))
        s0, s1 = ev["start"], ev["end"]
        spans: list[dict[str, Any]] = []

        def inside(section: str, caption_index: Any, start: int, end: int) -> bool:
            return (section, caption_index) == where and s0 <= start and end <= s1

        def add(kind: str, start: int, end: int, ref: str | None, label: str) -> None:
            if 0 <= start < end <= len(ev["text"]):
                spans.append({"kind": kind, "start": start, "end": end, "text": ev["text"][start:end],
                              "ref": ref, "label": label})

        for role in ("source", "target"):
            for actor_id in event.get(role, []):
                actor = actors.get(actor_id, {})
                for m in actor.get("mentions", []):
                    if inside(m["section"], m.get("caption_index"), m["start"], m["end"]):
                        add(role, m["start"] - s0, m["end"] - s0, actor_id, f"{actor.get('name')} ({actor.get('code')})")
        place = places.get(event.get("place") or "")
        if place:
            for m in place.get("mentions", []):
                if inside(m["section"], m.get("caption_index"), m["start"], m["end"]):
                    add("place", m["start"] - s0, m["end"] - s0, place["id"], place["name"])
        date_value = (event.get("date") or {}).get("value")
        in_sentence = [t for t in record.get("times", [])
                       if inside(t["evidence"]["section"], t["evidence"].get("caption_index"), t["start"], t["end"])]
        chosen = [t for t in in_sentence if date_value and t.get("value") == date_value]
        if not chosen and (event.get("date") or {}).get("anchor") != "assumed-published":
            chosen = in_sentence
        for t in chosen:
            add("time", t["start"] - s0, t["end"] - s0, t["id"], t.get("value") or t["text"])
        for qid in event.get("quantities", []):
            quantity = quantities.get(qid)
            if quantity and (quantity["evidence"]["section"], quantity["evidence"].get("caption_index"),
                             quantity["evidence"]["start"]) == (*where, s0):
                at = ev["text"].find(quantity["text"])
                if at >= 0:
                    add("quantity", at, at + len(quantity["text"]), qid,
                        f"{quantity.get('value')} {quantity.get('category') or ''}".strip())
        cursor = 0
        for part in (event.get("trigger") or "").split("…"):
            part = part.strip()
            at = ev["text"].find(part, cursor) if part else -1
            if at >= 0:
                add("trigger", at, at + len(part), None, event.get("cameo_name") or event["cameo"]
                    or (event.get("acled") or {}).get("sub_event_type") or "")
                cursor = at + len(part)
        spans.sort(key=lambda s: (s["start"], -s["end"]))

        def actor_view(actor_id: str) -> dict[str, Any]:
            a = actors.get(actor_id, {})
            return {"id": actor_id, "name": a.get("name"), "code": a.get("code"), "country": a.get("country"),
                    "kind": a.get("kind"), "resolved_by": a.get("resolved_by")}

        return {
            "doc_id": doc_id, "event_id": event_id, "cameo": event["cameo"], "cameo_name": event.get("cameo_name"),
            "quad_class": event.get("quad_class"), "goldstein": event.get("goldstein"),
            "plover": event.get("plover"), "plover_mode": event.get("plover_mode"),
            "plover_context": event.get("plover_context"), "acled": event.get("acled"), "date": event.get("date"),
            "modality": event.get("modality", []), "rule": event.get("rule"), "trigger": event.get("trigger"),
            "source": [actor_view(a) for a in event.get("source", [])],
            "target": [actor_view(a) for a in event.get("target", [])],
            "place": ({k: place.get(k) for k in ("id", "name", "kind", "country", "lat", "lon", "resolved_by")}
                      | {"how": event.get("place_how")}) if place else None,
            "quantities": [{k: quantities[q].get(k) for k in ("id", "text", "value", "low", "high", "category",
                                                              "subject", "scope")}
                           for q in event.get("quantities", []) if q in quantities],
            "evidence": ev, "spans": spans,
            "document": {"id": doc_id, "title": title, "published": published, "url": url, "outlet": outlet,
                         "source": source},
        }

    def _event_detail_from_tables(self, doc_id: str, event_id: str, doc: tuple) -> dict[str, Any]:
        cur = self.con.execute("""SELECT e.*, p.name AS place_name, p.country AS place_country, p.lat, p.lon
            FROM events e LEFT JOIN places p ON p.doc_id = e.doc_id AND p.place_id = e.place_id
            WHERE e.doc_id = ? AND e.event_id = ?""", [doc_id, event_id])
        names = [c[0] for c in cur.description]
        e = dict(zip(names, cur.fetchone()))
        ev = {"text": e["evidence_text"], "start": e["sent_start"], "end": e["sent_end"], "section": e["section"],
              "caption_index": e["caption_index"]}
        sides: dict[str, list] = {"source": [], "target": []}
        spans = []
        for role, actor_id, name, code, country, kind, resolved_by in self.con.execute("""
                SELECT x.role, a.actor_id, a.name, a.code, a.country, a.kind, a.resolved_by FROM event_actors x
                JOIN actors a USING (doc_id, actor_id) WHERE x.doc_id = ? AND x.event_id = ?
                ORDER BY a.actor_id""", [doc_id, event_id]).fetchall():
            sides.setdefault(role, []).append({"id": actor_id, "name": name, "code": code, "country": country,
                                               "kind": kind, "resolved_by": resolved_by})
            for start, end in self.con.execute("""SELECT start_char, end_char FROM actor_mentions
                    WHERE doc_id = ? AND actor_id = ? AND section = ? AND caption_index IS NOT DISTINCT FROM ?
                    AND start_char >= ? AND end_char <= ?""",
                    [doc_id, actor_id, ev["section"], ev["caption_index"], ev["start"], ev["end"]]).fetchall():
                s, t = start - ev["start"], end - ev["start"]
                spans.append({"kind": role, "start": s, "end": t, "text": ev["text"][s:t], "ref": actor_id,
                              "label": f"{name} ({code})"})
        spans.sort(key=lambda s: (s["start"], -s["end"]))
        title, published, url, outlet, source = doc
        return {
            "doc_id": doc_id, "event_id": event_id, "cameo": e["cameo"], "cameo_name": e["cameo_name"],
            "quad_class": e["quad_class"], "goldstein": e["goldstein"], "plover": e["plover_type"],
            "plover_mode": e["plover_mode"], "plover_context": e["plover_context"],
            "date": {"value": e["date_value"], "start": e["date_start"], "end": e["date_end"],
                     "grain": e["date_grain"], "anchor": e["date_anchor"], "date": e["date_iso"],
                     "date_grain": e["date_iso_grain"]},
            "modality": list(e["modality"] or []), "rule": e["rule"], "trigger": e["trigger"],
            "source": sides["source"], "target": sides["target"],
            "place": {"id": e["place_id"], "name": e["place_name"], "country": e["place_country"],
                      "lat": e["lat"], "lon": e["lon"], "how": e["place_how"]} if e["place_id"] else None,
            "quantities": [], "evidence": ev, "spans": spans,
            "document": {"id": doc_id, "title": title, "published": published, "url": url, "outlet": outlet,
                         "source": source},
        }

    def facets(self) -> dict[str, Any]:
        """What the filters can take in this database: PLOVER types, modalities, CAMEO roots, dates."""
        plover = dict(self.con.execute(
            "SELECT plover_type, count(*) FROM events WHERE plover_type IS NOT NULL GROUP BY 1").fetchall())
        modality = dict(self.con.execute(
            "SELECT m, count(*) FROM (SELECT unnest(modality) AS m FROM events) GROUP BY 1").fetchall())
        roots = dict(self.con.execute("SELECT left(cameo, 2), count(*) FROM events GROUP BY 1").fetchall())
        first, last = self.con.execute(
            "SELECT min(date_iso), max(date_iso) FROM events").fetchone()
        return {"plover": plover, "modality": modality, "cameo_root": roots, "first_date": first, "last_date": last,
                "documents": self.count("documents"), "events": self.count("events")}

    # ------------------------------------------------------------------ linking
    def link(self, settings: Any = None, article_settings: Any = None) -> Any:
        """Recompute near-duplicates, story events and article clusters over every stored article and
        replace the link tables with them (one transaction); returns the eventwire.link.Links."""
        from eventwire.link import link_records
        from eventwire.link.load import record_from_json

        records = [record_from_json(r) for r in self.records()]
        links = link_records(records, settings, article_settings)
        self.replace_links(links)
        log.info("linked %d articles: %d near-duplicates, %d story events", len(records),
                 len(links.duplicate_of), len(links.stories))
        return links

    def replace_links(self, links: Any) -> None:
        """Replace the link tables with `links` in one transaction."""
        self.con.execute(_LINK_SCHEMA)
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table in _LINK_TABLES:
                self.con.execute(f"DELETE FROM {table}")
            self._insert_links(links)
            self.con.execute("COMMIT")
        except Exception:
            self._rollback()
            raise

    def _insert_links(self, links: Any) -> None:
        many = self.con.executemany
        pair_of = {p.doc_id: p for p in links.duplicates}
        if links.duplicate_of:
            many("INSERT INTO duplicate_of VALUES (?, ?, ?, ?)",
                 [(copy, original, getattr(pair_of.get(copy), "jaccard", None),
                   getattr(pair_of.get(copy), "containment", None))
                  for copy, original in sorted(links.duplicate_of.items())])
        if links.stories:
            many("INSERT INTO story_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 [(s.id, s.cameo_root, s.plover, s.date_start, s.date_end, s.place, s.lat, s.lon, list(s.actors),
                   s.num_articles, s.num_sources, s.num_mentions, s.first_seen, s.last_seen) for s in links.stories])
            many("INSERT INTO story_mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 [(s.id, m.doc_id, m.event_id, m.outlet, m.published, m.date_start, m.date_end, m.date_weak,
                   m.duplicate_of, *_ev(m.evidence)) for s in links.stories for m in s.mentions])
        if links.article_cluster:
            many("INSERT INTO article_clusters VALUES (?, ?)", sorted(links.article_cluster.items()))

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
    """Link every stored article of a Database (store/access.py) without holding the file while
    computing: the records are read under a read lock, the links written in one short write."""
    from eventwire.link import link_records
    from eventwire.link.load import record_from_json

    with db.reading() as store:
        records = [record_from_json(r) for r in store.records()]
    links = link_records(records, settings, article_settings)
    with db.writing() as store:
        store.replace_links(links)
    log.info("linked %d articles: %d near-duplicates, %d story events", len(records),
             len(links.duplicate_of), len(links.stories))
    return links


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables that do not exist yet (a read-write connection)."""
    con.execute(_SCHEMA)
    # Columns added since schema 1 was first written: a store made before them gains them, empty.
    con.execute("ALTER TABLE documents ADD COLUMN IF NOT EXISTS language_confidence DOUBLE")
    con.execute("ALTER TABLE events ADD COLUMN IF NOT EXISTS date_iso VARCHAR")
    con.execute("ALTER TABLE events ADD COLUMN IF NOT EXISTS date_iso_grain VARCHAR")
    con.execute("ALTER TABLE quantities ADD COLUMN IF NOT EXISTS unit VARCHAR")
    # Stores written before record 1.1 lack the ACLED columns; their events keep NULL there.
    for column in ("acled_type", "acled_sub_type"):
        con.execute(f"ALTER TABLE events ADD COLUMN IF NOT EXISTS {column} VARCHAR")
    con.execute(_LINK_SCHEMA)  # empty until `link`; exports join it
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])


def open_store(path: str, read_only: bool = False, wait: float | None = None) -> Store:
    """Open (creating when needed) the DuckDB store at `path` and keep it open until closed; waits
    up to `wait` seconds while another process holds the file (see store/access.py)."""
    from eventwire.store.access import DEFAULT_WAIT, connect

    con = connect(path, read_only=read_only, wait=DEFAULT_WAIT if wait is None else wait)
    if not read_only:
        ensure_schema(con)
    else:
        if view := legacy_view_sql(con):
            con.execute(view)
    return Store(con, path)


# Columns of the events table added since schema 1 was first written (ensure_schema adds them to a
# store opened for writing).
_LATER_EVENT_COLUMNS = ("date_iso", "date_iso_grain", "acled_type", "acled_sub_type")


def legacy_view_sql(con: duckdb.DuckDBPyConnection) -> str | None:
    """For a store written before record 1.1, which read-only cannot gain the later columns: the SQL of
    a temporary view of its events with empty ones, standing in for the table so every query runs."""
    columns = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'events'").fetchall()}
    missing = [c for c in _LATER_EVENT_COLUMNS if c not in columns]
    if not columns or not missing:
        return None
    catalog = con.execute("SELECT current_database()").fetchone()[0]
    added = ", ".join(f"NULL::VARCHAR AS {c}" for c in missing)
    return f'CREATE OR REPLACE TEMP VIEW events AS SELECT *, {added} FROM "{catalog}".main.events'
