# The two commands of the README: `make demo` and `make test`. Both set up everything on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test install install-dev system-deps lint clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

install: $(VENV)/bin/python
	$(PIP) install -q -e .

$(STAMP): $(VENV)/bin/python pyproject.toml
	$(PIP) install -q -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install-dev: $(STAMP)

system-deps:
	bash scripts/install-system-deps.sh

## Build the demo workspace from the bundled reviews and run every analysis stage (offline).
demo: install
	$(VENV)/bin/empathic demo empathic-demo

## Run the whole test suite, slow and browser tests included.
test: system-deps install-dev
	$(VENV)/bin/pytest -q -p no:cacheprovider

lint: install-dev
	$(VENV)/bin/ruff check src tests bench

clean:
	rm -rf $(VENV) empathic-demo .pytest_cache .ruff_cache
