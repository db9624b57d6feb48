# The README's two commands: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
NODE_DIR := tests/micropython
export SDL_VIDEODRIVER ?= dummy
export SDL_AUDIODRIVER ?= dummy
export PYGAME_HIDE_SUPPORT_PROMPT := 1

.PHONY: setup setup-python demo test lint mpy micropython typecheck pytest boardimage bench screens clean

# `demo` needs only the Python venv; `test` needs Node too (MicroPython under Node).
setup: setup-python $(NODE_DIR)/node_modules/.installed

setup-python: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(NODE_DIR)/node_modules/.installed: $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	npm ci --prefix $(NODE_DIR) --no-audit --no-fund --loglevel=error
	touch $@

demo: setup-python
	$(BIN)/stretchcue demo

test: setup lint mpy micropython typecheck pytest boardimage

lint:
	$(BIN)/ruff check lib host firmware boards tests bench

mpy:
	$(PY) tests/micropython/mpy_cross_all.py lib firmware boards

micropython:
	$(PY) tests/micropython/run_core.py

typecheck:
	$(PY) tests/typecheck_boards.py

pytest:
	$(PY) -m pytest

# The firmware booted from its CIRCUITPY layout on CircuitPython's own VM and on MicroPython.
boardimage:
	$(PY) tests/boardimage/run.py

# One PNG of every distinct screen per board, drawn by the firmware's own screens.py.
screens: setup-python
	$(PY) -m stretchcue_host.gallery docs/screens

bench: setup
	$(PY) bench/heap_micropython.py
	$(PY) bench/engine_speed.py

clean:
	rm -rf $(VENV) $(NODE_DIR)/node_modules .pytest_cache .mypy_cache .ruff_cache
