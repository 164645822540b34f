# The two commands a newcomer needs:  make demo   and   make test
# Both create .venv (Python >= 3.10) and install calcgrade into it in editable mode.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install demo test selftest clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,cluster]'
	touch $(STAMP)

# The main job: grade the shipped sample class into results/ (class report: results/index.html)
demo: install
	$(VENV)/bin/calcgrade grade samples/class --out results
	@echo "Open results/index.html for the class report."

# Layering (import-linter), lint (ruff), then the suite on every core and one more
# (pytest-xdist): a worker waits a part of its time (Dask start-up, Ctrl-C, wall
# backstops), and a third worker on two cores fills it (benchmarks/RESULTS.md: 405 s with
# two, 381 s with three)
TEST_WORKERS ?= $(shell python3 -c "import os; print(len(os.sched_getaffinity(0)) + 1)")
test: install
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -n $(TEST_WORKERS)

selftest: install
	$(VENV)/bin/calcgrade selftest

clean:
	rm -rf $(VENV) results
