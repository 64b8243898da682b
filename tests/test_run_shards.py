"""Shards: Dask workers write their rows as Parquet shards the driver loads; the store ends up the
same as without them, reruns are no-ops, shards left by a crashed run are loaded by the next."""
from __future__ import annotations

import json
import os
import shutil

import pytest

from eventwire.config import load_settings
from eventwire.run import run_ingest
from eventwire.run.shards import ShardFolder, ShardFolderError
from eventwire.run.work import InputItem, process_chunk
from eventwire.store.duckdb import open_store
from tests.test_run import write_corpus


def _records(db: str) -> dict[str, dict]:
    with open_store(db, read_only=True) as store:
        return {r["document"]["id"]: r for r in store.records()}


def _shards(folder) -> list[str]:
    return sorted(n for n in os.listdir(folder) if not n.startswith("."))


@pytest.fixture(scope="module")
def cluster():
    """One in-process Dask worker (threads: fast to start; the model is loaded once)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as running:
        yield running.scheduler_address


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("corpus"), 12)


@pytest.fixture(scope="module")
def serial(corpus, tmp_path_factory):
    db = str(tmp_path_factory.mktemp("serial") / "serial.duckdb")
    with open_store(db) as store:
        run_ingest(corpus, store, load_settings(None, db=db), engine="serial")
    return _records(db)


def test_dask_shards_store_what_the_driver_would_and_a_rerun_is_a_no_op(corpus, serial, cluster, tmp_path):
    db, shards = str(tmp_path / "s.duckdb"), tmp_path / "shards"
    settings = load_settings(None, db=db)
    with open_store(db) as store:
        summary = run_ingest(corpus, store, settings, dask_address=cluster, shards=str(shards), chunk_size=4)
    assert (summary.stored, summary.failed, summary.shards) == (12, 0, 3)  # one shard per chunk of 4
    assert json.dumps(_records(db), sort_keys=True) == json.dumps(serial, sort_keys=True)
    assert sum(len(r["events"]) for r in serial.values()) > 0
    assert _shards(shards) == []  # every shard loaded was removed

    with open_store(db) as store:
        again = run_ingest(corpus, store, settings, dask_address=cluster, shards=str(shards))
        assert again.skipped_inputs == 12 and again.unchanged == 12 and again.workers == 0  # inputs marked done
        forced = run_ingest(corpus, store, settings, dask_address=cluster, shards=str(shards), force=True)
        assert (forced.stored, forced.replaced, forced.unchanged, forced.failed) == (0, 0, 12, 0)
        assert store.count("documents") == 12
    assert _records(db) == serial and _shards(shards) == []


def test_a_local_pool_writes_shards_too(corpus, serial, tmp_path):
    db, shards = str(tmp_path / "p.duckdb"), tmp_path / "shards"
    with open_store(db) as store:
        summary = run_ingest(corpus[:4], store, load_settings(None, db=db), engine="local", workers=1,
                             shards=str(shards))
    assert summary.stored == 4 and summary.shards >= 1 and _shards(shards) == []
    assert _records(db) == {k: v for k, v in serial.items() if k in _records(db)} and len(_records(db)) == 4


def test_a_changed_article_replaces_its_rows(tmp_path, cluster):
    paths = write_corpus(tmp_path, 3)
    db, shards = str(tmp_path / "c.duckdb"), str(tmp_path / "shards")
    settings = load_settings(None, db=db, shards=shards)  # the setting, as from the file or environment
    with open_store(db) as store:
        run_ingest(paths, store, settings, dask_address=cluster)
        with open(paths[0], "a", encoding="utf-8") as handle:
            handle.write("\nRebels later shelled the airport in Aleppo.\n")
        os.utime(paths[0], ns=(1, 2_000_000_000))
        again = run_ingest(paths, store, settings, dask_address=cluster)
        assert (again.processed_inputs, again.replaced, again.stored, again.shards) == (1, 1, 0, 1)
        assert store.count("documents") == 3
        texts = [r["document"]["text"] for r in store.records()]
    assert sum("shelled the airport" in t for t in texts) == 1


def test_shards_left_by_a_crashed_run_are_loaded_by_the_next(corpus, serial, tmp_path):
    shards = tmp_path / "shards"
    shards.mkdir()
    db = str(tmp_path / "l.duckdb")
    settings = load_settings(None, db=db)
    # Workers finished two chunks and wrote their shards; the driver died before loading them.
    worker = load_settings(None, db=db, shards=str(shards))
    for chunk in (corpus[:5], corpus[5:8]):
        done = process_chunk([InputItem(p, os.stat(p).st_size, os.stat(p).st_mtime_ns) for p in chunk], worker)
        assert done.shard is not None and len(done.rows) == 0 and done.articles == len(chunk)
    (shards / ".half-written.tmp").mkdir()  # a worker that stopped mid-shard
    first = _shards(shards)[0]
    shutil.copytree(shards / first, tmp_path / "copy")

    with open_store(db) as store:
        summary = run_ingest(corpus, store, settings, engine="serial", shards=str(shards))
    assert summary.leftover_shards == 2 and summary.stored == 12 and summary.failed == 0
    # Loaded before planning: those 8 inputs were done and not read again, nor counted twice.
    assert summary.processed_inputs == 12 and summary.skipped_inputs == 0 and summary.articles_read == 12
    assert _records(db) == serial
    assert os.listdir(shards) == [".eventwire-shards.lock"]  # shards removed, the unfinished one too

    # Killed after a shard committed and before it was removed: loading it again changes nothing.
    shutil.copytree(tmp_path / "copy", shards / first)
    (shards / "notes").mkdir()  # not a shard's name: left alone
    with open_store(db) as store:
        again = run_ingest(corpus, store, settings, engine="serial", shards=str(shards))
        assert store.count("documents") == 12
    assert again.leftover_shards == 1 and again.unchanged == 12 and again.stored == again.replaced == 0
    assert _records(db) == serial and _shards(shards) == ["notes"]


def test_bad_inputs_and_an_unreadable_shard_do_not_stop_the_batch(tmp_path, cluster):
    paths = write_corpus(tmp_path, 4)
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "empty.txt").write_text("")
    shards = tmp_path / "shards"
    shards.mkdir()
    db = str(tmp_path / "b.duckdb")
    # A shard left behind whose documents file was cut short (a disk that filled while it was copied).
    broken = process_chunk([InputItem(paths[0])], load_settings(None, db=db, shards=str(shards)))
    documents = os.path.join(broken.shard, "documents.parquet")
    with open(documents, "r+b") as handle:
        handle.truncate(os.path.getsize(documents) // 2)

    inputs = [str(tmp_path / "blob.bin"), *paths[1:], str(tmp_path / "empty.txt")]
    seen = []
    with open_store(db) as store:
        summary = run_ingest(inputs, store, load_settings(None, db=db), dask_address=cluster, shards=str(shards),
                             chunk_size=6, on_failure=seen.append)
        failures = dict(store.failures())
    assert summary.stored == 3 and summary.refused == 2 and summary.failed == 1
    assert "binary" in failures[str(tmp_path / "blob.bin")] and "empty" in failures[str(tmp_path / "empty.txt")]
    assert "shard" in failures[paths[0]]  # its input fails, and is read again by the next run
    assert _shards(shards) == [] and any(n.endswith(".unreadable") for n in os.listdir(shards))

    with open_store(db) as store:
        rerun = run_ingest([paths[0]], store, load_settings(None, db=db), engine="serial", shards=str(shards))
    assert rerun.stored == 1 and rerun.failed == 0


def test_a_shards_folder_that_cannot_be_used_is_one_line_not_a_traceback(tmp_path):
    from typer.testing import CliRunner

    from eventwire.cli import app

    article = write_corpus(tmp_path, 1)[0]
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(app, ["ingest", article, "--db", str(tmp_path / "u.duckdb"), "--engine", "serial",
                                      "--shards", str(blocker / "shards")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert "shards folder" in result.output and "cannot be created" in result.output

    with ShardFolder(str(tmp_path / "busy")):  # one run at a time per folder
        with pytest.raises(ShardFolderError, match="in use by another ingest run"):
            with ShardFolder(str(tmp_path / "busy")):
                pass
