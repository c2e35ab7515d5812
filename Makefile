# Two commands do everything on a fresh machine:
#   make app    set up .venv and start the auditor app (Voilà on 127.0.0.1)
#   make test   set up .venv with test dependencies and run every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8866
APP ?= notebooks/guidance.ipynb

.PHONY: app test lint schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e '.[test]'
	touch $@ $(VENV)/.installed

app: $(VENV)/.installed
	$(BIN)/voila $(APP) --no-browser --Voila.ip=127.0.0.1 --port=$(PORT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check auditbook tests
	$(BIN)/ruff format --check auditbook tests

schema: $(VENV)/.installed
	$(BIN)/auditbook schema --out docs/rubric.schema.json

clean:
	rm -rf $(VENV)
