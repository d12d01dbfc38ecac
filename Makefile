# The two commands that matter: `make demo` and `make test`. Both set everything up first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

VENDOR := src/detente/api/web/static/vendor
HTMX := $(VENDOR)/htmx.min.js
# Swagger UI and ReDoc for /docs and /redoc, served by the app (the API docs work offline).
API_DOCS := $(VENDOR)/swagger-ui-bundle.js $(VENDOR)/swagger-ui.css $(VENDOR)/redoc.standalone.js

.PHONY: setup demo test lint typecheck unit bench clean browser

setup: $(STAMP)

# Re-install only when the project's dependency list changes.
$(STAMP): pyproject.toml $(HTMX) $(API_DOCS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@$(MAKE) --no-print-directory browser
	# Compile the numba kernels side by side now rather than one by one on first use.
	$(BIN)/detente warmup
	touch $(STAMP)

# htmx, Swagger UI and ReDoc for the web app, from the npm lockfile (no CDN); the package
# serves them from static/vendor.
$(HTMX) $(API_DOCS) &: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(HTMX)
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/
	cp node_modules/redoc/bundles/redoc.standalone.js $(VENDOR)/

# The browser tests drive Debian's Chromium: install it when missing and we can (root, apt-get).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: chromium is not installed and cannot be here; the browser tests will skip"; fi; }

demo: $(STAMP)
	$(BIN)/python -m detente.demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest --cov --cov-report=term:skip-covered

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage node_modules $(VENDOR)
