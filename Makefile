# Hoctap: `make run` serves the app with demo data; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test setup lint check messages messages-check bench bench-search bench-import bench-accounts bench-completions bench-lesson clean

$(BIN)/hoctap: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/hoctap

setup: $(BIN)/hoctap

run: setup
	$(BIN)/hoctap migrate --noinput
	$(BIN)/hoctap demo --if-empty --province $${HOCTAP_DEMO_PROVINCE:-15} --scale small
	$(BIN)/hoctap serve --port $(PORT)

test: setup
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mypy hoctap config bench
	$(BIN)/lint-imports
	$(MAKE) --no-print-directory messages-check

# The Vietnamese catalogue: `make messages` after changing user-facing strings, then translate
# the new entries in hoctap/locale/vi/LC_MESSAGES/django.po and run it again (compiles the .mo).
MAKEMESSAGES := $(BIN)/python manage.py makemessages -l vi --no-obsolete --no-wrap -i .venv -i bench -i var
PO := hoctap/locale/vi/LC_MESSAGES/django.po

messages: setup
	$(MAKEMESSAGES) -v0
	$(BIN)/python manage.py compilemessages -l vi -v0

# Fails when a string of the code is missing from the catalogue (the catalogue is left as it was).
messages-check: setup
	@cp $(PO) $(PO).orig && $(MAKEMESSAGES) -v0; \
	  missing=$$(msgcomm --unique --no-wrap $(PO).orig $(PO) | grep -c '^msgid "..*"'); \
	  mv $(PO).orig $(PO); \
	  if [ "$$missing" != 0 ]; then echo "$$missing message(s) differ between the code and $(PO): run make messages and translate them"; exit 1; fi

check: test lint

bench: setup
	$(BIN)/python bench/load_official.py
	$(BIN)/python bench/unit_pages.py

bench-import: setup
	$(BIN)/python bench/import_units.py
	$(BIN)/python bench/import_persons.py

bench-accounts: setup
	$(BIN)/python bench/create_accounts.py

bench-completions: setup
	$(BIN)/python bench/import_completions.py

bench-lesson: setup
	$(BIN)/python bench/lesson_complete.py

bench-search: setup
	$(BIN)/python bench/person_search.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
