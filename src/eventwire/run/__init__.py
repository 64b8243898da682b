"""Running the pipeline over many inputs: engines (serial, local process pool, Dask), the driver
that writes results to the store and resumes interrupted runs, and the progress accounting."""
from eventwire.run.driver import Summary, run_ingest, settings_fingerprint
from eventwire.run.engines import ENGINES, DaskEngine, LocalEngine, SerialEngine, make_engine
from eventwire.run.work import ChunkResult, Failure, InputItem, InputResult, process_chunk, warm_up

__all__ = ["run_ingest", "Summary", "settings_fingerprint", "make_engine", "ENGINES", "SerialEngine",
           "LocalEngine", "DaskEngine", "process_chunk", "warm_up", "InputItem", "InputResult", "ChunkResult",
           "Failure"]
