"""The store's reads for the HTTP API, the dashboard and the CLI: events filtered, paged, counted
over time, on the map and per dyad, actors, documents, and one event with its evidence spans.

One mixin of the Store (store/duckdb.py): the SQL runs on DuckDB and on PostgreSQL, asking
self.dialect (store/dialect.py) for what the two spell differently.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from eventwire.store.schema import ACTOR_MARK

__all__ = ["EventQueries", "DocumentLookup"]

# Looks up documents' (title, published, url) by doc_id, given the doc_ids and the store's own lookup
# (EventQueries.document_refs) for those it does not know.
DocumentLookup = Callable[[Sequence[str], Callable[[Sequence[str]], dict[str, tuple[Any, Any, Any]]]],
                          dict[str, tuple[Any, Any, Any]]]


def _sentence_start(evidence: dict[str, Any]) -> int:
    """Where an evidence's sentence starts: a window of a long sentence names it in `sentence_span`."""
    return (evidence.get("sentence_span") or [evidence["start"]])[0]


# What a page of events shows of each event: its own columns and its copies of its place's fields
# and its actors (schema.DENORMALISED_COLUMNS), so a page looks up only its documents.
_PAGE_COLUMNS = ("doc_id, event_id, date_value, date_start, date_end, date_grain, date_anchor, date_iso, "
                 "date_iso_grain, cameo, cameo_name, quad_class, goldstein, plover_type, plover_mode, modality, "
                 "place_id, trigger, evidence_text, section, caption_index, acled_type, acled_sub_type, "
                 "place_name, place_country, place_lat, place_lon, page_actors")


class EventQueries:
    """Needs `con` (a connection), `dialect` and `count(table)` from the class it is mixed into."""

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

        # Each event carries copies of its actors' codes, names and countries and of its place's
        # country and coordinates (schema.DENORMALISED_COLUMNS): the filters read the events table alone.
        # A code prefix or part of a name is one strpos in a side's codes or names as one text, each
        # element preceded by ACTOR_MARK; a value holding the mark itself tests each list element.
        has = self.dialect.list_any
        for role, value in (("", actor), ("source", source), ("target", target)):
            if value:
                # Plain string functions, not LIKE: no wildcards to escape, and DuckDB runs them faster.
                roles = (role,) if role else ("source", "target")
                if ACTOR_MARK in value:
                    tests = ([has(f"e.{r}_codes", "starts_with(x, ?)") for r in roles]
                             + [has(f"e.{r}_names", "strpos(lower(x), ?) > 0") for r in roles])
                    params += [value.upper()] * len(roles) + [value.lower()] * len(roles)
                else:
                    tests = ([f"strpos(e.{r}_codes_text, ?) > 0" for r in roles]
                             + [f"strpos(lower(e.{r}_names_text), ?) > 0" for r in roles])
                    params += [ACTOR_MARK + value.upper()] * len(roles) + [value.lower()] * len(roles)
                where.append("(" + " OR ".join(tests) + ")")
        if country:
            where.append(f"({self.dialect.list_has('e.actor_countries', '?')} OR e.place_country = ?)")
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
            where.append(self.dialect.list_has("e.modality", "?"))
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
            inside = " OR ".join(["(e.place_lon BETWEEN ? AND ? AND e.place_lat BETWEEN ? AND ?)"] * len(boxes))
            where.append(f"({inside})")
            for min_lon, min_lat, max_lon, max_lat in boxes:
                params += [float(min_lon), float(max_lon), float(min_lat), float(max_lat)]
        if q:
            where.append("strpos(lower(e.evidence_text), ?) > 0")
            params.append(q.lower())
        if doc_id:
            where.append("e.doc_id = ?")
            params.append(doc_id)
        if lang:
            where.append("e.doc_language = ?")
            params.append(lang.lower())
        return ("WHERE " + " AND ".join(where)) if where else "", params

    def count_events(self, **filters: Any) -> int:
        """How many events match `filters`."""
        where, params = self._api_where(**filters)
        return self.con.execute(f"SELECT count(*) FROM events e {where}", params).fetchone()[0]

    def search_events(self, *, order: str = "desc", limit: int = 50, offset: int = 0,
                      after: Sequence[str] | None = None, total: int | None = None,
                      documents: DocumentLookup | None = None, **filters: Any) -> dict[str, Any]:
        """One page of events matching `filters`, newest first (order="desc") or oldest first;
        `total`, when the caller knows how many events match (the API's table of counts), is not
        counted again; `documents` looks up the page's documents (_event_items).

        `after` is the sort key (date key, doc_id, event_id) of the last row of the previous page
        (keyset paging: stable and fast however deep); `next` in the result is the key to pass on.
        Undated events sort as the empty date (their key is ""): last when newest first.

        The order is on the raw `date_iso` column (NULL, never "", for an undated event: store/rows.py),
        NULLs last when newest first and first when oldest first, which is the order of the empty date
        key: DuckDB then pushes the top-N's running threshold into the scan as a filter on `date_iso`,
        and in a store kept in date order (store/date_order.py) the row groups' min/max skip nearly
        all of the table (a page of 1M events: 20-35 ms of CPU -> 5-6 ms); on an expression such as
        coalesce(date_iso, '') it cannot."""
        where, params = self._api_where(**filters)
        desc = order == "desc"
        cmp, direction, nulls = ("<", "DESC", "NULLS LAST") if desc else (">", "ASC", "NULLS FIRST")
        page_where, page_params = where, list(params)
        if after is not None:
            k, d, ev = after
            same_date = f"(e.doc_id {cmp} ? OR (e.doc_id = ? AND e.event_id {cmp} ?))"
            if k == "":  # the previous page ended among the undated events
                past = (f"(e.date_iso IS NULL AND {same_date})" if desc
                        else f"(e.date_iso IS NOT NULL OR (e.date_iso IS NULL AND {same_date}))")
                past_params = [d, d, ev]
            else:
                beyond = f"e.date_iso {cmp} ? OR e.date_iso IS NULL" if desc else f"e.date_iso {cmp} ?"
                past = f"({beyond} OR (e.date_iso = ? AND {same_date}))"
                past_params = [k, k, d, d, ev]
            page_where = f"{where} AND {past}" if where else f"WHERE {past}"
            page_params += past_params
        order_by = f"ORDER BY e.date_iso {direction} {nulls}, e.doc_id {direction}, e.event_id {direction}"
        limits = f"LIMIT {int(limit)} OFFSET {int(offset) if after is None else 0}"
        # The count, then one top-N scan that brings the page's own columns with its events (DuckDB
        # reads the other columns for the top rows only): the filters are evaluated twice, which costs
        # less than finding the page's rows again by their documents (no index serves that look-up).
        if total is None:
            total = self.count_events(**filters)
        cur = self.con.execute(f"SELECT {_PAGE_COLUMNS} FROM events e {page_where} {order_by} {limits}",
                               page_params)
        names = [c[0] for c in cur.description]
        rows = [dict(zip(names, row)) for row in cur.fetchall()]
        keys = [(r["date_iso"] or "", r["doc_id"], r["event_id"]) for r in rows]
        items = self._event_items([(d, e) for _, d, e in keys], {(r["doc_id"], r["event_id"]): r for r in rows},
                                  documents)
        nxt = None
        if len(keys) == int(limit) and (int(offset) + len(keys) < total or after is not None):
            nxt = keys[-1]
        return {"total": total, "items": items, "next": nxt}

    def document_refs(self, doc_ids: Sequence[str]) -> dict[str, tuple[Any, Any, Any]]:
        """The title, published date and url of each of these documents (at most a page's: an IN list)
        that the store holds, by doc_id."""
        if not doc_ids:
            return {}
        marks = ", ".join("?" * len(doc_ids))
        return {d: (title, published, url) for d, title, published, url in self.con.execute(
            f"SELECT doc_id, title, published, url FROM documents WHERE doc_id IN ({marks})", list(doc_ids)).fetchall()}

    def _event_items(self, keys: list[tuple[str, str]],
                     rows: dict[tuple[str, str], dict[str, Any]] | None = None,
                     documents: DocumentLookup | None = None) -> list[dict[str, Any]]:
        """The list form of these events, in this order (at most one page: the lookups use IN lists).
        `documents(doc_ids, document_refs)` gives the documents' fields as document_refs does
        (the API keeps those it has read: api/cache.py KeptValues); by default, document_refs."""
        if not keys:
            return []
        docs = sorted({d for d, _ in keys})
        wanted = set(keys)

        def fetch(sql: str) -> list[dict[str, Any]]:
            cur = self.con.execute(sql, docs)
            names = [c[0] for c in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

        events = rows if rows is not None else {(r["doc_id"], r["event_id"]): r for r in fetch(
            f"SELECT {_PAGE_COLUMNS} FROM events WHERE doc_id IN ({', '.join('?' * len(docs))})")
            if (r["doc_id"], r["event_id"]) in wanted}
        refs = documents(docs, self.document_refs) if documents is not None else self.document_refs(docs)
        items = []
        for doc_id, event_id in keys:
            r = events[(doc_id, event_id)]
            title, published, url = refs.get(doc_id, (None, None, None))
            side = json.loads(r["page_actors"]) if r["page_actors"] else {}
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
                "place": {"id": r["place_id"], "name": r["place_name"], "country": r["place_country"],
                          "lat": r["place_lat"], "lon": r["place_lon"]} if r["place_id"] else None,
                "trigger": r["trigger"], "evidence": r["evidence_text"], "section": r["section"],
                "caption_index": r["caption_index"],
                "document": {"id": doc_id, "title": title, "published": published, "url": url},
            })
        return items

    def timeline(self, grain: str = "month", **filters: Any) -> dict[str, Any]:
        """Event counts per period (day | week | month | year) and QuadClass. A date coarser than the
        grain counts at the start of its period (a "2023-09" event on 2023-09-01 by day)."""
        if grain not in ("day", "week", "month", "year"):
            raise ValueError(f"unknown grain {grain}")
        where, params = self._api_where(**filters)
        # Counted per distinct date string first (a few thousand), then dated and grouped by period:
        # parsing a million date strings was the slow part. One row per period, its QuadClasses as
        # columns (a loop over a row per period and class was 17 ms of a daily timeline's 40); a class
        # other than 1-4 or none (not in the codebook) comes as a list, in the order a row per class
        # gave it, 0 naming "unknown" as no class does.
        known = ", ".join(f"CAST(coalesce(sum(n) FILTER (WHERE quad_class = {q}), 0) AS BIGINT)" for q in range(1, 5))
        other = "quad_class IS NOT NULL AND quad_class NOT IN (1, 2, 3, 4)"
        sql = f"""
            WITH per_date AS (
                SELECT e.date_iso AS k, e.quad_class, count(*) AS n
                FROM events e {where} GROUP BY 1, 2),
            dated AS (
                SELECT {self.dialect.try_date("CASE length(k) WHEN 4 THEN k || '-01-01' WHEN 7 THEN k || '-01' "
                                              "ELSE left(k, 10) END")} AS day, quad_class, n FROM per_date),
            per_class AS (
                SELECT CAST(date_trunc('{grain}', day) AS DATE) AS period, quad_class, sum(n)::BIGINT AS n
                FROM dated GROUP BY 1, 2)
            SELECT period, CAST(sum(n) AS BIGINT), {known},
                CAST(sum(n) FILTER (WHERE quad_class IS NULL) AS BIGINT),
                array_agg(quad_class ORDER BY quad_class) FILTER (WHERE {other}),
                array_agg(n ORDER BY quad_class) FILTER (WHERE {other})
            FROM per_class GROUP BY period ORDER BY period NULLS LAST"""
        series = []
        undated = 0
        for period, total, q1, q2, q3, q4, unknown, others, other_counts in self.con.execute(sql, params).fetchall():
            if period is None:
                undated += total
                continue
            classes = {"1": q1, "2": q2, "3": q3, "4": q4}
            for quad, n in zip(others or (), other_counts or ()):
                classes[str(quad) if quad else "unknown"] = n
            if unknown is not None:
                classes["unknown"] = unknown
            series.append({"period": period.isoformat(), "total": total, "quad_class": classes})
        return {"grain": grain, "series": series, "undated": undated}

    def event_points(self, limit: int = 2000, **filters: Any) -> list[dict[str, Any]]:
        """Map markers: events matching `filters` grouped by the coordinates of their place, each named
        by its most frequent place name, the smallest on a tie (as PostgreSQL's mode() gives)."""
        where, params = self._api_where(**filters)
        # The events' copies of their place's name and coordinates (schema.DENORMALISED_COLUMNS): no join
        # to places (a third of the CPU). An event whose place has no row has no coordinates either.
        # Counted once per (coordinates, name): the top markers and each one's name come from those
        # (DuckDB's mode() broke ties by the order its threads delivered rows: names changed between runs).
        sql = f"""
            WITH named AS (SELECT e.place_lat AS lat, e.place_lon AS lon, e.place_name AS name, count(*) AS n,
                    count(*) FILTER (WHERE e.quad_class = 4) AS material_conflict
                FROM events e
                {where} {"AND" if where else "WHERE"} e.place_lat IS NOT NULL AND e.place_lon IS NOT NULL
                GROUP BY e.place_lat, e.place_lon, e.place_name),
            top AS (SELECT lat, lon, CAST(sum(n) AS BIGINT) AS n, CAST(sum(material_conflict) AS BIGINT) AS mc
                FROM named GROUP BY lat, lon ORDER BY n DESC, lat, lon LIMIT {int(limit)}),
            ranked AS (SELECT x.lat, x.lon, x.name,
                    row_number() OVER (PARTITION BY x.lat, x.lon ORDER BY x.n DESC, x.name) AS r
                FROM named x JOIN top t ON t.lat = x.lat AND t.lon = x.lon WHERE x.name IS NOT NULL)
            SELECT t.lat, t.lon, r.name, t.n, t.mc FROM top t
                LEFT JOIN ranked r ON r.lat = t.lat AND r.lon = t.lon AND r.r = 1
            ORDER BY t.n DESC, t.lat, t.lon"""
        return [{"lat": lat, "lon": lon, "name": name, "events": n, "material_conflict": mc}
                for lat, lon, name, n, mc in self.con.execute(sql, params).fetchall()]

    def dyads(self, limit: int = 200, **filters: Any) -> list[dict[str, Any]]:
        """Who did what to whom: event counts per (source code, target code, PLOVER type) over the
        events matching `filters`; a missing side is null. Each dyad's example is its most frequent
        CAMEO name and QuadClass, the smallest on a tie (as PostgreSQL's mode() gives)."""
        where, params = self._api_where(**filters)
        return self.dyads_of(f"SELECT e.source_codes, e.target_codes, e.plover_type, e.cameo_name, e.quad_class, "
                             f"1 AS n FROM events e {where}", params, limit, counted="count(*)")

    def dyads_of(self, rows: str, params: list[Any], limit: int, counted: str = "sum(n)") -> list[dict[str, Any]]:
        """dyads() over `rows`: a query of (source_codes, target_codes, plover_type, cameo_name,
        quad_class, n), each row standing for n events (api/facet_table.py gives the matching events
        grouped; `counted` is count(*) when each row is one event)."""
        # Each event's distinct source codes times its distinct target codes (a side without an
        # actor, or with one without a code, is NULL), from its copies of them (store/schema.py).
        # Counted once per (dyad, CAMEO name, QuadClass), a few thousand rows: the top dyads and the
        # most frequent name and class of each come from those (mode() per dyad over every pair was
        # two thirds of the time, and DuckDB's broke ties differently from one run to the next).
        d = self.dialect
        dyad = "source, target, plover_type"
        same = " AND ".join(f"x.{c} IS NOT DISTINCT FROM t.{c}" for c in ("source", "target", "plover_type"))

        def most_frequent(column: str) -> str:
            return f"""(SELECT x.v FROM (SELECT {dyad}, {column} AS v, sum(n) AS n FROM counted
                WHERE {column} IS NOT NULL GROUP BY {dyad}, {column}) AS x
                WHERE {same} ORDER BY x.n DESC, x.v LIMIT 1)"""

        sql = f"""
            WITH ev AS (SELECT {d.each_once("r.source_codes")} AS sources, {d.each_once("r.target_codes")} AS targets,
                            r.plover_type, r.cameo_name, r.quad_class, r.n FROM ({rows}) AS r),
            sourced AS (SELECT unnest(sources) AS source, targets, plover_type, cameo_name, quad_class, n FROM ev),
            pairs AS (SELECT source, unnest(targets) AS target, plover_type, cameo_name, quad_class, n FROM sourced),
            counted AS (SELECT {dyad}, cameo_name, quad_class, {counted} AS n FROM pairs
                GROUP BY {dyad}, cameo_name, quad_class),
            top AS (SELECT {dyad}, CAST(sum(n) AS BIGINT) AS n FROM counted GROUP BY {dyad}
                ORDER BY n DESC, source NULLS LAST, target NULLS LAST, plover_type NULLS LAST LIMIT {int(limit)})
            SELECT t.source, t.target, t.plover_type, {most_frequent("cameo_name")} AS example,
                {most_frequent("quad_class")} AS quad_class, t.n
            FROM top t ORDER BY t.n DESC, t.source NULLS LAST, t.target NULLS LAST, t.plover_type NULLS LAST"""
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
            SELECT a.code, {self.dialect.mode("a.name")} AS name,
                (array_agg(DISTINCT a.name ORDER BY a.name))[1:5] AS names,
                {self.dialect.any_value("a.country")} AS country, {self.dialect.any_value("a.kind")} AS kind,
                count(x.event_id) FILTER (WHERE x.role = 'source') AS as_source,
                count(x.event_id) FILTER (WHERE x.role = 'target') AS as_target,
                count(DISTINCT a.doc_id) AS documents
            FROM actors a LEFT JOIN event_actors x ON x.doc_id = a.doc_id AND x.actor_id = a.actor_id
            {where} GROUP BY a.code"""
        total = self.con.execute(f"SELECT count(*) FROM ({base}) AS grouped", params).fetchone()[0]
        cur = self.con.execute(
            f"SELECT * FROM ({base}) AS grouped ORDER BY as_source + as_target DESC, documents DESC, code "
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
                             _sentence_start(quantity["evidence"])) == (*where, _sentence_start(ev)):
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
        """What the filters can take in this database: PLOVER types, modalities, CAMEO roots (each in
        value order, whatever order the grouping gives on however many threads), dates."""
        plover = dict(self.con.execute(
            "SELECT plover_type, count(*) FROM events WHERE plover_type IS NOT NULL GROUP BY 1 ORDER BY 1").fetchall())
        modality = dict(self.con.execute(
            "SELECT m, count(*) FROM (SELECT unnest(modality) AS m FROM events) AS listed GROUP BY 1 ORDER BY 1"
        ).fetchall())
        roots = dict(self.con.execute("SELECT left(cameo, 2), count(*) FROM events GROUP BY 1 ORDER BY 1").fetchall())
        first, last = self.con.execute(
            "SELECT min(date_iso), max(date_iso) FROM events").fetchone()
        return {"plover": plover, "modality": modality, "cameo_root": roots, "first_date": first, "last_date": last,
                "documents": self.count("documents"), "events": self.count("events")}
