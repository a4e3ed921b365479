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
# pytest-xdist workers of `make test`: one more than the cores, because a worker often waits
# (on Chromium, a subprocess, its live server) while the cores have work left; PYTEST_WORKERS=0
# runs in one process.
# Whole files go to a worker (--dist loadfile): a module-scoped setup, such as the demo that
# tests/demo loads once, is then paid once. tests/conftest.py orders the files (costly first).
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

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

# Each pytest worker imports every test file: with PYTHONDONTWRITEBYTECODE set (as in some
# containers) pytest would rewrite and compile them all again at each run, seconds a worker.
test: $(STAMP)
	@scripts/system-packages test
	$(BIN)/ruff check .
	$(BIN)/mypy
	PHROM_DATA_DIR=$(CURDIR)/var/test PYTHONDONTWRITEBYTECODE= \
	  $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

bench: $(STAMP)
	@scripts/system-packages bench
	@status=0; for name in score_file engine cycle_db questionnaire_page review_page integrity scorecard_pdf export scorecard_batch public_results agency_pages autosave; do \
	  echo "== bench/bench_$$name.py"; $(BIN)/python bench/bench_$$name.py --check || status=1; \
	done; exit $$status

# The front-end files copied from npm (phrom/static/vendor/README.md), at these versions.
VENDOR := phrom/static/vendor
HTMX_VERSION ?= 2.0.11
AXE_VERSION ?= 4.14.1
SARABUN_VERSION ?= 5.3.0
CHARTJS_VERSION ?= 4.6.2

vendor:
	@command -v npm >/dev/null || { echo "make vendor needs npm (apt-get install npm)"; exit 1; }
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  (cd "$$tmp" && npm pack --silent htmx.org@$(HTMX_VERSION) axe-core@$(AXE_VERSION) \
	    @fontsource/sarabun@$(SARABUN_VERSION) chart.js@$(CHARTJS_VERSION) >/dev/null) && \
	  for name in htmx.org-$(HTMX_VERSION) axe-core-$(AXE_VERSION) fontsource-sarabun-$(SARABUN_VERSION) \
	      chart.js-$(CHARTJS_VERSION); do \
	    mkdir -p "$$tmp/$$name" && tar xzf "$$tmp/$$name.tgz" -C "$$tmp/$$name" --strip-components=1; \
	  done && \
	  mkdir -p $(VENDOR)/htmx $(VENDOR)/axe-core $(VENDOR)/sarabun/files $(VENDOR)/chartjs && \
	  cp "$$tmp/htmx.org-$(HTMX_VERSION)/dist/htmx.min.js" "$$tmp/htmx.org-$(HTMX_VERSION)/LICENSE" $(VENDOR)/htmx/ && \
	  cp "$$tmp/axe-core-$(AXE_VERSION)/axe.min.js" "$$tmp/axe-core-$(AXE_VERSION)/LICENSE" $(VENDOR)/axe-core/ && \
	  cp "$$tmp/chart.js-$(CHARTJS_VERSION)/dist/chart.umd.min.js" $(VENDOR)/chartjs/ && \
	  cp "$$tmp/chart.js-$(CHARTJS_VERSION)/LICENSE.md" $(VENDOR)/chartjs/LICENSE && \
	  sarabun="$$tmp/fontsource-sarabun-$(SARABUN_VERSION)" && cp "$$sarabun/LICENSE" $(VENDOR)/sarabun/ && \
	  for weight in 400 700; do \
	    sed "s|, url(\./files/[^)]*\.woff) format('woff')||" "$$sarabun/$$weight.css" > $(VENDOR)/sarabun/$$weight.css && \
	    cp "$$sarabun"/files/sarabun-*-$$weight-normal.woff2 $(VENDOR)/sarabun/files/ || exit 1; \
	  done && echo "$(VENDOR): htmx $(HTMX_VERSION), axe-core $(AXE_VERSION), sarabun $(SARABUN_VERSION), chart.js $(CHARTJS_VERSION)"

clean:
	rm -rf var/test .pytest_cache .mypy_cache .ruff_cache
