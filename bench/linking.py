"""Linking at corpus scale: wall time and peak memory of `eventwire link` (link_database) on synthetic
news days of N articles built from real records.

    .venv/bin/python bench/linking.py                           # 1,000, 10,000 and 50,000 articles
    .venv/bin/python bench/linking.py --sizes 1000 5000 50000 300000 --json
    .venv/bin/python bench/linking.py --sizes 2000 --src /path/to/older/checkout/src   # another version
    .venv/bin/python bench/linking.py --link-only COPY.duckdb --phases; .venv/bin/python bench/linking.py --hash COPY.duckdb

Base records: real articles parsed once with the pipeline (../shared/corpus/articles, the cluster files
of ../shared/eval/clusters and the first FA-KES dev rows), cached as JSONL in `--workdir`.

A synthetic day of N articles, all published on one day: article i is, with probability `--copies`
(0.2), a wire copy of an earlier synthetic story (another outlet, one sentence left out, a few words
changed), else a story of its own made from base record i mod B: 70% of its words replaced by words
drawn from the base texts, its places moved together by a random offset of up to 8 degrees and renamed,
its named people and organisations renamed; its coded events (types, modalities, stated dates, roles)
stay as the base record had them. So most articles are distinct stories over a shared vocabulary and
shared event types, some are reprints, and every one is linked against the whole day. The records go
into a fresh store's documents table in bulk (the columns linking reads).

Each size is linked in a fresh process (`--link-only DB`) so its peak RSS (VmHWM) and CPU time are
its own; on a loaded machine the CPU seconds are the steadier figure. `--link-only DB --tree-memory`
adds `tree_peak_pss_mb`, the memory of that process and its children together (the feature workers,
the link's helper process), sampled every second: PSS counts once the pages the helper maps from the
linking process. Reading a process's PSS walks its page tables under its memory lock, so it slows the
link it measures (~1 s of a 5,000-article link sampled every half second): leave it out of timed runs. With `--keep`, a kept store can be
linked again from a copy: `--link-only COPY --phases` adds each phase's CPU, time and RSS (start, end,
peak), and `--hash COPY` prints the link tables' hashes, equal for two versions that link alike. Each result is also appended to
`results.jsonl` in the workdir.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FAKES_ROWS = 60
_WORD = re.compile(r"\b[^\W\d_]{3,}\b")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def base_records(cache: Path) -> list[dict]:
    """The base records (record JSON dicts), parsed once and cached."""
    if cache.exists():
        return [json.loads(line) for line in cache.read_text(encoding="utf-8").splitlines() if line]
    from eventwire.errors import InputError
    from eventwire.ingest import read_path
    from eventwire.ingest.text import parse_text
    from eventwire.pipeline import extract_documents
    from eventwire.record import to_json

    docs = []
    for path in sorted((SHARED / "corpus" / "articles").glob("*.txt")) + sorted(
            (SHARED / "eval" / "clusters").glob("*/*.txt")):
        docs.extend(d for d in read_path(str(path)) if not isinstance(d, InputError))
    fakes = SHARED / "eval" / "casualties" / "fakes-dev.csv"
    if fakes.exists():
        with fakes.open(encoding="utf-8", newline="") as handle:
            for row in list(csv.DictReader(handle))[:FAKES_ROWS]:
                try:
                    docs.append(parse_text(row["article_content"], f"fakes:{row['unit_id']}",
                                           title=row["article_title"] or None, outlet=row["source"] or None))
                except InputError:
                    continue
    records = [to_json(r) for r in extract_documents(docs)]
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return records


def _shifted(when: dict, shift: timedelta) -> dict:
    """An event's date dict with every stated day moved by `shift` (other values as they were)."""
    out = dict(when)
    for key in ("value", "start", "end", "date"):
        value = out.get(key)
        if isinstance(value, str) and _DAY.match(value):
            try:
                out[key] = (date.fromisoformat(value[:10]) + shift).isoformat() + value[10:]
            except ValueError:
                continue
    return out


class Generator:
    """Synthetic article i of a day, a pure function of i (a copy regenerates the story it copies)."""

    def __init__(self, bases: list[dict], copies: float, day: str = "2026-12-01", seed: int = 7) -> None:
        self.bases, self.copies, self.day, self.seed = bases, copies, day, seed
        self.vocab = sorted({w for b in bases for w in _WORD.findall(b["document"]["text"])})

    def _words(self, text: str, rng: random.Random, share: float) -> str:
        return _WORD.sub(lambda m: rng.choice(self.vocab) if rng.random() < share else m.group(0), text)

    def story(self, k: int) -> dict:
        rng = random.Random(self.seed * 1_000_003 + k)
        base = self.bases[k % len(self.bases)]
        doc = dict(base["document"])
        doc.update(id=f"syn-{k:07d}", source=f"syn-{k}.txt", url=f"https://news{k % 500}.example/{k}",
                   outlet=f"outlet {k % 2000}", published=f"{self.day}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00",
                   title=self._words(doc.get("title") or "", rng, 0.7), text=self._words(doc["text"], rng, 0.7),
                   captions=[], related=[])
        dlat, dlon = rng.uniform(-8, 8), rng.uniform(-8, 8)
        places = []
        for p in base.get("places", []):
            p = dict(p, name=f"{p['name']} {k}", geonames_id=None)
            if p.get("lat") is not None:
                p["lat"] = max(-89.0, min(89.0, p["lat"] + dlat))
                p["lon"] = (p["lon"] + dlon + 180) % 360 - 180
            places.append(p)
        # Stated event days move with the story (by up to a year), so two stories made from one base
        # record are not reports of one day's event.
        shift = timedelta(days=rng.randrange(-365, 366))
        events = [dict(e, date=_shifted(e.get("date") or {}, shift)) for e in base.get("events", [])]
        actors = [dict(a, name=f"{a['name']} {k % 20000}", wikidata=None) if a.get("kind") in ("person", "organisation")
                  else a for a in base.get("actors", [])]
        return {**base, "document": doc, "places": places, "actors": actors, "events": events}

    def article(self, i: int) -> dict:
        rng = random.Random(self.seed * 7_919 + i)
        if i == 0 or rng.random() >= self.copies:
            return self.story(i)
        original = rng.randrange(i)
        while random.Random(self.seed * 7_919 + original).random() < self.copies and original > 0:
            original = random.Random(original).randrange(original)  # a copy of a copy: copy its story
        record = self.story(original)
        doc = dict(record["document"])
        sentences = re.split(r"(?<=[.!?])\s+", doc["text"])
        if len(sentences) > 3:
            sentences.pop(rng.randrange(len(sentences)))
        doc.update(id=f"syn-{i:07d}", source=f"syn-{i}.txt", url=f"https://news{i % 500}.example/{i}",
                   outlet=f"outlet {i % 2000}", text=self._words(" ".join(sentences), rng, 0.02),
                   published=f"{self.day}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00")
        return {**record, "document": doc}


def build_store(path: Path, n: int, generator: Generator, batch: int = 2000, first: int = 0) -> float:
    """A fresh store with n synthetic articles in its documents table (or, with `first`, articles
    first..n-1 added to it); returns the seconds it took."""
    import pandas as pd

    from eventwire.store.duckdb import open_store

    started = time.perf_counter()
    for leftover in (path, Path(f"{path}.wal")) if not first else ():
        leftover.unlink(missing_ok=True)
    with open_store(str(path)) as store:
        for lo in range(first, n, batch):
            rows = [generator.article(i) for i in range(lo, min(n, lo + batch))]
            frame = pd.DataFrame({
                "doc_id": [r["document"]["id"] for r in rows], "source": [r["document"]["source"] for r in rows],
                "url": [r["document"]["url"] for r in rows], "outlet": [r["document"]["outlet"] for r in rows],
                "title": [r["document"]["title"] for r in rows], "published": [r["document"]["published"] for r in rows],
                "text": [r["document"]["text"] for r in rows], "record": [json.dumps(r) for r in rows]})
            store.con.register("_rows", frame)
            store.con.execute("INSERT INTO documents (doc_id, source, url, outlet, title, published, text, record) "
                              "SELECT * FROM _rows")
            store.con.unregister("_rows")
    return time.perf_counter() - started


def _peak_rss_mb(usage) -> int:
    """This process's peak RSS: VmHWM (Linux), else ru_maxrss, which also counts the parent's pages
    at fork time."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return round(usage.ru_maxrss / 1024)


def _process_tree_sampled(every: float = 1.0) -> dict:
    """Sample, every `every` seconds until the process ends, the memory of this process and its children
    at once (the feature workers, the link's helper process): the largest sums of their RSS and of their
    PSS seen, in the dict returned (Linux; empty elsewhere). The helper maps the article vectors' pages
    that this process holds too, so the RSS sum counts them twice; PSS counts a shared page once."""
    import threading

    peaks: dict = {}
    if not Path("/proc/self/smaps_rollup").exists():
        return peaks

    def children(pid: int) -> list[int]:
        try:
            found = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []
        return found + [g for c in found for g in children(c)]

    def memory(pid: int) -> tuple[int, int]:
        rss = pss = 0
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
        except OSError:
            pass
        return rss, pss

    def sample() -> None:
        while True:
            sums = [sum(m) for m in zip(*(memory(p) for p in [os.getpid(), *children(os.getpid())]))]
            peaks["tree_peak_rss_mb"] = max(peaks.get("tree_peak_rss_mb", 0), round(sums[0] / 1024))
            peaks["tree_peak_pss_mb"] = max(peaks.get("tree_peak_pss_mb", 0), round(sums[1] / 1024))
            time.sleep(every)

    threading.Thread(target=sample, daemon=True).start()
    return peaks


def _watched_phases(phases: list[dict]) -> None:
    """Record each linking phase's CPU, wall time and RSS (at its start and end, and its peak sampled
    every 50 ms) into `phases`, by wrapping the phase functions where link_database calls them."""
    import threading

    import eventwire.link as link
    import eventwire.link.database as database
    from eventwire.link.near_duplicates import DuplicateIndex

    def rss_mb() -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
        return 0

    peak = [0]
    lock = threading.Lock()  # a phase's reset must not be undone by a sample read before it

    def sample() -> None:
        while True:
            value = rss_mb()
            with lock:
                peak[0] = max(peak[0], value)
            time.sleep(0.05)

    threading.Thread(target=sample, daemon=True).start()
    began = time.perf_counter()

    def wrapped(module, name: str) -> None:
        real = getattr(module, name)

        def phase(*args, **kwargs):
            with lock:  # phases nest (link_features holds the sweep and article links)
                outer, peak[0] = peak[0], 0
            wall, cpu, start = time.perf_counter(), time.process_time(), rss_mb()
            try:
                return real(*args, **kwargs)
            finally:
                end = rss_mb()
                with lock:
                    own = max(peak[0], end)
                    peak[0] = max(outer, own)
                phases.append({"phase": name, "cpu_seconds": round(time.process_time() - cpu, 2),
                               "seconds": round(time.perf_counter() - wall, 2), "rss_start_mb": start,
                               "rss_end_mb": end, "peak_rss_mb": own,
                               "ended_at": round(time.perf_counter() - began, 1)})
        setattr(module, name, phase)

    wrapped(DuplicateIndex, "pairs")  # the near-duplicate candidates confirmed on their shingles
    for name in ("stories_of_mentions", "link_articles"):
        wrapped(link, name)
    for name in ("_spill_features", "_load_features", "link_features", "write_links"):
        wrapped(database, name)


def link_table_hashes(db: str) -> dict:
    """Each link table's row count and a hash of its rows in order: two versions that link alike give
    the same (an identity check for changes that should not change the links)."""
    import hashlib

    import duckdb

    from eventwire.store.schema import LINK_TABLES

    hashes = {}
    with duckdb.connect(db, read_only=True) as con:
        for table in LINK_TABLES:
            digest, count = hashlib.sha256(), 0
            for row in con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall():
                digest.update(repr(row).encode())
                count += 1
            hashes[table] = f"{count}:{digest.hexdigest()[:16]}"
    return hashes


def _multi_article_stories(stories) -> int:
    """How many story events several articles report (of StoryEvents counted on its columns: making
    every event of a 300,000-article day again would take minutes)."""
    import numpy as np

    from eventwire.link.stories import StoryEvents

    if isinstance(stories, StoryEvents):
        return int((np.bincount(stories.documents()[0], minlength=len(stories)) > 1).sum())
    return sum(1 for s in stories if s.num_articles > 1)


def link_only(db: str, phases: bool = False, tree_memory: bool = False) -> dict:
    """Link the store at `db` in this process: seconds, peak RSS and what was found (with `phases`,
    each phase's too)."""
    from eventwire.store.access import Database
    from eventwire.store.duckdb import link_database

    watched: list[dict] = []
    if phases:
        _watched_phases(watched)
    together = _process_tree_sampled() if tree_memory else {}
    started = time.perf_counter()
    cpu = time.process_time()
    links = link_database(Database(db))
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the feature workers, once they have ended
    child_cpu = children.ru_utime + children.ru_stime
    # cpu_seconds: the whole process (imports, store reads) and its feature workers; link_cpu_seconds:
    # linking alone (this process's share and the workers')
    result = {"articles": None, "seconds": round(seconds, 2),
              "cpu_seconds": round(usage.ru_utime + usage.ru_stime + child_cpu, 2),
              "link_cpu_seconds": round(time.process_time() - cpu + child_cpu, 2),
              "worker_cpu_seconds": round(child_cpu, 2), "peak_rss_mb": _peak_rss_mb(usage),
              "worker_peak_rss_mb": round(children.ru_maxrss / 1024), **together,
              "load_average_after": round(os.getloadavg()[0], 2)}
    if phases:
        result["phases"] = watched
    if links is None:  # nothing new since the last link
        return result
    result.update({"articles": len(links.article_cluster), "near_duplicates": len(links.duplicate_of),
                   "story_events": len(links.stories),
                   "multi_article_stories": _multi_article_stories(links.stories),
                   "article_links": len(links.article_links), "clusters": len(set(links.article_cluster.values()))})
    # Also kept beside the store: a long run's sizes survive an interrupted parent.
    with (Path(db).parent / "results.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(result) + "\n")
    return result


def _link_subprocess(db: Path, env: dict) -> dict:
    out = subprocess.run([sys.executable, __file__, "--link-only", str(db)], env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--copies", type=float, default=0.2, help="share of articles that are wire copies")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/eventwire-bench-linking"))
    parser.add_argument("--src", help="the src folder of the eventwire version to link with (default: this one)")
    parser.add_argument("--add", type=int, default=0, metavar="M",
                        help="then link again with nothing new, and after adding M more articles of the day")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic stores")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--link-only", metavar="DB", help="link this store only, in this process")
    parser.add_argument("--phases", action="store_true", help="with --link-only: each phase's time and memory")
    parser.add_argument("--tree-memory", action="store_true",
                        help="with --link-only: the peak memory of the process and its children together (slows it)")
    parser.add_argument("--hash", metavar="DB", help="print the link tables' row counts and hashes of a linked store")
    args = parser.parse_args(argv)
    if args.hash:
        print(json.dumps(link_table_hashes(args.hash)))
        return 0
    if args.link_only:
        print(json.dumps(link_only(args.link_only, args.phases, args.tree_memory)))
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    generator = Generator(base_records(args.workdir / "base-records.jsonl"), args.copies)
    env = dict(os.environ)
    if args.src:
        env["PYTHONPATH"] = args.src
    results = []
    for n in args.sizes:
        db = args.workdir / f"day-{n}.duckdb"
        built = build_store(db, n, generator)
        load = os.getloadavg()[0]
        result = {"size": n, "build_seconds": round(built, 1), "load_average": round(load, 2),
                  **_link_subprocess(db, env)}
        if args.add:
            # Incremental: the same store again with nothing new, then with `--add` more articles of the day.
            again = _link_subprocess(db, env)
            added = build_store(db, n + args.add, generator, first=n)
            load = os.getloadavg()[0]
            more = _link_subprocess(db, env)
            result.update(relink_unchanged_seconds=again["seconds"], relink_unchanged_cpu_seconds=again["link_cpu_seconds"],
                          added=args.add, add_build_seconds=round(added, 1), add_load_average=round(load, 2),
                          relink_added_seconds=more["seconds"], relink_added_cpu_seconds=more["link_cpu_seconds"],
                          relink_added_peak_rss_mb=more["peak_rss_mb"])
        results.append(result)
        if not args.json:
            print(f"{n:>7} articles: linked in {result['seconds']:8.1f} s ({result.get('cpu_seconds', 0):.1f} s CPU), peak RSS {result['peak_rss_mb']:>5} MB "
                  f"({result['near_duplicates']} copies, {result['multi_article_stories']} multi-article stories, "
                  f"{result['article_links']} article links; load {result['load_average']:.2f})", flush=True)
            if args.add:
                print(f"{'':>7}  relinked unchanged in {result['relink_unchanged_seconds']:.1f} s; "
                      f"+{args.add} articles relinked in {result['relink_added_seconds']:.1f} s "
                      f"({result['relink_added_cpu_seconds']:.1f} s CPU linking; load {load:.2f})", flush=True)
        if not args.keep:
            for leftover in (db, Path(f"{db}.wal")):
                leftover.unlink(missing_ok=True)
    if args.json:
        print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
