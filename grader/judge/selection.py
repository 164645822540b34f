"""Grading part of an exercise (``check --function NAME``): which checks, and a copy.

The sandbox server loads each exercise's checks itself; an exercise request may name the
ones to run (``ExerciseRequest.only``, their positions in the exercise), and the trusted
side judges a copy of the exercise holding just those, in the same order, so results
line up by position on both sides.
"""
from __future__ import annotations

import dataclasses

from grader.course.spec import Exercise


class UnknownFunction(LookupError):
    """No chosen exercise has checks of this function; the message lists the functions."""


def functions_of(exercise: Exercise) -> list[str]:
    """The functions an exercise's checks grade, in order (what ``--function`` accepts)."""
    return list(dict.fromkeys(c.function for c in exercise.checks))


def restrict(exercises: list[Exercise], function: str) -> tuple[list[Exercise], dict[str, list[int]]]:
    """The exercises that grade ``function``, each cut down to its checks of it (no
    figure), and per slug the positions of those checks in the whole exercise."""
    kept: list[Exercise] = []
    only: dict[str, list[int]] = {}
    for ex in exercises:
        indices = [i for i, c in enumerate(ex.checks) if c.function == function]
        if indices:
            kept.append(dataclasses.replace(ex, checks=[ex.checks[i] for i in indices],
                                            figure=None))
            only[ex.slug] = indices
    if not kept:
        if len(exercises) == 1:
            raise UnknownFunction(f"{exercises[0].slug} has no function {function!r}; its "
                                  f"functions are: {', '.join(functions_of(exercises[0]))}")
        names = "; ".join(f"{ex.slug}: {', '.join(functions_of(ex))}" for ex in exercises)
        raise UnknownFunction(f"no exercise has a function {function!r}; the functions are "
                              f"{names}")
    return kept, only
