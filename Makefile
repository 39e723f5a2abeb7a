# Set-up is part of every target: a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test test-all setup clean

lab: $(STAMP)            ## set up, then run Lab 2 in full (report in runs/)
	$(BIN)/dlex run lab02

test: $(STAMP)           ## set up, then run the default test suite
	$(BIN)/python -m pytest

test-all: $(STAMP)       ## also the long runs (full labs, benchmarks)
	$(BIN)/python -m pytest -m "slow or not slow"

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "dlex needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# uv installs the same packages several times faster; plain pip is the fallback.
	# --compile-bytecode: with PYTHONDONTWRITEBYTECODE set, every kernel would otherwise
	# recompile Keras/JAX/TensorFlow from source (import keras: 6.9 s instead of 2.4 s).
	( $(BIN)/python -m pip install --quiet uv && $(BIN)/uv pip install --quiet --compile-bytecode -p $(BIN)/python -e ".[dev]" ) \
	  || $(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) runs .pytest_cache
