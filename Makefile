# Granska: `make run` serves the demo, `make test` runs every check.
# Both set up .venv from requirements.lock (pinned, with hashes) when it is missing or stale.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The PostgreSQL run uses DATABASE_URL when it names a PostgreSQL database, else this default.
PG_URL := $(if $(filter postgres://% postgresql://%,$(DATABASE_URL)),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/granska)
SQLITE_TEST_URL := sqlite:///$(CURDIR)/var/test.sqlite3
# The development server listens here.
ADDR ?= 127.0.0.1:8000

.PHONY: help install run test lint typecheck migrations-check messages-check \
	test-sqlite test-postgres bench bench-survey pango-check report-images screenshots lock clean

help:
	@echo "make run    set up, load the catalog, questionnaire and demo data, serve http://$(ADDR) (SQLite)"
	@echo "make test   set up, lint, type-check, then the whole suite on SQLite and PostgreSQL"
	@echo "make bench  the benchmarks, one 'name: value' a line"
	@echo "make bench-survey   only the survey load: 300 answers in a minute (gunicorn, PostgreSQL)"
	@echo "make report-images  page images of the largest demo report in var/report-pages/"
	@echo "make screenshots    the main pages at 1280 and 390 px in docs/screenshots/ (needs chromium)"

$(STAMP): requirements.lock pyproject.toml src/granska/locale/sv/LC_MESSAGES/django.po
	@if [ ! -x $(BIN)/python ]; then \
		python=$$(scripts/find-python); \
		echo "Creating $(VENV) with $$python"; \
		"$$python" -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@mkdir -p var
	cd src/granska && ../../$(BIN)/granska compilemessages --locale sv >/dev/null
	@touch $(STAMP)

# axe-core for the browser tests' accessibility check, from package-lock.json.
node_modules/.package-lock.json: package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(STAMP) node_modules/.package-lock.json

run: $(STAMP)
	$(BIN)/granska migrate --no-input
	$(BIN)/granska catalog load
	$(BIN)/granska questionnaire load
	$(BIN)/granska specialties
	$(BIN)/granska demo
	$(BIN)/granska runserver $(ADDR)

screenshots: install
	$(BIN)/python scripts/screenshots

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: install
	$(BIN)/mypy src tests

migrations-check: install
	DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/granska makemigrations --check --dry-run

messages-check: install
	$(BIN)/python scripts/check-messages

test-sqlite: install
	DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/pytest -q

# PostgreSQL runs the same suite but the browser tests (tests/browser), which try the pages as
# a browser shows them and run once, on SQLite. Outside CI an unreachable server is reported
# loudly and the run goes on with SQLite's result; in CI (CI=true) it fails.
test-postgres: install
	@if DATABASE_URL=$(PG_URL) $(BIN)/python scripts/db-reachable; then \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m "not browser"; \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "PostgreSQL at $(PG_URL) is unreachable, and CI requires it." >&2; exit 1; \
	else \
		echo; echo "!!!!!!!! PostgreSQL at $(PG_URL) is unreachable: the suite ran on SQLite ONLY !!!!!!!!"; echo; \
	fi

test: lint typecheck migrations-check messages-check test-sqlite test-postgres

# WeasyPrint, the report benchmark's baseline, needs Debian's pango; CI does not run the bench.
PANGO_LIBS := libpango-1.0.so.0 libpangoft2-1.0.so.0

pango-check:
	@for lib in $(PANGO_LIBS); do \
		if ! /sbin/ldconfig -p | grep -q "$$lib"; then \
			echo "make bench needs pango for WeasyPrint: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0" >&2; \
			exit 1; \
		fi; \
	done

bench: $(STAMP) pango-check
	$(BIN)/python bench/run.py

# Needs PostgreSQL (GRANSKA_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/granska_bench).
bench-survey: $(STAMP)
	$(BIN)/python bench/run.py --survey-only

# Page images of the largest demo report, for looking at: var/report-pages/page-N.png.
report-images: $(STAMP)
	$(BIN)/python bench/run.py --pages-only

# Regenerates requirements.lock from pyproject.toml (needs network access to PyPI).
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml scripts/build-requirements.txt --extra dev --extra bench \
		--universal --python-version 3.12 --generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) var node_modules .mypy_cache .pytest_cache .ruff_cache
