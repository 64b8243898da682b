"""One polite HTTP client for the watcher and `extract URL`, built on httpx.

What it does for every request: a clear User-Agent; a connect/read timeout and a cap on the whole
response time (a server that drips bytes is cut off); a body size limit checked on Content-Length
before reading and again while streaming (a 50 MB page is refused after at most max_bytes);
a bounded number of redirects; retries with exponential backoff on temporary failures
(connection errors, timeouts, truncated bodies, 429 and 5xx), honouring Retry-After; a minimum
interval between two requests to one host; robots.txt (urllib.robotparser), fetched once an hour
per host, honoured for pages and feeds alike.
"""
from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from eventwire.watch.sources import FetchSettings

__all__ = ["Fetcher", "FetchResult", "FetchError", "ARTICLE_TYPES"]

log = logging.getLogger(__name__)

RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
ARTICLE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
ROBOTS_TTL = 3600.0


@dataclass(frozen=True)
class FetchResult:
    url: str  # after redirects
    status: int  # 200, or 304 when a conditional request found nothing new
    content: bytes
    content_type: str  # media type only, lower case ("text/html")
    etag: str | None = None
    last_modified: str | None = None


class FetchError(Exception):
    """A request that gave no usable response. `temporary` ones are worth another try later
    (`retry_after` seconds from now when the server said so)."""

    def __init__(self, url: str, reason: str, *, temporary: bool, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.temporary, self.status, self.retry_after = url, reason, temporary, status, retry_after


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


class Fetcher:
    """Thread-safe; one per process is enough. Close it (or use it as a context manager) when done."""

    def __init__(self, settings: FetchSettings | None = None, *, sleep=time.sleep) -> None:
        self.settings = settings or FetchSettings()
        self._sleep = sleep
        self._client = httpx.Client(
            headers={"User-Agent": self.settings.user_agent,
                     "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
                               "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"},
            timeout=httpx.Timeout(self.settings.timeout), follow_redirects=True,
            max_redirects=self.settings.max_redirects, trust_env=False)
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}
        self._robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ politeness
    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, 0.0))
            self._next_slot[host] = slot + self.settings.host_interval
        if slot > now:
            self._sleep(slot - now)

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets our User-Agent fetch this URL (True when robots are not honoured).
        A robots.txt that cannot be had for a server error disallows everything until the next try;
        a missing one (4xx) allows everything, as RFC 9309 says."""
        if not self.settings.robots:
            return True
        origin = _origin(url)
        cached = self._robots.get(origin)
        if cached is None or time.monotonic() - cached[0] > ROBOTS_TTL:
            cached = (time.monotonic(), self._load_robots(origin))
            self._robots[origin] = cached
        parser = cached[1]
        if parser is None:
            return False
        return parser.can_fetch(self.settings.user_agent, url)

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            result = self._get(origin + "/robots.txt", retries=1, accept_types=None, max_bytes=500_000)
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                parser.parse([])  # no robots.txt: everything allowed
                return parser
            log.info("%s/robots.txt: %s; not fetching from this host until it can be read", origin, exc.reason)
            return None
        parser.parse(result.content.decode("utf-8", "replace").splitlines())
        return parser

    # ------------------------------------------------------------------ fetching
    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            accept_types: tuple[str, ...] | None = None) -> FetchResult:
        """GET `url` (conditionally when etag/last_modified are given). Raises FetchError.
        `accept_types`: media types accepted for the body (others are refused before reading it)."""
        if not self.allowed(url):
            raise FetchError(url, "disallowed by robots.txt", temporary=False)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get(url, headers=headers, accept_types=accept_types)

    def _get(self, url: str, *, headers: dict[str, str] | None = None, retries: int | None = None,
             accept_types: tuple[str, ...] | None = None, max_bytes: int | None = None) -> FetchResult:
        retries = self.settings.retries if retries is None else retries
        attempt = 0
        while True:
            try:
                return self._once(url, headers or {}, accept_types, max_bytes or self.settings.max_bytes)
            except FetchError as exc:
                if not exc.temporary or attempt >= retries:
                    raise
                wait = exc.retry_after
                if wait is None:
                    wait = self.settings.backoff * (2 ** attempt) * (0.75 + 0.5 * random.random())
                elif wait > self.settings.max_retry_after:
                    raise  # the caller defers the URL instead of holding the watcher
                attempt += 1
                log.info("%s: %s; try %d of %d in %.1f s", url, exc.reason, attempt + 1, retries + 1, wait)
                self._sleep(wait)

    def _once(self, url: str, headers: dict[str, str], accept_types: tuple[str, ...] | None,
              max_bytes: int) -> FetchResult:
        self._wait_turn(url)
        started = time.monotonic()
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                final = str(response.url)
                status = response.status_code
                if status == 304:
                    return FetchResult(final, 304, b"", "", response.headers.get("etag"),
                                       response.headers.get("last-modified"))
                if status >= 400:
                    temporary = status in RETRY_STATUS
                    raise FetchError(url, f"HTTP {status}", temporary=temporary, status=status,
                                     retry_after=_retry_after(response.headers.get("retry-after")) if temporary else None)
                media = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if accept_types is not None and media and media not in accept_types:
                    raise FetchError(url, f"content type {media} is not an article page", temporary=False,
                                     status=status)
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(url, f"{int(declared)} bytes is over the size limit of {max_bytes}",
                                     temporary=False, status=status)
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        raise FetchError(url, f"body over the size limit of {max_bytes} bytes", temporary=False,
                                         status=status)
                    if time.monotonic() - started > self.settings.total_timeout:
                        raise FetchError(url, f"response took over {self.settings.total_timeout:g} s",
                                         temporary=True, status=status)
                return FetchResult(final, status, bytes(body), media, response.headers.get("etag"),
                                   response.headers.get("last-modified"))
        except httpx.TooManyRedirects:
            raise FetchError(url, f"more than {self.settings.max_redirects} redirects", temporary=False) from None
        except httpx.TimeoutException as exc:
            raise FetchError(url, f"timed out ({type(exc).__name__})", temporary=True) from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise FetchError(url, f"connection broke off ({exc or type(exc).__name__})", temporary=True) from None
        except httpx.TransportError as exc:
            raise FetchError(url, f"cannot connect ({exc or type(exc).__name__})", temporary=True) from None
        except httpx.InvalidURL as exc:
            raise FetchError(url, f"invalid URL ({exc})", temporary=False) from None
