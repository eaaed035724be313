# The two commands a fresh machine needs: `make build` and `make test`.
# Each creates (or refreshes) the local virtual environment .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test check serve clean screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,search]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/python build.py

check: $(STAMP)
	$(BIN)/newsdesk check

serve: $(STAMP)
	$(BIN)/newsdesk serve

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest --cov=newsdesk --cov-report=term-missing:skip-covered

screenshots: $(STAMP)
	$(BIN)/python tests/take_screenshots.py

clean:
	rm -rf output .newsdesk-cache $(VENV)
