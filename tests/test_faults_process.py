"""Fault suite, processes and exits: workers end with a killed driver, exit codes say what
happened, the run's summary counts articles by outcome. Loopback only, every wait bounded."""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil
import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventwire.cli import app
from eventwire.config import load_settings
from eventwire.run import run_ingest
from eventwire.store.access import Database

ARTICLE = ("Troops shell town number {n}\n\nSyrian troops shelled the town of Idlib on Monday, officials said. "
           "Rebels said {n} people were killed and the United Nations called for a ceasefire.\n")

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example Wire</title>
<item><title>Ministers meet in Geneva over ceasefire</title><link>https://news.example/1</link>
<description>Foreign ministers met in Geneva on Monday to discuss a ceasefire, officials said.</description></item>
<item><title>Floods hit northern province</title><link>https://news.example/2</link>
<description>Heavy rain flooded villages on Sunday &amp; hail <b>destroyed crops, officials said.</description></item>
<item><title>Parliament approves budget</title><link>https://news.example/3</link>
<description>The parliament approved the budget on Tuesday after a long debate.</description></item>
</channel></rss>"""  # the unclosed <b> makes it malformed XML that feedparser still recovers

PAGE = ("<html><head><title>Talks end</title></head><body><article><h1>Talks end</h1><p>Foreign ministers met in "
        "Geneva on Monday to discuss a ceasefire.</p><p>Officials said the meeting lasted for more than six hours "
        "and ended late in the evening.</p></article></body></html>")


def run(*args, env=None):
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


def write_articles(folder: Path, count: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, count + 1):
        (folder / f"a{n:03d}.txt").write_text(ARTICLE.format(n=n), encoding="utf-8")
    return sorted(str(p) for p in folder.iterdir())


def write_warc(path: Path) -> None:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    writer.write_record(writer.create_warcinfo_record("t.warc", {"software": "pytest"}))
    request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
    writer.write_record(writer.create_warc_record("https://news.example/a", "request", payload=io.BytesIO(b""),
                                                  http_headers=request))
    for url, status, kind, body in (("https://news.example/a", "200 OK", "text/html", PAGE.encode()),
                                    ("https://news.example/logo.png", "200 OK", "image/png", b"\x89PNG0000")):
        headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    path.write_bytes(out.getvalue())


# ------------------------------------------------------------------ workers end with the driver

def _as_from_a_terminal() -> None:
    # A command started in the background by a non-interactive shell (a CI script's `cmd &`) inherits
    # SIGINT ignored, and Python then keeps ignoring it; the driver is run as a terminal would start it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _is_worker(process: psutil.Process) -> bool:
    try:
        return "spawn_main" in " ".join(process.cmdline())
    except psutil.Error:
        return False


def _suspended(processes: list[psutil.Process]) -> list[psutil.Process]:
    held = []
    for process in processes:
        try:
            process.suspend()
            held.append(process)
        except psutil.Error:
            pass
    return held


def _resume(processes: list[psutil.Process]) -> None:
    for process in processes:
        try:
            process.resume()
        except psutil.Error:  # ended by the driver already (SIGKILL ends a stopped process)
            pass


def _workers_of(driver: psutil.Process, want: int, timeout: float) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            children = driver.children(recursive=True)
        except psutil.Error:
            children = []
        if sum(_is_worker(c) for c in children) >= want:
            return children
        time.sleep(0.05)
    pytest.fail(f"the driver did not start {want} workers in {timeout} s")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_workers_and_resource_tracker_end_with_the_driver(tmp_path, sig):
    articles = 48
    write_articles(tmp_path / "in", articles)
    db = tmp_path / "k.duckdb"
    driver = subprocess.Popen([sys.executable, "-m", "eventwire.cli", "ingest", str(tmp_path / "in"), "--db", str(db),
                               "--engine", "local", "--workers", "2"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
                              preexec_fn=_as_from_a_terminal)
    children: list[psutil.Process] = []
    try:
        children = _workers_of(psutil.Process(driver.pid), 2, timeout=120)
        # The workers are held still while the signal lands, so the job is mid-way for certain: a 48-article
        # job takes ~3 s, and a test process slow to see the workers had signalled a finished driver (exit 0).
        workers = _suspended([c for c in children if _is_worker(c)])
        driver.send_signal(sig)
        time.sleep(0.5)  # the driver meets the signal while no worker can finish the job
        _resume(workers)
        code = driver.wait(timeout=60)
        gone, alive = psutil.wait_procs(children, timeout=15)
        assert not alive, f"left behind after {sig.name}: {[p.cmdline() for p in alive]}"
        if sig is not signal.SIGKILL:
            stderr = driver.stderr.read()
            assert code == 130 and "interrupted" in stderr and "Traceback" not in stderr, stderr
    finally:
        for process in [*children, psutil.Process(driver.pid) if driver.poll() is None else None]:
            if process is not None and process.is_running():
                process.kill()
        driver.wait(timeout=30)
    # Nothing stored is lost: a rerun finishes the job on a database the kill left behind.
    again = run("ingest", tmp_path / "in", "--db", db, "--engine", "serial")
    assert again.exit_code == 0, again.output
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == articles
    con.close()


# ------------------------------------------------------------------ exit codes

def test_exit_codes_for_extract_ingest_and_export(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE.format(n=1), encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    db = tmp_path / "x.duckdb"
    assert run("extract", good, "--jsonl").exit_code == 0
    assert run("extract", empty, "--jsonl").exit_code == 1
    assert run("extract", good, empty, "--jsonl").exit_code == 3
    assert run("extract", good, "--json", "--jsonl").exit_code == 2
    assert run("ingest", empty, "--db", db, "--engine", "serial").exit_code == 1
    assert run("ingest", good, empty, "--db", db, "--engine", "serial").exit_code == 3
    assert run("ingest", good, "--db", db, "--workers", "0").exit_code == 2
    assert run("export", "--format", "csv", "--db", db, "-o", tmp_path / "e.csv").exit_code == 0
    assert run("export", "--format", "csv", "--db", tmp_path / "none.duckdb").exit_code == 1
    assert run("export", "--format", "bogus", "--db", db).exit_code == 2


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "gdelt"])
def test_export_to_a_missing_folder_is_one_line(tmp_path, fmt):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE.format(n=1), encoding="utf-8")
    db = tmp_path / "x.duckdb"
    assert run("ingest", good, "--db", db, "--engine", "serial").exit_code == 0
    result = run("export", "--format", fmt, "--db", db, "-o", "/nonexistent/x.csv")
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: /nonexistent/x.csv"), result.stderr


# ------------------------------------------------------------------ what the summary counts

def test_summary_counts_recovered_skipped_refused_and_progress_counts_articles(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "wire.rss").write_text(FEED, encoding="utf-8")
    write_warc(folder / "crawl.warc.gz")
    (folder / "empty.txt").write_bytes(b"")
    db = str(tmp_path / "s.duckdb")
    progress: list[int] = []
    summary = run_ingest([str(p) for p in sorted(folder.iterdir())], Database(db), load_settings(None, db=db),
                         engine="serial", on_progress=progress.append)
    assert summary.recovered == 1 and summary.failed == 0 and summary.refused == 1
    assert summary.stored == 4  # three feed entries and one page
    assert summary.skipped == {"WARC records not HTML pages": 3}  # warcinfo, request, image
    assert progress[-1] == 4  # articles, though there were three inputs
    line = summary.line()
    assert "4 stored" in line and "3 WARC records not HTML pages" in line and "1 refused" in line
    assert "1 recovered" in line and "0 failed" in line


def test_recovered_feed_exits_zero_and_verbose_shows_each_skip(tmp_path):
    (tmp_path / "wire.rss").write_text(FEED, encoding="utf-8")
    write_warc(tmp_path / "crawl.warc.gz")
    db = tmp_path / "v.duckdb"
    first = run("ingest", tmp_path / "wire.rss", tmp_path / "crawl.warc.gz", "--db", db, "--engine", "serial")
    assert first.exit_code == 0, first.output  # recovered is not failed
    assert "note:" in first.stderr and "entries recovered" in first.stderr
    assert "1 recovered" in first.stderr and "3 WARC records not HTML pages" in first.stderr
    again = run("-v", "ingest", tmp_path / "wire.rss", tmp_path / "crawl.warc.gz", "--db", db, "--engine", "serial")
    assert again.exit_code == 0
    for name in ("wire.rss", "crawl.warc.gz"):
        assert f"skipped {tmp_path / name}: unchanged since the last run" in again.stderr
