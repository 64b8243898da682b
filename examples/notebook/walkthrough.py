# %% [markdown]
# # eventwire in a notebook
#
# A notebook-style script (cells marked `# %%`, runnable as `python examples/notebook/walkthrough.py`
# or cell by cell in Jupyter/VS Code). It reads the bundled example articles, looks at one record,
# turns events into a pandas DataFrame, and reads the GDELT export back as GDELT users do.
# Folder walks skip `.py` files, so `eventwire ingest examples/` does not take this script for an article.

# %%
import csv
import io
import tempfile
from pathlib import Path

import pandas as pd

import eventwire
from eventwire.export import GDELT_COLUMNS, write_gdelt
from eventwire.ingest import expand_paths
from eventwire.store.duckdb import open_store

EXAMPLES = Path(__file__).resolve().parent.parent

# %% [markdown]
# ## One article: extract_text with its publication date
# Relative dates ("on Tuesday") are anchored on `published`; events keep actor ids, and the record
# resolves them to Actor objects.

# %%
text = (EXAMPLES / "scraped-border-talks.txt").read_text(encoding="utf-8")
record = eventwire.extract_text(text, published="2023-05-16", url="https://example.org/border-talks")
for event in record.events:
    who = ", ".join(a.name for a in record.sources(event)) or "(unknown)"
    whom = ", ".join(a.name for a in record.targets(event)) or "-"
    print(f"{event.date.get('value') or '?':12} {event.cameo:>4} {event.cameo_name[:32]:32} {who} -> {whom}")

# %% [markdown]
# ## Events as a DataFrame
# `to_frame` takes records or a database path, and the CLI/API filters (country in ISO-2, ISO-3 or FIPS).

# %%
frame = eventwire.to_frame([record])
print(frame[["date", "date_grain", "cameo", "source_names", "target_names", "place_name"]])

# %%
workdir = Path(tempfile.mkdtemp(prefix="eventwire-notebook-"))
db = str(workdir / "examples.duckdb")
with open_store(db) as store:
    for item in eventwire.extract_paths(expand_paths([str(EXAMPLES)])):
        if isinstance(item, eventwire.InputError):
            print("skipped:", item.source, item.reason)
        else:
            store.write(item)
events = eventwire.to_frame(db)
print(events.groupby("cameo_root").size().rename("events"))
print("killed in all:", events["killed"].sum())

# %% [markdown]
# ## The GDELT 2.0 export, read as GDELT users read it
# 61 tab-separated columns, no header, no quoting: give pandas the names and QUOTE_NONE.

# %%
with open_store(db, read_only=True) as store:
    sink = io.StringIO()
    n = write_gdelt(store, sink)
gdelt = pd.read_csv(io.StringIO(sink.getvalue()), sep="\t", header=None, names=list(GDELT_COLUMNS),
                    quoting=csv.QUOTE_NONE, dtype={"EventCode": str, "EventBaseCode": str, "EventRootCode": str})
# Incidents outside CAMEO (a flood) have no GDELT EventCode: the GDELT file holds the CAMEO-coded events.
assert len(gdelt) == n == events["cameo"].notna().sum() - (events["cameo"] == "").sum()
print(gdelt[["GlobalEventID", "Day", "Actor1Code", "EventCode", "ActionGeo_CountryCode"]].head())
