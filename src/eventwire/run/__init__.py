"""Running the pipeline over many inputs: engines (serial, local process pool, Dask), the driver
that writes results to the store and resumes interrupted runs, and the progress accounting.

The names below are imported when first asked for: a worker process imports run.work and
run.engines only, and must not pay for the driver's store (DuckDB: about 0.1 s of CPU and 20-28 MB
of resident memory per worker) that it never uses."""
from __future__ import annotations

import importlib
import sys

_WHERE = {"Summary": "driver", "run_ingest": "driver", "settings_fingerprint": "driver",
          "ENGINES": "engines", "DaskEngine": "engines", "LocalEngine": "engines", "SerialEngine": "engines",
          "make_engine": "engines", "ChunkResult": "work", "Failure": "work", "InputItem": "work",
          "InputResult": "work", "process_chunk": "work", "warm_up": "work"}

__all__ = ["run_ingest", "Summary", "settings_fingerprint", "make_engine", "ENGINES", "SerialEngine",
           "LocalEngine", "DaskEngine", "process_chunk", "warm_up", "InputItem", "InputResult", "ChunkResult",
           "Failure", "arrow_without_numpy"]


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def arrow_without_numpy() -> None:
    """Import pyarrow as a run's driver needs it: without numpy. pyarrow imports numpy when it can, for
    conversions the driver never makes (it receives Arrow tables and hands them to DuckDB), and numpy's
    import is 0.075 s of the driver's CPU (bench/README.md, "Ingest overhead"). pyarrow without numpy is
    a configuration it supports; numpy imported later by other code works as usual, only pyarrow's
    numpy conversions are then missing from this process. Nothing is done where either is imported
    already (a process that analyses text has numpy before pyarrow)."""
    if "numpy" in sys.modules or "pyarrow" in sys.modules:
        return
    finder = _Without("numpy")
    sys.meta_path.insert(0, finder)
    try:
        import pyarrow  # noqa: F401
    finally:
        sys.meta_path.remove(finder)


class _Without:
    """An import finder under which one package cannot be imported."""

    def __init__(self, package: str) -> None:
        self.package = package

    def find_spec(self, name, path=None, target=None):
        if name == self.package or name.startswith(self.package + "."):
            raise ModuleNotFoundError(f"No module named {name!r} (kept out of this process)", name=name)
        return None
