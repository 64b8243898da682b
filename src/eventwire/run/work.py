"""The unit of work every engine runs: a chunk of inputs -> their records and failures.

It is a pure function of its arguments (plus the per-process model cache), so the serial path,
a local process pool and a Dask cluster produce identical records. A worker returns its articles
as store rows already (store/rows.py: one columnar Arrow batch per chunk, the record JSON made
there), so the driver only appends batches and writes them. Everything that crosses a process
boundary is a frozen dataclass of plain values and Arrow tables; InputError (an exception whose
constructor takes two arguments) is carried as a Failure instead.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
import logging
import os
import resource
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from eventwire.config import Settings
from eventwire.errors import InputError, InputNotice
from eventwire.record import ArticleRecord, Document
from eventwire.store.rows import ArticleBatch, article_batch

__all__ = ["InputItem", "Failure", "InputResult", "ChunkResult", "process_chunk", "warm_up", "warm_up_worker"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InputItem:
    """One input: a file path (or "-"), with its size and mtime for the resume check.

    `data` carries the bytes when the worker cannot read the path itself (standard input, or a
    remote cluster without a shared file system)."""

    location: str
    size: int | None = None
    mtime_ns: int | None = None
    data: bytes | None = None


@dataclass(frozen=True)
class Failure:
    """Something to report about an input or one of its articles. `kind`: "refused" (bad input),
    "failed" (analysis or storage failed: retried on the next run), "recovered" (a malformed file
    whose entries were kept) or "skipped" (parts passed over on purpose, with the reason)."""

    source: str  # the input location, or "file#entry" / "file#offset" / "file:line" inside it
    reason: str
    kind: str = "failed"
    count: int = 1  # records a "skipped" note is about
    label: str = ""  # its short reason, to group by

    @property
    def reason_key(self) -> str:
        return self.label or self.reason

    @property
    def is_failure(self) -> bool:
        return self.kind in ("refused", "failed")


@dataclass(frozen=True)
class InputResult:
    item: InputItem  # without its data
    articles: int  # its articles in the chunk's rows, which hold them input after input
    failures: tuple[Failure, ...]


@dataclass(frozen=True)
class ChunkResult:
    results: tuple[InputResult, ...]
    worker: str  # host:pid of the process that did the work
    peak_rss_mb: float  # that process's peak resident memory so far
    seconds: float
    rows: ArticleBatch = field(default_factory=lambda: article_batch(()))  # every article of the chunk
    shard: str | None = None  # where the rows are instead, written by the worker (run/shards.py)

    @property
    def articles(self) -> int:
        """The chunk's articles that have rows (in `rows` or in the shard)."""
        return sum(r.articles for r in self.results)


# Analysed in warm_up: an article that reaches every stage, so that whatever a stage loads on first
# use (the gazetteer, the lazy tables of actors, places, times, quantities, quotes and the coder)
# loads there and not inside the first chunk.
_WARM_UP_ARTICLE = ("Syrian troops shell Idlib\n\nSyrian government troops shelled the town of Idlib on "
                    "Monday, killing at least 12 people, the ministry said in Damascus on 3 March 2021. "
                    '"We will respond," a rebel commander told Reuters, adding that $3 million in aid was '
                    "blocked last week. Defence Minister Ali Hassan denied the report. Turkish artillery also "
                    "shelled Iraqi towns.")


def warm_up(settings: Settings, every_table: bool = True) -> str:
    """Load the model, actor KB and codebook into this process's caches (once per process) and,
    with `every_table`, the gazetteer and every lazily loaded table, by analysing one article and
    making its store rows."""
    from eventwire.coding.codebook import load_codebook
    from eventwire.ground.actor_kb import load_actor_kb
    from eventwire.ingest.text import parse_text
    from eventwire.pipeline import extract_documents
    from eventwire.read import load_model

    load_model(settings.model, settings.blis)
    load_actor_kb(settings.actors)
    load_codebook()
    if every_table:
        warm = parse_text(_WARM_UP_ARTICLE, "<warm-up>", published="2021-03-03")
        article_batch(extract_documents([warm], settings))
        freeze_loaded_objects()
    return _worker_name()


def freeze_loaded_objects() -> None:
    """Keep what is loaded by now (model, actor KB, codebook, gazetteer, lazy tables: some 330,000
    objects that live as long as the process) out of the cyclic collector's scans. Each full
    collection otherwise walks all of them again: 0.5-0.7 s of CPU per 100 real articles, 0.15-0.2 s
    frozen (bench/README.md). No full collection first: after the warm-up one finds nothing to free
    (0 unreachable of the 338,000 objects; the warm-up's garbage went in the automatic collections)
    and cost each worker's start 0.17 s of CPU. Only the young generations are collected (no cost to
    speak of), so that what the last steps made and dropped is not kept."""
    gc.collect(1)
    gc.freeze()


def warm_up_worker(settings: Settings) -> str:
    """warm_up in a worker process (a pool's or a Dask cluster's), which never needs pandas: pyarrow
    is first kept from importing it (about 50 MB per process)."""
    _arrow_without_pandas()
    return warm_up(settings)


def _arrow_without_pandas() -> None:
    """pyarrow imports pandas the first time it converts a Python list, only to ask whether the list
    is a pandas object, and then keeps it. Answered once with pandas out of reach, pyarrow remembers
    that there is none; code that asks pyarrow for a pandas conversion later still gets pandas, which
    pyarrow then imports. Nothing is done where pandas is imported already."""
    import pyarrow

    if "pandas" in sys.modules:
        return
    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        pyarrow.array([], type=pyarrow.null())
    finally:
        sys.meta_path.remove(finder)


class _NoPandas:
    """An import finder under which `import pandas` fails."""

    def find_spec(self, name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r} (kept out of this worker)", name=name)
        return None


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def _read(item: InputItem) -> list[Document | InputError]:
    from eventwire.ingest import read_bytes, read_path

    try:
        if item.data is not None:
            return list(read_bytes(item.data, "<stdin>" if item.location == "-" else item.location))
        return list(read_path(item.location))
    except Exception as exc:  # an ingester bug must cost one input, not the batch
        log.exception("reading %s", item.location)
        return [InputError(item.location, f"internal error while reading ({type(exc).__name__}: {exc})")]


_article_counter = None  # a shared multiprocessing.Value in pool workers: articles analysed


def count_articles_into(counter) -> None:
    """Add each analysed article to `counter` (shared with the driver, for its progress)."""
    global _article_counter
    _article_counter = counter


def _counted(records):
    for record in records:
        if _article_counter is not None:
            with _article_counter.get_lock():
                _article_counter.value += 1
        yield record


def _extract_each(documents: list[Document], settings: Settings) -> list[ArticleRecord | Failure]:
    """One record per document; a document whose analysis fails becomes a Failure alone."""
    from eventwire.pipeline import extract_documents

    try:
        return list(_counted(extract_documents(documents, settings)))
    except Exception:
        log.warning("a batch of %d articles failed; retrying them one by one", len(documents))
    out: list[ArticleRecord | Failure] = []
    for document in documents:
        try:
            out.extend(extract_documents([document], settings))
        except Exception as exc:
            log.exception("analysing %s", document.source)
            out.append(Failure(document.source, f"internal error while analysing ({type(exc).__name__}: {exc})"))
    return out


def process_chunk(items: list[InputItem] | tuple[InputItem, ...], settings: Settings) -> ChunkResult:
    """Read, analyse and record a chunk of inputs; parsing is batched across the whole chunk.

    With `settings.shards` (a folder the driver reads too) the rows are written there as a shard
    (run/shards.py) and the result only names it; a shard that cannot be written leaves the rows
    in the result, so the driver stores them as usual."""
    started = time.perf_counter()
    with _transient_vocabulary(settings):
        results, rows = _analysed(items, settings)
    peak = _peak_rss_mb()
    _release_freed_memory()
    result = ChunkResult(tuple(results), _worker_name(), peak, time.perf_counter() - started, rows)
    return _sharded(result, settings) if settings.shards and len(rows) else result


def _analysed(items: list[InputItem] | tuple[InputItem, ...],
              settings: Settings) -> tuple[list[InputResult], ArticleBatch]:
    """The chunk's input results and store rows (plain values: no spaCy object outlives this)."""
    read = [(item, _read(item)) for item in items]
    documents = [d for _, got in read for d in got if isinstance(d, Document)]
    analysed = iter(_extract_each(documents, settings)) if documents else iter(())
    results = []
    records: list[ArticleRecord] = []
    for item, got in read:
        articles = 0
        failures: list[Failure] = []
        for entry in got:
            if isinstance(entry, InputError):
                if isinstance(entry, InputNotice):
                    failures.append(Failure(entry.source, entry.reason, entry.kind, entry.count, entry.label))
                else:
                    failures.append(Failure(entry.source, entry.reason, "refused"))
                continue
            outcome = next(analysed)
            if isinstance(outcome, Failure):
                failures.append(outcome)
            else:
                records.append(outcome)
                articles += 1
        results.append(InputResult(replace(item, data=None), articles, tuple(failures)))
    return results, _rows(records, results)


@contextlib.contextmanager
def _transient_vocabulary(settings: Settings) -> Iterator[None]:
    """Inside, the words and strings the parser meets for the first time are added to spaCy's vocabulary
    and string store for the time being only (spaCy's memory zone): they are freed when the chunk is
    done. Otherwise both keep every token ever seen, and page furniture (numbers, codes, URLs, one-off
    names) grew a worker's vocabulary from 18,500 to 56,000 lexemes over 181 pages; freed per chunk,
    the worker's peak over news and pages fell from 562 to 537 MB (bench/README.md, "Long pages").
    What was loaded before (the model's own vocabulary, the warm-up article's words) stays. Records are
    the same: nothing keeps a spaCy object, a lexeme or a string-store hash beyond its chunk."""
    from eventwire.read import load_model

    zone = getattr(load_model(settings.model, settings.blis), "memory_zone", None)  # spaCy >= 3.8
    if zone is None:
        yield
        return
    with zone():
        yield


def _sharded(result: ChunkResult, settings: Settings) -> ChunkResult:
    from eventwire.run.driver import settings_fingerprint
    from eventwire.run.shards import write_shard

    try:
        return write_shard(result, settings.shards, settings_fingerprint(settings))
    except OSError as exc:
        log.warning("could not write a shard to %s (%s): the rows go to the driver", settings.shards, exc)
        return result


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's malloc_trim, or None (another C library, another system)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def _release_freed_memory() -> None:
    """Give the C heap's free pages back to the system after a chunk. glibc returns only the top of its
    heap by itself; the pages freed inside it (a chunk's documents, parses, records and JSON, mostly
    large strings) stay resident, fragmented, and a worker over long pages crept from 480 to 615 MB
    with 110 MB of it free (bench/README.md, "Long pages"). Takes milliseconds."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _rows(records: list[ArticleRecord], results: list[InputResult]) -> ArticleBatch:
    """The chunk's store rows; an article whose rows cannot be made (a record the store cannot
    hold) fails alone, with its input."""
    try:
        return article_batch(records)
    except Exception:
        log.warning("making the store rows of %d articles failed; making them one by one", len(records))
    kept, at = [], 0
    for n, result in enumerate(results):
        mine = records[at:at + result.articles]
        at += result.articles
        good, failures = [], list(result.failures)
        for record in mine:
            try:
                article_batch([record])
            except Exception as exc:
                log.exception("store rows of %s", record.document.source)
                failures.append(Failure(record.document.source,
                                        f"could not be stored ({type(exc).__name__}: {exc})"))
                continue
            good.append(record)
        results[n] = replace(result, articles=len(good), failures=tuple(failures))
        kept.extend(good)
    return article_batch(kept)
