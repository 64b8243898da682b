"""A news site on 127.0.0.1 for the watcher's tests and bench/watch.py: feeds, a sitemap, article
pages, robots.txt and every fault a real site shows (errors with Retry-After, slow and stalled
responses, truncated bodies, redirect loops, a 50 MB page, non-HTML types).

Pages are generated from sentence templates written here (actors, places, verbs vary with the page
number), or, when `shared_pages` is given, served from ../shared's saved news pages (read at test
time, never copied). Everything is bounded: stalls end when the server stops, nothing waits long.
"""
from __future__ import annotations

import gzip
import hashlib
import html
import threading
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ACTORS = [("Syrian government forces", "Maarat al-Numan", "Idlib province"),
          ("Russian warplanes", "Saraqeb", "Idlib province"),
          ("Turkish troops", "Afrin", "Aleppo province"),
          ("Israeli police", "Hebron", "the West Bank"),
          ("Nigerian soldiers", "Maiduguri", "Borno state"),
          ("Afghan security forces", "Kunduz", "Kunduz province")]
OPPONENTS = ["rebel fighters", "protesters", "militants", "opposition groups"]
QUIET = [("The European Union", "Brussels", "praised the agreement on trade with Canada"),
         ("The Japanese prime minister", "Tokyo", "met business leaders to discuss investment"),
         ("The Brazilian government", "Brasilia", "announced new funding for schools")]


def article_html(n: int, *, violent: bool | None = None) -> str:
    """Article page number n: a dated news report with a headline, a dateline and three paragraphs."""
    violent = (n % 3 != 2) if violent is None else violent
    day = 1 + n % 27
    if violent:
        actor, town, region = ACTORS[n % len(ACTORS)]
        other = OPPONENTS[n % len(OPPONENTS)]
        dead = 3 + n % 17
        title = f"{actor} attack {town}, killing {dead}"
        body = [f"{town.upper()} (Wire) — {actor} attacked {other} in {town} in {region} on Monday, "
                f"killing {dead} people, local officials said.",
                f"Witnesses said the shelling of {town} lasted for several hours and destroyed homes near the market.",
                f"A spokesman for the {other} condemned the attack and called for an investigation."]
    else:
        actor, town, act = QUIET[n % len(QUIET)]
        title = f"{actor} {act.split(' ', 1)[0]} {act.split(' ', 1)[1][:40]}"
        body = [f"{town.upper()} (Wire) — {actor} {act} on Tuesday, officials said.",
                f"The meeting in {town} was described as constructive by both sides.",
                "Further talks are planned for next month."]
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in body)
    return (f"<!doctype html><html><head><title>{html.escape(title)} | Local Wire</title>"
            f"<meta property=\"article:published_time\" content=\"2026-03-{day:02d}T08:00:00Z\"></head>"
            f"<body><article><h1>{html.escape(title)}</h1><p class=\"byline\">By Staff Reporter</p>"
            f"<time datetime=\"2026-03-{day:02d}\">March {day}, 2026</time>{paragraphs}</article></body></html>")


def rss(items: list[tuple[str, str]], title: str = "Local Wire") -> str:
    entries = "".join(f"<item><title>{html.escape(t)}</title><link>{html.escape(u)}</link>"
                      f"<guid>{html.escape(u)}</guid></item>" for u, t in items)
    return (f"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>"
            f"<link>http://example.invalid/</link>{entries}</channel></rss>")


def sitemap(urls: list[str]) -> str:
    locs = "".join(f"<url><loc>{html.escape(u)}</loc></url>" for u in urls)
    return f"<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">{locs}</urlset>"


class LocalSite:
    """Start with `with LocalSite() as site:`; `site.url(path)`; `site.hits[path]` counts requests.

    Routes: /robots.txt (forbids /private/), /feed/<name>.xml (set with set_feed; ETag and
    Last-Modified honoured), /sitemap.xml, /article/<n>.html, /shared/<n>.html (a saved page of
    ../shared), /private/<n>.html, and the faults: /fault/404, /fault/500, /fault/503 (Retry-After: 1,
    then a page on the next request), /fault/slow (answers after `slow` seconds), /fault/stall
    (headers and half a page, then silence), /fault/truncated (a body shorter than its
    Content-Length), /fault/loop (redirects to itself), /fault/huge (50 MB, with Content-Length),
    /fault/huge-chunked (50 MB without), /fault/pdf, /fault/redirect (-> an article)."""

    HUGE = 50 * 1024 * 1024

    def __init__(self, shared_pages: list[Path] | None = None, slow: float = 3.0) -> None:
        self.feeds: dict[str, str] = {}
        self.sitemap_urls: list[str] = []
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.shared_pages = shared_pages or []
        self.slow = slow
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                try:
                    site._serve(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    def __enter__(self) -> "LocalSite":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def set_feed(self, name: str, items: list[tuple[str, str]]) -> str:
        with self._lock:
            self.feeds[name] = rss(items)
        return self.url(f"/feed/{name}.xml")

    # ------------------------------------------------------------------ responses
    @staticmethod
    def _send(h, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None, length: int | None = None) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body) if length is None else length))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)

    def _serve(self, h) -> None:
        path = h.path.split("?")[0]
        with self._lock:
            self.hits[path] += 1
            count = self.hits[path]
        if path == "/robots.txt":
            return self._send(h, 200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if path.startswith("/feed/"):
            name = path[len("/feed/"):].removesuffix(".xml")
            with self._lock:
                body = self.feeds.get(name)
            if body is None:
                return self._send(h, 404, b"no such feed")
            data = body.encode()
            etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
            if h.headers.get("If-None-Match") == etag:
                with self._lock:
                    self.not_modified[path] += 1
                return self._send(h, 304, headers={"ETag": etag})
            return self._send(h, 200, data, "application/rss+xml", {"ETag": etag})
        if path == "/sitemap.xml":
            modified = formatdate(1_700_000_000 + len(self.sitemap_urls), usegmt=True)
            if h.headers.get("If-Modified-Since") == modified:
                with self._lock:
                    self.not_modified[path] += 1
                return self._send(h, 304, headers={"Last-Modified": modified})
            return self._send(h, 200, sitemap(self.sitemap_urls).encode(), "application/xml",
                              {"Last-Modified": modified})
        if path.startswith(("/article/", "/private/")):
            n = int(path.rsplit("/", 1)[1].split(".")[0])
            return self._send(h, 200, article_html(n).encode())
        if path.startswith("/shared/") and self.shared_pages:
            n = int(path.rsplit("/", 1)[1].split(".")[0])
            page = self.shared_pages[n % len(self.shared_pages)]
            data = page.read_bytes()
            data = gzip.decompress(data) if page.suffix == ".gz" else data
            return self._send(h, 200, data)
        return self._fault(h, path, count)

    def _fault(self, h, path: str, count: int) -> None:
        what = path.removeprefix("/fault/").split("/")[0]
        if what == "404":
            return self._send(h, 404, b"not found")
        if what == "500":
            return self._send(h, 500, b"server error")
        if what == "503":  # busy once, then the article
            if count % 2 == 1:
                return self._send(h, 503, b"busy", headers={"Retry-After": "1"})
            return self._send(h, 200, article_html(7).encode())
        if what == "slow":
            self.stopping.wait(self.slow)
            return self._send(h, 200, article_html(8).encode())
        if what == "stall":
            body = article_html(9).encode()
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body[: len(body) // 2])
            h.wfile.flush()
            self.stopping.wait(30)
            return
        if what == "truncated":
            body = article_html(10).encode()
            self._send(h, 200, body[: len(body) // 2], length=len(body))
            h.close_connection = True
            return
        if what == "loop":
            h.send_response(302)
            h.send_header("Location", path)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        if what == "redirect":
            h.send_response(301)
            h.send_header("Location", "/article/11.html")
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        if what in ("huge", "huge-chunked"):
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            if what == "huge":
                h.send_header("Content-Length", str(self.HUGE))
            else:
                h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            block = b"<p>" + b"x" * 65530 + b"</p>"
            sent = 0
            while sent < self.HUGE and not self.stopping.is_set():
                if what == "huge":
                    h.wfile.write(block)
                else:
                    h.wfile.write(f"{len(block):x}\r\n".encode() + block + b"\r\n")
                sent += len(block)
            h.close_connection = True
            return
        if what == "pdf":
            return self._send(h, 200, b"%PDF-1.4 not an article", "application/pdf")
        return self._send(h, 404, b"not found")
