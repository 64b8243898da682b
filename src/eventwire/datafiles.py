"""Reading the dictionary and codebook data files (docs/data-formats.md): one TSV dialect for all.

UTF-8, tab-separated, a header row, `#` comment lines and blank lines skipped, no quoting; every
row must have the header's number of columns; cells are stripped.
"""
from __future__ import annotations

import csv
import io
from importlib import resources

__all__ = ["read_tsv", "builtin_text"]


def read_tsv(text: str, where: str, optional: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Rows of one TSV text as dicts; `where` names the file in errors. Columns named in `optional` (the
    last ones) may be left off a row: they read as empty."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = []
    for number, row in enumerate(reader, start=2):
        if None in row or any(v is None and k not in optional for k, v in row.items()):
            raise ValueError(f"{where}: row {number} has the wrong number of columns")
        rows.append({k: (v or "").strip() for k, v in row.items()})
    return rows


def builtin_text(*parts: str) -> str:
    """A built-in data file's text: builtin_text("actors", "roles.tsv") reads data/actors/roles.tsv."""
    return resources.files("eventwire").joinpath("data", *parts).read_text("utf-8")
