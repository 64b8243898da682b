"""The one error type that crosses stage boundaries: an input that cannot become a record."""
from __future__ import annotations

__all__ = ["InputError"]


class InputError(Exception):
    """An input that was refused, with the input's name and a one-line human reason."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
