# Two entry points for a new user: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CONFIG ?= config.example.toml

.PHONY: demo test lint bench clean emulator-deps emulator-test

$(BIN)/vestnesis: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,argos]'
	touch $@

demo: $(BIN)/vestnesis
	$(BIN)/vestnesis --config $(CONFIG) feeds poll
	$(BIN)/vestnesis --config $(CONFIG) items list
	$(BIN)/vestnesis --config $(CONFIG) events list --now 2026-11-23T09:00
	$(BIN)/vestnesis --config $(CONFIG) digest preview --lang lv --now 2026-11-23T09:00
	$(BIN)/vestnesis --config $(CONFIG) ask "Kad ir nākamais seminārs?" --now 2026-11-23T09:00
	$(BIN)/vestnesis --config $(CONFIG) ask "What is the association's goal?" --json

test: $(BIN)/vestnesis
	$(BIN)/pytest

# telegram-test-api (npm), a third-party Bot API emulator: a member's journey and an
# announcement through it (tests/test_emulator.py; skipped by `make test` until installed).
EMULATOR := tools/telegram-emulator
emulator-deps: $(EMULATOR)/node_modules/.installed

$(EMULATOR)/node_modules/.installed: $(EMULATOR)/package.json $(EMULATOR)/package-lock.json
	cd $(EMULATOR) && npm ci --no-audit --no-fund
	touch $@

emulator-test: $(BIN)/vestnesis emulator-deps
	$(BIN)/pytest -q tests/test_emulator.py

lint: $(BIN)/vestnesis
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(BIN)/vestnesis
	$(BIN)/python bench/feeds.py
	$(BIN)/python bench/digest.py
	$(BIN)/python bench/answers.py

clean:
	rm -rf $(VENV) data $(EMULATOR)/node_modules
