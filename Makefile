# The handbook's commands. A new user needs two: `make serve` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: serve build test pdf epub offline editions bench release lock clean

## serve: build the handbook and serve it at http://127.0.0.1:8000 (rebuilds on change)
serve:
	@scripts/bootstrap.sh python
	$(PY) -m mkdocs serve --strict --dev-addr 127.0.0.1:8000

## build: build the site into site/ (atomically: a failed build leaves site/ as it was)
build:
	@scripts/bootstrap.sh python
	$(PY) scripts/build.py

## test: run every test (installs what the tests need on first use)
test:
	@scripts/bootstrap.sh all
	$(PY) -m pytest

## lock: re-resolve requirements.in into requirements.lock (pins and hashes)
lock:
	@scripts/bootstrap.sh python
	$(PY) -m pip install --quiet pip-tools
	$(PY) -m piptools compile --quiet --generate-hashes --no-emit-index-url --no-emit-find-links \
	  --strip-extras -o requirements.lock requirements.in

clean:
	rm -rf site build .pytest_cache
