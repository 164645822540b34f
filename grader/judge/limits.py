"""Limits on judging one answer: static size bounds for the parser, a time bound per check.

Why both. SymPy builds expressions eagerly: constructing ``tan(sinh((x+x^2)^-20))`` makes
``tan`` ask whether ``sinh(...)`` is real, and ``sinh`` answers by splitting its argument
into real and imaginary parts for a *complex* ``x`` (``as_real_imag``: a multinomial
expansion of ``(re x + i im x + (re x + i im x)^2)^-20``) and reducing the imaginary part
modulo pi (a polynomial gcd). That 23-character answer takes minutes in the parser. The
same split happens, without the gcd, when a non-integer power or ``abs`` asks for the sign
of its base. Its cost grows with the number of terms of that expansion, so the parser
refuses a function argument (or the base of a non-integer power) whose
:func:`expansion_size` is above ``MAX_EXPANSION``, and an argument of ``sinh``, ``cosh``
or ``tanh`` above ``MAX_HYPERBOLIC_EXPANSION`` (counted with negative powers doubled:
there the gcd makes denominators the expensive part). Cheap static bounds, computed on
the tree the parser has already built; answers of the course stay far below them (the
largest function argument of the answer keys measures 8, a two-unit ``tanh`` network 50).

Static bounds cannot foresee every slow path of SymPy, so judging one check also runs
under :func:`time_limit` (SIGPROF, CPU time; the engine turns :class:`JudgeTimeout` into that
check's error, and the other checks are still judged).
"""
from __future__ import annotations

import math
import signal
import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import sympy

MAX_EXPANSION = 500            # terms of a function argument written out in re/im parts
MAX_HYPERBOLIC_EXPANSION = 64  # the same for sinh/cosh/tanh, negative powers counted twice
JUDGE_SECONDS = 10.0           # CPU time to judge one check's answer (parsing included)
REFIRE_SECONDS = 0.01          # after the deadline, the alarm repeats this often until it lands


class JudgeTimeout(BaseException):
    """Judging one answer ran out of time.

    A BaseException, so that the many ``except Exception`` blocks inside SymPy (and the
    grader's own "simplify may fail" guards) cannot swallow it and carry on unbounded.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds

    def __str__(self) -> str:
        return (f"judging your answer took longer than {self.seconds:g} s and was stopped "
                "(the expression is too large to compare?); simplify it")


def judge_seconds() -> float:
    """The time limit for judging one check: ``JUDGE_SECONDS``, scaled like the sandbox's
    limits by ``CALCGRADE_TIME_SCALE`` (slow machines)."""
    from grader.course.spec import time_scale

    return JUDGE_SECONDS * time_scale()


def too_large(value: sympy.Basic, *, hyperbolic: bool = False) -> int | None:
    """The bound a function argument ``value`` exceeds (see module doc), or None."""
    if hyperbolic:
        bound = MAX_HYPERBOLIC_EXPANSION
        size = expansion_size(value, bound, negative_weight=2)
    else:
        bound = MAX_EXPANSION
        size = expansion_size(value, bound)
    return bound if size > bound else None


def expansion_size(expr: sympy.Basic, limit: int = MAX_EXPANSION, *,
                   negative_weight: int = 1) -> int:
    """How many terms ``expr`` has once every symbol is written as ``re + i·im`` and every
    integer power of a sum is multiplied out (an upper estimate, saturating at limit + 1).

    A symbol counts 2 (its real and imaginary parts), a number or constant 1, a function
    twice its arguments (``sinh(a + ib)`` is ``sinh(a)cos(b) + i cosh(a)sin(b)``); a sum
    adds, a product multiplies, ``b^n`` for an integer ``n`` has the multinomial count
    ``C(k + s - 1, s - 1)`` with ``s`` the size of ``b`` and ``k = |n|`` (``2|n|`` for a
    negative ``n``: SymPy divides the conjugate's power by the magnitude's); any other
    power multiplies the sizes of base and exponent. An estimate calibrated by timing
    SymPy, not a count: ``(x+x^2)^-20`` measures 10626 (135751 with ``negative_weight``
    2); the bounds' worst cases build in about a second.
    """
    cap = limit + 1
    memo: dict[sympy.Basic, int] = {}

    def size(e: sympy.Basic) -> int:
        if e in memo:
            return memo[e]
        if e.is_Symbol:
            result = 2
        elif e.is_Atom:
            result = 1
        elif e.is_Add:
            result = min(cap, sum(size(a) for a in e.args))
        elif e.is_Mul:
            result = 1
            for a in e.args:
                result = min(cap, result * size(a))
        elif e.is_Pow:
            base, exponent = e.args
            s = size(base)
            if exponent.is_Integer and s > 1:
                n = int(exponent)
                k = min(abs(n) * (negative_weight if n < 0 else 1), 10 * cap)
                result = min(cap, math.comb(k + s - 1, s - 1))
            else:
                result = min(cap, s * size(exponent))
        else:  # a function: real and imaginary parts, each built from the argument's
            result = min(cap, 2 * sum(size(a) for a in e.args))
        memo[e] = result
        return result

    return size(expr)


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`JudgeTimeout` in the body once it has used ``seconds`` of CPU time
    (this process's, all threads: machine load never changes a verdict).

    Uses ``signal.setitimer``/SIGPROF (``ITIMER_PROF``), so it works only in the main thread of a POSIX
    process; elsewhere (a Dask worker thread, Windows) or with ``seconds`` None/≤ 0 the body
    runs without a limit. An outer timer already armed is kept: if it is due first, ours
    fires at its time, and it is re-armed with what is left of it afterwards. Python checks
    signals between bytecodes, so a single long C call is stopped only when it returns.
    """
    if (not seconds or seconds <= 0 or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return

    armed = [True]  # an alarm that arrives while the limit is being lifted is ignored

    def on_alarm(signum: int, frame: object) -> None:
        if armed[0]:
            raise JudgeTimeout(seconds)

    # The alarm is raised in whatever Python frame runs when it arrives. If that frame is a
    # weakref callback or a ``__del__`` (SymPy's caches are WeakKeyDictionaries: garbage
    # collection runs them inside any bytecode), Python reports the exception as
    # "unraisable" and the body carries on; so the alarm repeats every REFIRE_SECONDS until
    # one lands where it propagates, and those swallowed ones are not reported.
    previous_hook = sys.unraisablehook

    def drop_swallowed_alarm(unraisable: "sys.UnraisableHookArgs") -> None:
        if not isinstance(unraisable.exc_value, JudgeTimeout):
            previous_hook(unraisable)

    previous_handler = signal.signal(signal.SIGPROF, on_alarm)
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_PROF, 0)
    started = time.process_time()
    sys.unraisablehook = drop_swallowed_alarm
    signal.setitimer(signal.ITIMER_PROF, min(seconds, outer_delay) if outer_delay else seconds,
                     REFIRE_SECONDS)
    try:
        yield
    finally:
        armed[0] = False
        try:
            signal.setitimer(signal.ITIMER_PROF, 0)
        finally:
            signal.signal(signal.SIGPROF, previous_handler)
            if sys.unraisablehook is drop_swallowed_alarm:
                sys.unraisablehook = previous_hook
            if outer_delay:
                left = outer_delay - (time.process_time() - started)
                signal.setitimer(signal.ITIMER_PROF, max(left, 1e-3), outer_interval)
