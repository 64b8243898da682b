"""Engines and the driver: serial, local pool and Dask give identical records; reruns resume."""
from __future__ import annotations

import json
import os

import pytest

from eventwire.config import load_settings
from eventwire.run import run_ingest
from eventwire.run.driver import chunked
from eventwire.run.work import InputItem, process_chunk
from eventwire.store.duckdb import open_store

TEMPLATES = [
    "{country} troops clash with rebels near {city}\n\n{city}, {day} — {country} troops clashed with rebel fighters "
    "near {city} on {day}, killing {n} people, the defence ministry said.\n\nThe ministry said the fighting lasted "
    "several hours.",
    "{country} president meets UN envoy in {city}\n\nThe president of {country} met the UN special envoy in {city} "
    "on {day} to discuss the humanitarian situation.\n\n\"We had a frank discussion,\" the envoy told reporters.",
    "Protesters rally in {city}\n\nThousands of protesters marched through {city} on {day} to demand the "
    "resignation of the {country} government.\n\nPolice used tear gas to disperse about {n} demonstrators.",
    "{country} signs trade agreement with Japan\n\n{country} and Japan signed a trade agreement in {city} on {day}, "
    "officials said.\n\nThe agreement cuts tariffs on {n} products.",
    "Earthquake strikes {city}\n\nAn earthquake struck {city} in {country} on {day}, killing at least {n} people "
    "and injuring dozens more, the health ministry said.",
]
PLACES = [("Syria", "Aleppo"), ("Iraq", "Mosul"), ("Nigeria", "Kano"), ("Ukraine", "Kharkiv"), ("Yemen", "Aden"),
          ("Mali", "Bamako"), ("Sudan", "Khartoum"), ("Turkey", "Ankara"), ("Kenya", "Nairobi"), ("Peru", "Lima")]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def write_corpus(folder, n: int = 50) -> list[str]:
    """n small hand-written articles, varied by template, country, city, weekday and number."""
    paths = []
    for i in range(n):
        country, city = PLACES[i % len(PLACES)]
        text = TEMPLATES[i % len(TEMPLATES)].format(country=country, city=city, day=DAYS[(i // 5) % 5], n=3 + i)
        path = folder / f"article-{i:03d}.txt"
        path.write_text(f"Published: 2020-02-{10 + i % 18:02d}T09:00:00Z\n\n{text}\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def _records(db: str) -> dict[str, dict]:
    with open_store(db, read_only=True) as store:
        return {r["document"]["id"]: r for r in store.records()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return write_corpus(folder)


@pytest.fixture(scope="module")
def serial_db(corpus, tmp_path_factory):
    db = str(tmp_path_factory.mktemp("serial") / "serial.duckdb")
    settings = load_settings(None, db=db)
    with open_store(db) as store:
        summary = run_ingest(corpus, store, settings, engine="serial")
    assert summary.stored == len(corpus) and summary.failed == 0
    return db


def test_records_pickle_and_chunk_keeps_order(corpus):
    import pickle

    settings = load_settings(None)
    result = process_chunk([InputItem(p) for p in corpus[:3]], settings)
    assert [r.item.location for r in result.results] == corpus[:3]
    assert pickle.loads(pickle.dumps(result)) == result
    assert all(r.articles == 1 for r in result.results) and len(result.rows) == 3


def test_chunks_cover_every_input_once():
    items = [InputItem(str(i)) for i in range(37)]
    chunks = list(chunked(items, workers=2))
    assert [i for c in chunks for i in c] == items
    assert len(chunks) >= 8 and max(len(c) for c in chunks) <= 16


def test_chunks_shrink_near_the_end_with_several_workers_only():
    items = [InputItem(str(i)) for i in range(600)]
    sizes = [len(c) for c in chunked(items, workers=2)]
    assert sum(sizes) == 600 and sizes[0] == 16
    assert sizes == sorted(sizes, reverse=True) and sizes[-2:] == [1, 1]  # no full chunk left running alone
    assert set(len(c) for c in chunked(items[:120], workers=1)) == {16, 8}  # one worker: no tail to shorten
    assert set(len(c) for c in chunked(items[:100], workers=2, size=10)) == {10}  # a size given is kept


def test_dask_local_cluster_equals_serial_and_rerun_does_no_work(corpus, serial_db, tmp_path):
    db = str(tmp_path / "dask.duckdb")
    settings = load_settings(None, db=db)
    with open_store(db) as store:
        summary = run_ingest(corpus, store, settings, engine="dask", workers=2)
    assert summary.workers == 2
    assert summary.stored == 50 and summary.failed == 0
    serial = _records(serial_db)
    dask = _records(db)
    assert len(serial) == 50
    assert json.dumps(dask, sort_keys=True) == json.dumps(serial, sort_keys=True)
    assert sum(len(r["events"]) for r in serial.values()) > 0  # the comparison covers coded events

    with open_store(db) as store:
        again = run_ingest(corpus, store, settings, engine="dask", workers=2)
    assert again.skipped_inputs == 50 and again.processed_inputs == 0
    assert again.stored == again.replaced == 0 and again.unchanged == 50  # known from the inputs table
    assert again.workers == 0  # nothing to do: no cluster was even started


def test_local_pool_equals_serial(corpus, serial_db, tmp_path):
    db = str(tmp_path / "local.duckdb")
    settings = load_settings(None, db=db)
    with open_store(db) as store:
        summary = run_ingest(corpus[:20], store, settings, engine="local", workers=2)
    assert summary.stored == 20 and summary.workers == 2
    assert all(mb > 50 for mb in summary.peak_rss_mb.values())  # each worker holds its own model
    serial = _records(serial_db)
    local = _records(db)
    assert local == {k: v for k, v in serial.items() if k in local}


def test_bad_inputs_are_kept_as_failures_and_do_not_stop_the_batch(tmp_path):
    paths = write_corpus(tmp_path, 3)
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "empty.txt").write_text("")
    paths += [str(tmp_path / "blob.bin"), str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt")]
    db = str(tmp_path / "f.duckdb")
    settings = load_settings(None, db=db)
    seen = []
    with open_store(db) as store:
        summary = run_ingest(paths, store, settings, engine="serial", on_failure=seen.append)
        failures = dict(store.failures())
    assert summary.stored == 3 and summary.refused == 3 and summary.failed == 0  # bad input is refused, not failed
    assert {f.source for f in seen} == set(failures)
    assert "binary" in failures[str(tmp_path / "blob.bin")]
    assert "empty" in failures[str(tmp_path / "empty.txt")]
    assert str(tmp_path / "missing.txt") in failures


def test_changed_input_is_read_again_and_force_rereads_all(tmp_path):
    paths = write_corpus(tmp_path, 3)
    db = str(tmp_path / "r.duckdb")
    settings = load_settings(None, db=db)
    with open_store(db) as store:
        run_ingest(paths, store, settings, engine="serial")
        with open(paths[0], "a", encoding="utf-8") as handle:
            handle.write("\nThe ministry later raised the toll.\n")
        os.utime(paths[0], ns=(1, 2_000_000_000))  # a different mtime even on coarse clocks
        again = run_ingest(paths, store, settings, engine="serial")
        assert (again.skipped_inputs, again.processed_inputs, again.replaced, again.unchanged) == (2, 1, 1, 2)
        # New text, no URL: a new document id, yet the edited file replaces its earlier document.
        assert again.stored == 0 and store.count("documents") == 3
        forced = run_ingest(paths, store, settings, engine="serial", force=True)
        assert forced.processed_inputs == 3 and forced.unchanged == 3 and forced.skipped_inputs == 0


def test_dask_scheduler_address_ships_the_inputs(corpus, serial_db, tmp_path):
    from distributed import LocalCluster

    db = str(tmp_path / "remote.duckdb")
    settings = load_settings(None, db=db)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        with open_store(db) as store:
            summary = run_ingest(corpus[:10], store, settings, dask_address=cluster.scheduler_address)
    assert summary.stored == 10 and summary.workers == 2
    serial = _records(serial_db)
    remote = _records(db)
    assert remote == {k: v for k, v in serial.items() if k in remote}


def test_warm_up_loads_every_lazy_table_of_the_stages():
    """In a fresh process: after warm_up, every table the grounding and coding stages load on first
    use (the lru-cached loaders without arguments: gazetteer, places, times, quantities, actors,
    ACLED, ...) is loaded, so that no chunk pays for it, and frozen out of the collector's scans."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import functools, importlib, inspect, pkgutil
        import eventwire.coding, eventwire.ground
        from eventwire.config import load_settings
        from eventwire.run.work import warm_up
        warm_up(load_settings(None))
        loaders, cold = [], []
        for package in (eventwire.ground, eventwire.coding):
            for info in pkgutil.iter_modules(package.__path__):
                module = importlib.import_module(f"{package.__name__}.{info.name}")
                for name, value in vars(module).items():
                    if (hasattr(value, "cache_info") and getattr(value, "__module__", None) == module.__name__
                            and not inspect.signature(value).parameters):
                        loaders.append(f"{module.__name__}.{name}")
                        if value.cache_info().currsize == 0:
                            cold.append(f"{module.__name__}.{name}")
        import gc
        print(gc.get_freeze_count(), len(loaders), cold)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    frozen, count, cold = done.stdout.split(" ", 2)
    assert int(count) >= 8 and cold.strip() == "[]", done.stdout
    # What warm_up loaded is kept out of the collector's full scans (the model alone is >100,000).
    assert int(frozen) > 100_000, done.stdout


def test_the_ingest_driver_does_not_import_the_parser():
    """The package, the CLI and the run driver import without spaCy (about 1 s of CPU per process):
    only the processes that analyse text load it."""
    import subprocess
    import sys

    script = ("import sys, eventwire, eventwire.cli, eventwire.run\n"
              "from eventwire import extract_paths\n"  # public names still there, imported on first use
              "print(sorted(m for m in ('spacy', 'thinc') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script.replace("from eventwire import extract_paths\n", "")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['spacy', 'thinc']"


def _trim_threshold():
    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def test_our_dask_workers_keep_glibcs_own_trim_threshold(monkeypatch):
    """The nannies' default MALLOC_TRIM_THRESHOLD_ (64 KB) turns every large allocation into an
    mmap/munmap pair; our workers trim after each chunk instead."""
    from distributed import Client

    from eventwire.run.engines import local_cluster

    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    cluster, security = local_cluster(1)
    try:
        with Client(cluster, security=security) as client:
            assert list(client.run(_trim_threshold).values()) == [None]
    finally:
        cluster.close()
