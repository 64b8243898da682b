"""Read-only views over the store for the dashboard and analysts: facet counts, casualty totals,
events sorted by a column, and an actor's page. Each takes the same filter keywords as
Store.search_events (eventwire/filters.py says what they mean)."""
from __future__ import annotations

from typing import Any

__all__ = ["facet_counts", "totals", "sorted_events", "actor_page", "SORT_COLUMNS"]

# Sortable columns of the events table: the SQL of each, over events e (NULLs sort last).
_FIRST_ACTOR = """(SELECT min(a.code) FROM event_actors x JOIN actors a USING (doc_id, actor_id)
    WHERE x.doc_id = e.doc_id AND x.event_id = e.event_id AND x.role = '{role}')"""
SORT_COLUMNS = {
    "date": "coalesce(e.date_value, e.date_start)",
    "cameo": "e.cameo",
    "quad_class": "e.quad_class",
    "goldstein": "e.goldstein",
    "plover": "e.plover_type",
    "modality": "array_to_string(e.modality, ';')",
    "place": "(SELECT p.name FROM places p WHERE p.doc_id = e.doc_id AND p.place_id = e.place_id)",
    "source": _FIRST_ACTOR.format(role="source"),
    "target": _FIRST_ACTOR.format(role="target"),
}
_CASUALTIES = ("killed", "injured", "displaced", "arrested")


def _rows(store, sql: str, params: list[Any]) -> list[tuple]:
    return store.con.execute(sql, params).fetchall()


def facet_counts(store, limit: int = 12, counted: Any = None, **filters: Any) -> dict[str, list[dict[str, Any]]]:
    """For the events matching `filters`: the most frequent values of country (an actor's or the
    place's, counted once per event), actor code, CAMEO root, QuadClass, modality, PLOVER type and
    document language, each with its event count. `counted` (a generation's table of counts,
    api/facet_table.py, on DuckDB) is read instead of the events when it can tell."""
    if counted is not None:
        from eventwire.api.facet_table import table_facet_counts

        answer = table_facet_counts(store, counted, limit, **filters)
        if answer is not None:
            return answer
    where, params = store._api_where(**filters)
    # One query: the matching events are found once, and each facet ranked over them; the events'
    # copies of their actors', place's and document's fields (store/schema.py) spare the joins, and
    # hold each country and actor code of an event once: counting is unnesting.
    grouped = {
        "country": "SELECT v, count(*) AS n FROM (SELECT unnest(countries) AS v FROM m) AS listed GROUP BY v",
        "actor": "SELECT v, count(*) AS n FROM (SELECT unnest(actor_codes) AS v FROM m) AS listed GROUP BY v",
        # By code first (a few hundred), then by root: taking the root of each event's code was slower.
        "cameo_root": """SELECT left(cameo, 2) AS v, sum(n)::BIGINT AS n
            FROM (SELECT cameo, count(*) AS n FROM m GROUP BY 1) AS coded GROUP BY 1""",
        "quad_class": "SELECT CAST(quad_class AS VARCHAR) AS v, count(*) AS n FROM m WHERE quad_class IS NOT NULL GROUP BY 1",
        "modality": "SELECT v, count(*) AS n FROM (SELECT unnest(modality) AS v FROM m) AS listed GROUP BY v",
        "plover": "SELECT plover_type AS v, count(*) AS n FROM m WHERE plover_type IS NOT NULL GROUP BY 1",
        "language": "SELECT doc_language AS v, count(*) AS n FROM m WHERE doc_language IS NOT NULL GROUP BY 1",
    }
    ranked = " UNION ALL ".join(
        f"""SELECT * FROM (SELECT '{facet}' AS facet, v, n,
                row_number() OVER (ORDER BY {"v" if facet == "quad_class" else "n DESC, v"}) AS r
            FROM ({sql}) AS g) AS {facet}_ranked WHERE {f"r <= {int(limit)}" if facet != "quad_class" else "true"}"""
        for facet, sql in grouped.items())
    # The matching events kept once when filtered (evaluating the filters seven times cost more); all
    # of them read seven times when not (copying a million events' lists cost more: 440 -> 250 ms).
    kept = "MATERIALIZED" if where else "NOT MATERIALIZED"
    sql = f"""WITH m AS {kept} (SELECT e.cameo, e.quad_class, e.modality,
            e.plover_type, e.countries, e.actor_codes, e.doc_language FROM events e {where})
        {ranked}"""
    rows = _rows(store, sql, params)
    out: dict[str, list[dict[str, Any]]] = {facet: [] for facet in grouped}
    for facet, v, n, _ in sorted(rows, key=lambda row: (row[0], row[3])):
        out[facet].append({"value": v, "events": n})
    return out


def totals(store, **filters: Any) -> dict[str, Any]:
    """Events and articles matching `filters`, and the people killed, injured, displaced and arrested
    in them: each stated figure counted once even when several events share it."""
    where, params = store._api_where(**filters)
    events, documents = _rows(store, f"SELECT count(*), count(DISTINCT e.doc_id) FROM events e {where}", params)[0]
    sums = dict(_rows(store, f"""
        WITH m AS (SELECT e.doc_id, e.event_id FROM events e {where}),
        q AS (SELECT DISTINCT q.doc_id, q.quantity_id, q.category, q.value FROM m
              JOIN event_quantities y ON y.doc_id = m.doc_id AND y.event_id = m.event_id
              JOIN quantities q ON q.doc_id = y.doc_id AND q.quantity_id = y.quantity_id
              WHERE q.value IS NOT NULL)
        SELECT category, CAST(round(sum(value)) AS BIGINT) FROM q GROUP BY category""", params))
    return {"events": events, "documents": documents, **{c: int(sums.get(c) or 0) for c in _CASUALTIES}}


def sorted_events(store, sort: str, order: str = "asc", limit: int = 50, offset: int = 0,
                  **filters: Any) -> dict[str, Any]:
    """One page of the events matching `filters` sorted by `sort` (a key of SORT_COLUMNS), then by
    date and id; offset paging."""
    where, params = store._api_where(**filters)
    direction = "DESC" if order == "desc" else "ASC"
    key = SORT_COLUMNS[sort]
    total = _rows(store, f"SELECT count(*) FROM events e {where}", params)[0][0]
    keys = _rows(store, f"""SELECT e.doc_id, e.event_id FROM events e {where}
        ORDER BY {key} {direction} NULLS LAST, coalesce(e.date_value, e.date_start) {direction} NULLS LAST,
            e.doc_id, e.event_id LIMIT {int(limit)} OFFSET {int(offset)}""", params)
    return {"total": total, "items": store._event_items([(d, e) for d, e in keys])}


def actor_page(store, code: str, grain: str = "month", limit: int = 20) -> dict[str, Any] | None:
    """One actor (by exact CAMEO code): its names, events per period as source and as target, and
    its counterparts (the actors on the other side of its events) with counts; None when unknown."""
    d = store.dialect
    found = _rows(store, f"""SELECT {d.mode("a.name")}, (array_agg(DISTINCT a.name ORDER BY a.name))[1:10],
            {d.any_value("a.country")}, {d.any_value("a.sector")}, {d.any_value("a.kind")}, count(DISTINCT a.doc_id)
        FROM actors a WHERE a.code = ?""", [code])
    if not found or found[0][0] is None:
        return None
    name, names, country, sector, kind, documents = found[0]
    mine = """SELECT x.doc_id, x.event_id, x.role FROM event_actors x JOIN actors a
        ON a.doc_id = x.doc_id AND a.actor_id = x.actor_id WHERE a.code = ?"""
    series: dict[str, dict[str, Any]] = {}
    undated = 0
    for period, role, n in _rows(store, f"""
            WITH m AS (SELECT DISTINCT * FROM ({mine}) AS mine),
            dated AS (SELECT m.role, coalesce(e.date_value, e.date_start) AS k FROM m JOIN events e
                ON e.doc_id = m.doc_id AND e.event_id = m.event_id)
            SELECT CAST(date_trunc('{grain}', {d.try_date("CASE length(k) WHEN 4 THEN k || '-01-01' "
                                                         "WHEN 7 THEN k || '-01' ELSE left(k, 10) END")}) AS DATE)
                AS period, role, count(*)
            FROM dated GROUP BY 1, 2 ORDER BY period NULLS LAST""", [code]):
        if period is None:
            undated += n
            continue
        slot = series.setdefault(period.isoformat(), {"period": period.isoformat(), "source": 0, "target": 0})
        slot[role] = slot.get(role, 0) + n
    counterparts = [{"code": c, "name": nm, "role": r, "events": n} for c, nm, r, n in _rows(store, f"""
        WITH m AS (SELECT DISTINCT * FROM ({mine}) AS mine)
        SELECT a.code, {d.mode("a.name")}, x.role, count(DISTINCT (x.doc_id, x.event_id)) FROM m
            JOIN event_actors x ON x.doc_id = m.doc_id AND x.event_id = m.event_id AND x.role <> m.role
            JOIN actors a ON a.doc_id = x.doc_id AND a.actor_id = x.actor_id
        WHERE a.code IS DISTINCT FROM ?
        GROUP BY a.code, x.role ORDER BY 4 DESC, 1 LIMIT {int(limit)}""", [code, code])]
    as_role = dict(_rows(store, f"SELECT role, count(*) FROM (SELECT DISTINCT * FROM ({mine}) AS m) AS d GROUP BY role",
                         [code]))
    return {"code": code, "name": name, "names": names, "country": country, "sector": sector, "kind": kind,
            "documents": documents, "as_source": as_role.get("source", 0), "as_target": as_role.get("target", 0),
            "grain": grain, "series": list(series.values()), "undated": undated, "counterparts": counterparts}
