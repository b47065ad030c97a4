# Two commands do everything on a fresh machine: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
REVOPS := $(VENV)/bin/revops
STAMP := $(VENV)/.installed
DEMO_SCALE ?= 0.05
DEMO_SEED ?= 42

.PHONY: install browser demo test lint db-up db-down clean

# torch first and pinned: an unpinned torch pulls gigabytes of CUDA wheels.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $@

install: $(STAMP)

# Debian's Chromium for the browser tests of the report site (no browser download at run time).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "install Debian's chromium package (sudo apt-get install chromium)"; exit 1; fi; }

demo: install
	$(REVOPS) db up
	$(REVOPS) demo-data --if-missing --scale $(DEMO_SCALE) --seed $(DEMO_SEED)
	$(REVOPS) run
	@echo
	@echo "Report site:  cd reports && npm run preview   (then open the URL it prints)"
	@echo "SQL access:   psql \"\$$($(REVOPS) db url --show-password)\"   (read-only role bi_reader) e.g. select * from pod.decisions limit 10;"

# pytest includes the sqlfluff lint (tests/test_lint.py): the dbt templater needs a built warehouse.
test: install browser
	$(VENV)/bin/pytest

# lint the models against the warehouse `make demo` built
lint: install
	$(REVOPS) db up
	$(REVOPS) lint

db-up: install
	$(REVOPS) db up

db-down:
	$(REVOPS) db down

clean:
	-$(REVOPS) db down
	rm -rf .revops target reports/build reports/.evidence
