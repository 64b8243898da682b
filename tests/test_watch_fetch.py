"""The fetcher and the sources file against a local site on 127.0.0.1: every network fault is
handled, bounded in time, and reported with a reason; nothing leaves the loopback interface."""
import time

import pytest

from eventwire.watch.discover import feed_links, normalise_url, sitemap_links
from eventwire.watch.fetch import ARTICLE_TYPES, FetchError, Fetcher, _retry_after
from eventwire.watch.sources import FetchSettings, parse_watch_config

from localsite import LocalSite

FAST = FetchSettings(timeout=1.0, total_timeout=3.0, max_bytes=1_000_000, retries=2, backoff=0.05,
                     host_interval=0.0, max_redirects=4)


@pytest.fixture
def site():
    with LocalSite(slow=2.5) as s:
        yield s


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as f:
        yield f


def test_a_page_is_fetched_with_our_user_agent_and_after_redirects(site, fetcher):
    result = fetcher.get(site.url("/fault/redirect"), accept_types=ARTICLE_TYPES)
    assert result.status == 200 and result.url.endswith("/article/11.html")
    assert b"<article>" in result.content and result.content_type == "text/html"


def test_404_is_permanent_and_not_retried(site, fetcher):
    with pytest.raises(FetchError) as caught:
        fetcher.get(site.url("/fault/404"))
    assert not caught.value.temporary and caught.value.status == 404
    assert site.hits["/fault/404"] == 1


def test_500_is_retried_with_backoff_then_reported(site, fetcher):
    with pytest.raises(FetchError) as caught:
        fetcher.get(site.url("/fault/500"))
    assert caught.value.temporary and caught.value.reason == "HTTP 500"
    assert site.hits["/fault/500"] == FAST.retries + 1


def test_503_with_retry_after_is_honoured(site, fetcher):
    started = time.monotonic()
    result = fetcher.get(site.url("/fault/503"))
    assert result.status == 200 and site.hits["/fault/503"] == 2
    assert time.monotonic() - started >= 0.9  # it waited the second Retry-After asked for


def test_a_retry_after_beyond_the_cap_is_not_waited_for(site):
    with Fetcher(FetchSettings(host_interval=0, max_retry_after=0.5, retries=3)) as patient:
        started = time.monotonic()
        with pytest.raises(FetchError) as caught:
            patient.get(site.url("/fault/503"))
    assert caught.value.retry_after == 1.0 and time.monotonic() - started < 1.0


def test_retry_after_as_seconds_and_as_a_date():
    assert _retry_after("7") == 7.0
    assert _retry_after("Thu, 01 Jan 1970 00:00:00 GMT") == 0.0
    assert _retry_after("soon") is None and _retry_after(None) is None


def test_a_slow_server_times_out(site):
    with Fetcher(FetchSettings(timeout=0.5, retries=0, host_interval=0)) as f:
        started = time.monotonic()
        with pytest.raises(FetchError) as caught:
            f.get(site.url("/fault/slow"))
    assert caught.value.temporary and "timed out" in caught.value.reason
    assert time.monotonic() - started < 2.0


def test_a_stalled_body_times_out(site):
    with Fetcher(FetchSettings(timeout=0.5, retries=0, host_interval=0)) as f:
        started = time.monotonic()
        with pytest.raises(FetchError) as caught:
            f.get(site.url("/fault/stall"))
    assert caught.value.temporary and time.monotonic() - started < 2.0


def test_a_truncated_body_is_a_temporary_failure(site, fetcher):
    with pytest.raises(FetchError) as caught:
        fetcher.get(site.url("/fault/truncated"))
    assert caught.value.temporary and "broke off" in caught.value.reason
    assert site.hits["/fault/truncated"] == FAST.retries + 1


def test_a_redirect_loop_stops_at_the_limit(site, fetcher):
    with pytest.raises(FetchError) as caught:
        fetcher.get(site.url("/fault/loop"))
    assert not caught.value.temporary and "redirects" in caught.value.reason
    assert site.hits["/fault/loop"] == FAST.max_redirects + 1


@pytest.mark.parametrize("path", ["/fault/huge", "/fault/huge-chunked"])
def test_a_50_mb_page_is_refused_without_reading_it(site, fetcher, path):
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetcher.get(site.url(path))
    assert not caught.value.temporary and "size limit" in caught.value.reason
    assert time.monotonic() - started < 5.0  # 50 MB would take longer; it stopped at 1 MB or before


def test_a_non_html_page_is_refused_as_an_article(site, fetcher):
    with pytest.raises(FetchError) as caught:
        fetcher.get(site.url("/fault/pdf"), accept_types=ARTICLE_TYPES)
    assert "application/pdf" in caught.value.reason and not caught.value.temporary


def test_robots_txt_forbids_a_path_and_it_is_never_requested(site, fetcher):
    with pytest.raises(FetchError) as caught:
        fetcher.get(site.url("/private/1.html"))
    assert "robots.txt" in caught.value.reason
    assert site.hits["/private/1.html"] == 0 and site.hits["/robots.txt"] == 1
    fetcher.get(site.url("/article/1.html"))
    assert site.hits["/robots.txt"] == 1  # cached per host


def test_an_unreachable_host_is_a_temporary_failure():
    with Fetcher(FetchSettings(timeout=0.5, retries=0, host_interval=0, robots=False)) as f:
        with pytest.raises(FetchError) as caught:
            f.get("http://127.0.0.1:9/nothing")  # the discard port: nothing listens
    assert caught.value.temporary


def test_conditional_get_answers_304_for_an_unchanged_feed(site, fetcher):
    url = site.set_feed("news", [(site.url("/article/1.html"), "One")])
    first = fetcher.get(url)
    again = fetcher.get(url, etag=first.etag)
    assert first.status == 200 and first.etag and again.status == 304 and again.content == b""
    site.set_feed("news", [(site.url("/article/2.html"), "Two"), (site.url("/article/1.html"), "One")])
    changed = fetcher.get(url, etag=first.etag)
    assert changed.status == 200 and changed.etag != first.etag


def test_per_host_pacing_spaces_requests():
    with LocalSite() as site, Fetcher(FetchSettings(host_interval=0.3, robots=False)) as f:
        started = time.monotonic()
        for n in range(4):
            f.get(site.url(f"/article/{n}.html"))
        assert time.monotonic() - started >= 0.85


def test_links_of_feeds_and_sitemaps_are_absolute_and_without_fragments():
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
      <item><title>a</title><link>/news/a.html#top</link></item>
      <item><title>b</title><link>https://Example.ORG/news/b.html</link></item></channel></rss>"""
    assert feed_links(feed, "https://example.org/feed.xml") == [
        "https://example.org/news/a.html", "https://example.org/news/b.html"]
    urlset = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://e.org/x</loc></url></urlset>"""
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://e.org/s2.xml</loc></sitemap></sitemapindex>"""
    assert sitemap_links(urlset, "https://e.org/") == (["https://e.org/x"], [])
    assert sitemap_links(index, "https://e.org/") == ([], ["https://e.org/s2.xml"])
    with pytest.raises(ValueError):
        sitemap_links(b"<html><body>no</body></html>", "https://e.org/")
    with pytest.raises(ValueError):
        feed_links(b"just text", "https://e.org/")
    assert normalise_url("mailto:x@y.org") is None


def test_sources_file_is_checked_and_errors_name_their_place():
    config = parse_watch_config({
        "watch": {"host_interval": "2s", "webhook": "http://127.0.0.1:9999/hook", "max_bytes": 2_000_000},
        "feed": [{"url": "https://example.org/rss", "every": "15m"}],
        "sitemap": [{"url": "https://example.org/sitemap.xml", "every": 3600}],
        "page": [{"url": "https://example.org/live", "every": "1h"}],
        "watchlist": [{"name": "idlib", "countries": ["syr"], "near": {"lat": 35.9, "lon": 36.6, "km": 50}}]})
    assert [(s.kind, s.every) for s in config.sources] == [("feed", 900.0), ("sitemap", 3600.0), ("page", 3600.0)]
    assert config.fetch.host_interval == 2.0 and config.fetch.max_bytes == 2_000_000
    assert config.watchlists[0].countries == ("SYR",) and config.watchlists[0].near.km == 50
    bad = [({"feed": [{"url": "ftp://x"}]}, "[[feed]] #1: url"),
           ({"feed": {"url": "https://x.org"}}, "[[feed]]"),
           ({"feed": [{"url": "https://x.org", "every": "soon"}]}, "every"),
           ({"watch": {"timeout": "fast"}}, "timeout"),
           ({"watch": {"colour": 1}}, "unknown setting colour"),
           ({"watchlist": [{"name": "empty"}]}, "at least one criterion"),
           ({"watchlist": [{"name": "w", "near": {"lat": 99, "lon": 0, "km": 1}}]}, "out of range"),
           ({"watchlist": [{"name": "w", "countries": ["SYR", "Narnia"]}]}, "#1.countries: 'Narnia' is not a country"),
           ({"watchlist": [{"name": "w", "countries": ["GM"]}]}, "ambiguous"),
           ({"feeds": []}, "unknown sections feeds")]
    for data, words in bad:
        with pytest.raises(ValueError, match=None) as caught:
            parse_watch_config(data, "s.toml")
        assert words in str(caught.value) and str(caught.value).startswith("s.toml"), (data, caught.value)


def test_watchlist_countries_are_read_as_the_country_filter_reads_them():
    from eventwire.filters import event_filters

    given = ["SYR", "sy", "fips:GM", "Kosovo", "KV", "Ivory Coast", "Turkey"]
    config = parse_watch_config({"watchlist": [{"name": "w", "countries": given}]}, "s.toml")
    assert config.watchlists[0].countries == ("SYR", "DEU", "KOS", "CIV", "TUR")
    assert list(config.watchlists[0].countries) == list(dict.fromkeys(event_filters(country=c)["country"] for c in given))


def test_the_documented_sources_files_are_valid():
    import re
    import tomllib

    from conftest import REPO
    from eventwire.watch.sources import load_watch_config

    example = load_watch_config(str(REPO / "docs" / "sources.example.toml"))
    assert [s.kind for s in example.sources] == ["feed", "sitemap", "page"] and len(example.watchlists) == 2
    readme = (REPO / "README.md").read_text()
    block = re.search(r"## Monitor your feeds.*?```toml\n(.*?)```", readme, re.S).group(1)
    config = parse_watch_config(tomllib.loads(block), "README")
    assert config.watchlists[0].near is not None and config.fetch.host_interval == 1.0
