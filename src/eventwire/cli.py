"""The command line: translates arguments to pipeline and store calls, errors to messages and exit codes."""
from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from eventwire.config import Settings, load_settings
from eventwire.errors import InputError, InputNotice
from eventwire.ingest import expand_paths
from eventwire.record import ArticleRecord, to_json

app = typer.Typer(help="eventwire: news articles in, evidence-backed event data out.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)
err = Console(stderr=True, soft_wrap=True)  # an error stays on one line, whatever the width
# Piped output has no terminal width: use a wide one rather than rich's 80 columns.
out = Console(width=None if sys.stdout.isatty() else 200)

PathsArg = Annotated[list[str], typer.Argument(help="Files, folders (read recursively), globs, or - for standard input.")]
ExtractArg = Annotated[list[str], typer.Argument(help="Files, folders (read recursively), globs, - for standard input, or http(s) URLs to fetch.")]
DbOpt = Annotated[Optional[str], typer.Option("--db", help="DuckDB file or postgresql:// URL [default: ./eventwire.duckdb, or EVENTWIRE_DB].")]
ModelOpt = Annotated[Optional[str], typer.Option("--model", help="spaCy pipeline name or path.")]
ActorsOpt = Annotated[Optional[str], typer.Option("--actors", help="User actor dictionary: a folder of TSV tables or one TSV file.")]
ConfigOpt = Annotated[Optional[str], typer.Option("--config", help="TOML settings file [default: ./eventwire.toml].")]
LangOpt = Annotated[Optional[str], typer.Option("--lang", help="Only events of documents in this language (ISO 639-1, e.g. en).")]


def _settings(config: str | None, **overrides) -> Settings:
    try:
        return load_settings(config, **overrides)
    except (OSError, ValueError) as exc:
        err.print(f"[red]error:[/red] settings: {exc}")
        raise typer.Exit(2)


# Exit codes, the same for extract, ingest and export (README "Exit codes").
EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_PARTIAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
_verbose = False


def _print_version(value: bool) -> None:
    if value:
        from eventwire import __version__
        from eventwire.record import RECORD_VERSION

        out.print(f"eventwire {__version__} (record format {RECORD_VERSION})", highlight=False)
        raise typer.Exit()


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details and show each skip.")] = False,
         version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                               help="Print the version and exit.")] = False) -> None:
    global _verbose
    _verbose = verbose
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")


def _existing_db(settings: Settings) -> Settings:
    from eventwire.store.access import Database

    with _database_errors():
        found = Database(settings.db).exists()  # a file, or a PostgreSQL database with the store's tables
    if not found:
        err.print(f"[red]error:[/red] {settings.db}: no such database (run `eventwire ingest` first)")
        raise typer.Exit(1)
    return settings


def _report(error: InputError) -> None:
    if isinstance(error, InputNotice):
        if error.kind != "skipped" or _verbose:
            err.print(f"[yellow]note:[/yellow] {error.source}: {error.reason}", highlight=False, markup=True)
        return
    err.print(f"[red]error:[/red] {error.source}: {error.reason}", highlight=False, markup=True)


def _fail(message: str, code: int = EXIT_NOTHING) -> NoReturn:
    """One line on standard error, then the exit code."""
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    raise typer.Exit(code)


@contextmanager
def _database_errors() -> Iterator[None]:
    """A busy or failing database as one line and exit code 1, never a traceback."""
    from eventwire.store.access import StorageFailure, StoreBusy, is_database_error
    from eventwire.store.postgres import PostgresUnavailable

    try:
        yield
    except (StoreBusy, StorageFailure, PostgresUnavailable) as exc:
        _fail(str(exc))
    except Exception as exc:
        if not is_database_error(exc):
            raise
        _fail(f"database: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")


class Output(str, Enum):
    json = "json"
    jsonl = "jsonl"
    table = "table"


def _events_table(record: ArticleRecord) -> Table:
    """The article's events: date, what, who to whom, where, how sure, and the evidence."""
    table = Table(title=f"{len(record.events)} events", show_lines=False)
    for column in ("date", "event", "source", "target", "place", "modality", "evidence"):
        table.add_column(column, overflow="fold" if column == "evidence" else "ellipsis",
                         max_width=70 if column == "evidence" else 30)
    places = {p.id: p for p in record.places}

    def names(actors) -> str:
        return "; ".join(f"{a.name} ({a.code})" for a in actors) or "—"

    for event in record.events:
        d = event.date or {}
        when = d.get("value") or (f"{d.get('start')}..{d.get('end')}" if d.get("start") else "—")
        if d.get("anchor") == "assumed-published":
            when += " (published)"
        place = places.get(event.place or "")
        table.add_row(when, f"{event.cameo_name or event.cameo} ({event.cameo})",
                      names(record.sources(event)), names(record.targets(event)),
                      place.name if place else "", ", ".join(event.modality), event.evidence.text)
    return table


def _table_of(record: ArticleRecord) -> Table:
    doc = record.document
    table = Table(title=f"{doc.title or '(no title)'} — {doc.published or 'date unknown'}",
                  caption=f"{doc.source} · {len(doc.text.split())} words · {len(doc.captions)} captions · "
                          f"{len(doc.related)} related links", show_lines=False)
    for column in ("actor", "code", "kind", "mentions", "resolved by"):
        table.add_column(column)
    for actor in record.actors:
        table.add_row(actor.name, actor.code, actor.kind, str(len(actor.mentions)), actor.resolved_by)
    return table


def _extract_inputs(paths: list[str], settings: Settings):
    """Records of the files and of the http(s) URLs among `paths` (each URL fetched once)."""
    from eventwire.watch.pages import is_url, url_documents
    from eventwire.pipeline import extract_items

    urls = [p for p in paths if is_url(p)]
    files = [p for p in paths if not is_url(p)]
    if files:
        from eventwire.pipeline import extract_paths

        yield from extract_paths(expand_paths(files), settings)
    if urls:
        yield from extract_items(url_documents(urls), settings)


@app.command()
def extract(
    paths: ExtractArg,
    json_: Annotated[bool, typer.Option("--json", help="One JSON record (a list for several inputs).")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON record per line.")] = False,
    table: Annotated[bool, typer.Option("--table", help="A readable summary per article: its actors, then its events with actors and dates (default).")] = False,
    model: ModelOpt = None, actors: ActorsOpt = None, config: ConfigOpt = None,
) -> None:
    """Read articles and print their records, without a database."""
    if sum((json_, jsonl, table)) > 1:
        err.print("[red]error:[/red] choose one of --json, --jsonl, --table")
        raise typer.Exit(2)
    settings = _settings(config, model=model, actors=actors)
    records, read, failed = [], 0, 0
    for item in _extract_inputs(paths, settings):
        if isinstance(item, InputError):
            _report(item)
            failed += not isinstance(item, InputNotice)
            continue
        read += 1
        if jsonl:
            sys.stdout.write(json.dumps(to_json(item), ensure_ascii=False) + "\n")
        elif json_:
            records.append(to_json(item))
        else:
            out.print(_table_of(item))
            out.print(_events_table(item))
    if records:
        sys.stdout.write(json.dumps(records[0] if len(records) == 1 else records, ensure_ascii=False, indent=1) + "\n")
    if read == 0:
        raise typer.Exit(EXIT_NOTHING)
    if failed:
        raise typer.Exit(EXIT_PARTIAL)


class Engine(str, Enum):
    serial = "serial"
    local = "local"
    dask = "dask"


@app.command()
def ingest(
    paths: PathsArg, db: DbOpt = None, model: ModelOpt = None, actors: ActorsOpt = None, config: ConfigOpt = None,
    workers: Annotated[Optional[int], typer.Option("--workers", "-w", min=1, help="Worker processes [default: all cores].")] = None,
    engine: Annotated[Engine, typer.Option("--engine", help="serial: this process; local: a process pool; dask: a Dask cluster.")] = Engine.local,
    dask: Annotated[Optional[str], typer.Option("--dask", help="Dask scheduler address (tcp://HOST:PORT); implies --engine dask.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Re-read inputs even when unchanged since the last run.")] = False,
    shards: Annotated[Optional[str], typer.Option("--shards", help="Folder (shared by the driver and every worker) where workers write their rows as Parquet shards for the driver to load [default: none; or the shards setting].")] = None,
) -> None:
    """Read articles into the database in parallel; bad inputs are reported and skipped; reruns resume.
    Exit code 0: every input read; 1: nothing read; 3: some inputs or articles refused or failed,
    or the run stopped (full disk, database busy); 130: interrupted. A rerun finishes the job."""
    import signal

    from eventwire.run import run_ingest
    from eventwire.run.progress import run_progress
    from eventwire.store.access import Database

    settings = _settings(config, db=db, model=model, actors=actors, shards=shards)
    files = list(expand_paths(paths))
    database = Database(settings.db, wait=settings.lock_wait, write_threads=1)
    # SIGTERM stops the run as Ctrl-C does: workers ended, what was stored stays, one line.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    with run_progress(err) as progress:
        try:
            summary = run_ingest(
                files, database, settings, engine=engine.value, workers=workers, dask_address=dask, force=force,
                on_start=progress.start, on_chunk=progress.chunk, on_progress=progress.articles,
                on_skip=_report_skip if _verbose else None,
                on_failure=lambda f: _report(InputNotice(f.source, f.reason, f.kind) if not f.is_failure
                                             else InputError(f.source, f.reason)))
        except OSError as exc:  # e.g. a Dask scheduler that cannot be reached, a shards folder that cannot be written
            _fail(str(exc), EXIT_USAGE)
        finally:
            signal.signal(signal.SIGTERM, previous)
    if summary.leftover_shards:
        err.print(f"loaded {summary.leftover_shards} shards an earlier run left in {settings.shards}", highlight=False)
    err.print(f"{summary.line()} → {settings.db} ({summary.seconds:.1f} s, {summary.workers} workers)",
              highlight=False)
    if summary.stopped == "interrupted":
        err.print("interrupted: what was stored stays; run the same command again to finish", highlight=False)
        raise typer.Exit(EXIT_INTERRUPTED)
    if summary.stopped:
        _fail(f"{summary.stopped}; stopped — every article stored so far is kept, and the same command "
              "run again reads what was not stored", EXIT_PARTIAL if summary.articles_read else EXIT_NOTHING)
    if summary.articles_read == 0:
        raise typer.Exit(EXIT_NOTHING)
    if not summary.complete:
        raise typer.Exit(EXIT_PARTIAL)


def _report_skip(source: str, reason: str) -> None:
    err.print(f"skipped {source}: {reason}", highlight=False, markup=False)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


ActorFilter = Annotated[Optional[str], typer.Option("--actor", help="Actor (source or target): CAMEO code prefix (RUSGOV) or part of a name.")]
CountryFilter = Annotated[Optional[str], typer.Option("--country", help="Country of a source or target actor or of the event's place: ISO-3 (SYR), ISO-2 (SY), FIPS 10-4 (SY) or a name (Syria); iso:XX / fips:XX when the two-letter systems disagree.")]
SinceFilter = Annotated[Optional[str], typer.Option("--since", help="Earliest event date, inclusive (YYYY[-MM[-DD]]).")]
UntilFilter = Annotated[Optional[str], typer.Option("--until", help="Latest event date, inclusive (YYYY[-MM[-DD]]).")]
CameoFilter = Annotated[Optional[str], typer.Option("--cameo", help="CAMEO code or prefix (19 = all fighting).")]
AcledFilter = Annotated[Optional[str], typer.Option("--acled", help="ACLED sub-event type ('Air/drone strike', 'Peaceful protest'; case-insensitive).")]
AcledTypeFilter = Annotated[Optional[str], typer.Option("--acled-type", help="ACLED event type (Battles, Protests, ...; case-insensitive).")]


def _filters(**given) -> dict:
    """The filters checked once (eventwire.filters): a bad one is a one-line error and exit code 2."""
    from eventwire.filters import FilterError, event_filters

    try:
        return event_filters(**given)
    except FilterError as exc:
        err.print(f"[red]error:[/red] --{exc}", highlight=False)
        raise typer.Exit(2)


@app.command()
def events(
    db: DbOpt = None, actor: ActorFilter = None, country: CountryFilter = None, since: SinceFilter = None,
    until: UntilFilter = None, cameo: CameoFilter = None, lang: LangOpt = None,
    acled: AcledFilter = None, acled_type: AcledTypeFilter = None,
    limit: Annotated[int, typer.Option(min=1, max=100000, help="Rows at most.")] = 100,
    config: ConfigOpt = None,
) -> None:
    """Print the stored events as a table, oldest first."""
    from eventwire.store.access import Database

    filters = _filters(actor=actor, country=country, since=since, until=until, cameo=cameo, lang=lang,
                       acled=acled, acled_type=acled_type)
    settings = _existing_db(_settings(config, db=db))
    with _database_errors(), Database(settings.db, wait=settings.lock_wait).reading() as store:
        page = store.search_events(order="asc", limit=limit, **filters)
        n_docs = store.count("documents")
    rows = page["items"]
    shown = f"{len(rows)} of {page['total']}" if page["total"] > len(rows) else f"{len(rows)}"
    table = Table(title=f"{shown} events from {n_docs} articles in {settings.db}")
    for column in ("date", "cameo", "event", "acled", "source", "target", "modality", "place", "evidence"):
        table.add_column(column, no_wrap=column != "evidence", overflow="ellipsis",
                         max_width=60 if column == "evidence" else 28)
    for r in rows:
        evidence = r["evidence"] or ""
        evidence = evidence if len(evidence) <= 120 else evidence[:117] + "..."
        side = lambda actors: ";".join(a["code"] or a["name"] or "" for a in actors)  # noqa: E731
        acled_sub = r.get("acled_sub_type") or (r.get("acled") or {}).get("sub_event_type") or ""
        table.add_row(r["date"] or "", r["cameo"] or "", r["cameo_name"] or "", acled_sub,
                      side(r["source"]), side(r["target"]),
                      ";".join(r["modality"]), (r["place"] or {}).get("name") or "", evidence)
    out.print(table)


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"
    events_jsonl = "events-jsonl"
    gdelt = "gdelt"
    plover = "plover"


def _open_target(output: str, force: bool, what: str) -> Path:
    target = Path(output)
    if target.is_dir():
        err.print(f"[red]error:[/red] {what} {output}: is a folder", highlight=False)
        raise typer.Exit(2)
    if target.exists() and not force:
        err.print(f"[red]error:[/red] {what} {output}: exists (add --force to overwrite it)", highlight=False)
        raise typer.Exit(2)
    folder = target.resolve().parent
    if not folder.is_dir():
        _fail(f"{output}: cannot write there (no such folder {folder})")
    if not os.access(folder, os.W_OK):
        _fail(f"{output}: cannot write there (folder {folder} is not writable)")
    return target


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", help="jsonl: full records; csv / parquet / events-jsonl: the typed events table (docs/record-format.md); gdelt: GDELT 2.0 events TSV, 61 columns (docs/gdelt-export.md); plover: PLOVER JSON, one event per line.")],
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="File to write, or - for standard output [default: standard output; parquet needs -o].")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing output file.")] = False,
    header: Annotated[bool, typer.Option("--header", help="gdelt: write a header row (GDELT's own files have none).")] = False,
    extended: Annotated[Optional[str], typer.Option("--extended", help="gdelt: also write our own fields (modality, evidence, rule, PLOVER and ACLED type, story id, ...) to this TSV, keyed by GlobalEventID.")] = None,
    extended_columns: Annotated[bool, typer.Option("--extended-columns", help="gdelt: append our own fields as named columns after the 61 (no longer GDELT's layout).")] = False,
    actor: ActorFilter = None, country: CountryFilter = None, since: SinceFilter = None, until: UntilFilter = None,
    cameo: CameoFilter = None, lang: LangOpt = None, acled: AcledFilter = None, acled_type: AcledTypeFilter = None,
    db: DbOpt = None, config: ConfigOpt = None,
) -> None:
    """Export the database (or the events matching the filters): full records as JSONL, the events
    table as CSV, Parquet or JSONL, GDELT 2.0 TSV or PLOVER JSON. Writes standard output unless -o
    names a file; an existing file is kept unless --force. Exit code 0: exported; 1: nothing exported
    (no database, output not writable, database busy); 2: usage."""
    import os
    import shutil
    import tempfile

    from eventwire.store.access import Database

    filters = _filters(actor=actor, country=country, since=since, until=until, cameo=cameo, lang=lang,
                       acled=acled, acled_type=acled_type)
    if format is not ExportFormat.gdelt and (header or extended or extended_columns):
        err.print("[red]error:[/red] --header, --extended and --extended-columns are for --format gdelt")
        raise typer.Exit(2)
    if format is ExportFormat.jsonl and set(filters) - {"lang"}:
        err.print("[red]error:[/red] --format jsonl exports whole records: of the filters only --lang applies")
        raise typer.Exit(2)
    to_stdout = output in (None, "-")
    if format is ExportFormat.parquet and output is None:
        err.print("[red]error:[/red] --format parquet is binary: give -o FILE (or -o - to pipe it)")
        raise typer.Exit(2)
    target = None if to_stdout else _open_target(output, force, "output")
    extended_target = _open_target(extended, force, "--extended") if extended else None
    settings = _existing_db(_settings(config, db=db))
    # Written to a temporary file next to the target and renamed at the end: an interrupted export
    # never leaves half a file under the target's name.
    folder = str(target.parent) if target else None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".eventwire-export-", dir=folder)
    except OSError as exc:
        _fail(f"{output}: cannot write there ({exc.strerror or exc})")
    os.close(fd)
    ext_tmp = None
    try:
        with _database_errors(), Database(settings.db, wait=settings.lock_wait).reading() as store:
            if format in (ExportFormat.csv, ExportFormat.parquet, ExportFormat.events_jsonl):
                from eventwire.export.table import copy_events_table

                n = copy_events_table(store, tmp, format.value, filters)
            else:
                from eventwire.export import write_gdelt, write_plover

                with open(tmp, "w", encoding="utf-8", newline="\n") as sink:
                    if format is ExportFormat.gdelt:
                        ext_sink = None
                        if extended_target:
                            ext_fd, ext_tmp = tempfile.mkstemp(prefix=".eventwire-export-", dir=str(extended_target.parent))
                            ext_sink = os.fdopen(ext_fd, "w", encoding="utf-8", newline="\n")
                        try:
                            n = write_gdelt(store, sink, header=header, filters=filters, extended_sink=ext_sink,
                                            extended_columns=extended_columns)
                        finally:
                            if ext_sink:
                                ext_sink.close()
                    elif format is ExportFormat.plover:
                        n = write_plover(store, sink, filters)
                    else:
                        n = 0
                        for record in store.records(lang=filters.get("lang")):
                            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                            n += 1
        if target is None:
            binary = format is ExportFormat.parquet
            with open(tmp, "rb" if binary else "r", encoding=None if binary else "utf-8") as produced:
                shutil.copyfileobj(produced, sys.stdout.buffer if binary else sys.stdout)
            sys.stdout.flush()
        else:
            os.replace(tmp, target)
        if ext_tmp and extended_target:
            os.replace(ext_tmp, extended_target)
            ext_tmp = None
    except OSError as exc:
        _fail(f"{output or 'standard output'}: {exc.strerror or exc}")
    finally:
        for leftover in (tmp, ext_tmp):
            if leftover and os.path.exists(leftover):
                os.unlink(leftover)
    noun = "records" if format is ExportFormat.jsonl else "events"
    err.print(f"exported {n} {noun}" + (f" to {output}" if target else "")
              + (f" (our fields in {extended})" if extended else ""), highlight=False)


@app.command()
def link(
    db: DbOpt = None,
    min_articles: Annotated[int, typer.Option("--min-articles", min=1, help="Show story events told by at least this many articles.")] = 2,
    limit: Annotated[int, typer.Option(min=1, max=10000, help="Rows at most.")] = 50,
    config: ConfigOpt = None,
) -> None:
    """Link the stored articles: wire reprints and the same real-world event across outlets."""
    from eventwire.store.access import Database
    from eventwire.store.duckdb import link_database

    settings = _existing_db(_settings(config, db=db))
    database = Database(settings.db, wait=settings.lock_wait)
    with _database_errors():
        links = link_database(database)  # None: no article added, changed or removed since the last link
        with database.reading() as store:
            stories = store.story_events(min_articles=min_articles, limit=limit)
    if links is None:
        err.print("links are current (no article added, changed or removed since the last link)", highlight=False)
    else:
        err.print(f"{len(links.duplicate_of)} near-duplicate articles, {len(links.stories)} story events", highlight=False)
    table = Table(title=f"story events told by {min_articles}+ articles in {settings.db}")
    for column in ("story", "dates", "type", "actors", "place", "articles", "sources", "first seen", "last seen"):
        table.add_column(column, overflow="ellipsis", max_width=40)
    for s in stories:
        dates = s["date_start"] if s["date_start"] == s["date_end"] else f"{s['date_start']}..{s['date_end']}"
        table.add_row(s["story_id"], dates or "", s["plover_type"] or s["cameo_root"] or "", ";".join(s["actors"] or []),
                      s["place"] or "", str(s["num_articles"]), str(s["num_sources"]), s["first_seen"] or "",
                      s["last_seen"] or "")
    out.print(table)


@app.command()
def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="A host name the server answers to besides localhost/127.0.0.1/::1 "
                             "(repeatable; '*' for any). Other Host headers get 421.")] = None,
    config: ConfigOpt = None,
    watch: Annotated[Optional[str], typer.Option("--watch", help="A sources file: also watch it, in this process (the server is then the database's only writer).")] = None,
) -> None:
    """Serve the HTTP API and the dashboard. POST /api/ingest is enabled only when the environment
    variable EVENTWIRE_API_TOKEN is set (clients then send `Authorization: Bearer <token>`).
    Requests must name the server in their Host header (a defence against DNS rebinding): the
    loopback names, the address given with --host, and each --allow-host."""
    import os

    import uvicorn

    from eventwire.api import create_app

    settings = _settings(config, db=db)
    token = os.environ.get("EVENTWIRE_API_TOKEN") or None
    # The address it listens on is a name clients use; a wildcard address is not.
    named = () if host in ("0.0.0.0", "::", "") else (host,)
    if watch:
        from eventwire.cli_watch import serve_watching

        return serve_watching(settings, watch, host, port, token, allowed_hosts=named + tuple(allow_host or ()))
    try:
        web_app = create_app(settings.db, api_token=token, settings=settings,
                             allowed_hosts=named + tuple(allow_host or ()))
    except (FileNotFoundError, OSError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1)
    err.print(f"serving {settings.db} on http://{host}:{port}/ (ingest {'enabled' if token else 'disabled'})",
              highlight=False)
    uvicorn.run(web_app, host=host, port=port, log_level="warning")


from eventwire.cli_watch import watch  # noqa: E402 (the monitoring commands live in their own module)

app.command()(watch)

if __name__ == "__main__":
    app()
