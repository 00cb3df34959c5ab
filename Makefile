# Lentera — every developer command. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
RASA    := $(VENV)/bin/rasa
STAMP   := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TF_CPP_MIN_LOG_LEVEL := 3
export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)

# Python 3.10 from PATH, or pyenv's 3.10.x.
PYTHON310 := $(shell command -v python3.10 >/dev/null 2>&1 && python3.10 -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && command -v python3.10)
ifeq ($(PYTHON310),)
PYTHON310 := $(shell v=$$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10\.[0-9]+$$' | tail -1); [ -n "$$v" ] && echo "$$(pyenv root)/versions/$$v/bin/python3.10")
endif

.PHONY: help install train index run demo shell test test-fast lint bench validate clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: $(STAMP) ## make .venv (Python 3.10) and install the pinned dependencies

$(STAMP): pyproject.toml constraints.txt
	@[ -n "$(PYTHON310)" ] || { echo "error: Python 3.10 not found (install python3.10 or 'pyenv install 3.10.13')"; exit 1; }
	@[ -x $(PY) ] || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

train: install ## train the model if data, domain, config or pins changed
	$(PY) -m bot.stack train

index: install ## build the referral search index if the directory changed
	$(PY) -m knowledge_base build

run: install index train ## set up and start Rasa (5005), actions (5055) and the channels
	$(PY) -m bot.stack run

demo: install index train ## like run, plus fake Telegram and WhatsApp with chat pages (:8081, :8082)
	$(PY) -m bot.stack run --demo

shell: install train ## chat with the assistant in the terminal
	$(PY) -m bot.stack shell

validate: install ## check training data, domain and the referral directory
	$(RASA) data validate --fail-on-warnings --data data --domain domain.yml --config config.yml
	$(PY) -m knowledge_base validate

lint: install ## ruff, mypy and the import rules (docs/architecture.md)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/test_import_rules.py

test: install index train ## every test: lint, validation, pytest, NLU gates, conversation tests
	$(MAKE) --no-print-directory lint validate
	$(VENV)/bin/pytest -q

browser: ## Debian's chromium for the browser tests (installed when missing; CI runs as root)
	@command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
.PHONY: browser
test: browser

bench: install index train ## benchmarks; results go to docs/benchmarks.md
	$(PY) -m bench.run

clean: ## remove trained models, indexes and local databases
	rm -rf models results var

nginx: ## Debian's nginx, the load balancer of `make run-scaled` (installed when missing)
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx)
.PHONY: nginx
test: nginx

run-scaled: install index train nginx ## LENTERA_INSTANCES (2) Rasa + action servers behind nginx; needs PostgreSQL, Redis
	$(PY) -m bot.stack run --instances $(or $(LENTERA_INSTANCES),2)
.PHONY: run-scaled
