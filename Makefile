# The two commands a fresh machine needs: `make build` and `make test`.
# Each creates (or refreshes) the local virtual environment .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

VNU_VERSION := 26.9.27
VNU_JAR := .tools/node_modules/vnu-jar/build/dist/vnu.jar
AXE_VERSION := 4.14.1
AXE_JS := .tools/node_modules/axe-core/axe.min.js

.PHONY: build test check serve clean screenshots golden

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,search]'
	touch $(STAMP)

# The Nu HTML Checker (a Java jar from npm) for tests/test_layouts.py. Without npm the
# test skips locally; under .ci/run (NEWSDESK_REQUIRE_TOOLS=1) it fails instead.
$(VNU_JAR):
	@command -v npm >/dev/null 2>&1 \
		&& npm install --silent --no-audit --no-fund --prefix .tools vnu-jar@$(VNU_VERSION) \
		|| echo "note: could not install vnu-jar with npm: the HTML validity test will be skipped"

# axe-core (npm), the accessibility rules tests/test_layouts.py runs inside headless Chromium.
$(AXE_JS):
	@command -v npm >/dev/null 2>&1 \
		&& npm install --silent --no-audit --no-fund --prefix .tools axe-core@$(AXE_VERSION) \
		|| echo "note: could not install axe-core with npm: the accessibility tests will be skipped"

build: $(STAMP)
	$(BIN)/python build.py

check: $(STAMP)
	$(BIN)/newsdesk check

serve: $(STAMP)
	$(BIN)/newsdesk serve

test: $(STAMP) $(VNU_JAR) $(AXE_JS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict newsdesk
	$(BIN)/python -m pytest --cov=newsdesk --cov-report=term-missing:skip-covered

# Rebuild tests/golden/, the sample site's output that tests/test_golden.py compares with:
# run it after a change meant to alter the output, and review and commit the diff.
golden: $(STAMP)
	$(BIN)/python tests/golden_site.py

screenshots: $(STAMP)
	$(BIN)/python tests/take_screenshots.py

clean:
	rm -rf output .newsdesk-cache $(VENV) .tools
