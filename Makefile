# Two entry points for a new user: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CONFIG ?= config.example.toml

.PHONY: demo test lint bench soak clean

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

lint: $(BIN)/vestnesis
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(BIN)/vestnesis
	$(BIN)/python bench/feeds.py
	$(BIN)/python bench/digest.py
	$(BIN)/python bench/answers.py
	$(BIN)/python bench/soak.py --short

soak: $(BIN)/vestnesis
	$(BIN)/python bench/soak.py

clean:
	rm -rf $(VENV) data
