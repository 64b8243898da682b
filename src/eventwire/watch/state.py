"""The watcher's own tables, beside the store's, in the same database (DuckDB or PostgreSQL).

- watch_sources: per feed/sitemap/page: ETag, Last-Modified, last and next poll, failures.
- watch_urls: every article URL ever listed, with its state (pending, retry, done, failed): a URL is
  recorded before the source's new ETag in the same transaction, and marked done only after its
  article is stored, so a restart (even after kill -9) neither skips nor repeats an article.
- event_arrivals: a number per stored event, in the order events arrived (`/api/events?since_id=`).
- alerts: one row per (watchlist, event), with its delivery to the alerts file and the webhook.
- watchlists: watchlists added through the API (those of sources.toml are read from the file).

Every function takes a connection or cursor of the store (a DuckDB one or store/postgres.py's);
nothing here restructures the store's tables.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone
from typing import Any


__all__ = ["ensure_tables", "has_tables", "now", "source_states", "record_poll", "record_poll_failure",
           "queue_page", "due_urls", "url_row", "url_done", "url_failed", "url_counts", "sync_arrivals",
           "forget_arrivals", "events_since", "last_arrival", "add_alert", "alerts_to_file", "mark_filed",
           "webhooks_due", "webhook_result", "list_alerts", "save_watchlist", "delete_watchlist",
           "stored_watchlists"]

log = logging.getLogger(__name__)

_TABLES = """
CREATE TABLE IF NOT EXISTS watch_sources (url VARCHAR PRIMARY KEY, kind VARCHAR, etag VARCHAR,
    last_modified VARCHAR, last_poll TIMESTAMP, next_poll TIMESTAMP, last_status INTEGER, polls INTEGER,
    failures INTEGER, last_error VARCHAR, urls_found INTEGER);
CREATE TABLE IF NOT EXISTS watch_urls (url VARCHAR PRIMARY KEY, found_in VARCHAR, first_seen TIMESTAMP,
    state VARCHAR, attempts INTEGER, next_try TIMESTAMP, last_error VARCHAR, doc_id VARCHAR,
    etag VARCHAR, last_modified VARCHAR, done_at TIMESTAMP);
CREATE SEQUENCE IF NOT EXISTS event_arrival_seq START 1;
CREATE TABLE IF NOT EXISTS event_arrivals (arrival_id BIGINT PRIMARY KEY, doc_id VARCHAR, event_id VARCHAR,
    arrived_at TIMESTAMP, UNIQUE (doc_id, event_id));
CREATE SEQUENCE IF NOT EXISTS alert_seq START 1;
CREATE TABLE IF NOT EXISTS alerts (alert_id BIGINT PRIMARY KEY, alert_key VARCHAR UNIQUE, watchlist VARCHAR,
    doc_id VARCHAR, event_id VARCHAR, payload JSON, created_at TIMESTAMP, filed BOOLEAN,
    webhook_state VARCHAR, webhook_attempts INTEGER, webhook_next_try TIMESTAMP, webhook_error VARCHAR,
    delivered_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS watchlists (name VARCHAR PRIMARY KEY, definition JSON, added_at TIMESTAMP);
"""
TABLES = ("watch_sources", "watch_urls", "event_arrivals", "alerts", "watchlists")


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def ensure_tables(con) -> None:
    from eventwire.store.dialect import dialect_of

    con.execute(dialect_of(con).ddl(_TABLES))


def has_tables(con) -> bool:
    """Whether this database was ever watched (a read-only server may open one that was not)."""
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name IN "
                        f"({', '.join('?' * len(TABLES))})", list(TABLES)).fetchone()[0]
    return found == len(TABLES)


def _rows(cur) -> list[dict[str, Any]]:
    names = [c[0] for c in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


class _transaction:
    def __init__(self, con) -> None:
        self.con = con

    def __enter__(self):
        self.con.execute("BEGIN TRANSACTION")
        return self.con

    def __exit__(self, exc_type, *rest) -> None:
        if not exc_type:
            self.con.execute("COMMIT")
            return
        try:
            self.con.execute("ROLLBACK")
        except Exception:  # after a storage fault the instance is invalid: the first error is the one to report
            log.debug("rollback after %s failed too", exc_type.__name__)


# ---------------------------------------------------------------------- sources
def source_states(con) -> dict[str, dict[str, Any]]:
    return {r["url"]: r for r in _rows(con.execute("SELECT * FROM watch_sources"))}


def record_poll(con, url: str, kind: str, *, status: int, etag: str | None, last_modified: str | None,
                next_poll: datetime, links: list[str]) -> int:
    """Record a successful poll and queue the URLs it listed that were never seen; returns how many
    were new. One transaction: the new ETag is never stored without the URLs it listed."""
    t = now()
    with _transaction(con):
        before = con.execute("SELECT count(*) FROM watch_urls").fetchone()[0]
        if links:
            con.executemany("INSERT INTO watch_urls (url, found_in, first_seen, state, attempts, next_try) "
                            "VALUES (?, ?, ?, 'pending', 0, ?) ON CONFLICT DO NOTHING", [(u, url, t, t) for u in dict.fromkeys(links)])
        new = con.execute("SELECT count(*) FROM watch_urls").fetchone()[0] - before
        con.execute("""INSERT INTO watch_sources VALUES (?, ?, ?, ?, ?, ?, ?, 1, 0, NULL, ?)
            ON CONFLICT (url) DO UPDATE SET kind = excluded.kind,
                etag = CASE WHEN excluded.last_status = 304 THEN watch_sources.etag ELSE excluded.etag END,
                last_modified = CASE WHEN excluded.last_status = 304 THEN watch_sources.last_modified
                                ELSE excluded.last_modified END,
                last_poll = excluded.last_poll, next_poll = excluded.next_poll, last_status = excluded.last_status,
                polls = watch_sources.polls + 1, failures = 0, last_error = NULL,
                urls_found = watch_sources.urls_found + excluded.urls_found""",
                    [url, kind, etag, last_modified, t, next_poll, status, new])
    return new


def record_poll_failure(con, url: str, kind: str, *, reason: str, status: int | None, next_poll: datetime) -> None:
    con.execute("""INSERT INTO watch_sources VALUES (?, ?, NULL, NULL, ?, ?, ?, 1, 1, ?, 0)
        ON CONFLICT (url) DO UPDATE SET last_poll = excluded.last_poll, next_poll = excluded.next_poll,
            last_status = excluded.last_status, polls = watch_sources.polls + 1,
            failures = watch_sources.failures + 1, last_error = excluded.last_error""",
                [url, kind, now(), next_poll, status, reason])


def queue_page(con, url: str, next_poll: datetime) -> None:
    """A single-page source is due: queue its URL again (its own ETag makes the fetch conditional)."""
    t = now()
    with _transaction(con):
        con.execute("""INSERT INTO watch_urls (url, found_in, first_seen, state, attempts, next_try)
            VALUES (?, ?, ?, 'pending', 0, ?) ON CONFLICT (url) DO UPDATE SET state = 'pending', attempts = 0,
            next_try = excluded.next_try""", [url, url, t, t])
        con.execute("""INSERT INTO watch_sources VALUES (?, 'page', NULL, NULL, ?, ?, NULL, 1, 0, NULL, 0)
            ON CONFLICT (url) DO UPDATE SET last_poll = excluded.last_poll, next_poll = excluded.next_poll,
            polls = watch_sources.polls + 1""", [url, t, next_poll])


# ---------------------------------------------------------------------- article URLs
def due_urls(con, limit: int) -> list[dict[str, Any]]:
    return _rows(con.execute("""SELECT url, found_in, attempts, etag, last_modified FROM watch_urls
        WHERE state IN ('pending', 'retry') AND next_try <= ? ORDER BY first_seen, url LIMIT ?""", [now(), limit]))


def url_row(con, url: str) -> dict[str, Any] | None:
    rows = _rows(con.execute("SELECT * FROM watch_urls WHERE url = ?", [url]))
    return rows[0] if rows else None


def url_done(con, url: str, doc_id: str | None, etag: str | None, last_modified: str | None) -> None:
    con.execute("""UPDATE watch_urls SET state = 'done', doc_id = coalesce(?, doc_id), etag = ?,
        last_modified = ?, done_at = ?, last_error = NULL WHERE url = ?""", [doc_id, etag, last_modified, now(), url])


def url_failed(con, url: str, reason: str, *, retry_in: float | None) -> None:
    """A failed fetch: retried after `retry_in` seconds, or given up when it is None."""
    t = now()
    if retry_in is None:
        con.execute("UPDATE watch_urls SET state = 'failed', attempts = attempts + 1, last_error = ?, done_at = ? "
                    "WHERE url = ?", [reason, t, url])
    else:
        con.execute("UPDATE watch_urls SET state = 'retry', attempts = attempts + 1, last_error = ?, next_try = ? "
                    "WHERE url = ?", [reason, t + timedelta(seconds=retry_in), url])


def url_counts(con) -> dict[str, int]:
    return dict(con.execute("SELECT state, count(*) FROM watch_urls GROUP BY 1").fetchall())


# ---------------------------------------------------------------------- event arrivals
def forget_arrivals(con, doc_id: str) -> None:
    """A replaced article's events are new: they are numbered again."""
    con.execute("DELETE FROM event_arrivals WHERE doc_id = ?", [doc_id])


def sync_arrivals(con, doc_id: str | None = None) -> list[tuple[int, str, str]]:
    """Number the stored events that have no arrival number yet (of one document, or all);
    returns the new (arrival_id, doc_id, event_id)."""
    where, params = ("AND e.doc_id = ?", [doc_id]) if doc_id else ("", [])
    t = now()
    with _transaction(con):
        top = con.execute("SELECT coalesce(max(arrival_id), 0) FROM event_arrivals").fetchone()[0]
        con.execute(f"""INSERT INTO event_arrivals
            SELECT nextval('event_arrival_seq'), doc_id, event_id, ? FROM (
                SELECT e.doc_id, e.event_id FROM events e WHERE NOT EXISTS (SELECT 1 FROM event_arrivals a
                    WHERE a.doc_id = e.doc_id AND a.event_id = e.event_id) {where}
                ORDER BY e.doc_id, e.event_id) AS unnumbered""", [t, *params])
        return [tuple(r) for r in con.execute(
            "SELECT arrival_id, doc_id, event_id FROM event_arrivals WHERE arrival_id > ? ORDER BY arrival_id",
            [top]).fetchall()]


def last_arrival(con) -> int:
    return con.execute("SELECT coalesce(max(arrival_id), 0) FROM event_arrivals").fetchone()[0]


def events_since(con, since_id: int, limit: int) -> tuple[list[tuple[int, str, str]], int]:
    """Stored events numbered after `since_id`, oldest first, and how many there are in all."""
    base = "FROM event_arrivals a JOIN events e USING (doc_id, event_id) WHERE a.arrival_id > ?"
    total = con.execute(f"SELECT count(*) {base}", [since_id]).fetchone()[0]
    rows = con.execute(f"SELECT a.arrival_id, a.doc_id, a.event_id {base} ORDER BY a.arrival_id LIMIT ?",
                       [since_id, limit]).fetchall()
    return [tuple(r) for r in rows], total


# ---------------------------------------------------------------------- alerts
def add_alert(con, key: str, watchlist: str, doc_id: str, event_id: str, payload: dict[str, Any],
              webhook: bool) -> int | None:
    """Store an alert once per key; returns its id when it is new, None when it was already stored."""
    with _transaction(con):
        if con.execute("SELECT 1 FROM alerts WHERE alert_key = ?", [key]).fetchone():
            return None
        (alert_id,) = con.execute("SELECT nextval('alert_seq')").fetchone()
        con.execute("INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, false, ?, 0, ?, NULL, NULL)",
                    [alert_id, key, watchlist, doc_id, event_id, json.dumps({"alert_id": alert_id, **payload}),
                     now(), "pending" if webhook else "off", now()])
    return alert_id


def alerts_to_file(con) -> list[tuple[int, str]]:
    return [tuple(r) for r in con.execute(
        "SELECT alert_id, payload FROM alerts WHERE NOT filed ORDER BY alert_id").fetchall()]


def mark_filed(con, alert_ids: list[int]) -> None:
    if alert_ids:
        con.execute(f"UPDATE alerts SET filed = true WHERE alert_id IN ({', '.join('?' * len(alert_ids))})",
                    alert_ids)


def webhooks_due(con, limit: int = 20) -> list[dict[str, Any]]:
    return _rows(con.execute("""SELECT alert_id, alert_key, payload, webhook_attempts FROM alerts
        WHERE webhook_state = 'pending' AND webhook_next_try <= ? ORDER BY alert_id LIMIT ?""", [now(), limit]))


def webhook_result(con, alert_id: int, *, error: str | None, retry_in: float | None) -> None:
    """Delivered (error None), to be retried in `retry_in` seconds, or given up (retry_in None)."""
    if error is None:
        con.execute("UPDATE alerts SET webhook_state = 'delivered', webhook_attempts = webhook_attempts + 1, "
                    "delivered_at = ?, webhook_error = NULL WHERE alert_id = ?", [now(), alert_id])
    elif retry_in is None:
        con.execute("UPDATE alerts SET webhook_state = 'failed', webhook_attempts = webhook_attempts + 1, "
                    "webhook_error = ? WHERE alert_id = ?", [error, alert_id])
    else:
        con.execute("UPDATE alerts SET webhook_attempts = webhook_attempts + 1, webhook_error = ?, "
                    "webhook_next_try = ? WHERE alert_id = ?", [error, now() + timedelta(seconds=retry_in), alert_id])


def list_alerts(con, since_id: int = 0, limit: int = 50) -> list[dict[str, Any]]:
    """Alerts after `since_id`, newest first, with their delivery state."""
    rows = _rows(con.execute("""SELECT alert_id, payload, webhook_state, webhook_attempts, webhook_error,
        delivered_at FROM alerts WHERE alert_id > ? ORDER BY alert_id DESC LIMIT ?""", [since_id, limit]))
    out = []
    for r in rows:
        item = json.loads(r.pop("payload"))
        item["delivery"] = {"webhook": r["webhook_state"], "attempts": r["webhook_attempts"],
                            "error": r["webhook_error"],
                            "delivered_at": r["delivered_at"].isoformat() + "Z" if r["delivered_at"] else None}
        out.append(item)
    return out


# ---------------------------------------------------------------------- watchlists added through the API
def save_watchlist(con, name: str, definition: dict[str, Any]) -> None:
    con.execute("INSERT INTO watchlists VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                "definition = excluded.definition, added_at = excluded.added_at", [name, json.dumps(definition), now()])


def delete_watchlist(con, name: str) -> bool:
    found = con.execute("SELECT count(*) FROM watchlists WHERE name = ?", [name]).fetchone()[0]
    con.execute("DELETE FROM watchlists WHERE name = ?", [name])
    return bool(found)


def stored_watchlists(con) -> list[dict[str, Any]]:
    return [json.loads(d) for (d,) in con.execute("SELECT definition FROM watchlists ORDER BY name").fetchall()]
