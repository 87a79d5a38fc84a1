# Backoffice: `make run` serves the demo company, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
DATA_DIR ?= $(or $(BACKOFFICE_DATA_DIR),var)
LAUNCHER := $(DATA_DIR)/bin/ferretdb-embedded
DEPS_STAMP := $(VENV)/.deps-stamp
FLASK := BACKOFFICE_ENV=$${BACKOFFICE_ENV:-development} $(VENV)/bin/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
# The suite runs in two worker processes (pytest-xdist), whole test files per worker, each
# with its own embedded database: the browser, crawler and crash tests fill both cores.
# `make test PYTEST_WORKERS=0` runs it in one process.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?= $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile)

.PHONY: run test setup browser axe deps launcher mustang db-start db-stop seed bench lint clean

run: setup db-start seed
	@echo "Backoffice: http://$(HOST):$(PORT)/  (log in with one of the demo accounts above; Ctrl-C stops)"
	$(FLASK) serve --host $(HOST) --port $(PORT)

test: setup browser mustang axe
	$(PY) -m pytest $(PYTEST_ARGS)

setup: deps launcher mustang

# The e-invoice validator the tests run (Mustang-CLI: veraPDF PDF/A + EN 16931 XSD,
# Schematron and XRechnung rules), fetched once from the Maven repository with mvn.
MUSTANG_VERSION := 2.26.0
MUSTANG_JAR := $(DATA_DIR)/tools/Mustang-CLI-$(MUSTANG_VERSION).jar

mustang: $(MUSTANG_JAR)

$(MUSTANG_JAR):
	@mkdir -p $(DATA_DIR)/tools
	mvn -B -q dependency:copy -Dartifact=org.mustangproject:Mustang-CLI:$(MUSTANG_VERSION):jar \
	  -DoutputDirectory=$(DATA_DIR)/tools

# Browser tests drive Debian's Chromium; Playwright's own browser download is not used.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi

# axe-core (accessibility rules) for the browser tests, from npm at a pinned version.
AXE_VERSION := 4.14.1
AXE := $(DATA_DIR)/axe-$(AXE_VERSION)/node_modules/axe-core/axe.min.js

axe: $(AXE)

$(AXE):
	mkdir -p $(DATA_DIR)/axe-$(AXE_VERSION)
	cd $(DATA_DIR)/axe-$(AXE_VERSION) && npm install --no-audit --no-fund --no-save --silent axe-core@$(AXE_VERSION)
	test -f $@

deps: $(DEPS_STAMP)

$(DEPS_STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	# the `backoffice` command (pyproject.toml), pointing at this checkout
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

launcher: $(LAUNCHER)

$(LAUNCHER): $(shell find tools/ferretdb -type f)
	@if [ -z "$$MONGODB_URI" ]; then \
	  rm -f $@; BACKOFFICE_DATA_DIR=$(DATA_DIR) $(PY) -m services.core.embedded_db build; \
	else echo "MONGODB_URI is set: the embedded database is not needed"; fi

db-start: launcher
	@if [ -z "$$MONGODB_URI" ]; then BACKOFFICE_DATA_DIR=$(DATA_DIR) $(PY) -m services.core.embedded_db start; fi

db-stop:
	BACKOFFICE_DATA_DIR=$(DATA_DIR) $(PY) -m services.core.embedded_db stop

seed:
	$(FLASK) seed-demo

bench: setup
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean: db-stop
	rm -rf $(VENV) $(DATA_DIR)/bin

# UI translations (issue 7): German is the source language, English in translations/en.tsv.
.PHONY: translations
translations: deps
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k N_ -o translations/messages.pot --no-location --sort-output --omit-header .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations -l en --no-fuzzy-matching --omit-header
	$(PY) tools/fill_translations.py translations/en/LC_MESSAGES/messages.po translations/en.tsv
	$(VENV)/bin/pybabel compile --use-fuzzy -d translations -l en

# Mutation testing of the integrity core (issue 23; see TESTING.md). Not part of CI: it
# runs for hours on two cores. `make mutation TARGETS="ledger_hash retention"` runs some.
.PHONY: mutation mutation-report
mutation: setup
	$(PY) tools/mutation.py $(TARGETS)

mutation-report:
	$(PY) tools/mutation.py --report $(TARGETS)
