# Daleel: `make run` starts everything, `make test` runs every test. Both install what is missing.
SHELL := /bin/bash
PYTHON ?= python3
APP_VENV := .venv
RASA_VENV := .venv-rasa
APP_PY := $(APP_VENV)/bin/python
RASA := $(RASA_VENV)/bin/rasa
MODEL := models/daleel.tar.gz
TRAINING_DATA := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null)
SHARED ?= ../shared
export PYTHONPATH := $(CURDIR)

.PHONY: migrate install browser run test test-app test-rasa validate train eval bench catalogue-report scope-model clean

install: $(APP_VENV)/.installed $(RASA_VENV)/.installed browser

# Debian's Chromium for the browser tests (Playwright's own browser download cannot work here).
browser:
	@command -v chromium >/dev/null || { echo "==> installing Debian chromium (browser tests)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); }

$(APP_VENV)/.installed: requirements/app.txt
	@echo "==> app environment ($(APP_VENV)): FastAPI, SQLAlchemy, spaCy, rasa-sdk"
	@test -x $(APP_PY) || $(PYTHON) -m venv $(APP_VENV)
	$(APP_PY) -m pip install --progress-bar on --disable-pip-version-check -q -r requirements/app.txt
	@touch $@

# Rasa 3.6.21 declares Python < 3.11: its own venv, dependencies from the lock, Rasa itself without them.
$(RASA_VENV)/.installed: requirements/rasa.lock.txt
	@echo "==> Rasa environment ($(RASA_VENV)): Rasa 3.6.21 on Python 3.11 (see docs/rasa-on-python311.md)"
	@test -x $(RASA_VENV)/bin/python || $(PYTHON) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install --disable-pip-version-check -q "pip<25"
	$(RASA_VENV)/bin/python -m pip install --progress-bar on --disable-pip-version-check -q -r requirements/rasa.lock.txt
	$(RASA_VENV)/bin/python -m pip install --disable-pip-version-check -q --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2
	@touch $@

validate: $(RASA_VENV)/.installed
	$(RASA) data validate

# Trains only when the training data changed (or there is no model).
train: $(MODEL)
$(MODEL): $(TRAINING_DATA) | $(RASA_VENV)/.installed
	@echo "==> training the Rasa model (about a minute on 2 cores)"
	TF_INTRA_OP_PARALLELISM_THREADS=2 TF_INTER_OP_PARALLELISM_THREADS=1 $(RASA) train --fixed-model-name daleel --out models
	@touch $@

run: install $(MODEL)
	@bash scripts/run.sh

test: install $(MODEL)
	@bash scripts/test.sh

eval: $(APP_VENV)/.installed
	$(APP_PY) -m bot eval --input $(SHARED)/eval/dev.jsonl

bench: $(APP_VENV)/.installed
	$(APP_PY) bench/route_latency.py

# Our tables, on the database DALEEL_DATABASE_URL names (PostgreSQL in production).
migrate: $(APP_VENV)/.installed
	$(APP_VENV)/bin/alembic upgrade head

catalogue-report: $(APP_VENV)/.installed
	$(APP_PY) -m bot catalogue report

# Refit the scope model (bot/lexicon/scope_model.json) after the catalogue, lexicons or labelled sets change.
scope-model: $(APP_VENV)/.installed
	$(APP_PY) -m bot scope fit

clean:
	rm -rf $(APP_VENV) $(RASA_VENV) models var results

# Live benchmarks (bench/): start their own stack on loopback ports, print figures, stop by themselves.
.PHONY: bench-webhook load
# A benchmark measures the model there is: it trains one only when there is none.
bench-webhook: $(APP_VENV)/.installed $(RASA_VENV)/.installed
	@test -f $(MODEL) || $(MAKE) train
	$(APP_PY) bench/webhook_latency.py $(BENCH_ARGS)

# Two runs: 1 Rasa server (SQLite), then 2 Rasa servers on PostgreSQL + Redis (127.0.0.1:5432, :6379).
load: $(APP_VENV)/.installed $(RASA_VENV)/.installed
	@test -f $(MODEL) || $(MAKE) train
	$(APP_PY) bench/load.py $(LOAD_ARGS)

# Our route against fuzzy matching, plain BM25 and Rasa DIET on the dev set (bench/compare.py);
# trains the DIET peer under var/bench/ when the catalogue changed (10-15 min on 2 busy cores).
# Table: var/bench/compare/results.md.
.PHONY: compare
compare: $(APP_VENV)/.installed $(RASA_VENV)/.installed
	$(APP_PY) bench/compare.py --input $(SHARED)/eval/dev.jsonl
