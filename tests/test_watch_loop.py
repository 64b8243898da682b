"""The watch loop in process against a local site on 127.0.0.1: feeds that change between polls,
duplicates across feeds, a sitemap, faults among the entries, resuming (on both store backends), and
the API over it."""
import json
import time

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from eventwire.api import create_app
from eventwire.cli import app as cli
from eventwire.config import load_settings
from eventwire.watch import state
from eventwire.watch.sources import parse_watch_config
from eventwire.watch.watcher import Watcher

from localsite import LocalSite

WATCH = {"host_interval": 0, "backoff": 0.05, "retries": 0, "timeout": 2, "url_attempts": 3}


def _config(site, tmp_path, feeds, sitemap=False, watchlists=()):
    data = {"watch": {**WATCH, "alerts_file": str(tmp_path / "alerts.jsonl")},
            "feed": [{"url": site.url(f"/feed/{name}.xml"), "every": 1} for name in feeds],
            "watchlist": list(watchlists)}
    if sitemap:
        data["sitemap"] = [{"url": site.url("/sitemap.xml"), "every": 1}]
    return parse_watch_config(data)


def _items(site, numbers):
    return [(site.url(f"/article/{n}.html"), f"Article {n}") for n in numbers]


@pytest.fixture
def site():
    with LocalSite() as s:
        yield s


def test_feeds_sitemaps_duplicates_faults_and_a_changing_feed(site, tmp_path):
    db = str(tmp_path / "w.duckdb")
    site.set_feed("a", _items(site, [0, 1, 2]) + [(site.url("/fault/404"), "gone"),
                                                  (site.url("/private/5.html"), "forbidden"),
                                                  (site.url("/fault/pdf"), "a pdf")])
    site.set_feed("b", _items(site, [1, 2, 3]))  # two entries already in feed a
    site.sitemap_urls = [site.url("/article/3.html"), site.url("/article/4.html#comments")]
    watchlists = [{"name": "syria-fighting", "countries": ["SYR"], "cameo": ["19"]}]
    config = _config(site, tmp_path, ["a", "b"], sitemap=True, watchlists=watchlists)
    watcher = Watcher(db, config, load_settings())
    try:
        stats = watcher.run_once()
        assert (stats.stored, stats.failed) == (5, 3)
        assert all(site.hits[f"/article/{n}.html"] == 1 for n in range(5))  # each article fetched once
        assert site.hits["/private/5.html"] == 0
        failures = dict(watcher.store.failures())
        assert failures[site.url("/fault/404")] == "HTTP 404" and "robots.txt" in failures[site.url("/private/5.html")]
        assert "application/pdf" in failures[site.url("/fault/pdf")]
        events_first = state.last_arrival(watcher.con)
        assert events_first == watcher.store.count("events") > 0

        watcher.run_once()  # nothing changed: conditional GETs only
        assert site.not_modified["/feed/a.xml"] == 1 and site.not_modified["/feed/b.xml"] == 1
        assert site.not_modified["/sitemap.xml"] == 1
        assert all(site.hits[f"/article/{n}.html"] == 1 for n in range(5))

        site.set_feed("a", _items(site, [6, 0, 1, 2]))  # a new entry on top
        stats = watcher.run_once()
        assert stats.stored == 6 and site.hits["/article/6.html"] == 1 and site.hits["/article/0.html"] == 1
        assert state.last_arrival(watcher.con) == watcher.store.count("events") > events_first
        alerts = state.list_alerts(watcher.con, limit=100)
    finally:
        watcher.close()
    lines = [json.loads(l) for l in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert alerts and sorted(a["alert_id"] for a in alerts) == sorted(l["alert_id"] for l in lines)
    assert all(l["event"]["cameo"].startswith("19") for l in lines)
    assert len({l["key"] for l in lines}) == len(lines)


def test_a_busy_page_is_retried_after_its_retry_after(site, tmp_path):
    site.set_feed("a", [(site.url("/fault/503"), "busy"), (site.url("/fault/truncated"), "cut")])
    watcher = Watcher(str(tmp_path / "w.duckdb"), _config(site, tmp_path, ["a"]), load_settings())
    try:
        stats = watcher.run_once()
        assert stats.retried == 2 and stats.stored == 0
        rows = {r["url"].rsplit("/", 1)[1]: r for r in state.due_urls(watcher.con, 10)}
        assert rows == {}  # not due before the server's Retry-After
        time.sleep(1.1)
        watcher.process()
        assert watcher.stats.stored == 1  # the 503 page answered on its second request
        assert state.url_row(watcher.con, site.url("/fault/503"))["state"] == "done"
        for _ in range(3):  # the truncated page is given up after url_attempts
            time.sleep(0.3)
            watcher.process()
        row = state.url_row(watcher.con, site.url("/fault/truncated"))
        assert row["state"] == "failed" and row["attempts"] == 3 and "broke off" in row["last_error"]
    finally:
        watcher.close()


def test_a_restart_resumes_without_refetching_or_repeating(site, tmp_path, empty_db):
    db = empty_db  # the watcher's state, arrivals, alerts and watchlists on DuckDB and on PostgreSQL
    site.set_feed("a", _items(site, range(6)))
    config = _config(site, tmp_path, ["a"])
    first = Watcher(db, config, load_settings())
    first.poll(config.sources[0])
    first.process(limit=2)  # stopped after two articles
    first.close()
    second = Watcher(db, config, load_settings())
    try:
        stats = second.run_once()
        assert stats.stored == 4 and stats.unchanged == 0
        assert all(site.hits[f"/article/{n}.html"] == 1 for n in range(6))
        assert second.store.count("documents") == 6
        ids = second.con.execute("SELECT doc_id, event_id FROM event_arrivals").fetchall()
        assert len(ids) == len(set(ids)) == second.store.count("events")
    finally:
        second.close()


def test_the_api_lists_new_events_since_an_id_and_the_alerts(site, tmp_path, empty_db):
    db = empty_db  # the watcher's state, arrivals, alerts and watchlists on DuckDB and on PostgreSQL
    site.set_feed("a", _items(site, [0, 1]))
    config = _config(site, tmp_path, ["a"], watchlists=[{"name": "syria", "countries": ["SYR"]}])
    watcher = Watcher(db, config, load_settings())
    watcher.run_once()
    watcher.close()
    with TestClient(create_app(db, api_token="t"), base_url="http://localhost") as client:
        page = client.get("/api/events", params={"since_id": 0}).json()
        assert page["total"] == len(page["items"]) > 0
        ids = [i["arrival_id"] for i in page["items"]]
        assert ids == sorted(ids) and page["last_id"] == ids[-1]
        assert client.get("/api/events", params={"since_id": page["last_id"]}).json()["items"] == []
        alerts = client.get("/api/alerts").json()
        assert alerts["items"] and alerts["last_id"] == alerts["items"][0]["alert_id"]
        assert client.get("/api/alerts", params={"since_id": alerts["last_id"]}).json()["items"] == []
        status = client.get("/api/watch").json()
        assert status["urls"] == {"done": 2} and status["sources"][0]["last_status"] == 200
        assert client.put("/api/watchlists/quiet", json={"cameo": ["04"]}).status_code == 401
        auth = {"Authorization": "Bearer t"}
        made = client.put("/api/watchlists/quiet", json={"cameo": ["04"], "countries": ["bel"]}, headers=auth)
        assert made.status_code == 200 and made.json()["countries"] == ["BEL"]
        assert client.put("/api/watchlists/none", json={}, headers=auth).status_code == 422
        names = {w["name"]: w["origin"] for w in client.get("/api/watchlists").json()}
        assert names == {"quiet": "api"}
        assert client.delete("/api/watchlists/quiet", headers=auth).status_code == 204
        assert client.delete("/api/watchlists/quiet", headers=auth).status_code == 404


def test_an_api_watchlist_is_used_by_the_watcher(site, tmp_path, empty_db):
    db = empty_db  # the watcher's state, arrivals, alerts and watchlists on DuckDB and on PostgreSQL
    site.set_feed("a", _items(site, [1]))
    watcher = Watcher(db, _config(site, tmp_path, ["a"]), load_settings())
    state.save_watchlist(watcher.con, "saraqeb", {"name": "saraqeb", "near": {"lat": 35.86, "lon": 36.8, "km": 10}})
    try:
        stats = watcher.run_once()
        assert 1 <= stats.alerts <= stats.events  # one per matching event of the article
    finally:
        watcher.close()


def test_a_database_never_watched_answers_empty(tmp_path):
    from test_api import build_example_db

    db = build_example_db(tmp_path / "plain.duckdb")
    with TestClient(create_app(db), base_url="http://localhost") as client:
        assert client.get("/api/events", params={"since_id": 0}).json()["items"] == []
        assert client.get("/api/alerts").json() == {"items": [], "last_id": 0}
        assert client.get("/api/watch").json()["urls"] == {}


def test_extract_fetches_a_url_and_names_one_it_cannot(site):
    runner = CliRunner()
    result = runner.invoke(cli, ["extract", "--json", site.url("/article/1.html")])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["document"]["url"] == site.url("/article/1.html") and record["events"]
    result = runner.invoke(cli, ["extract", "--json", site.url("/fault/404")])
    assert result.exit_code == 1 and f"{site.url('/fault/404')}: HTTP 404" in result.stderr


def test_watch_once_from_the_command_line_and_a_bad_sources_file(site, tmp_path):
    site.set_feed("a", _items(site, [1, 2]))
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[watch]\nhost_interval = 0\nalerts_file = ""\n\n[[feed]]\nurl = "{site.url("/feed/a.xml")}"\n'
                       f'every = "1m"\n')
    runner = CliRunner()
    result = runner.invoke(cli, ["watch", str(sources), "--once", "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 0, result.output
    assert "2 pages fetched: 2 stored" in result.stderr
    result = runner.invoke(cli, ["watch", str(sources), "--once", "--db", str(tmp_path / "w.duckdb")])
    assert "1 not modified" in result.stderr and "0 pages fetched" in result.stderr
    sources.write_text('[[feed]]\nurl = "ftp://example.org/rss"\n')
    result = runner.invoke(cli, ["watch", str(sources), "--once", "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2 and "[[feed]] #1: url must be an http:// or https:// URL" in result.stderr
    result = runner.invoke(cli, ["watch", str(tmp_path / "missing.toml"), "--once"])
    assert result.exit_code == 2 and "missing.toml" in result.stderr


def test_a_page_source_is_fetched_again_each_round_and_stored_once(site, tmp_path):
    config = parse_watch_config({"watch": {**WATCH, "alerts_file": ""},
                                 "page": [{"url": site.url("/article/4.html"), "every": 1}]})
    watcher = Watcher(str(tmp_path / "w.duckdb"), config, load_settings())
    try:
        watcher.run_once()
        watcher.run_once()
        assert (watcher.stats.stored, watcher.stats.unchanged) == (1, 1)
        assert site.hits["/article/4.html"] == 2 and watcher.store.count("documents") == 1
    finally:
        watcher.close()


def test_one_article_the_coder_cannot_handle_does_not_stop_the_others(site, tmp_path, monkeypatch):
    import eventwire.pipeline as pipeline

    real = pipeline.extract_documents

    def fragile(docs, settings=None):
        docs = list(docs)
        if any("/article/2.html" in (d.url or "") for d in docs):
            raise RuntimeError("a coder bug")
        return real(docs, settings)

    monkeypatch.setattr(pipeline, "extract_documents", fragile)
    site.set_feed("a", _items(site, [1, 2, 3]))
    watcher = Watcher(str(tmp_path / "w.duckdb"), _config(site, tmp_path, ["a"]), load_settings())
    try:
        stats = watcher.run_once()
        assert (stats.stored, stats.failed) == (2, 1)
        assert "a coder bug" in dict(watcher.store.failures())[site.url("/article/2.html")]
    finally:
        watcher.close()


def test_watch_on_a_database_another_process_holds_is_one_line_and_exit_code_1(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "held.duckdb"
    sources = tmp_path / "sources.toml"
    sources.write_text('[watch]\nalerts_file = ""\n\n[[feed]]\nurl = "http://127.0.0.1:9/feed.xml"\n')
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
                               "time.sleep(30)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        result = CliRunner().invoke(cli, ["watch", str(sources), "--once", "--db", str(db)],
                                    env={"EVENTWIRE_LOCK_WAIT": "1"})
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"in use by process {holder.pid}" in errors[0], result.stderr


def test_a_failed_rollback_after_a_storage_fault_leaves_the_first_error_to_report(tmp_path):
    import duckdb

    class FailingDisk:
        """A connection whose writes fail as on a full disk, after which DuckDB refuses the ROLLBACK too."""

        def __init__(self, con):
            self.con = con

        def execute(self, sql, *args):
            if sql.startswith("ROLLBACK"):
                raise duckdb.FatalException("database has been invalidated because of a previous fatal error")
            return self.con.execute(sql, *args)

        def executemany(self, sql, *args):
            raise duckdb.IOException("could not write file: No space left on device")

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    state.ensure_tables(con)
    with pytest.raises(duckdb.IOException, match="No space left"):
        state.record_poll(FailingDisk(con), "http://127.0.0.1:9/feed.xml", "feed", status=200, etag=None,
                          last_modified=None, next_poll=state.now(), links=["http://127.0.0.1:9/a.html"])
    con.close()
