# dangvu: `make run` serves the demo province; `make test` runs every check on SQLite and PostgreSQL.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DANGVU := $(VENV)/bin/dangvu
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
MO := src/dangvu/locale/vi/LC_MESSAGES/django.mo src/dangvu/locale/en/LC_MESSAGES/django.mo
PYTEST_ARGS ?=

.PHONY: install run serve test lint test-sqlite test-postgres bench messages clean

install: $(STAMP) $(MO)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

src/dangvu/locale/%/LC_MESSAGES/django.mo: src/dangvu/locale/%/LC_MESSAGES/django.po $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -d src/dangvu/locale -D django -l $*

run: install
	$(DANGVU) migrate --no-input
	$(DANGVU) demo --if-empty
	$(DANGVU) createuser admin --name "Quản trị Demo" --org TU-KH --role org_officer --sensitive --if-absent
	DANGVU_HTTPS=0 $(DANGVU) serve

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src/dangvu/core src/dangvu/exchange src/dangvu/rules src/dangvu/orgs src/dangvu/members src/dangvu/accounts src/dangvu/api src/dangvu/discipline src/dangvu/restructuring src/dangvu/evaluation src/dangvu/awards src/dangvu/reports
	DANGVU_DATA_DIR=$$(mktemp -d) $(DANGVU) check --fail-level WARNING
	DANGVU_DATA_DIR=$$(mktemp -d) $(DANGVU) makemigrations --check --dry-run

test-sqlite: install
	scripts/system-deps.sh
	DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_DATABASE_URL= $(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres: install
	scripts/system-deps.sh
	DANGVU_DATA_DIR=$$(mktemp -d) scripts/with-postgres.sh $(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint test-sqlite test-postgres

BENCH_PG = -c shared_buffers=4GB -c effective_cache_size=16GB -c work_mem=64MB -c maintenance_work_mem=1GB -c max_wal_size=16GB -c max_connections=200 -c random_page_cost=1.1 -c jit=off

bench: install
	scripts/system-deps.sh
	DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_DATABASE_URL= $(PY) bench/run.py
	DANGVU_DATA_DIR=$$(mktemp -d) scripts/with-postgres.sh $(PY) bench/run.py
	DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_DATABASE_URL= $(PY) bench/reform.py
	DANGVU_DATA_DIR=$$(mktemp -d) scripts/with-postgres.sh $(PY) bench/reform.py
	DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_DATABASE_URL= $(PY) bench/rating.py
	DANGVU_DATA_DIR=$$(mktemp -d) scripts/with-postgres.sh $(PY) bench/rating.py
	$(VENV)/bin/pip install -q "django-import-export>=4.3" "pandas>=2.2"
	DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_DATABASE_URL= $(PY) bench/import_members.py
	DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_DATABASE_URL= $(PY) bench/reports.py
	DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_PG_OPTIONS="$(BENCH_PG)" scripts/with-postgres.sh $(PY) bench/scale.py

messages: install
	scripts/messages.sh

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
