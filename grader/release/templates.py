"""The bundle's own files for students: README, Makefile, .gitignore, the Classroom workflow."""
from __future__ import annotations

from typing import Any

from grader.course.spec import Exercise

MAKEFILE = """\
# One command to install, one to check:   make install   then   make check
PYTHON ?= python3
VENV   ?= .venv

.PHONY: install check

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
\t$(PYTHON) -m venv $(VENV)
\t$(VENV)/bin/python -m pip install -q --upgrade pip
\t$(VENV)/bin/python -m pip install -q .
\ttouch $@

check: install
\t$(VENV)/bin/calcgrade check
"""

GITIGNORE = """\
.venv/
__pycache__/
*.pyc
report.html
results/
"""

# GitHub Classroom runs this on every push: the public checks, their Markdown summary on
# the run's page, and the run fails (red) unless every public check passes.
WORKFLOW = """\
name: calcgrade public checks
on: [push, pull_request, workflow_dispatch]
permissions:
  contents: read
jobs:
  check:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
          cache: pip
      - name: Install calcgrade
        run: python -m pip install .
      - name: Public checks (summary on this run's page; fails unless all pass)
        run: calcgrade check --format md >> "$GITHUB_STEP_SUMMARY"
"""


def _pts(value: float) -> str:
    return f"{value:g}"


def student_readme(exercises: list[Exercise], bundle: Any) -> str:
    rows = []
    for ex in exercises:
        public = [c for c in ex.checks if c.is_public]
        hidden = [c for c in ex.checks if not c.is_public]
        rows.append(f"| `{ex.slug}` | {ex.title} | {len(public)} ({_pts(sum(c.points for c in public))} pts) "
                    f"| {len(hidden)} ({_pts(sum(c.points for c in hidden))} pts) |")
    seeds = ", ".join(map(str, bundle.seeds))
    return _main_readme(rows, seeds, bundle) + _variants_section(getattr(bundle, "variants", []))


def _variants_section(slugs: list[str]) -> str:
    """How a student gets their own worked example (only when the course turns variants on)."""
    if not slugs:
        return ""
    names = ", ".join(f"`{s}`" for s in slugs)
    first = slugs[0]
    return f"""
## Your own worked example (per-student variants)

In {names} every student has their own numbers. Your instructor gives you a **variant
code** for each (10 letters and digits). Write it into the exercise folder once:

```sh
calcgrade variant {first} --code YOURCODE --write
```

That prints your worked example, and writes it to `exercises/{first}/VARIANT.md` with
`exercises/{first}/variant.toml`, from which `calcgrade check` then grades with your
numbers. Without it, `check` uses the README's (the lesson's) numbers, which are not yours:
at grading your own code is used, whatever `variant.toml` says.
"""


def _main_readme(rows: list[str], seeds: str, bundle: Any) -> str:
    return f"""\
# Calculus for machine learning — exercises

Ten exercises, each a function or two to write in `exercises/<slug>/solution.py`; the task
is in `exercises/<slug>/README.md`. `calcgrade` checks your work on your own machine, with
the same grader and the same feedback as at grading.

## Install (one command)

With Python ≥ 3.10:

```sh
make install          # or: python -m pip install .   (inside a virtualenv of your choice)
```

`make install` makes `.venv/`; then `source .venv/bin/activate` (or call `.venv/bin/calcgrade`).

## Check your work

```sh
calcgrade list                    # exercises, titles, points
calcgrade check 01_derivative     # one exercise (or `calcgrade check derivative`); none: all
calcgrade check --seed 2          # another public seed ({seeds})
calcgrade check --html report.html   # the feedback as a page, with plots of your functions
```

Each check prints `PASS`, `FAIL`, `ERROR`, `TIME`, `MISS` or `TODO` with its points and, when
it fails, what went wrong. The exit code is 0 only when every public check passes.

Each exercise also asks a few **concept questions** (`exercises/<slug>/questions.toml`):
answer them in `exercises/<slug>/answers.toml`. `calcgrade check` reads your answers and
says when one cannot be read; they are judged at grading (the answer key is not here).

## Public and hidden checks

`calcgrade check` runs the **public checks** against the public answer key in `key/`, for
the public seeds {seeds} (the first by default; another seed is refused). At grading your
instructor runs the same public checks **and the hidden ones**, on inputs drawn from a
secret seed: an answer that only fits the public inputs will not earn those points. Every
run prints how many hidden checks (and points) are waiting, and its results carry the check
spec's fingerprint (`{bundle.fingerprint}`) so you and your instructor can see you ran the
same checks.

| exercise | title | public checks | hidden checks |
|---|---|---|---|
{chr(10).join(rows)}

The key holds only what the judge needs: no solution text (a symbolic answer is known by its
values at the points the checks use), and expected numbers only for the public inputs.

## On GitHub Classroom

Every push runs `.github/workflows/classroom.yml`: it installs this folder and runs
`calcgrade check --format md`, whose summary appears on the run's page; the run is green only
when every public check passes.
"""
