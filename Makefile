# Two commands do everything on a fresh Debian machine: `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.phrom-installed
PORT ?= 8000
HOST ?= 127.0.0.1
export PHROM_DATA_DIR ?= $(CURDIR)/var
# pytest-xdist workers of `make test`: one per core ("auto"); PYTEST_WORKERS=0 runs in one process.
# Whole files go to a worker (--dist loadfile): a module-scoped setup, such as the demo that
# tests/demo loads once, is then paid once. tests/conftest.py orders the files (costly first).
PYTEST_WORKERS ?= auto

.PHONY: demo test install lint typecheck pytest bench clean vendor

$(STAMP): pyproject.toml
	@scripts/system-packages demo
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev,browser]' 2>&1 \
	  | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/phrom demo
	@# The task worker (e-mails) runs beside the server and stops with it.
	$(BIN)/phrom worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	  $(BIN)/phrom serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	@scripts/system-packages test
	$(BIN)/ruff check .
	$(BIN)/mypy
	PHROM_DATA_DIR=$(CURDIR)/var/test $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

bench: $(STAMP)
	@scripts/system-packages bench
	@status=0; for name in score_file engine cycle_db questionnaire_page review_page integrity scorecard_pdf autosave; do \
	  echo "== bench/bench_$$name.py"; $(BIN)/python bench/bench_$$name.py --check || status=1; \
	done; exit $$status

clean:
	rm -rf var/test .pytest_cache .mypy_cache .ruff_cache
