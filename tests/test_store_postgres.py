"""The PostgreSQL store with several writers at once: processes ingesting into one database neither
duplicate nor lose a record, and nothing waits for DuckDB's single-writer lock."""
import json
import os
import subprocess
import sys

import pytest

from eventwire.store.duckdb import open_store

from conftest import REPO

# Writes the same ten documents, each edited once, as fast as it can: the two writer processes
# race on every document id (advisory locks, one transaction per article).
_WRITER = r"""
import dataclasses, sys
sys.path.insert(0, sys.argv[2])
from test_store import make_record
from eventwire.store.duckdb import open_store

store = open_store(sys.argv[1])
for round in range(2):
    for n in range(10):
        record = make_record(title=f"Report {n}", url=f"https://news.example/{n}",
                             body=f"Troops shelled the town on Monday, officials said ({round}).")
        store.write(record)
        store.record_failure(f"feed#{n}", "one failure per source, replaced")
store.close()
"""


def _run_together(commands: list[list[str]], timeout: float = 240) -> list[subprocess.CompletedProcess]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    running = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
               for c in commands]
    done = []
    for process in running:
        out, err = process.communicate(timeout=timeout)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return done


@pytest.fixture
def pg_db(postgres_cluster) -> str:
    return postgres_cluster.new_database()


def test_two_processes_writing_the_same_documents(pg_db):
    results = _run_together([[sys.executable, "-c", _WRITER, pg_db, str(REPO / "tests")]] * 2)
    assert all(r.returncode == 0 for r in results), [r.stderr[-2000:] for r in results]
    with open_store(pg_db, read_only=True) as store:
        assert store.count("documents") == 10
        assert store.count("events") == 10 and store.count("actors") == 20 and store.count("event_actors") == 20
        assert store.count("failures") == 10
        texts = [r["document"]["text"] for r in store.records()]
        assert all(t.endswith("(1).") for t in texts)  # each document as its last write left it


def test_two_ingests_at_once_store_every_article_once(pg_db):
    command = [sys.executable, "-m", "eventwire.cli", "ingest", "examples/", "--db", pg_db, "--engine", "serial"]
    results = _run_together([command, command])
    assert all(r.returncode == 0 for r in results), [r.stderr[-2000:] for r in results]
    assert not any("in use by" in r.stderr for r in results)  # no single-writer wait on PostgreSQL
    with open_store(pg_db, read_only=True) as store:
        records = list(store.records())
        assert store.count("documents") == len(records) == 4
        # Every event, actor and place of each stored record is in the tables, once.
        assert store.count("events") == sum(len(r["events"]) for r in records) > 0
        assert store.count("actors") == sum(len(r["actors"]) for r in records)
        assert store.count("places") == sum(len(r["places"]) for r in records)
        pairs = store.con.execute("SELECT doc_id, event_id FROM events").fetchall()
        assert len(pairs) == len(set(pairs))
        assert store.count("inputs") == 3 and store.count("failures") == 0


def test_an_unreachable_server_is_one_line(postgres_cluster):
    from typer.testing import CliRunner

    from eventwire.cli import app

    url = postgres_cluster.url("postgres").rsplit(":", 1)[0] + ":1/none"  # port 1: nothing listens
    result = CliRunner().invoke(app, ["events", "--db", url])
    assert result.exit_code == 1
    assert "cannot connect" in result.output and "Traceback" not in result.output
    assert json.dumps(result.output).count("\\n") <= 2


def test_a_batch_is_appended_with_copy(pg_db):
    """The batch contract of the columnar write path: table name -> Arrow table, columns in schema order."""
    pa = pytest.importorskip("pyarrow", reason="pyarrow comes with the batched write path")
    from datetime import datetime

    from eventwire.store.postgres import append_batch

    with open_store(pg_db) as store:
        batch = {"failures": pa.table({"source": ["a.txt", "b.txt"], "reason": ["empty input", "not UTF-8"],
                                       "failed_at": [datetime(2026, 1, 1), datetime(2026, 1, 2)]}),
                 "captions": pa.table({"doc_id": pa.array([], pa.string()), "idx": pa.array([], pa.int32()),
                                       "text": pa.array([], pa.string()), "credit": pa.array([], pa.string())})}
        store.con.execute("BEGIN")
        append_batch(store.con, batch)
        store.con.execute("COMMIT")
        assert store.failures() == [("a.txt", "empty input"), ("b.txt", "not UTF-8")]
        assert store.count("captions") == 0
