# The handbook's commands. A new user needs two: `make serve` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1
# The tests that check a build's output (make test-properdocs runs them on ProperDocs builds).
PROPERDOCS_TESTS := tests/test_properdocs.py tests/test_foundation.py tests/test_content.py tests/test_links.py \
  tests/test_security.py tests/test_diagrams.py tests/test_bad_input.py tests/test_xref_integration.py \
  tests/test_xref_errors.py tests/test_check.py

.PHONY: serve build check test pdf epub offline editions bench release lock clean

## serve: build the handbook and serve it at http://127.0.0.1:8000 (rebuilds on change)
serve:
	@scripts/bootstrap.sh python
	$(PY) -m mkdocs serve --strict --dev-addr 127.0.0.1:8000

## build: build the site into site/ (atomically: a failed build leaves site/ as it was)
build:
	@scripts/bootstrap.sh python
	$(PY) scripts/build.py

## check: the fast check before pushing: everything the build validates, same messages, in seconds (no site kept)
check:
	@scripts/bootstrap.sh python
	$(PY) scripts/check.py

## build-properdocs: the same strict build with ProperDocs (the maintained MkDocs 1.6 fork), into site/
.PHONY: build-properdocs test-properdocs
build-properdocs:
	@scripts/bootstrap.sh python
	$(PY) scripts/build.py --generator properdocs

## test-properdocs: the build-level tests (no browser, no editions), every build made with ProperDocs
test-properdocs:
	@scripts/bootstrap.sh all
	HANDBOOK_GENERATOR=properdocs $(PY) -m pytest -m "not browser" $(PROPERDOCS_TESTS)

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

## release: publish one version to the local gh-pages branch with mike, after building and checking it
##          make release VERSION=1.1             (moves the alias "latest" to 1.1)
##          make release VERSION=dev ALIAS=      (no alias: the main branch's preview)
ALIAS ?= latest
release:
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=1.1 [ALIAS=latest]" >&2; exit 2; }
	@scripts/bootstrap.sh all
	$(PY) scripts/release.py $(VERSION) $(if $(ALIAS),--alias $(ALIAS),--no-alias)

.PHONY: publish versions
## publish: push the gh-pages branch that `make release` committed (the only step that leaves the machine)
publish:
	git push origin gh-pages

## versions: serve every deployed version from gh-pages at http://127.0.0.1:8000 (mike serve)
versions:
	@scripts/bootstrap.sh python
	.venv/bin/mike serve --dev-addr 127.0.0.1:8000

## pdf / epub / offline: one offline edition into build/editions/ (editions: all three)
pdf:
	@scripts/bootstrap.sh all
	$(PY) scripts/editions/build_all.py --only pdf

epub:
	@scripts/bootstrap.sh all
	$(PY) scripts/editions/build_all.py --only epub

offline:
	@scripts/bootstrap.sh all
	$(PY) scripts/editions/build_all.py --only offline

editions:
	@scripts/bootstrap.sh all
	$(PY) scripts/editions/build_all.py

## bench-xref: time the cross-reference engine on a synthetic 1,000-page handbook, 3 turns (PAGES=200 RUNS=1: quick)
.PHONY: bench-xref
bench-xref:
	@scripts/bootstrap.sh python
	$(PY) scripts/bench_xref.py $(if $(PAGES),--pages $(PAGES)) --runs $(or $(RUNS),3)

## bench-editions: time the PDF, EPUB and offline zip of the whole handbook
.PHONY: bench-editions page-weight
bench-editions:
	@scripts/bootstrap.sh all
	$(PY) scripts/bench_editions.py

## page-weight: bytes a reader's browser transfers for a chapter page, and the search index size
page-weight: build
	$(PY) scripts/page_weight.py --site-dir site

## pr-summary: a pull request's job summary: what the change does to the handbook as readers see it, against
##             BASE (a git revision, built here with its PDF), for site/ and build/editions/ (make build editions);
##             appended to $$GITHUB_STEP_SUMMARY when it is set, else printed.   make pr-summary BASE=origin/main
.PHONY: pr-summary
pr-summary:
	@test -n "$(BASE)" || { echo "usage: make pr-summary BASE=origin/main (after make build editions)" >&2; exit 2; }
	@scripts/bootstrap.sh all
	$(PY) scripts/compare_builds.py --base-ref "$(BASE)" --pdf --head-site site \
	  $(addprefix --head-pdf ,$(wildcard build/editions/*.pdf)) $(if $(GITHUB_STEP_SUMMARY),--append "$(GITHUB_STEP_SUMMARY)")

## bench-check: `make check` beside a plain build, median of 5 turns (RUNS=1: quick)
.PHONY: bench-check
bench-check:
	@scripts/bootstrap.sh python
	$(PY) scripts/bench_check.py --runs $(or $(RUNS),5)

## bench-preview: seconds from saving a chapter, a glossary entry or a diagram to the page served (make serve)
.PHONY: bench-preview
bench-preview:
	@scripts/bootstrap.sh python
	$(PY) scripts/bench_preview.py --runs $(or $(RUNS),5)

## bench: every benchmark
bench: bench-xref bench-editions page-weight bench-check bench-preview
