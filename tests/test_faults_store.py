"""Fault suite, storage and sharing: a full disk, a failed write, a database held by another
process, the server during writes, edited inputs. Loopback only, every wait bounded."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.config import load_settings
from eventwire.run import run_ingest
from eventwire.store.access import Database
from eventwire.store import writes

ARTICLE = ("Troops shell town number {n}\n\nSyrian troops shelled the town of Idlib on Monday, officials said. "
           "Rebels said {n} people were killed and the United Nations called for a ceasefire.\n")


def write_articles(folder: Path, count: int, start: int = 1) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        path = folder / f"a{n:03d}.txt"
        path.write_text(ARTICLE.format(n=n), encoding="utf-8")
        paths.append(str(path))
    return paths


def run(*args, env=None):
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


def documents(db) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        con.close()


def one_line_error(stderr: str) -> list[str]:
    assert "Traceback" not in stderr
    return [line for line in stderr.splitlines() if line.startswith("error:")]


# ------------------------------------------------------------------ storage failures lose nothing

def failing_append(source: str | None, exc: Exception):
    """store/writes.append_batch raising `exc` for every batch that holds the article read from
    `source` (every batch when None): an injected write failure, after inserting what it could."""
    original = writes.append_batch

    def append(con, batch):
        original(con, batch)
        if source is None or source in batch["documents"].column("source").to_pylist():
            raise exc

    return append


def test_disk_full_mid_run_stops_cleanly_and_a_rerun_stores_everything(tmp_path, monkeypatch):
    paths = write_articles(tmp_path / "in", 6)
    db = str(tmp_path / "t.duckdb")
    settings = load_settings(None, db=db)
    monkeypatch.setattr(writes, "append_batch", failing_append(paths[2], duckdb.IOException(
        'IO Error: Could not write file "t.duckdb.wal": No space left on device')))
    summary = run_ingest(paths, Database(db), settings, engine="serial", chunk_size=2, batch_articles=2)
    assert summary.stopped and "No space left on device" in summary.stopped and "\n" not in summary.stopped
    assert summary.stored == 2 and not summary.complete
    con = duckdb.connect(db, read_only=True)
    marked = [r[0] for r in con.execute("SELECT location FROM inputs ORDER BY location").fetchall()]
    stored = [r[0] for r in con.execute("SELECT source FROM documents ORDER BY source").fetchall()]
    con.close()
    assert marked == stored == paths[:2]  # only the first batch committed; nothing of the second is left
    monkeypatch.undo()
    again = run_ingest(paths, Database(db), settings, engine="serial")
    assert again.complete and again.stored == 4 and again.skipped_inputs == 2
    assert documents(db) == 6


def test_failed_write_is_recorded_and_retried_by_the_next_run(tmp_path, monkeypatch):
    paths = write_articles(tmp_path / "in", 3)
    db = str(tmp_path / "t.duckdb")
    settings = load_settings(None, db=db)
    monkeypatch.setattr(writes, "append_batch",
                        failing_append(paths[1], duckdb.ConstraintException("Constraint Error: duplicate key")))
    summary = run_ingest(paths, Database(db), settings, engine="serial")
    assert summary.batches == 1  # the three articles were one batch, which failed; then each alone
    assert summary.stopped is None and summary.failed == 1 and summary.stored == 2  # the batch went on
    con = duckdb.connect(db, read_only=True)
    failures = con.execute("SELECT source, reason FROM failures").fetchall()
    done = {r[0] for r in con.execute("SELECT location FROM inputs").fetchall()}
    con.close()
    assert failures == [(paths[1], failures[0][1])] and "could not be stored" in failures[0][1]
    assert failures[0][0] not in done  # not marked done: the next run reads it again
    monkeypatch.undo()
    again = run_ingest(paths, Database(db), settings, engine="serial")
    assert again.stored == 1 and again.skipped_inputs == 2 and again.complete
    assert documents(db) == 3


@pytest.fixture
def small_tmpfs(tmp_path):
    """A 2 MB tmpfs (needs root and a kernel that lets this process mount): a real full disk."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here; the injected write failure above covers the logic")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_real_full_disk_one_message_nonzero_exit_and_rerun_completes(tmp_path, small_tmpfs):
    folder = tmp_path / "in"
    write_articles(folder, 24)
    db = small_tmpfs / "t.duckdb"
    # Batches of two articles: the disk fills between commits (24 articles in one batch fit in its WAL).
    full = run("ingest", folder, "--db", db, "--engine", "serial", env={"EVENTWIRE_STORE_BATCH_ARTICLES": "2"})
    errors = one_line_error(full.stderr)
    assert full.exit_code in (1, 3), full.output
    assert len(errors) == 1 and "No space left on device" in errors[0], full.stderr
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_tmpfs)], check=True)
    again = run("ingest", folder, "--db", db, "--engine", "serial")
    assert again.exit_code == 0, again.output
    assert documents(db) == 24


# ------------------------------------------------------------------ one writer, live readers

def _hold_lock(db: str, seconds: float) -> subprocess.Popen:
    """Another process holding the database read-write for `seconds` (as a writer mid-batch)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
                               "time.sleep(float(sys.argv[2])); c.close()", db, str(seconds)],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


@pytest.fixture
def stored_db(tmp_path):
    db = tmp_path / "s.duckdb"
    assert run("ingest", *write_articles(tmp_path / "first", 2), "--db", db, "--engine", "serial").exit_code == 0
    return db


def test_database_held_too_long_is_one_line_not_a_traceback(stored_db, tmp_path):
    holder = _hold_lock(str(stored_db), 30)
    try:
        env = {"EVENTWIRE_LOCK_WAIT": "1"}
        events = run("events", "--db", stored_db, env=env)
        export = run("export", "--format", "csv", "--db", stored_db, "-o", tmp_path / "e.csv", env=env)
        ingest = run("ingest", *write_articles(tmp_path / "more", 1), "--db", stored_db, "--engine", "serial", env=env)
    finally:
        holder.kill()
        holder.wait()
    for result in (events, export, ingest):
        errors = one_line_error(result.stderr)
        assert result.exit_code == 1 and len(errors) == 1, result.output
        assert f"in use by process {holder.pid}" in errors[0]


def test_readers_wait_for_a_short_write_and_then_succeed(stored_db):
    holder = _hold_lock(str(stored_db), 1.5)
    try:
        started = time.monotonic()
        result = run("events", "--db", stored_db)
        assert result.exit_code == 0 and "from 2 articles" in result.stdout, result.output
        assert time.monotonic() - started >= 0.5  # it did wait for the writer
    finally:
        holder.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {}


@pytest.fixture
def server(stored_db):
    port = _free_port()
    env = {**os.environ, "EVENTWIRE_LOCK_WAIT": "20"}
    env.pop("EVENTWIRE_API_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "-m", "eventwire.cli", "serve", "--db", str(stored_db), "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _get(base + "/api/health")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("server did not start: " + proc.stderr.read())
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_serve_keeps_answering_during_ingest_and_link_and_shows_new_events(server, stored_db, tmp_path):
    assert _get(server + "/api/facets")[1]["documents"] == 2
    statuses: list[int] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            statuses.append(_get(server + "/api/facets")[0])
            time.sleep(0.05)

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        ingest = run("ingest", *write_articles(tmp_path / "more", 3, start=10), "--db", stored_db,
                     "--engine", "serial")
        link = run("link", "--db", stored_db)
    finally:
        stop.set()
        poller.join(timeout=60)
    assert ingest.exit_code == 0 and link.exit_code == 0, ingest.output + link.output
    assert statuses and set(statuses) == {200}  # every request answered while the writers wrote
    assert _get(server + "/api/facets")[1]["documents"] == 5  # the new articles, without a restart
    # Reading commands work while the server runs.
    assert run("events", "--db", stored_db).exit_code == 0
    exported = run("export", "--format", "jsonl", "--db", stored_db, "-o", tmp_path / "all.jsonl")
    assert exported.exit_code == 0, exported.output
    assert len((tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()) == 5


def test_two_ingests_at_once_both_store_everything(tmp_path):
    db = str(tmp_path / "two.duckdb")
    first = write_articles(tmp_path / "a", 3)
    second = write_articles(tmp_path / "b", 3, start=20)
    settings = load_settings(None, db=db)
    results = {}

    def ingest(name, paths):
        results[name] = run_ingest(paths, Database(db), settings, engine="serial", chunk_size=1)

    threads = [threading.Thread(target=ingest, args=(n, p)) for n, p in (("a", first), ("b", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert all(s.complete for s in results.values()) and documents(db) == 6


# ------------------------------------------------------------------ edited inputs replace

def test_edited_input_replaces_its_document_and_unchanged_stays_idempotent(tmp_path):
    paths = write_articles(tmp_path / "in", 2)
    db = tmp_path / "e.duckdb"
    assert run("ingest", *paths, "--db", db, "--engine", "serial").exit_code == 0
    Path(paths[0]).write_text(ARTICLE.format(n=1).replace("Monday", "Tuesday"), encoding="utf-8")
    os.utime(paths[0], ns=(1, 3_000_000_000))
    edited = run("ingest", *paths, "--db", db, "--engine", "serial")
    assert edited.exit_code == 0 and "1 replaced" in edited.stderr, edited.output
    assert documents(db) == 2
    con = duckdb.connect(str(db), read_only=True)
    (text,) = con.execute("SELECT text FROM documents WHERE source = ?", [paths[0]]).fetchone()
    con.close()
    assert "Tuesday" in text
    forced = run("ingest", *paths, "--db", db, "--engine", "serial", "--force")
    assert forced.exit_code == 0 and "2 unchanged" in forced.stderr and documents(db) == 2


def test_api_answers_503_while_the_database_is_held_then_recovers(stored_db):
    from fastapi.testclient import TestClient

    from eventwire.api import create_app

    client_app = create_app(str(stored_db), settings=load_settings(None, db=str(stored_db), lock_wait=1))
    holder = _hold_lock(str(stored_db), 30)
    try:
        with TestClient(client_app, base_url="http://localhost") as client:
            busy = client.get("/api/facets")
            assert busy.status_code == 503 and busy.headers["retry-after"] == "2"
            assert "retry" in busy.json()["detail"]
            holder.kill()
            holder.wait()
            assert client.get("/api/facets").json()["documents"] == 2
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_api_ingest_on_a_failing_disk_is_507_and_changes_nothing(stored_db, monkeypatch):
    from fastapi.testclient import TestClient

    from eventwire.api import create_app

    monkeypatch.setattr(writes, "append_batch",
                        failing_append(None, duckdb.IOException("IO Error: No space left on device")))
    with TestClient(create_app(str(stored_db), api_token="t0ken"), base_url="http://localhost") as client:
        response = client.post("/api/ingest", json={"content": ARTICLE.format(n=99)},
                               headers={"Authorization": "Bearer t0ken"})
        assert response.status_code == 507 and "could not be stored" in response.json()["detail"]
        assert client.get("/api/facets").json()["documents"] == 2


def test_a_writer_ensures_the_schema_again_only_when_the_file_changed_meanwhile(tmp_path, monkeypatch):
    """ensure_schema runs when this process's writer opens a file it did not leave as it is now: new,
    written by another process, or removed and made again (then it gets its tables back)."""
    from eventwire.store import schema

    calls = []
    real = schema.ensure_schema
    monkeypatch.setattr(schema, "ensure_schema", lambda con: (calls.append(1), real(con))[1])
    path = str(tmp_path / "s.duckdb")
    db = Database(path)
    with db.writing() as store:
        store.record_failure("a.txt", "bad")
    with db.writing() as store:
        store.record_failure("b.txt", "bad")
    assert len(calls) == 1
    con = duckdb.connect(path)  # another writer
    con.execute("INSERT INTO failures VALUES ('c.txt', 'bad', NULL)")
    con.close()
    with db.writing() as store:
        assert len(store.failures()) == 3
    assert len(calls) == 2
    os.remove(path)
    duckdb.connect(path).close()  # made again, empty
    with db.writing() as store:
        assert store.count("documents") == 0 and store.failures() == []
    assert len(calls) == 3


def test_an_ingest_drivers_writer_runs_on_the_threads_it_is_given(tmp_path):
    path = str(tmp_path / "t.duckdb")
    with Database(path, write_threads=1).writing() as store:
        assert store.con.execute("SELECT current_setting('threads')").fetchone()[0] == 1
    with Database(path).writing() as store:  # DuckDB's default: one per core
        assert store.con.execute("SELECT current_setting('threads')").fetchone()[0] == duckdb.connect().execute(
            "SELECT current_setting('threads')").fetchone()[0]
