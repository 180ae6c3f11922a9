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
PIP := -m pip install --disable-pip-version-check -q
LOCK := $(APP_VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --no-header \
        --annotation-style line

.DEFAULT_GOAL := help
.PHONY: help install browser run test test-unit lint format lock migrate validate train eval bench \
        catalogue-report scope-model route-model clean bench-webhook load compare

help: ## this list
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 20

install: $(APP_VENV)/.installed $(RASA_VENV)/.installed ## both Python environments (no system packages)

# Debian's Chromium for the browser tests (Playwright's own browser download cannot work here).
browser: ## Debian's Chromium for tests/browser (apt-get: the only target that installs system packages)
	@command -v chromium >/dev/null || { echo "==> installing Debian chromium (browser tests)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); }

# The app environment: the locked runtime and development dependencies, then the project itself.
$(APP_VENV)/.installed: requirements/dev.txt pyproject.toml
	@echo "==> app environment ($(APP_VENV)): FastAPI, SQLAlchemy, spaCy, rasa-sdk, test tools"
	@test -x $(APP_PY) || $(PYTHON) -m venv $(APP_VENV)
	$(APP_PY) $(PIP) -r requirements/dev.txt
	$(APP_PY) $(PIP) --no-deps -e .
	@touch $@

# Rasa 3.6.21 declares Python < 3.11: its own venv, dependencies from the lock, Rasa itself without them.
# Only rasa_ext (which imports nothing of ours) runs there, from the work tree (PYTHONPATH in the scripts).
$(RASA_VENV)/.installed: requirements/rasa.lock.txt
	@echo "==> Rasa environment ($(RASA_VENV)): Rasa 3.6.21 on Python 3.11 (see docs/rasa-on-python311.md)"
	@test -x $(RASA_VENV)/bin/python || $(PYTHON) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python $(PIP) "pip<25"
	$(RASA_VENV)/bin/python $(PIP) -r requirements/rasa.lock.txt
	$(RASA_VENV)/bin/python $(PIP) --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2
	@touch $@

lock: $(APP_VENV)/.installed ## re-pin requirements/app.txt and dev.txt from pyproject.toml (keeps today's pins)
	$(LOCK) -o requirements/app.txt pyproject.toml
	$(LOCK) --extra dev -o requirements/dev.txt pyproject.toml

validate: $(RASA_VENV)/.installed ## Rasa data validation
	$(RASA) data validate

# Trains only when the training data changed (or there is no model).
train: $(MODEL) ## train the Rasa model if its data changed
$(MODEL): $(TRAINING_DATA) | $(RASA_VENV)/.installed
	@echo "==> training the Rasa model (about a minute on 2 cores)"
	TF_INTRA_OP_PARALLELISM_THREADS=2 TF_INTER_OP_PARALLELISM_THREADS=1 $(RASA) train --fixed-model-name daleel --out models
	@touch $@

run: install $(MODEL) ## migrate the database, start the action server, Rasa and the app
	@bash scripts/run.sh

test: install browser $(MODEL) ## everything: lint, Rasa validation and stories, every pytest folder
	@bash scripts/test.sh

test-unit: $(APP_VENV)/.installed ## fast tests: no Rasa environment, model, browser, database server
	$(APP_PY) -m pytest tests/unit tests/actions -q -m "not live and not browser and not postgres and not redis and not fit"

lint: $(APP_VENV)/.installed ## ruff check, ruff format --check, import-linter's layer contracts
	$(APP_VENV)/bin/ruff check .
	$(APP_VENV)/bin/ruff format --check .
	$(APP_VENV)/bin/lint-imports --no-cache

format: $(APP_VENV)/.installed ## ruff format and the safe fixes
	$(APP_VENV)/bin/ruff check --fix .
	$(APP_VENV)/bin/ruff format .

eval: $(APP_VENV)/.installed ## the shared scorer's figures on the dev set
	$(APP_PY) -m bot eval --input $(SHARED)/eval/dev.jsonl

bench: $(APP_VENV)/.installed ## route latency
	$(APP_PY) -m bench.route_latency

migrate: $(APP_VENV)/.installed ## alembic upgrade head on DALEEL_DATABASE_URL
	$(APP_VENV)/bin/alembic upgrade head

catalogue-report: $(APP_VENV)/.installed ## coverage of the catalogue per entity
	$(APP_PY) -m bot catalogue report

scope-model: $(APP_VENV)/.installed ## refit bot/route/lexicon/scope_model.json (catalogue, lexicons or labelled/ changed)
	$(APP_PY) -m bot scope fit

route-model: $(APP_VENV)/.installed ## refit bot/route/lexicon/learned_model.npz and journey_model.npz (catalogue or lexicons changed)
	$(APP_PY) -m bot route-model fit

clean: ## remove the environments, the model and var/
	rm -rf $(APP_VENV) $(RASA_VENV) models var results

# Live benchmarks (bench/): start their own stack on loopback ports, print figures, stop by themselves.
# A benchmark measures the model there is: it trains one only when there is none.
bench-webhook: $(APP_VENV)/.installed $(RASA_VENV)/.installed ## webhook latency, 10 conversations
	@test -f $(MODEL) || $(MAKE) train
	$(APP_PY) -m bench.webhook_latency $(BENCH_ARGS)

load: $(APP_VENV)/.installed $(RASA_VENV)/.installed ## 50 users: 1 Rasa on SQLite, then 2 on PostgreSQL + Redis
	@test -f $(MODEL) || $(MAKE) train
	$(APP_PY) -m bench.load $(LOAD_ARGS)

compare: $(APP_VENV)/.installed $(RASA_VENV)/.installed ## our route against fuzzy, BM25 and DIET peers on the dev set, the needs set and the fresh set
	$(APP_PY) -m bench.compare --input $(SHARED)/eval/dev.jsonl
	$(APP_PY) -m bench.compare --input labelled/route_cases_needs.jsonl
	$(APP_PY) -m bench.compare --input labelled/route_cases_fresh.jsonl
