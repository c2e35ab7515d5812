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

.PHONY: app hub test lint schema clean lock lock-upgrade

# Every package comes from uv.lock at the exact version (and hash) recorded there, so an
# install gives the same versions next month as today. uv itself is pinned here and lives in
# its own small venv (.uv/), so syncing .venv to the lock never removes it.
UV_VERSION := 0.13.8
UV := .uv/bin/uv
# uv uses the machine's Python (never downloads one) and refuses a lock that pyproject.toml
# has moved away from (--locked): run `make lock` after changing a dependency.
# --compile-bytecode: every installed module is compiled once, here, as pip does by default
# and uv does not. Otherwise each kernel compiles pandas, numpy, matplotlib, IPython and
# ipywidgets from source as it imports them, every time where PYTHONDONTWRITEBYTECODE is set
# (as on CI), 1-4 s of CPU per kernel, and Voilà starts a kernel per page at once as it starts.
SYNC := UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --locked --compile-bytecode --python $(PYTHON)

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/python -m pip install --quiet uv==$(UV_VERSION)

# The app needs the core packages only; --inexact leaves test or hub packages a previous
# `make test` or `make hub` installed.
$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(SYNC) --inexact
	touch $@

$(VENV)/.installed-test: pyproject.toml uv.lock | $(UV)
	$(SYNC) --extra test
	touch $@ $(VENV)/.installed $(VENV)/.installed-hub

$(VENV)/.installed-hub: pyproject.toml uv.lock | $(UV)
	$(SYNC) --inexact --extra hub
	touch $@ $(VENV)/.installed

# After changing a dependency in pyproject.toml: re-resolve the lock (what is already locked
# stays unless it must move); `make lock-upgrade` moves every package to its newest release.
lock: | $(UV)
	UV_PYTHON_DOWNLOADS=never $(UV) lock --python $(PYTHON)

lock-upgrade: | $(UV)
	UV_PYTHON_DOWNLOADS=never $(UV) lock --upgrade --python $(PYTHON)

app: $(VENV)/.installed
	$(BIN)/python -m auditbook.serving.serve --notebook $(APP) --port $(PORT)

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
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q --durations=15

lint: $(VENV)/.installed-test
	$(BIN)/ruff check auditbook tests
	$(BIN)/ruff format --check auditbook tests

schema: $(VENV)/.installed
	$(BIN)/auditbook schema --out docs/rubric.schema.json

clean:
	rm -rf $(VENV) .uv deploy/node_modules
