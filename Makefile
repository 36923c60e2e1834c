# The commands people type. `make run` and `make test` work on a fresh clone with Python 3.11+.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: run test eval bench chaos lint typecheck check clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Pledgebook needs Python 3.11 or newer: set PYTHON=python3.11 (or newer).")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "[pledgebook] installing dependencies into $(VENV) (first run only)…"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]' 2>&1 | grep -v "^WARNING: Location" || true
	@$(BIN)/python -c 'import django, celery, pytest_django' || (echo "[pledgebook] installation failed: see the messages above"; exit 1)
	@rm -f $(VENV)/.installed-*
	@touch $@

## Bring the whole service up with demo data: web, Celery worker and beat (Ctrl-C stops all).
run: $(STAMP)
	$(BIN)/python manage.py compile_translations
	$(BIN)/python -m config.devstack

## The translations (locale/*/LC_MESSAGES/*.po) are compiled to .mo before `run` and `test`: not committed.
## Run the whole test suite (SQLite by default; PostgreSQL when DATABASE_URL says so).
test: $(STAMP)
	$(BIN)/python manage.py compile_translations
	$(BIN)/pytest $(PYTEST_ARGS)

## The importer measured on the hand-labelled records (PLEDGEBOOK_RECORDS_DIR, default ../shared/records):
## recall, precision, deadline windows and meeting dates, with every miss. EVAL_ARGS="S00 E09" for some.
eval: $(STAMP)
	$(BIN)/python manage.py evaluate_importer $(EVAL_ARGS)

## Benchmarks against PostgreSQL and Redis (not part of `make test`): results in BENCHMARKS.md.
## BENCH_ARGS="--scales 1k,10k --runs 3 --only sweep,search,lists" for a part (measures: sweep admin search
## dashboard lists history report export api delivery); see bench/run.py for what each takes at 1M.
bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## A few minutes' soak of the production processes (gunicorn, two workers, beat; PostgreSQL, Redis, an SMTP
## sink) under faults: killed workers, Redis stopped, SMTP refusing and hanging, two beats. Exits 1 on any
## lost or duplicated email, 5xx or dead worker; see RELIABILITY.md. CHAOS_ARGS="--duration 240 --commitments 400".
chaos: $(STAMP)
	$(BIN)/python -m bench.chaos $(CHAOS_ARGS)

## Style, format, and the import contracts (pyproject.toml [tool.importlinter]: what may import what).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy .

check: lint typecheck test

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
