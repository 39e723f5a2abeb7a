# Set-up is part of every target: a fresh clone needs only Python 3.11+ and make.
# The course installs the exact versions CI tested, from requirements.lock (docs/dependencies.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock
OLDEST := .venv-oldest
NEWEST := .venv-newest
# The lock covers every platform and Python the course supports (markers inside it);
# `make lock` keeps the versions already in it unless UPGRADE=1.
LOCK_FLAGS := --universal --generate-hashes --python-version 3.11 --extra dev \
              --custom-compile-command "make lock UPGRADE=1"
# What the lowest declared versions must still run: the CLI, the quick run of each lab,
# and the grader (its sandboxes and the golden submissions). Left out: the checks that the
# golden notebooks are byte-identical to what their generators write, as the lock's
# jupytext/nbformat write them (older ones order and wrap the JSON differently).
OLDEST_TESTS := tests/cli tests/grading tests/runner/test_lab02_run.py \
                tests/labs/test_lab03_run.py tests/labs/test_lab04_run.py \
                tests/labs/test_lab05_run.py tests/labs/test_lab06_run.py tests/labs/test_lab07_run.py

# Where the lock must install from wheels alone (README, "Set-up"); `make lock-check` tries each.
LOCK_PLATFORMS := x86_64-manylinux_2_28 aarch64-manylinux_2_28 aarch64-apple-darwin
LOCK_PYTHONS   := 3.11 3.12 3.13 3.14

.PHONY: lab test test-all test-oldest test-newest lint lock lock-check setup clean

lab: $(STAMP)            ## set up, then run Lab 2 in full (report in runs/)
	$(BIN)/dlex run lab02

test: $(STAMP)           ## set up, then run the default test suite
	$(BIN)/python -m pytest

lint: $(STAMP)           ## ruff's lint and format checks (configured in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-all: $(STAMP)       ## also the long runs (full labs, benchmarks)
	$(BIN)/python -m pytest -m "slow or not slow"

test-oldest: $(OLDEST)/.installed   ## the lowest version of every declared range: labs and grader
	$(OLDEST)/bin/python -m pytest -p no:cacheprovider -k "not up_to_date" $(OLDEST_TESTS)

test-newest: $(NEWEST)/.installed   ## the newest release of everything (before `make lock UPGRADE=1`)
	$(NEWEST)/bin/python -m pytest -p no:cacheprovider

setup: $(STAMP)

# pip and uv are the installers, not course dependencies: they come unpinned.
define make_venv
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "dlex needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --upgrade pip
endef

$(STAMP): pyproject.toml $(LOCK)
	$(call make_venv,$(VENV))
	# The lock first (hashes checked), then dlex itself without dependencies; pip check
	# then fails if pyproject.toml asks for something the lock does not hold.
	# uv installs the same packages several times faster; plain pip is the fallback.
	# --compile-bytecode: with PYTHONDONTWRITEBYTECODE set, every kernel would otherwise
	# recompile Keras/JAX/TensorFlow from source (import keras: 6.9 s instead of 2.4 s).
	( $(BIN)/python -m pip install --quiet uv \
	  && $(BIN)/uv pip install --quiet --compile-bytecode --require-hashes -p $(BIN)/python -r $(LOCK) \
	  && $(BIN)/uv pip install --quiet --compile-bytecode --no-deps -p $(BIN)/python -e . ) \
	  || ( $(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK) \
	  && $(BIN)/python -m pip install --quiet --no-deps -e . )
	$(BIN)/python -m pip check
	touch $(STAMP)

# uv's lowest-direct: each dependency dlex names at its lower bound, theirs as resolved today.
$(OLDEST)/.installed: pyproject.toml
	$(call make_venv,$(OLDEST))
	$(OLDEST)/bin/python -m pip install --quiet uv
	$(OLDEST)/bin/uv pip install --quiet --compile-bytecode --resolution lowest-direct \
	  -p $(OLDEST)/bin/python -e ".[dev]"
	$(OLDEST)/bin/uv pip freeze -p $(OLDEST)/bin/python > $(OLDEST)/versions.txt
	touch $@

# Rebuilt on every call: "newest" means newest today.
.PHONY: $(NEWEST)/.installed
$(NEWEST)/.installed:
	rm -rf $(NEWEST)
	$(call make_venv,$(NEWEST))
	$(NEWEST)/bin/python -m pip install --quiet uv
	$(NEWEST)/bin/uv pip install --quiet --compile-bytecode --upgrade --refresh \
	  -p $(NEWEST)/bin/python -e ".[dev]"
	$(NEWEST)/bin/uv pip freeze -p $(NEWEST)/bin/python > $(NEWEST)/versions.txt
	touch $@

lock:                    ## refresh requirements.lock (UPGRADE=1: the newest versions)
	test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet uv; }
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) $(if $(UPGRADE),--upgrade --refresh) -o $(LOCK)
	$(MAKE) lock-check

lock-check:              ## every supported platform and Python installs the lock from wheels (dry run)
	test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet uv; }
	for platform in $(LOCK_PLATFORMS); do for python in $(LOCK_PYTHONS); do \
	  echo "lock-check: $$platform, Python $$python"; \
	  $(BIN)/uv pip install --dry-run --quiet --only-binary :all: --no-deps --require-hashes \
	    --python-platform $$platform --python-version $$python --target $(VENV)/lock-check -r $(LOCK) \
	    || exit 1; done; done; rm -rf $(VENV)/lock-check

clean:
	rm -rf $(VENV) $(OLDEST) $(NEWEST) runs .pytest_cache
