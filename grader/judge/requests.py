"""What the trusted side asks the sandbox to run for one student.

Inputs are drawn here, on the trusted side, from the seed; only their public part (keys
without a leading ``_``, as plain data: :func:`grader.sandbox.inputs.encode_inputs`)
goes into the request. The sandbox never sees the seed, the judge-only inputs or the
expected answers.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.course.spec import Exercise
from grader.sandbox.client import ExerciseRequest, StudentRequest
from grader.sandbox.runner import IMPORT_TIME_LIMIT, WALL_EXTRA, WALL_FACTOR

BUDGET_BASE = 60.0  # seconds of a student's budget besides the checks' own limits


def _public(check: Any, seed: int, cache: dict) -> Any:
    key = (check.id, seed)
    if key not in cache:
        from grader.sandbox.inputs import encode_inputs

        cache[key] = encode_inputs(check.make_inputs(seed))
    return cache[key]


def exercise_request(exercise: Exercise, solution: Path | None, seed: int, *, figure: bool = False,
                     cache: dict | None = None) -> ExerciseRequest:
    cache = {} if cache is None else cache
    runnables = exercise.runnables(figure)
    inputs = []
    for check in runnables:
        try:
            inputs.append(_public(check, seed, cache))
        except Exception as exc:  # noqa: BLE001 - a course bug: this check errors, judged as such
            inputs.append({"__input_error__": f"{type(exc).__name__}: {exc}"})
    return ExerciseRequest(exercise.slug, solution, [exercise.time_limit_for(c) for c in runnables],
                           inputs, exercise.memory_mb, figure=figure and exercise.figure is not None)


def student_request(key: Any, root: Path | None, exercises: list[Exercise],
                    solutions: dict[str, Path | None], seed: int, *, figures: bool = False,
                    cache: dict | None = None) -> StudentRequest:
    cache = {} if cache is None else cache
    reqs = [exercise_request(ex, solutions.get(ex.slug), seed, figure=figures, cache=cache)
            for ex in exercises]
    budget = BUDGET_BASE + sum(IMPORT_TIME_LIMIT + sum(WALL_FACTOR * x + WALL_EXTRA for x in r.limits)
                               for r in reqs)
    return StudentRequest(key, root, reqs, budget=budget)
