"""A progress display for a run (on standard error), fed by the driver's callbacks: it counts
articles — analysed, stored, failed — and shows the inputs done beside them."""
from __future__ import annotations

from contextlib import contextmanager
from collections.abc import Iterator

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from eventwire.run.work import ChunkResult

__all__ = ["RunProgress", "run_progress"]


class RunProgress:
    """Callbacks for run_ingest."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task = progress.add_task("ingesting", total=None)
        self.inputs = 0
        self.inputs_done = 0
        self.analysed = 0  # articles analysed (workers count them while their chunks run)
        self.failed = 0

    def start(self, total: int) -> None:
        self.inputs = total
        self._show()

    def chunk(self, result: ChunkResult) -> None:
        self.inputs_done += len(result.results)
        self.failed += sum(1 for r in result.results for f in r.failures if f.is_failure)
        self._show()

    def articles(self, analysed: int) -> None:
        self.analysed = max(self.analysed, analysed)
        self._show()

    def _show(self) -> None:
        self._progress.update(self._task, completed=self.analysed,
                              description=f"{self.analysed} articles analysed, {self.failed} failed "
                                          f"({self.inputs_done}/{self.inputs} inputs)")


@contextmanager
def run_progress(console: Console) -> Iterator[RunProgress]:
    # Redrawn twice a second, as often as the driver hears of progress (rich's default of 10 a second
    # costs the driver about 10 ms of CPU a second on a terminal).
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                  transient=True, refresh_per_second=2) as progress:
        yield RunProgress(progress)
