# The two commands a newcomer needs: `make demo` and `make test`.
# Each builds its own virtual environment in .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test lint typecheck unit bench docs report screens clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "divert needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[postgres,spark,dev]'
	rm -f $(VENV)/.installed-*
	touch $@

## Run the demo service on the embedded default (SQLite), with the real Philadelphia filings loaded.
demo: $(STAMP)
	$(BIN)/divert demo

## Lint, type-check and run every test.
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# One test process per core, up to 4 (pytest-xdist): each has its own databases, Spark and
# Chromium, so the suite stays well inside CI's time on a 2-core runner.
unit: $(STAMP)
	$(BIN)/pytest -n auto --maxprocesses 4

## Generate synthetic data and time every engine side by side (see docs/benchmarks.md).
bench: $(STAMP)
	$(BIN)/python benchmarks/generate.py 100k 1m
	$(BIN)/python benchmarks/run.py --sizes 100k 1m --engines duckdb numpy loop spark

## Regenerate the policy reference pages in docs/policies/ from policies/.
docs: $(STAMP)
	$(BIN)/divert policy docs --out docs/policies

## Regenerate the committed repercussions report (HTML and PDF; the PDF needs Chromium), and
## a PNG of each PDF page for reading without a browser (pdftoppm, from poppler-utils).
REPORT_ARGS := --policy phl-dao-simple-possession --baseline phl-dao-2018 --data data/phl_filings_2021-08_2022-01.csv
report: $(STAMP)
	@command -v pdftoppm >/dev/null || { echo "make report needs pdftoppm (apt-get install poppler-utils) for docs/reports/pages/"; exit 1; }
	$(BIN)/divert report $(REPORT_ARGS) --out docs/reports/phl-simple-possession.html
	$(BIN)/divert report $(REPORT_ARGS) --out docs/reports/phl-simple-possession.pdf
	rm -rf docs/reports/pages && mkdir -p docs/reports/pages
	pdftoppm -r 90 -png docs/reports/phl-simple-possession.pdf docs/reports/pages/page

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

## Walk every role's day in headless Chromium and save each page to docs/screens/ (README links them).
screens: $(STAMP)
	rm -f docs/screens/*.png
	DIVERT_SCREENS=docs/screens $(BIN)/pytest tests/browser/test_office_day.py -q -p no:randomly
