# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := yiwang api core identity marketplace orders partners search seed supervision supplier_portal

.PHONY: run test test-py test-web test-e2e check lint types layers schema schema-check \
	migrations-check web web-check chromium audit bench lock clean fonts

# The purchaser SPA (web/, Node.js >= 20 with npm): installed from package-lock.json, built into
# web/dist when anything it is made from changes.
WEB_DEPS := web/node_modules/.installed
WEB_BUILD := web/dist/index.html
WEB_SOURCES := $(shell find web/src web/public -type f -not -path 'web/src/gql/*' 2>/dev/null) \
	web/index.html web/graphiql.html web/vite.config.ts web/codegen.ts web/tsconfig.json schema.graphql

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(PYTHON) tools/fetch_fonts.py
	touch $(STAMP)

$(WEB_DEPS): web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund --loglevel=error
	touch $(WEB_DEPS)

$(WEB_BUILD): $(WEB_DEPS) $(WEB_SOURCES)
	npm --prefix web run --silent build

## web: build the SPA into web/dist (only when web/ or schema.graphql changed)
web: $(WEB_BUILD)

## run: build the SPA, migrate, seed the demo data once, serve the shop on http://127.0.0.1:8000/
## (GraphiQL at /graphql)
run: $(STAMP) $(WEB_BUILD)
	$(BIN)/yiwang migrate
	$(BIN)/yiwang seed --once
	YIWANG_DEBUG=$${YIWANG_DEBUG:-1} $(BIN)/yiwang serve

## test: pytest (SQLite by default; YIWANG_TEST_DATABASE_URL for PostgreSQL), Vitest, Playwright
test: test-py test-web test-e2e

test-py: $(STAMP)
	$(BIN)/pytest -q

test-web: $(WEB_DEPS)
	npm --prefix web run --silent codegen
	npm --prefix web test

## test-e2e: the SPA in Chromium against a real `yiwang serve` on a fresh seeded SQLite database
test-e2e: $(STAMP) $(WEB_BUILD) chromium
	npm --prefix web run e2e

chromium:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium fonts-noto-cjk)

## check: what runs before every commit
check: lint types layers schema-check migrations-check web-check test

## web-check: the SPA's GraphQL documents and TypeScript still fit schema.graphql
web-check: $(WEB_DEPS)
	npm --prefix web run --silent check

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
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache web/node_modules web/dist web/src/gql
