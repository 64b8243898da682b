"""Running the pipeline over many inputs: engines (serial, local process pool, Dask), the driver
that writes results to the store and resumes interrupted runs, and the progress accounting.

The names below are imported when first asked for: a worker process imports run.work and
run.engines only, and must not pay for the driver's store (DuckDB: about 0.1 s of CPU and 20-28 MB
of resident memory per worker) that it never uses."""
from __future__ import annotations

import importlib

_WHERE = {"Summary": "driver", "run_ingest": "driver", "settings_fingerprint": "driver",
          "ENGINES": "engines", "DaskEngine": "engines", "LocalEngine": "engines", "SerialEngine": "engines",
          "make_engine": "engines", "ChunkResult": "work", "Failure": "work", "InputItem": "work",
          "InputResult": "work", "process_chunk": "work", "warm_up": "work"}

__all__ = ["run_ingest", "Summary", "settings_fingerprint", "make_engine", "ENGINES", "SerialEngine",
           "LocalEngine", "DaskEngine", "process_chunk", "warm_up", "InputItem", "InputResult", "ChunkResult",
           "Failure"]


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
