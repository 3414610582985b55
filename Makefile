# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := yiwang api core identity marketplace orders partners search seed supervision supplier_portal

.PHONY: run test check lint types layers schema schema-check migrations-check audit bench lock clean fonts

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(PYTHON) tools/fetch_fonts.py
	touch $(STAMP)

## run: migrate, seed the demo data once, serve with GraphiQL on http://127.0.0.1:8000/graphql
run: $(STAMP)
	$(BIN)/yiwang migrate
	$(BIN)/yiwang seed --once
	YIWANG_DEBUG=$${YIWANG_DEBUG:-1} $(BIN)/yiwang serve

## test: the whole test suite (SQLite by default; YIWANG_TEST_DATABASE_URL for PostgreSQL)
test: $(STAMP)
	$(BIN)/pytest -q

## check: what runs before every commit
check: lint types layers schema-check migrations-check test

lint: $(STAMP)
	$(BIN)/ruff check $(PACKAGES) tests bench migrations tools
	$(BIN)/ruff format --check $(PACKAGES) tests bench migrations tools

types: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

schema: $(STAMP)
	$(BIN)/yiwang export-schema > schema.graphql

schema-check: $(STAMP)
	$(BIN)/yiwang export-schema --check schema.graphql

migrations-check: $(STAMP)
	$(BIN)/yiwang migrate --check

audit: $(STAMP)
	bash .ci/audit

bench: $(STAMP)
	$(BIN)/python bench/products_http.py

lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 -o requirements.lock -q

## fonts: the CJK font contract PDFs embed (from a hash-pinned PyPI wheel; needs only python3)
fonts:
	$(PYTHON) tools/fetch_fonts.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
