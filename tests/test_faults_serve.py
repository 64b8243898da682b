"""Fault suite, serving side (issue 17, items 3 and 7): extraction requests that once stalled the
server, Host headers of other sites (DNS rebinding), and strangers on the local Dask cluster.
Loopback only and bounded in time; the extraction workers are real processes with the real model.

Imports of what the fixes added stay inside the tests: on a checkout without them each probe
fails on its own instead of the whole file failing to load."""
import asyncio
import multiprocessing
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from eventwire.api import create_app
from eventwire.config import load_settings

PARAGRAPH = ("Rebel forces attacked the northern town of Kismayo on Monday, killing five soldiers, the army "
             "said in a statement. The government condemned the attack and promised reinforcements.")
TOKEN = "fault-token"


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory):
    from eventwire.store.duckdb import open_store

    path = tmp_path_factory.mktemp("faults") / "empty.duckdb"
    with open_store(str(path)):
        pass
    return str(path)


def _article(paragraphs: int) -> str:
    return "Attack on Kismayo\n\n" + "\n\n".join(PARAGRAPH.replace("Monday", f"Monday ({i})") for i in range(paragraphs))


# ----------------------------------------------------------------------------- bounded requests

def test_extract_over_the_size_limit_is_413(empty_db):
    with TestClient(create_app(empty_db), base_url="http://localhost") as client:
        response = client.post("/api/extract", json={"content": "x" * 210_000})
    assert response.status_code == 413 and "200000" in response.json()["detail"]


def test_extract_limits_come_from_the_settings(empty_db, monkeypatch):
    monkeypatch.setenv("EVENTWIRE_EXTRACT_MAX_BYTES", "1000")
    monkeypatch.setenv("EVENTWIRE_EXTRACT_TIMEOUT", "2.5")
    settings = load_settings(db=empty_db)
    assert settings.extract_max_bytes == 1000 and settings.extract_timeout == 2.5
    with TestClient(create_app(empty_db, settings=settings), base_url="http://localhost") as client:
        assert client.post("/api/extract", json={"content": "x" * 2000}).status_code == 413


def test_reads_answer_while_extraction_is_busy_and_the_queue_refuses_the_rest(empty_db):
    settings = load_settings(db=empty_db, extract_workers=1, extract_queue=1, extract_timeout=120.0)
    article = _article(12)
    with TestClient(create_app(empty_db, settings=settings), base_url="http://localhost") as client, \
            ThreadPoolExecutor(4) as senders:
        posts = [senders.submit(client.post, "/api/extract", json={"content": article}) for _ in range(4)]
        time.sleep(1.0)  # the worker is loading the model or extracting now
        started = time.monotonic()
        events = client.get("/api/events")
        waited = time.monotonic() - started
        statuses = sorted(p.result(timeout=300).status_code for p in posts)
    assert events.status_code == 200 and waited < 5, waited
    # One extracting, one queued; the others are told at once to come back later.
    assert statuses == [200, 200, 429, 429], statuses


def _still_running(pids, wait: float = 5.0):
    """The processes among `pids` that still run (not gone, not a zombie) after up to `wait` seconds:
    Process.is_alive() can say True for a killed child that another thread is reaping."""
    deadline = time.monotonic() + wait
    while True:
        running = []
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    state = stat.read().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state not in ("Z", "X"):
                running.append(pid)
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.1)


def test_extraction_over_the_time_limit_is_stopped_and_its_worker_replaced(empty_db):
    from eventwire.api.extraction import ExtractionPool, TimedOut

    pool = ExtractionPool(load_settings(db=empty_db), workers=1, queue=0, timeout=0.3)

    async def scenario():
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await pool.extract(_article(60), "text", "slow", None)
        stopped_after = time.monotonic() - started
        stray = _still_running([p.pid for p in multiprocessing.active_children()])
        pool.timeout = 120.0
        outcome, record = await pool.extract(_article(1), "text", "quick", None)
        return stopped_after, stray, outcome, record

    try:
        stopped_after, stray, outcome, record = asyncio.run(scenario())
    finally:
        pool.close()
    assert not stray  # the timed-out worker process was killed, not left running
    assert outcome == "record" and record.document.source == "quick"
    assert stopped_after < 120  # model loading is not counted; the article's 0.3 s is


def test_ingest_still_needs_its_token(empty_db, tmp_path):
    import shutil

    copy = tmp_path / "copy.duckdb"
    shutil.copy(empty_db, copy)
    with TestClient(create_app(empty_db), base_url="http://localhost") as reader:
        assert reader.post("/api/ingest", json={"content": PARAGRAPH}).status_code == 403
    with TestClient(create_app(str(copy), api_token=TOKEN), base_url="http://localhost") as writer:
        assert writer.post("/api/ingest", json={"content": PARAGRAPH}).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert writer.post("/api/ingest", json={"content": PARAGRAPH}, headers=wrong).status_code == 401


# ------------------------------------------------------------------------------------ Host check

@pytest.mark.parametrize("host, allowed, status", [
    ("localhost:8000", (), 200),
    ("127.0.0.1:8000", (), 200),
    ("[::1]:8000", (), 200),
    ("dashboard.localhost", (), 200),
    ("attacker.example", (), 421),
    ("attacker.example:8000", (), 421),
    ("127.0.0.1.attacker.example", (), 421),
    ("news.lan:8000", ("news.lan",), 200),
    ("other.lan", ("news.lan",), 421),
    ("anything.example", ("*",), 200),
])
def test_host_header_is_checked(empty_db, host, allowed, status):
    app = create_app(empty_db, allowed_hosts=allowed)
    with TestClient(app, base_url="http://localhost") as client:
        response = client.get("/api/health", headers={"Host": host})
    assert response.status_code == status
    if status == 421:
        assert "--allow-host" in response.json()["detail"]


def test_serve_answers_its_own_address_and_allow_host(monkeypatch, empty_db):
    """The CLI passes --host (unless a wildcard) and every --allow-host to the app."""
    import uvicorn
    from typer.testing import CliRunner

    from eventwire.cli import app as cli

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda web_app, **kw: seen.update(app=web_app, **kw))
    result = CliRunner().invoke(cli, ["serve", "--db", empty_db, "--host", "0.0.0.0", "--allow-host", "news.lan"])
    assert result.exit_code == 0, result.output
    with TestClient(seen["app"], base_url="http://localhost") as client:
        assert client.get("/api/health", headers={"Host": "news.lan:8000"}).status_code == 200
        assert client.get("/api/health", headers={"Host": "0.0.0.0:8000"}).status_code == 421
        assert client.get("/api/health", headers={"Host": "evil.example"}).status_code == 421


# ---------------------------------------------------------------------------- local Dask cluster

def test_local_dask_cluster_refuses_strangers():
    from distributed import Client
    from distributed.security import Security

    from eventwire.run.engines import local_cluster

    cluster, security = local_cluster(1)
    try:
        address = cluster.scheduler_address
        assert address.startswith("tls://127.0.0.1:")
        with Client(cluster, security=security) as own:
            assert own.submit(sum, [1, 2], pure=False).result(timeout=60) == 3
        strangers = [(address, None), (address.replace("tls://", "tcp://"), None),
                     (address, Security.temporary())]  # TLS, but certificates of its own
        for target, credentials in strangers:
            with pytest.raises(Exception):  # noqa: B017 - refused however the handshake fails
                Client(target, security=credentials, timeout=5).close()
    finally:
        cluster.close()
