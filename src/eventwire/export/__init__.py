"""Exports: one module per format. JSONL records and CSV/Parquet events tables are written by the
store itself (Store.records, Store.copy_events); gdelt.py writes a GDELT 2.0-style events TSV and
plover.py PLOVER JSON. Both read the same joined event rows (rows.py)."""
from eventwire.export.gdelt import EXTRA_COLUMNS, GDELT_COLUMNS, gdelt_rows, write_gdelt
from eventwire.export.plover import plover_events, write_plover
from eventwire.export.rows import event_rows

__all__ = ["event_rows", "GDELT_COLUMNS", "EXTRA_COLUMNS", "gdelt_rows", "write_gdelt", "plover_events",
           "write_plover"]
