"""A progress bar for a run (on standard error), fed by the driver's callbacks."""
from __future__ import annotations

from contextlib import contextmanager
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from eventwire.run.work import ChunkResult

__all__ = ["RunProgress", "run_progress"]


class RunProgress:
    """Callbacks for run_ingest: inputs done of inputs to do, and articles so far."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task = progress.add_task("ingesting", total=None)
        self.articles = 0
        self.failed = 0

    def start(self, total: int) -> None:
        self._progress.update(self._task, total=total)

    def chunk(self, result: ChunkResult) -> None:
        self.articles += sum(len(r.records) for r in result.results)
        self.failed += sum(len(r.failures) for r in result.results)
        self._progress.update(self._task, advance=len(result.results),
                              description=f"{self.articles} articles, {self.failed} failed")


@contextmanager
def run_progress(console: Console) -> Iterator[RunProgress]:
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("inputs"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True) as progress:
        yield RunProgress(progress)
