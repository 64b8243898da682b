"""Article pages fetched over HTTP -> Documents: for the watcher and for `eventwire extract URL`."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from eventwire.errors import InputError
from eventwire.record import Document
from eventwire.watch.fetch import FetchResult

__all__ = ["is_url", "page_documents", "url_documents"]


def page_documents(result: FetchResult, source: str) -> list[Document | InputError]:
    """A fetched page -> its Document (HTML or plain text), or the InputError saying why not."""
    from eventwire.ingest import detect_kind
    from eventwire.ingest.decode import MAX_INPUT_BYTES, decode_bytes
    from eventwire.ingest.html import parse_html
    from eventwire.ingest.text import parse_text

    try:
        text = decode_bytes(result.content, source, limit=MAX_INPUT_BYTES)
        kind = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}.get(result.content_type)
        kind = kind or ("html" if detect_kind(text) == "html" else "text")
        if kind == "html":
            return [parse_html(text, source, url=result.url)]
        return [parse_text(text, source, url=result.url)]
    except InputError as exc:
        return [exc]


def is_url(arg: str) -> bool:
    return arg.lower().startswith(("http://", "https://"))


def url_documents(urls: Iterable[str]) -> Iterator[Document | InputError]:
    """Fetch each URL once (robots.txt, limits and retries as the watcher) -> its Document or InputError."""
    from eventwire.watch.fetch import ARTICLE_TYPES, FetchError, Fetcher

    with Fetcher() as fetcher:
        for url in urls:
            try:
                result = fetcher.get(url, accept_types=ARTICLE_TYPES)
            except FetchError as exc:
                yield InputError(url, exc.reason)
                continue
            yield from page_documents(result, url)
