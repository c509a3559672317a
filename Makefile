# FinSight developer commands. `make run` and `make test` work on a fresh clone (they install first).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3.11
VENV := .venv
SAM_VENV := .venv-sam
SCAN_VENV := .venv-scan
PY := $(VENV)/bin/python
SAM := $(SAM_VENV)/bin/sam
PIP_FLAGS := --quiet --disable-pip-version-check
# This machine's pip configuration names local mirrors that may be absent; hide pip's notes about them.
QUIET_PIP := 2>&1 | { grep -v "^WARNING: Location '.*' is ignored" || true; }
PORT ?= 5000
CHANNEL ?= whatsapp
# The web client (Pranavchikte/finsight_ai_frontend) runs on port 3000 by default.
ALLOWED_ORIGINS ?= http://localhost:3000,http://127.0.0.1:3000
FRONTEND_URL ?= http://localhost:3000

export PYTHONPATH := layers/common:.
export AWS_DEFAULT_REGION ?= us-east-1
export SAM_CLI_TELEMETRY := 0
export PYDANTIC_DISABLE_PLUGINS := __all__

.DEFAULT_GOAL := help
.PHONY: help install run test lint format typecheck scan sam-check pytest openapi invoke chat setup-telegram bench bench-import accuracy load fuzz migrate indexes lock clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements-dev.txt layers/common/requirements.txt functions/ai_worker/requirements.txt functions/whatsapp_webhook/requirements.txt functions/import_statement/requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_FLAGS) -r requirements-dev.txt -c constraints.txt $(QUIET_PIP)
	$(VENV)/bin/python layers/common/lazy_imports.py  # as the layer build does: tests run what ships
	touch $@

$(SAM_VENV)/.installed: requirements-sam.txt
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install $(PIP_FLAGS) -r requirements-sam.txt $(QUIET_PIP)
	touch $@

$(SCAN_VENV)/.installed: requirements-scan.txt
	$(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/pip install $(PIP_FLAGS) -r requirements-scan.txt $(QUIET_PIP)
	touch $@

install: $(VENV)/.installed $(SAM_VENV)/.installed $(SCAN_VENV)/.installed ## create the three virtual environments

run: $(VENV)/.installed ## serve the API on http://127.0.0.1:$(PORT) (ALLOWED_ORIGINS=, FRONTEND_URL=, SERIAL=1)
	PORT=$(PORT) ALLOWED_ORIGINS="$(ALLOWED_ORIGINS)" FRONTEND_URL="$(FRONTEND_URL)" $(PY) -m dev.localapi $(if $(SERIAL),--serial)

test: install lint typecheck scan sam-check pytest ## every check: lint, types, static scans, sam validate/build, tests

lint: $(VENV)/.installed ## ruff lint + format check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.installed ## apply ruff fixes and formatting
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

typecheck: $(VENV)/.installed ## mypy (strict, pydantic plugin) on the layer, the functions, dev and tests
	$(PY) -m dev.typecheck

scan: $(SCAN_VENV)/.installed ## bandit, cfn-lint, checkov (.checkov.yaml) and pip-audit of the locked dependencies
	$(SCAN_VENV)/bin/bandit -q -r layers/common/finsight functions
	$(SCAN_VENV)/bin/bandit -q -r dev -ll
	$(SCAN_VENV)/bin/cfn-lint template.yaml
	$(SCAN_VENV)/bin/checkov -f template.yaml --config-file .checkov.yaml
	$(SCAN_VENV)/bin/python -m dev.audit

sam-check: $(SAM_VENV)/.installed ## sam validate --lint and sam build
	$(SAM) validate --lint
	$(SAM) build

pytest: $(VENV)/.installed ## the test suite
	$(PY) -m pytest

chat: $(VENV)/.installed ## talk to the bot as a linked user, against make run: make chat TEXT="chai 20" [CHANNEL=telegram]
	$(PY) -m dev.chat "$(TEXT)" --channel $(CHANNEL) --api http://127.0.0.1:$(PORT)

setup-telegram: $(VENV)/.installed ## register the Telegram webhook (setWebhook + secret); locally against make run
	$(PY) -m dev.setup_telegram $(if $(API_URL),--api-url $(API_URL)) $(if $(TELEGRAM_API),--telegram $(TELEGRAM_API)) $(SETUP_TELEGRAM_ARGS)

openapi: $(VENV)/.installed ## regenerate layers/common/finsight/http/openapi.json from the functions' routes
	$(PY) -m dev.openapi

invoke: $(VENV)/.installed ## run one function on an event: make invoke FN=categories EVENT=events/categories.json
	@test -n "$(FN)" -a -n "$(EVENT)" || { echo "usage: make invoke FN=<function> EVENT=events/<file>.json"; exit 2; }
	$(PY) -m dev.invoke $(FN) $(EVENT)

bench: install ## sam build, then write bench/REPORT.md: imports, package sizes, every endpoint, AI work
	$(SAM) build
	$(PY) -m dev.bench

bench-import: $(VENV)/.installed ## a 10,000-row bank CSV imported end to end: rows/s of CPU and peak memory, 5 rounds
	$(PY) -m dev.bench.statements

load: $(VENV)/.installed ## 20 clients for 60 s through the local gateway, then every total checked (CLIENTS=, SECONDS=)
	$(PY) -m dev.load --clients $(or $(CLIENTS),20) --seconds $(or $(SECONDS),60)

fuzz: $(VENV)/.installed ## random campaigns: schemathesis (EXAMPLES per operation, 500) and the offline parser (PARSER_EXAMPLES, 20000)
	FUZZ_EXAMPLES=$(or $(EXAMPLES),500) FUZZ_PARSER_EXAMPLES=$(or $(PARSER_EXAMPLES),20000) FUZZ_RANDOM=1 \
		$(PY) -m pytest -q -p no:cacheprovider tests/integration/test_fuzz.py tests/unit/test_offline_parser_fuzz.py

accuracy: $(VENV)/.installed ## offline parser accuracy on the held-out corpora (ACCURACY_ARGS="--corpus F --misses")
	$(PY) -m dev.parser_accuracy $(ACCURACY_ARGS)

migrate: $(VENV)/.installed ## bring stored data up to date, idempotently (MONGODB_URI or MONGODB_URI_PARAMETER)
	$(PY) -m dev.migrate

indexes: $(VENV)/.installed ## create the MongoDB indexes (MONGODB_URI or MONGODB_URI_PARAMETER must be set)
	$(PY) -m finsight.platform.indexes

lock: ## re-pin every transitive dependency into constraints.txt
	rm -rf $(VENV) && $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_FLAGS) -r requirements-dev.txt $(QUIET_PIP)
	$(VENV)/bin/pip freeze --exclude-editable > constraints.txt
	touch $(VENV)/.installed

clean: ## remove virtual environments and build output
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache
