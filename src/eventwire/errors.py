"""The error types that cross stage boundaries: an input that cannot become a record, and what an
ingester has to say about an input it did read."""
from __future__ import annotations

__all__ = ["InputError", "InputNotice"]


class InputError(Exception):
    """An input that was refused, with the input's name and a one-line human reason."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class InputNotice(InputError):
    """Not a refusal: a note on an input that was read. `kind` is "recovered" (a malformed file
    whose entries were kept) or "skipped" (parts passed over on purpose, e.g. WARC records that
    are not HTML pages), with how many and a short label. A subclass of InputError so that code which only passes refusals through
    passes notices through too; counts and exit codes tell them apart."""

    def __init__(self, source: str, reason: str, kind: str, count: int = 1, label: str | None = None) -> None:
        super().__init__(source, reason)
        self.kind = kind
        self.count = count  # how many records or entries the note is about
        self.label = label or reason  # the short reason a run's summary groups notes by
