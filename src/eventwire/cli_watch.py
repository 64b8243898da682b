"""The monitoring commands: `eventwire watch` and the watcher of `serve --watch`. Registered in
cli.py; printing and exit codes stay on this side."""
from __future__ import annotations

import logging
import signal
import threading
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from eventwire.config import Settings

__all__ = ["watch", "serve_watching"]

err = Console(stderr=True, soft_wrap=True)
log = logging.getLogger(__name__)


def _load(sources: str):
    from eventwire.watch.sources import load_watch_config

    try:
        return load_watch_config(sources)
    except OSError as exc:
        err.print(f"[red]error:[/red] {escape(sources)}: {escape(exc.strerror or str(exc))}", highlight=False)
        raise typer.Exit(2)
    except ValueError as exc:  # the message names the file and the entry: "sources.toml [[feed]] #2: ..."
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(2)


def _stop_on_signals(stop: threading.Event) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())


def watch(
    sources: Annotated[str, typer.Argument(help="The sources file (README: Monitor your feeds).")],
    db: Annotated[Optional[str], typer.Option("--db", help="DuckDB file or postgresql:// URL [default: ./eventwire.duckdb, or EVENTWIRE_DB].")] = None,
    once: Annotated[bool, typer.Option("--once", help="Poll every source once, handle what they list, then exit.")] = False,
    model: Annotated[Optional[str], typer.Option("--model", help="spaCy pipeline name or path.")] = None,
    actors: Annotated[Optional[str], typer.Option("--actors", help="User actor dictionary.")] = None,
    config: Annotated[Optional[str], typer.Option("--config", help="TOML settings file [default: ./eventwire.toml].")] = None,
) -> None:
    """Poll feeds, sitemaps and pages; fetch, code and store new articles; raise watchlist alerts.
    Stop with Ctrl-C; a restart resumes where it stopped. While it runs it is the database's writer:
    to serve the same database meanwhile, use `eventwire serve --watch SOURCES` instead."""
    from eventwire.cli import _settings
    from eventwire.store.access import is_database_error
    from eventwire.watch.watcher import Watcher

    watch_config = _load(sources)
    settings = _settings(config, db=db, model=model, actors=actors)
    try:
        watcher = Watcher(settings.db, watch_config, settings, on_event=lambda m: err.print(m, highlight=False, markup=False))
    except Exception as exc:
        if not is_database_error(exc):
            raise
        err.print(f"[red]error:[/red] {settings.db}: {exc}", highlight=False)
        raise typer.Exit(1)
    err.print(f"watching {len(watch_config.sources)} sources → {settings.db}", highlight=False)
    try:
        if once:
            stats = watcher.run_once()
        else:
            stop = threading.Event()
            _stop_on_signals(stop)
            stats = watcher.run(stop)
    finally:
        watcher.close()
    err.print(stats.line(), highlight=False)


def serve_watching(settings: Settings, sources: str, host: str, port: int, token: str | None,
                   allowed_hosts: tuple[str, ...] = ()) -> None:
    """The server and a watcher thread in one process: the watcher is the only writer, the API reads
    what it commits at once (one DuckDB database shared by both connections)."""
    import uvicorn

    from eventwire.api import create_app
    from eventwire.store.access import is_database_error
    from eventwire.watch.watcher import Watcher

    watch_config = _load(sources)
    try:
        watcher = Watcher(settings.db, watch_config, settings)
    except Exception as exc:  # e.g. another process holds the database
        if not is_database_error(exc):
            raise
        err.print(f"[red]error:[/red] {settings.db}: {exc}", highlight=False)
        raise typer.Exit(1)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), name="eventwire-watcher", daemon=True)
    web_app = create_app(settings.db, api_token=token, settings=settings, writable=True, allowed_hosts=allowed_hosts,
                         watchlists=watch_config.watchlists, watching=thread.is_alive)
    thread.start()
    err.print(f"serving {settings.db} on http://{host}:{port}/ and watching {len(watch_config.sources)} sources "
              f"(ingest {'enabled' if token else 'disabled'})", highlight=False)
    try:
        uvicorn.run(web_app, host=host, port=port, log_level="warning")
    finally:
        stop.set()
        thread.join(timeout=30)
        watcher.close()
        err.print(watcher.stats.line(), highlight=False)
