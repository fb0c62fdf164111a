# dangvu: `make run` serves the demo province; `make test` runs every check on SQLite and PostgreSQL.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DANGVU := $(VENV)/bin/dangvu
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
MO := src/dangvu/locale/vi/LC_MESSAGES/django.mo src/dangvu/locale/en/LC_MESSAGES/django.mo
PYTEST_ARGS ?=
# Two workers on this 2-core machine (pytest-xdist); the demo's tests share one of them.
TEST_WORKERS ?= 2
PYTEST := $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup
TIMED := scripts/timed.sh

.PHONY: install run serve test test-phases lint test-sqlite test-postgres bench bench-parts messages clean

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
	DANGVU_HTTPS=0 $(DANGVU) serve

lint: install
	@$(TIMED) "lint: ruff" $(VENV)/bin/ruff check src tests bench
	@$(TIMED) "lint: ruff format" $(VENV)/bin/ruff format --check src tests bench
	@$(TIMED) "lint: mypy" $(VENV)/bin/mypy src/dangvu/core src/dangvu/exchange src/dangvu/rules src/dangvu/orgs src/dangvu/tree src/dangvu/members src/dangvu/accounts src/dangvu/api src/dangvu/discipline src/dangvu/restructuring src/dangvu/evaluation src/dangvu/awards src/dangvu/recruitment src/dangvu/congress src/dangvu/activities src/dangvu/inspection src/dangvu/reports
	@$(TIMED) "lint: layers" $(VENV)/bin/lint-imports --no-cache
	@$(TIMED) "lint: check" env DANGVU_DATA_DIR=$$(mktemp -d) $(DANGVU) check --fail-level WARNING
	@$(TIMED) "lint: migrations" env DANGVU_DATA_DIR=$$(mktemp -d) $(DANGVU) makemigrations --check --dry-run

# Every test on SQLite; on PostgreSQL, those whose outcome the database can change (tests marked
# `both_databases`; `once` marks the rest: tests/conftest.py).
test-sqlite: install
	scripts/system-deps.sh
	@$(TIMED) "tests on SQLite" env DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_DATABASE_URL= $(PYTEST) $(PYTEST_ARGS)

test-postgres: install
	scripts/system-deps.sh
	@$(TIMED) "tests on PostgreSQL" env DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_PG_REPLICA=1 scripts/with-postgres.sh $(PYTEST) $(PYTEST_ARGS)

test:
	@$(TIMED) "make test, in all" $(MAKE) --no-print-directory test-phases

test-phases:
	@$(TIMED) install $(MAKE) --no-print-directory install
	@$(MAKE) --no-print-directory lint test-sqlite test-postgres

BENCH_PG_REPLICA = -c shared_buffers=2GB -c effective_cache_size=8GB -c work_mem=64MB -c maintenance_work_mem=1GB -c max_wal_size=16GB -c max_connections=200 -c random_page_cost=1.1 -c jit=off
BENCH_PG = -c shared_buffers=4GB -c effective_cache_size=16GB -c work_mem=64MB -c maintenance_work_mem=1GB -c max_wal_size=16GB -c max_connections=200 -c random_page_cost=1.1 -c jit=off

bench: install
	@$(TIMED) "make bench, in all" $(MAKE) --no-print-directory bench-parts

# Each step says how long it took (a whole run is hours: docs/operations.md).
bench-parts:
	scripts/system-deps.sh
	@$(TIMED) "bench: run.py on SQLite" env DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_DATABASE_URL= $(PY) bench/run.py
	@$(TIMED) "bench: run.py on PostgreSQL" env DANGVU_DATA_DIR=$$(mktemp -d) scripts/with-postgres.sh $(PY) bench/run.py
	@$(TIMED) "bench: reform.py on SQLite" env DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_DATABASE_URL= $(PY) bench/reform.py
	@$(TIMED) "bench: reform.py on PostgreSQL" env DANGVU_DATA_DIR=$$(mktemp -d) scripts/with-postgres.sh $(PY) bench/reform.py
	@$(TIMED) "bench: rating.py on SQLite" env DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_DATABASE_URL= $(PY) bench/rating.py
	@$(TIMED) "bench: pages.py on SQLite" env DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_DATABASE_URL= $(PY) bench/pages.py
	@$(TIMED) "bench: congress.py on SQLite" env DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_DATABASE_URL= $(PY) bench/congress.py
	@$(TIMED) "bench: congress.py on PostgreSQL" env DANGVU_DATA_DIR=$$(mktemp -d) scripts/with-postgres.sh $(PY) bench/congress.py
	@$(TIMED) "bench: rating.py on PostgreSQL" env DANGVU_DATA_DIR=$$(mktemp -d) scripts/with-postgres.sh $(PY) bench/rating.py
	$(VENV)/bin/pip install -q "django-import-export>=4.3" "pandas>=2.2"
	@$(TIMED) "bench: import_members.py on SQLite" env DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_DATABASE_URL= $(PY) bench/import_members.py
	@$(TIMED) "bench: reports.py on SQLite" env DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_DATABASE_URL= $(PY) bench/reports.py
	@$(TIMED) "bench: lineage.py on SQLite" env DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_DATABASE_URL= $(PY) bench/lineage.py
	@$(TIMED) "bench: lineage.py on PostgreSQL" env DANGVU_DATA_DIR=$$(mktemp -d) scripts/with-postgres.sh $(PY) bench/lineage.py
	@$(TIMED) "bench: scale.py on PostgreSQL" env DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_PG_OPTIONS="$(BENCH_PG)" scripts/with-postgres.sh $(PY) bench/scale.py
	@$(TIMED) "bench: replica.py on PostgreSQL" env DANGVU_DATA_DIR=$$(mktemp -d) DANGVU_PG_REPLICA=1 DANGVU_PG_OPTIONS="$(BENCH_PG_REPLICA)" scripts/with-postgres.sh $(PY) bench/replica.py

messages: install
	scripts/messages.sh

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
