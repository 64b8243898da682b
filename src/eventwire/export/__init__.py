"""Exports: one module per format. JSONL records come from the store (Store.records); table.py
writes the typed events table (CSV, Parquet, events JSONL) with DuckDB's COPY; gdelt.py writes the
GDELT 2.0 events TSV and plover.py PLOVER JSON, both from the same joined event rows (rows.py).
dates.py and geo.py hold what they share: an event's calendar day, FIPS and ADM1 codes."""
from eventwire.export.gdelt import EXTRA_COLUMNS, GDELT_COLUMNS, gdelt_rows, write_gdelt
from eventwire.export.plover import plover_events, write_plover
from eventwire.export.rows import event_rows

__all__ = ["event_rows", "GDELT_COLUMNS", "EXTRA_COLUMNS", "gdelt_rows", "write_gdelt", "plover_events",
           "write_plover"]
