# csnb: the README's first two commands are `make report` and `make test`.
# Each creates the virtual environment in .venv (and installs the project) when it is missing
# or older than pyproject.toml.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE_MONTH := 2025-11
DATA ?= data/samples
OUT ?= reports
MONTH ?= $(SAMPLE_MONTH)
LANG_OPT ?= en

.PHONY: report report-zh test test-fast lint browser bench samples notebooks clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,spark,bench]'
	touch $(STAMP)

## Render the sample month's five reports into reports/ (English; `make report LANG_OPT=zh`).
report: $(STAMP)
	$(BIN)/csnb report --month $(MONTH) --data $(DATA) --out $(OUT) --lang $(LANG_OPT)

## Run every test, slow ones included, then every notebook on the samples with nbval (a
## notebook's cells stay on one worker: --dist loadfile).
test: lint browser
	$(BIN)/python -m pytest -n 2 --dist loadfile --durations=25
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider -n 2 --dist loadfile \
	  notebooks/

## Fast loop: skip tests marked slow.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" -q -n 2 --dist loadfile

## The browser test needs Chromium: Debian's package, installed when missing and allowed.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { if [ "$$(id -u)" = 0 ]; then (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium || \
	      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)) >/dev/null; \
	    else echo "Chromium is missing: install Debian's chromium package (the browser test needs it)"; fi; }

## Lint: ruff on code and notebooks, mypy on the package.
lint: $(STAMP)
	$(BIN)/ruff check csnb tests notebooks benchmarks scripts
	$(BIN)/mypy

## Benchmarks; the scale bench runs 200k sessions by default, the issue's sizes with
## `make bench SCALE=--full` (datasets cached under ~/.cache/csnb-bench).
SCALE ?=
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_prep.py
	$(BIN)/python benchmarks/bench_scale.py $(SCALE)

## Copy the report templates (notebooks/, what analysts edit) into the package (a test checks).
notebooks:
	cp notebooks/*.ipynb csnb/report/notebooks/

## Regenerate data/samples/ from the fixed seed (a test checks this gives the same files).
samples: $(STAMP)
	$(BIN)/python -m csnb.simulate --out data/samples --seed 20251111

clean:
	rm -rf $(VENV) $(OUT)/*/ $(OUT)/index.html $(OUT)/index.json
