# Two commands do everything on a fresh machine:
#   make app    set up .venv and start the auditor app (Voilà on 127.0.0.1)
#   make test   set up .venv with test dependencies and run every test
# and, for a team on one server (docs/deploy.md):
#   make hub    set up .venv with JupyterHub and its proxy and run deploy/jupyterhub_config.py
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8866
APP ?= notebooks/audit.ipynb

.PHONY: app hub test lint schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e '.[test]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-hub

$(VENV)/.installed-hub: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e '.[hub]'
	touch $@ $(VENV)/.installed

app: $(VENV)/.installed
	$(BIN)/python -m auditbook.serve --notebook $(APP) --port $(PORT)

# JupyterHub's proxy, pinned in deploy/package-lock.json, from the npm registry.
PROXY := deploy/node_modules/.bin/configurable-http-proxy

$(PROXY): deploy/package.json deploy/package-lock.json
	npm ci --prefix deploy --no-audit --no-fund --loglevel=error
	touch $@

hub: $(VENV)/.installed-hub $(PROXY)
	$(BIN)/python -m jupyterhub -f deploy/jupyterhub_config.py

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	@echo "Installing Debian's chromium for the browser tests"
	@SUDO=; if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		chromium >/dev/null

test: $(VENV)/.installed-test $(CHROMIUM) $(PROXY)
	$(BIN)/ruff check auditbook tests benchmarks deploy
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check auditbook tests
	$(BIN)/ruff format --check auditbook tests

schema: $(VENV)/.installed
	$(BIN)/auditbook schema --out docs/rubric.schema.json

clean:
	rm -rf $(VENV) deploy/node_modules
