# Two entry points a fresh clone needs: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check
SHARED ?= ../shared

.PHONY: run test eval bench lock clean

# The install never resolves anything: pip itself comes from a hash-pinned lock first, then every
# package of the complete lock with --no-deps (nothing upstream can be picked afresh, extras
# included), then `pip check` proves the pinned set is consistent.
$(STAMP): requirements-bootstrap.lock requirements.lock requirements-model.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) --no-deps --require-hashes -r requirements-bootstrap.lock
	$(PIP) --no-deps --require-hashes -r requirements.lock
	$(PIP) --no-deps --require-hashes -r requirements-model.txt
	$(PIP) --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	$(BIN)/python -W ignore::RuntimeWarning -m eventwire.ground.gazetteer build
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/eventwire ingest examples/
	$(BIN)/eventwire link
	$(BIN)/eventwire events

test: $(STAMP)
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	for scorer in extraction pubdate time_te3 geo_gritta actors_plover actor_coverage quotes_polnear \
	              casualties_fakes events_plover events_case2021 clusters; do echo "== $$scorer"; $(BIN)/python eval/$$scorer.py || exit 1; done

bench: $(STAMP)
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/coding.py
	$(BIN)/python bench/corpus.py --n 200
	$(BIN)/python bench/api_latency.py

# Recompile the pinned locks after editing requirements*.in (needs network and uv); the lock must
# stay complete (every transitive dependency), since the install uses --no-deps.
lock:
	uv pip compile --python-version 3.11 --generate-hashes requirements-bootstrap.in -o requirements-bootstrap.lock
	uv pip compile --python-version 3.11 --generate-hashes requirements.in -o requirements.lock

clean:
	rm -rf $(VENV) eventwire.duckdb .pytest_cache
