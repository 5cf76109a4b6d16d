# The two commands of the README: `make demo` and `make test`. Both create and reuse .venv.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export GX_ANALYTICS_ENABLED := false
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: demo test install clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(VENV)/bin/zonestat demo

# a worker per core (pytest-xdist), each test file on one worker so its module fixtures are built once:
# 11.9-13.4 min on 2 cores against 21.2 min in one process (the same 645 tests, 2026-12-04). At most 4:
# `auto` counts the host's cores, which in a container can be many more than it may use
test: $(VENV)/.installed
	$(PY) -m pytest -q -n auto --maxprocesses 4 --dist loadfile

clean:
	rm -rf $(VENV) data
