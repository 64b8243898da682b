import functools
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EVENTWIRE_SHARED", REPO.parent / "shared"))
SEED = SHARED / "corpus" / "seed-idlib"


def need_shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (../shared beside the checkout)")
    return path


@pytest.fixture(scope="session")
def nlp():
    from eventwire.read import load_model

    return load_model()


@pytest.fixture(scope="session")
def kb():
    from eventwire.ground.actor_kb import load_actor_kb

    return load_actor_kb()


@functools.lru_cache(maxsize=None)
def _seed_record():
    from eventwire import extract_paths

    (record,) = list(extract_paths([str(need_shared("corpus", "seed-idlib", "article.txt"))]))
    return record


@pytest.fixture
def seed_record():
    return _seed_record()


def load_scorer(name: str):
    """A scorer from eval/ (a folder of scripts, not a package), loaded from its file."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(f"eval_{name}", REPO / "eval" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses in a scorer look their module up by name
    spec.loader.exec_module(module)
    return module


def floors(section: str) -> dict:
    """The CI floors (and measured values) of one dev set from eval/floors.toml."""
    import tomllib

    return tomllib.loads((REPO / "eval" / "floors.toml").read_text(encoding="utf-8"))[section]


# ---------------------------------------------------------------- the two store backends
# The store, API and export tests run on DuckDB and on PostgreSQL (a throwaway cluster: pgcluster.py).
BACKENDS = ("duckdb", "postgresql")


@pytest.fixture(scope="session")
def postgres_cluster(tmp_path_factory):
    from pgcluster import Cluster, find_bin

    if find_bin() is None:
        pytest.skip("no PostgreSQL here (initdb not on PATH nor in /usr/lib/postgresql/*/bin; .ci/run installs it)")
    # A short path of its own: the server's socket path must stay under 107 bytes.
    import tempfile

    cluster = Cluster(Path(tempfile.mkdtemp(prefix="ew-pg-"))).start()
    yield cluster
    cluster.stop()


def new_database(backend: str, folder: Path, request) -> str:
    """A new empty store location on `backend`: a DuckDB file in `folder` or a PostgreSQL database."""
    if backend == "duckdb":
        return str(folder / "store.duckdb")
    return request.getfixturevalue("postgres_cluster").new_database()


@pytest.fixture(params=BACKENDS)
def empty_db(request, tmp_path) -> str:
    """Where a test's own store goes, on each backend in turn."""
    return new_database(request.param, tmp_path, request)
