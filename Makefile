# Two entry points for a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck check clean generate bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/demo.py

test: $(STAMP)
	bash scripts/setup_system.sh
	$(BIN)/ruff check src tests scripts benchmarks examples
	$(BIN)/mypy src
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks examples
	$(BIN)/ruff format --check src tests scripts

typecheck: $(STAMP)
	$(BIN)/mypy src

generate: $(STAMP)
	$(BIN)/python scripts/generate_models.py
	$(BIN)/python scripts/generate_resources.py
	$(BIN)/python scripts/generate_docs.py
	$(BIN)/python scripts/derive_spec.py

bench: $(STAMP)
	cd benchmarks && ../$(BIN)/python run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
