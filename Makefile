# The verbs the README and .ci/run call verbatim.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: setup run build test test-offline test-fast chromium lint figures screenshots bench evaluate clean

# A virtual environment with the workbench and its test tools (re-made when
# pyproject.toml changes).
setup: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Debian's Chromium, for the browser tests and static images (needs root once).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }

# The main job: the dashboards served on the bundled case studies (prints the URL).
run: setup
	$(BIN)/workbench serve

# The same analysis without a server: case folders, flags, episodes, hand-offs in build/.
build: setup
	$(BIN)/workbench build casestudies -o build

# The whole test suite (browser tests included), on both cores; each test module runs
# whole on one worker (its module-scoped browser and fixtures are made once).
test: setup chromium
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The whole suite with the network switched off (a new network namespace with only
# loopback up; needs root): proves nothing reaches beyond this machine.
test-offline: setup chromium
	unshare -n sh -c 'ip link set lo up && $(BIN)/python -m pytest'

test-fast: setup
	$(BIN)/python -m pytest -m "not browser and not slow"

# Regenerate the README pictures (timeline, network) from the case studies.
figures: setup chromium
	$(BIN)/python docs/make_figures.py

# Regenerate the dashboard screenshots (docs/screenshots/) in Debian's Chromium.
screenshots: setup chromium
	$(BIN)/python docs/make_screenshots.py

lint: setup
	$(BIN)/ruff check workbench tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

# Fidelity on the field corpus (tests/field/): docs/evaluation.md, before and after.
evaluate: setup
	$(BIN)/python tests/field/evaluate.py --json tests/field/results/after.json \
	  --before tests/field/results/before.json --report docs/evaluation.md

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf build
