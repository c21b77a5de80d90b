# Two entry points for a new user: `make demo` (runs the service on the sample data) and
# `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CONFIG ?= config.example.toml

.PHONY: demo test lint bench soak clean pot catalogs emulator-deps emulator-test

$(BIN)/vestnesis: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,argos]'
	touch $@

# The demo's web secret signs the sample member's links; never use it for a real list.
DEMO := VESTNESIS_WEB_SECRET=demo-only-secret-not-for-real-use $(BIN)/vestnesis --config $(CONFIG)

demo: $(BIN)/vestnesis
	$(DEMO) feeds poll
	$(DEMO) events list --now 2026-11-23T09:00
	$(DEMO) digest preview --lang lv --now 2026-11-23T09:00
	$(DEMO) ask "Kad ir nākamais seminārs?" --now 2026-11-23T09:00
	$(DEMO) ask "What is the association's goal?" --json
	$(DEMO) subscribers add anna@example.org --name "Anna Ozola" --confirmed
	$(DEMO) digest send --now 2026-11-23T09:00
	@echo
	@echo "The service runs now, on the sample data (Ctrl-C stops it). Open:"
	@echo "  http://127.0.0.1:8080/archive     the digests that went out (the one just sent)"
	@echo "  http://127.0.0.1:8080/subscribe   the mailing list's subscribe page"
	@echo "  http://127.0.0.1:8080/events.ics  the events calendar, for a calendar app"
	@echo "  data/mail/                        every email, as an .eml file (nothing is sent)"
	@echo
	$(DEMO) run

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
	$(BIN)/lint-imports --no-logo
	$(BIN)/mypy

# Every bench; each prints its product beside its baseline from the same run, ratio first
# (bench/ratio.py). The broadcast one runs at Telegram's real limits: about 6 minutes.
bench: $(BIN)/vestnesis
	$(BIN)/python bench/cli.py
	$(BIN)/python bench/answers.py
	$(BIN)/python bench/feeds.py
	$(BIN)/python bench/feeds.py --sources 6000 --repeat 1
	$(BIN)/python bench/digest.py
	$(BIN)/python bench/mail.py
	$(BIN)/python bench/broadcast.py
	$(BIN)/python bench/soak.py --short

soak: $(BIN)/vestnesis
	$(BIN)/python bench/soak.py

# Translations: the template of every text in the code, then the check that the catalogs
# cover it (translated, not fuzzy, plurals, quotation marks) and that dates stay golden.
pot: $(BIN)/vestnesis
	mkdir -p build
	$(BIN)/pybabel -q extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 --no-location \
		-o build/vestnesis.pot .

catalogs: pot
	$(BIN)/pytest -q tests/test_catalogs.py tests/test_dates.py

clean:
	rm -rf $(VENV) data $(EMULATOR)/node_modules
