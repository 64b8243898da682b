"""The command line: translates arguments to pipeline and store calls, errors to messages and exit codes."""
from __future__ import annotations

import json
import logging
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from eventwire.config import Settings, load_settings
from eventwire.errors import InputError
from eventwire.ingest import expand_paths
from eventwire.pipeline import extract_paths
from eventwire.record import ArticleRecord, to_json

app = typer.Typer(help="eventwire: news articles in, evidence-backed event data out.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)
err = Console(stderr=True, soft_wrap=True)  # an error stays on one line, whatever the width
# Piped output has no terminal width: use a wide one rather than rich's 80 columns.
out = Console(width=None if sys.stdout.isatty() else 200)

PathsArg = Annotated[list[str], typer.Argument(help="Files, folders (read recursively), globs, or - for standard input.")]
ExtractArg = Annotated[list[str], typer.Argument(help="Files, folders (read recursively), globs, - for standard input, or http(s) URLs to fetch.")]
DbOpt = Annotated[Optional[str], typer.Option("--db", help="DuckDB file [default: ./eventwire.duckdb, or EVENTWIRE_DB].")]
ModelOpt = Annotated[Optional[str], typer.Option("--model", help="spaCy pipeline name or path.")]
ActorsOpt = Annotated[Optional[str], typer.Option("--actors", help="User actor dictionary: a folder of TSV tables or one TSV file.")]
ConfigOpt = Annotated[Optional[str], typer.Option("--config", help="TOML settings file [default: ./eventwire.toml].")]


def _settings(config: str | None, **overrides) -> Settings:
    try:
        return load_settings(config, **overrides)
    except (OSError, ValueError) as exc:
        err.print(f"[red]error:[/red] settings: {exc}")
        raise typer.Exit(2)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")


def _existing_db(settings: Settings) -> Settings:
    if not Path(settings.db).exists():
        err.print(f"[red]error:[/red] {settings.db}: no such database (run `eventwire ingest` first)")
        raise typer.Exit(1)
    return settings


def _report(error: InputError) -> None:
    err.print(f"[red]error:[/red] {error.source}: {error.reason}", highlight=False, markup=True)


class Output(str, Enum):
    json = "json"
    jsonl = "jsonl"
    table = "table"


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
        yield from extract_paths(expand_paths(files), settings)
    if urls:
        yield from extract_items(url_documents(urls), settings)


@app.command()
def extract(
    paths: ExtractArg,
    json_: Annotated[bool, typer.Option("--json", help="One JSON record (a list for several inputs).")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON record per line.")] = False,
    table: Annotated[bool, typer.Option("--table", help="A readable summary per article (default).")] = False,
    model: ModelOpt = None, actors: ActorsOpt = None, config: ConfigOpt = None,
) -> None:
    """Read articles and print their records, without a database."""
    if sum((json_, jsonl, table)) > 1:
        err.print("[red]error:[/red] choose one of --json, --jsonl, --table")
        raise typer.Exit(2)
    settings = _settings(config, model=model, actors=actors)
    records, read = [], 0
    for item in _extract_inputs(paths, settings):
        if isinstance(item, InputError):
            _report(item)
            continue
        read += 1
        if jsonl:
            sys.stdout.write(json.dumps(to_json(item), ensure_ascii=False) + "\n")
        elif json_:
            records.append(to_json(item))
        else:
            out.print(_table_of(item))
    if records:
        sys.stdout.write(json.dumps(records[0] if len(records) == 1 else records, ensure_ascii=False, indent=1) + "\n")
    if read == 0:  # as with ingest: non-zero only when nothing could be read
        raise typer.Exit(1)


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
) -> None:
    """Read articles into the database in parallel; bad inputs are reported and skipped; reruns resume."""
    from eventwire.run import run_ingest
    from eventwire.run.progress import run_progress
    from eventwire.store.duckdb import open_store

    settings = _settings(config, db=db, model=model, actors=actors)
    files = list(expand_paths(paths))
    with open_store(settings.db) as store, run_progress(err) as progress:
        try:
            summary = run_ingest(
                files, store, settings, engine=engine.value, workers=workers, dask_address=dask, force=force,
                on_start=progress.start, on_chunk=progress.chunk,
                on_failure=lambda f: _report(InputError(f.source, f.reason)))
        except OSError as exc:  # e.g. a Dask scheduler that cannot be reached
            err.print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(2)
    err.print(f"{summary.line()} → {settings.db} ({summary.seconds:.1f} s, {summary.workers} workers)",
              highlight=False)
    if summary.articles_read == 0:
        raise typer.Exit(1)


@app.command()
def events(
    db: DbOpt = None,
    actor: Annotated[Optional[str], typer.Option(help="Actor code prefix (RUSGOV) or part of a name.")] = None,
    country: Annotated[Optional[str], typer.Option(help="ISO-3 country of a source or target actor.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Earliest event date (YYYY[-MM[-DD]]).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Latest event date (YYYY[-MM[-DD]]).")] = None,
    cameo: Annotated[Optional[str], typer.Option(help="CAMEO code or prefix (19 = all fighting).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100000, help="Rows at most.")] = 100,
    config: ConfigOpt = None,
) -> None:
    """Print the stored events as a table."""
    from eventwire.store.duckdb import EventFilter, open_store

    settings = _existing_db(_settings(config, db=db))
    with open_store(settings.db, read_only=True) as store:
        rows = store.events(EventFilter(actor, country, cameo, since, until, limit))
        n_docs = store.count("documents")
    table = Table(title=f"{len(rows)} events from {n_docs} articles in {settings.db}")
    for column in ("date", "cameo", "event", "source", "target", "modality", "place", "evidence"):
        table.add_column(column, no_wrap=column != "evidence", overflow="ellipsis",
                         max_width=60 if column == "evidence" else 28)
    for r in rows:
        evidence = r["evidence"] if len(r["evidence"]) <= 120 else r["evidence"][:117] + "..."
        table.add_row(r["date"] or "", r["cameo"], r["cameo_name"] or "", r["source"] or "", r["target"] or "",
                      r["modality"] or "", r["place"] or "", evidence)
    out.print(table)


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"
    gdelt = "gdelt"
    plover = "plover"


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", help="jsonl: full records; csv/parquet: the events table; gdelt: GDELT 2.0-style events TSV (docs/gdelt-export.md); plover: PLOVER JSON, one event per line.")],
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="File to write [default: standard output for jsonl/gdelt/plover, events.<format> otherwise].")] = None,
    header: Annotated[bool, typer.Option("--header", help="gdelt: write a header row (GDELT's own files have none).")] = False,
    db: DbOpt = None, config: ConfigOpt = None,
) -> None:
    """Export the database: full records as JSONL, the events table as CSV or Parquet, GDELT TSV or PLOVER JSON."""
    from eventwire.store.duckdb import open_store

    settings = _existing_db(_settings(config, db=db))
    with open_store(settings.db, read_only=True) as store:
        if format in (ExportFormat.jsonl, ExportFormat.gdelt, ExportFormat.plover):
            from eventwire.export import write_gdelt, write_plover

            sink = open(output, "w", encoding="utf-8", newline="\n") if output else sys.stdout
            n = 0
            if format is ExportFormat.gdelt:
                n = write_gdelt(store, sink, header=header)
            elif format is ExportFormat.plover:
                n = write_plover(store, sink)
            else:
                for record in store.records():
                    sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                    n += 1
            if output:
                sink.close()
        else:
            output = output or f"events.{format.value}"
            n = store.copy_events(output, format.value)
    err.print(f"exported {n} {'records' if format is ExportFormat.jsonl else 'events'}"
              + (f" to {output}" if output else ""), highlight=False)


@app.command()
def link(
    db: DbOpt = None,
    min_articles: Annotated[int, typer.Option("--min-articles", min=1, help="Show story events told by at least this many articles.")] = 2,
    limit: Annotated[int, typer.Option(min=1, max=10000, help="Rows at most.")] = 50,
    config: ConfigOpt = None,
) -> None:
    """Link the stored articles: wire reprints and the same real-world event across outlets."""
    from eventwire.store.duckdb import open_store

    settings = _existing_db(_settings(config, db=db))
    with open_store(settings.db) as store:
        links = store.link()
        stories = store.story_events(min_articles=min_articles, limit=limit)
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
    config: ConfigOpt = None,
    watch: Annotated[Optional[str], typer.Option("--watch", help="A sources file: also watch it, in this process (the server is then the database's only writer).")] = None,
) -> None:
    """Serve the HTTP API and the dashboard. POST /api/ingest is enabled only when the environment
    variable EVENTWIRE_API_TOKEN is set (clients then send `Authorization: Bearer <token>`)."""
    import os

    import uvicorn

    from eventwire.api import create_app

    settings = _settings(config, db=db)
    token = os.environ.get("EVENTWIRE_API_TOKEN") or None
    if watch:
        from eventwire.cli_watch import serve_watching

        return serve_watching(settings, watch, host, port, token)
    try:
        web_app = create_app(settings.db, api_token=token, settings=settings)
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
