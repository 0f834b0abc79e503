# Sibyl: everything a newcomer runs. `make demo` and `make test` do all the set-up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# torch is installed first, pinned, so that nothing pulls a different (CUDA) build.
# Elsewhere, point TORCH_INDEX at a CPU wheel index, e.g.
#   make test TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH := torch==2.13.0
TORCH_INDEX ?=
PIP := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: venv demo test lint serve proto bench bench-latency clean fuzz browser

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) $(TORCH)
	$(PIP) install --quiet -e '.[server,examples,bench,dev]'
	touch $@

demo: venv  ## A server on the default SQLite store, and a real tuning job against it.
	$(BIN)/python examples/demo.py

test: venv lint browser  ## The whole test suite (PostgreSQL tests need 127.0.0.1:5432, see README).
	$(BIN)/python -m pytest

# The dashboard's browser tests drive Debian's chromium and chromedriver; installed here
# when missing (as root, or through sudo). Elsewhere those tests skip, saying why.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:  ## Chromium and its WebDriver for the dashboard's tests (apt-get, if missing).
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif command -v apt-get >/dev/null; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver; \
	else echo "no apt-get: install chromium and chromedriver to run the dashboard's browser tests"; fi

fuzz: venv  ## Every RPC fed many more generated requests than `make test` sends (about 30 min).
	SIBYL_FUZZ_PROFILE=long $(BIN)/python -m pytest tests/fuzz

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

serve: venv  ## A server on 127.0.0.1:50051 with the default store (sibyl.db).
	$(BIN)/sibyl serve

proto: venv  ## Regenerate client/sibyl/v1 and the Node.js types from proto/.
	$(BIN)/python scripts/generate_proto.py
	cd client/node && npm ci --no-audit --no-fund && npm run generate

bench-latency: venv
	$(BIN)/python -m benchmarks.rpc_latency

bench: bench-latency

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
