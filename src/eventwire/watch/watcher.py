"""The watch loop: poll due sources, fetch the articles they list, code them through the pipeline,
store them, number their events, raise and deliver alerts, re-link the store now and then.

Every step is recorded in the database as soon as it is done, and each is safe to repeat: an
article is keyed by its URL (stored again it is "unchanged"), events are numbered once, an alert
is stored once per (watchlist, event). So the watcher resumes after any stop, even kill -9.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import httpx

from eventwire.config import Settings
from eventwire.errors import InputError
from eventwire.record import ArticleRecord, Document
from eventwire.watch import state
from eventwire.watch.alerts import alert_payload, deliver_alerts, match_event
from eventwire.watch.discover import links_of, normalise_url
from eventwire.watch.fetch import ARTICLE_TYPES, FetchError, Fetcher, FetchResult
from eventwire.watch.pages import page_documents
from eventwire.watch.sources import Source, WatchConfig, Watchlist, watchlist_from_dict

__all__ = ["Watcher", "WatchStats"]

log = logging.getLogger(__name__)

MAX_NESTED_SITEMAPS = 50


@dataclass
class WatchStats:
    polls: int = 0
    not_modified: int = 0
    poll_failures: int = 0
    fetched: int = 0
    stored: int = 0
    replaced: int = 0
    unchanged: int = 0
    failed: int = 0
    retried: int = 0
    events: int = 0
    alerts: int = 0
    webhooks: int = 0

    def line(self) -> str:
        return (f"{self.polls} polls ({self.not_modified} not modified, {self.poll_failures} failed); "
                f"{self.fetched} pages fetched: {self.stored} stored, {self.replaced} replaced, "
                f"{self.unchanged} unchanged, {self.failed} failed, {self.retried} to retry; "
                f"{self.events} new events, {self.alerts} alerts, {self.webhooks} webhooks delivered")


class Watcher:
    """Owns one store connection (the process's single writer) and one Fetcher."""

    def __init__(self, db_path: str, config: WatchConfig, settings: Settings, *,
                 on_event: Callable[[str], None] | None = None) -> None:
        from eventwire.store.duckdb import open_store

        self.config = config
        self.settings = settings
        self.store = open_store(db_path, wait=settings.lock_wait)
        self.con = self.store.con
        state.ensure_tables(self.con)
        state.sync_arrivals(self.con)  # events stored by `ingest` get numbers before any new one
        self.fetcher = Fetcher(config.fetch)
        self.webhook_client = httpx.Client(timeout=10.0, follow_redirects=False, trust_env=False,
                                           headers={"User-Agent": config.fetch.user_agent}) if config.webhook else None
        self.stats = WatchStats()
        self.on_event = on_event or (lambda message: log.info("%s", message))
        self._last_link = time.monotonic()
        self._unlinked = 0

    def close(self) -> None:
        self.fetcher.close()
        if self.webhook_client is not None:
            self.webhook_client.close()
        self.store.close()

    # ------------------------------------------------------------------ sources
    def _due(self, force: bool) -> list[Source]:
        states = state.source_states(self.con)
        now = state.now()
        return [s for s in self.config.sources
                if force or s.url not in states or states[s.url]["next_poll"] is None or states[s.url]["next_poll"] <= now]

    def poll(self, source: Source) -> int:
        """Poll one source; returns how many new article URLs it listed."""
        self.stats.polls += 1
        next_poll = state.now() + timedelta(seconds=source.every)
        if source.kind == "page":
            state.queue_page(self.con, normalise_url(source.url) or source.url, next_poll)
            return 1
        known = state.source_states(self.con).get(source.url, {})
        try:
            result = self.fetcher.get(source.url, etag=known.get("etag"), last_modified=known.get("last_modified"))
            if result.status == 304:
                self.stats.not_modified += 1
                state.record_poll(self.con, source.url, source.kind, status=304, etag=None, last_modified=None,
                                  next_poll=next_poll, links=[])
                return 0
            links, nested = links_of(source.kind, result.content, result.url)
            for sitemap in nested[:MAX_NESTED_SITEMAPS]:
                try:
                    inner = self.fetcher.get(sitemap)
                    links += links_of("sitemap", inner.content, inner.url)[0]
                except (FetchError, ValueError) as exc:
                    log.warning("%s: nested sitemap %s: %s", source.url, sitemap, exc)
        except (FetchError, ValueError) as exc:
            self.stats.poll_failures += 1
            reason = exc.reason if isinstance(exc, FetchError) else str(exc)
            wait = source.every
            if isinstance(exc, FetchError) and exc.retry_after is not None:
                wait = max(wait, exc.retry_after)
            log.warning("%s: %s", source.url, reason)
            state.record_poll_failure(self.con, source.url, source.kind, reason=reason,
                                      status=getattr(exc, "status", None),
                                      next_poll=state.now() + timedelta(seconds=wait))
            return 0
        new = state.record_poll(self.con, source.url, source.kind, status=result.status, etag=result.etag,
                                last_modified=result.last_modified, next_poll=next_poll, links=links)
        if new:
            self.on_event(f"{source.url}: {new} new articles")
        return new

    # ------------------------------------------------------------------ articles
    def _retry_in(self, attempts: int, exc: FetchError) -> float | None:
        if attempts + 1 >= self.config.fetch.url_attempts:
            return None
        return max(exc.retry_after or 0.0, self.config.fetch.backoff * 4 ** attempts)

    def process(self, limit: int | None = None, stop: threading.Event | None = None) -> int:
        """Fetch, code and store up to one batch of due article URLs; returns how many were handled."""
        rows = state.due_urls(self.con, limit or self.config.batch)
        fetched: list[tuple[dict, FetchResult, Document]] = []
        for row in rows:
            if stop is not None and stop.is_set():
                break
            url = row["url"]
            try:
                result = self.fetcher.get(url, etag=row["etag"], last_modified=row["last_modified"],
                                          accept_types=ARTICLE_TYPES)
            except FetchError as exc:
                retry_in = self._retry_in(row["attempts"], exc) if exc.temporary else None
                state.url_failed(self.con, url, exc.reason, retry_in=retry_in)
                if retry_in is None:
                    self.stats.failed += 1
                    self.store.record_failure(url, exc.reason)
                    log.warning("%s: %s", url, exc.reason)
                else:
                    self.stats.retried += 1
                    log.info("%s: %s; again in %.0f s", url, exc.reason, retry_in)
                continue
            self.stats.fetched += 1
            if result.status == 304:
                self.stats.unchanged += 1
                state.url_done(self.con, url, None, result.etag or row["etag"],
                               result.last_modified or row["last_modified"])
                continue
            (item,) = page_documents(result, url)
            if isinstance(item, InputError):
                self.stats.failed += 1
                self.store.record_failure(url, item.reason)
                state.url_failed(self.con, url, item.reason, retry_in=None)
                continue
            fetched.append((row, result, item))
        if fetched:
            self._code_and_store(fetched)
        return len(rows)

    def _code_and_store(self, fetched: list[tuple[dict, FetchResult, Document]]) -> None:
        from eventwire.pipeline import extract_documents

        try:
            records = list(extract_documents([doc for _, _, doc in fetched], self.settings))
        except Exception:  # a bug on one article must not hold up the others: code them one by one
            log.exception("coding a batch of %d articles failed; coding them one at a time", len(fetched))
            records = []
            for row, _, doc in fetched:
                try:
                    (record,) = extract_documents([doc], self.settings)
                except Exception as exc:
                    reason = f"coding failed: {type(exc).__name__}: {exc}"
                    self.stats.failed += 1
                    self.store.record_failure(row["url"], reason)
                    state.url_failed(self.con, row["url"], reason, retry_in=None)
                    record = None
                records.append(record)
        watchlists = self.watchlists()
        for (row, result, _), record in zip(fetched, records):
            if record is None:
                continue
            status = self.store.write(record)
            setattr(self.stats, status, getattr(self.stats, status) + 1)
            doc_id = record.document.id
            if status == "replaced":
                state.forget_arrivals(self.con, doc_id)
            arrived = state.sync_arrivals(self.con, doc_id)
            self.stats.events += len(arrived)
            self._raise_alerts(record, watchlists)
            state.url_done(self.con, row["url"], doc_id, result.etag, result.last_modified)
            if status != "unchanged":
                self._unlinked += 1
                self.on_event(f"{row['url']}: {status}, {len(record.events)} events")

    # ------------------------------------------------------------------ alerts
    def watchlists(self) -> list[Watchlist]:
        lists = list(self.config.watchlists)
        for definition in state.stored_watchlists(self.con):
            try:
                lists.append(watchlist_from_dict(definition))
            except ValueError as exc:  # checked when added; a later format change must not stop the watcher
                log.warning("stored watchlist skipped: %s", exc)
        return lists

    def _raise_alerts(self, record: ArticleRecord, watchlists: list[Watchlist]) -> None:
        for event in record.events:
            for watch in watchlists:
                matched = match_event(watch, record, event)
                if matched is None:
                    continue
                payload = alert_payload(watch, record, event, matched)
                alert_id = state.add_alert(self.con, payload["key"], watch.name, record.document.id, event.id,
                                           payload, webhook=bool(self.config.webhook))
                if alert_id is not None:
                    self.stats.alerts += 1
                    self.on_event(f"alert {alert_id}: {watch.name}: {event.cameo} {event.evidence.text[:80]}")

    def deliver(self) -> None:
        _, delivered = deliver_alerts(self.con, self.config.alerts_file, self.config.webhook, self.webhook_client,
                                      backoff=self.config.fetch.backoff)
        self.stats.webhooks += delivered

    def link(self, force: bool = False) -> None:
        if self._unlinked and (force or time.monotonic() - self._last_link >= self.config.link_every):
            self.store.link()
            self._unlinked = 0
            self._last_link = time.monotonic()

    # ------------------------------------------------------------------ the loop
    def run_once(self) -> WatchStats:
        """Poll every source now, handle every article that is due, deliver alerts, link; then return."""
        for source in self._due(force=True):
            self.poll(source)
        while self.process():
            pass
        self.deliver()
        self.link(force=True)
        return self.stats

    def run(self, stop: threading.Event, idle: float = 0.5) -> WatchStats:
        """Until `stop` is set: poll what is due, work through the queue a batch at a time."""
        while not stop.is_set():
            busy = False
            try:
                for source in self._due(force=False):
                    if stop.is_set():
                        break
                    self.poll(source)
                busy = self.process(stop=stop) > 0
                self.deliver()
                self.link()
            except Exception:  # a bug or a database error must not end a long-running watch silently
                log.exception("watch round failed; trying again")
                stop.wait(5.0)
            if not busy:
                stop.wait(idle)
        return self.stats
