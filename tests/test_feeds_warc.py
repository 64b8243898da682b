"""Feeds and WARC archives: each input kind and each malformation, from small files written here."""
from __future__ import annotations

import gzip
import io

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventwire.errors import InputError, InputNotice
from eventwire.ingest import read_bytes, read_path
from eventwire.ingest.feeds import entry_text, parse_feed
from eventwire.ingest.warc import decode_page, page_charset, parse_warc
from eventwire.record import Document

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="/style.xsl"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Example World News</title><link>https://news.example/</link>
<item><title>Ministers meet in Geneva over ceasefire</title>
<link>https://news.example/world/ceasefire-talks</link>
<pubDate>Mon, 24 Feb 2020 09:25:00 +0100</pubDate>
<description>Short teaser.</description>
<content:encoded><![CDATA[<p>Foreign ministers met in Geneva on Monday to discuss a ceasefire.</p>
<p>The talks, the <b>third</b> this year, ended without agreement.<img src="x.jpg"/></p>
<script>var tracking = 1;</script>]]></content:encoded></item>
<item><title>Floods hit northern province</title><link>https://news.example/world/floods</link>
<description>&lt;p&gt;Heavy rain flooded villages on Sunday, officials said.&lt;/p&gt;</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title>
<entry><title>Parliament approves budget</title><link href="https://atom.example/budget"/>
<updated>2021-03-02T17:22:00+01:00</updated>
<summary type="html">&lt;p&gt;The parliament approved the budget on Tuesday after a long debate.&lt;/p&gt;</summary>
</entry></feed>"""

ARTICLE = """<html><head><title>{title}</title>{meta}</head><body><article><h1>{title}</h1>
<p>{p1}</p><p>Officials said the meeting in the capital lasted for more than six hours and ended late in the evening.</p>
<p>Both delegations promised to return to the table next week, according to a statement released after the talks.</p>
</article></body></html>"""


def _html(title: str, p1: str, meta: str = "") -> str:
    return ARTICLE.format(title=title, p1=p1, meta=meta)


def _warc(records: list[tuple], gzip_it: bool = True) -> bytes:
    """records: (kind, url, status, content_type, payload bytes)."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip_it)
    for kind, url, status, content_type, payload in records:
        if kind == "warcinfo":
            writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "pytest"}))
            continue
        headers = None
        if kind in ("response", "revisit"):
            header_list = [("Content-Type", content_type)] if content_type else []
            headers = StatusAndHeaders(status, header_list, protocol="HTTP/1.1")
        elif kind == "request":
            headers = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
        writer.write_record(writer.create_warc_record(url, kind, payload=io.BytesIO(payload), http_headers=headers))
    return out.getvalue()


def _docs(items):
    items = list(items)
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, InputError)]


# ---------------------------------------------------------------------------------------- feeds
def test_rss_entries_become_articles(tmp_path):
    path = tmp_path / "world.rss"
    path.write_text(RSS, encoding="utf-8")
    docs, errors = _docs(read_path(str(path)))
    assert not errors
    assert [d.title for d in docs] == ["Ministers meet in Geneva over ceasefire", "Floods hit northern province"]
    first = docs[0]
    assert first.input_kind == "feed"
    assert first.url == "https://news.example/world/ceasefire-talks"
    assert first.outlet == "Example World News"
    assert first.published.startswith("2020-02-24T09:25")
    assert first.source == f"{path}#1"
    # The content (longer than the teaser) wins; tags, scripts and images are gone; paragraphs kept.
    assert first.text == ("Foreign ministers met in Geneva on Monday to discuss a ceasefire.\n\n"
                          "The talks, the third this year, ended without agreement.")
    assert docs[1].text == "Heavy rain flooded villages on Sunday, officials said."
    assert docs[1].published is None


def test_atom_feed(tmp_path):
    docs, errors = _docs(read_bytes(ATOM.encode(), "wire.atom"))
    assert not errors and len(docs) == 1
    assert docs[0].url == "https://atom.example/budget" and docs[0].outlet == "Atom Wire"
    assert docs[0].published == "2021-03-02T17:22:00+01:00"
    assert "approved the budget" in docs[0].text


def test_gzipped_feed_is_read(tmp_path):
    path = tmp_path / "world.rss.gz"
    path.write_bytes(gzip.compress(RSS.encode()))
    docs, errors = _docs(read_path(str(path)))
    assert len(docs) == 2 and not errors


def test_empty_feed_is_one_error():
    items = list(read_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Nothing</title></channel></rss>',
                            "empty.rss"))
    assert len(items) == 1 and isinstance(items[0], InputError)
    assert items[0].source == "empty.rss" and "empty feed" in items[0].reason


def test_not_xml_feed_is_one_error():
    items = list(parse_feed(b"this is not XML at all, just words", "notxml.rss"))
    assert len(items) == 1 and isinstance(items[0], InputError)
    assert "not an RSS/Atom feed" in items[0].reason or "malformed" in items[0].reason


def test_broken_xml_keeps_recovered_entries_and_reports_the_file():
    broken = RSS.replace("Floods hit northern province", "Floods & hail hit <northern province")
    docs, errors = _docs(read_bytes(broken.encode(), "broken.rss"))
    assert len(docs) >= 1 and docs[0].title == "Ministers meet in Geneva over ceasefire"
    assert len(errors) == 1 and errors[0].source == "broken.rss"
    assert errors[0].reason.startswith("malformed feed") and "\n" not in errors[0].reason
    assert isinstance(errors[0], InputNotice) and errors[0].kind == "recovered"  # its entries were kept


def test_broken_xml_with_nothing_recoverable():
    items = list(read_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel><<<&&&', "junk.rss"))
    assert len(items) == 1 and isinstance(items[0], InputError)
    assert items[0].reason.startswith("malformed feed, no entries") or "empty feed" in items[0].reason


def test_entry_without_title_or_text_is_reported_alone():
    feed = RSS.replace("<item><title>Floods hit northern province</title>", "<item><title></title>").replace(
        "<description>&lt;p&gt;Heavy rain flooded villages on Sunday, officials said.&lt;/p&gt;</description>", "")
    docs, errors = _docs(read_bytes(feed.encode(), "f.rss"))
    assert len(docs) == 1 and len(errors) == 1 and errors[0].source == "f.rss#2"


def test_fetcher_is_off_by_default_and_pluggable():
    fetched = []

    def fetcher(url):
        fetched.append(url)
        return _html("Geneva talks end", "Foreign ministers met in Geneva on Monday for six hours of talks.")

    list(parse_feed(RSS.encode(), "f.rss"))
    assert fetched == []
    docs, _ = _docs(parse_feed(RSS.encode(), "f.rss", fetcher=fetcher))
    assert fetched == ["https://news.example/world/ceasefire-talks", "https://news.example/world/floods"]
    assert "six hours" in docs[0].text and docs[0].input_kind == "feed"
    assert docs[0].url == "https://news.example/world/ceasefire-talks"


def test_failing_fetcher_falls_back_to_entry_text():
    def fetcher(url):
        raise ConnectionError("offline")

    docs, errors = _docs(parse_feed(RSS.encode(), "f.rss", fetcher=fetcher))
    assert len(docs) == 2 and not errors and "ceasefire" in docs[0].text


def test_entry_text_plain_and_html():
    assert entry_text("One.\n\nTwo  words.") == "One.\n\nTwo words."
    assert entry_text("<p>A<br/>B</p><ul><li>C</li></ul>") == "A\n\nB\n\nC"
    assert entry_text("") == ""


# ----------------------------------------------------------------------------------------- WARC
GOOD = _html("Ministers meet in Geneva", "Foreign ministers met in Geneva on Monday to discuss a ceasefire in the north.")


def test_warc_keeps_html_responses_only(tmp_path):
    data = _warc([
        ("warcinfo", None, None, None, b""),
        ("request", "https://news.example/a", None, None, b""),
        ("response", "https://news.example/a", "200 OK", "text/html; charset=utf-8", GOOD.encode()),
        ("response", "https://news.example/missing", "404 Not Found", "text/html", GOOD.encode()),
        ("response", "https://news.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n0000"),
        ("response", "https://news.example/feed", "200 OK", "application/rss+xml", b"<rss/>"),
    ])
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(data)
    docs, errors = _docs(read_path(str(path)))
    assert len(docs) == 1
    # The records passed over are reported, as a note (not a refusal) with their count and kinds.
    (note,) = errors
    assert isinstance(note, InputNotice) and note.kind == "skipped" and note.count == 5
    assert note.source == str(path) and "1 request" in note.reason and "1 warcinfo" in note.reason
    doc = docs[0]
    assert doc.input_kind == "warc" and doc.url == "https://news.example/a"
    assert doc.source.startswith(f"{path}#") and int(doc.source.rsplit("#", 1)[1]) > 0
    assert "Foreign ministers met in Geneva" in doc.text


def test_uncompressed_warc(tmp_path):
    data = _warc([("response", "https://news.example/a", "200 OK", "text/html", GOOD.encode())], gzip_it=False)
    assert data.startswith(b"WARC/1.")
    docs, errors = _docs(read_bytes(data, "plain.warc"))
    assert len(docs) == 1 and not errors


def test_non_utf8_page_decoded_by_http_charset():
    text = _html("Réunion à Genève", "Les ministres se sont réunis à Genève lundi pour discuter d'un cessez-le-feu élargi.")
    data = _warc([("response", "https://fr.example/a", "200 OK", "text/html; charset=ISO-8859-1", text.encode("latin-1"))])
    docs, errors = _docs(read_bytes(data, "fr.warc.gz"))
    assert not errors and "Genève" in docs[0].text and "\ufffd" not in docs[0].text


def test_non_utf8_page_decoded_by_meta_charset():
    text = _html("Встреча в Женеве", "Министры встретились в Женеве в понедельник, чтобы обсудить прекращение огня.",
                 meta='<meta charset="windows-1251">')
    data = _warc([("response", "https://ru.example/a", "200 OK", "text/html", text.encode("cp1251"))])
    docs, errors = _docs(read_bytes(data, "ru.warc.gz"))
    assert not errors and "Министры встретились в Женеве" in docs[0].text


def test_charset_rules():
    assert page_charset("text/html; charset=ISO-8859-1", b"") == ("cp1252", "http")
    assert page_charset("text/html", b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">') == ("gb18030", "meta")
    assert page_charset("text/html; charset=nonsense", b"") == (None, "undeclared")
    # Undeclared and not UTF-8: detected rather than mangled.
    assert "é" in decode_page("<p>Les ministres se sont réunis à Genève lundi.</p>".encode("cp1252") * 5, "text/html")


def test_truncated_warc_keeps_the_records_before_the_cut():
    data = _warc([
        ("response", "https://news.example/a", "200 OK", "text/html", GOOD.encode()),
        ("response", "https://news.example/b", "200 OK", "text/html", GOOD.replace("Geneva", "Vienna").encode()),
    ])
    cut = data[: len(data) - 200]
    items = list(read_bytes(cut, "cut.warc.gz"))
    docs, errors = _docs(items)
    assert [d.url for d in docs] == ["https://news.example/a"]
    assert len(errors) == 1 and errors[0].source.startswith("cut.warc.gz#")
    assert "truncated" in errors[0].reason


def test_truncated_uncompressed_record_is_reported():
    data = _warc([("response", "https://news.example/a", "200 OK", "text/html", GOOD.encode())], gzip_it=False)
    items = list(read_bytes(data[:-300], "cut.warc"))
    docs, errors = _docs(items)
    assert not docs and len(errors) == 1 and errors[0].source == "cut.warc#0"
    assert "truncated" in errors[0].reason


def test_warc_without_html_responses_is_one_error():
    data = _warc([
        ("warcinfo", None, None, None, b""),
        ("response", "https://news.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n0000"),
        ("response", "https://news.example/gone", "301 Moved Permanently", "text/html", b"<html></html>"),
    ])
    items = list(read_bytes(data, "nohtml.warc.gz"))
    assert len(items) == 1 and isinstance(items[0], InputError)
    assert items[0].source == "nohtml.warc.gz" and "no HTML responses" in items[0].reason


def test_html_response_without_article_text_is_reported_and_skipped():
    data = _warc([
        ("response", "https://news.example/empty", "200 OK", "text/html", b"<html><body></body></html>"),
        ("response", "https://news.example/a", "200 OK", "text/html", GOOD.encode()),
    ])
    docs, errors = _docs(parse_warc(data, "mixed.warc.gz"))
    assert len(docs) == 1 and len(errors) == 1 and errors[0].source.startswith("mixed.warc.gz#")


def test_garbage_after_gzip_magic_is_not_a_warc():
    items = list(read_bytes(b"\x1f\x8b" + b"\x00" * 40, "bad.gz"))
    assert len(items) == 1 and isinstance(items[0], InputError)


@pytest.mark.shared
def test_shared_feeds_and_warcs():
    from conftest import need_shared

    from eventwire.ingest import expand_paths

    root = need_shared("eval", "ingest")
    files = list(expand_paths([str(root / "feeds"), str(root / "warc")]))
    assert not any(f.endswith((".tsv", ".md")) for f in files)
    errors_by_file = {}
    docs = 0
    for f in files:
        for item in read_path(f):
            if isinstance(item, InputNotice) and item.kind == "skipped":
                continue  # WARC records that are not pages
            if isinstance(item, InputError):
                errors_by_file.setdefault(f.rsplit("/", 1)[1], []).append(item.reason)
            else:
                docs += 1
    assert set(errors_by_file) == {"elpais-2020-03-09.rss", "uol-noticias-2018-09-24.rss"}
    assert docs >= 500


def test_truncated_warc_file_is_streamed_and_keeps_earlier_records(tmp_path):
    data = _warc([
        ("response", "https://news.example/a", "200 OK", "text/html", GOOD.encode()),
        ("response", "https://news.example/b", "200 OK", "text/html", GOOD.replace("Geneva", "Vienna").encode()),
    ])
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[:-150])
    docs, errors = _docs(read_path(str(path)))
    assert [d.url for d in docs] == ["https://news.example/a"]
    assert len(errors) == 1 and errors[0].source.startswith(f"{path}#") and "truncated" in errors[0].reason


class _CountingFile(io.BytesIO):
    """An archive file that counts the bytes read from it."""

    read_bytes = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readinto(self, buffer):
        n = super().readinto(buffer)
        self.read_bytes += n
        return n


@pytest.mark.parametrize("cut", [0, 150])
def test_a_gzipped_archive_is_read_once_to_tell_a_cut_from_an_end(cut):
    pages = [("response", f"https://news.example/p{n}", "200 OK", "text/html",
              _html(f"Talks round {n}", f"Delegates met for round {n} of the talks on Monday in Geneva.").encode()
              + f"<!-- {n} -->".encode() * 400) for n in range(40)]
    data = _warc(pages)
    archive = _CountingFile(data[:len(data) - cut] if cut else data)
    docs, errors = _docs(parse_warc(archive, "a.warc.gz"))
    assert len(docs) == (39 if cut else 40) and len(errors) == (1 if cut else 0)
    assert not cut or ("truncated" in errors[0].reason and errors[0].source.startswith("a.warc.gz#"))
    # warcio's pass, then only the last record again: not a second pass over the whole archive
    assert archive.read_bytes < 1.3 * len(archive.getvalue()), (archive.read_bytes, len(archive.getvalue()))


@pytest.mark.parametrize("kind", ["feed", "warc"])
def test_an_undated_feed_entry_or_archived_page_is_dated_once(kind, tmp_path, monkeypatch):
    import eventwire.ingest.html  # noqa: F401  (its own URL reading is a page signal, not the fallback)
    from eventwire.ingest import dates

    looked: list[tuple] = []
    original = dates.date_in_url
    monkeypatch.setattr(dates, "date_in_url", lambda *urls: looked.append(urls) or original(*urls))
    if kind == "feed":
        data = RSS.replace("<pubDate>Mon, 24 Feb 2020 09:25:00 +0100</pubDate>", "").encode()
        path = tmp_path / "news.xml"
    else:  # a record without a WARC-Date: nothing dates the page
        out = io.BytesIO()
        writer = WARCWriter(out, gzip=True)
        record = writer.create_warc_record(
            "https://news.example/world/talks", "response", payload=io.BytesIO(GOOD.encode()),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"))
        record.rec_headers.remove_header("WARC-Date")
        writer.write_record(record)
        data = out.getvalue()
        path = tmp_path / "news.warc.gz"
    path.write_bytes(data)
    for read in (lambda: read_bytes(data, str(path)), lambda: read_path(str(path))):
        docs, _ = _docs(read())
        assert docs and all(d.published_from == "none-found" for d in docs)
        assert len(looked) == len(docs), looked  # the fallback ran once per document
        looked.clear()
