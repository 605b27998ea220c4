# The two commands of the README, and the checks they rely on. Each creates .venv when it is missing,
# installs the package with its extras, then the mediapipe wheel without the requirements its detectors never
# import (see pyproject's mediapipe extra), then runs. `make test` runs ruff's lint and format check, then pytest.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_OUT ?= runs/demo
PYTEST_ARGS ?=

.PHONY: demo test lint format-check install bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test,ray,lmms,mediapipe]"
	$(BIN)/python -m pip install -q --no-deps mediapipe==0.10.21  # the mp-* detectors (pyproject's mediapipe extra)
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/videoutr demo --out $(DEMO_OUT)

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format-check: $(STAMP)
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) runs
