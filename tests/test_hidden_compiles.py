"""A hidden JAX function is one compiled program, however the student's code calls it.

A student who writes ``jax.jacfwd(f)(p)`` without ``jit`` runs JAX eagerly: every
primitive of the lambdified formula used to be compiled on its own (measured: 115 XLA
compiles, 3–4 s of the sandbox's CPU, for 04's five Jacobian checks). The hidden function
and its differentiation rule are now jitted, so the formula costs one compile per input
shape whatever the student writes, and the values are the same.
"""
from __future__ import annotations

import numpy as np
import pytest

from grader.course import hidden

jax = pytest.importorskip("jax")


def _compiles(fn) -> int:
    """How many XLA programs ``fn()`` compiles (JAX's own compile events)."""
    import jax.monitoring as monitoring

    seen: list[str] = []

    def listener(event: str, duration: float, **_: object) -> None:
        if event == "/jax/core/compile/backend_compile_duration":
            seen.append(event)

    monitoring.register_event_duration_secs_listener(listener)
    try:
        fn()
    finally:
        monitoring.unregister_event_duration_listener(listener)
    return len(seen)


def _vector_case(seed: int, n: int = 3, m: int = 2):
    rng = np.random.default_rng(seed)
    h = hidden.vector(rng, n, m)
    point = h.sample(rng)
    rule = hidden.autodiff_rule(rng, h.numpy(), point, (m, n))
    return h, point, rule


def test_eager_jacfwd_of_a_hidden_function_compiles_its_formula_once():
    h, point, rule = _vector_case(3)
    f = hidden.Fn.from_plain(h.jax(rule).to_plain()).function()  # as the sandbox rebuilds it
    first = _compiles(lambda: np.asarray(jax.jacfwd(f)(point)))
    again = _compiles(lambda: np.asarray(jax.jacfwd(f)(point + 0.25)))
    # the rule (primal and tangent together) is one program; jacfwd's own eager basis
    # and reshapes add a few; an un-jitted formula compiled each of its primitives
    assert first <= 12, first
    assert again == 0  # same shapes: nothing compiles again


def test_the_jitted_rule_gives_the_rules_values():
    h, point, rule = _vector_case(5)
    f = hidden.Fn.from_plain(h.jax(rule).to_plain()).function()
    got = np.asarray(jax.jacfwd(f)(point))
    np.testing.assert_allclose(got, rule.apply(h.jacobian()(point)), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.asarray(f(point)), np.asarray(h.numpy()(point)), rtol=1e-12)
    # reverse mode and jit of the student's own agree with it
    np.testing.assert_allclose(np.asarray(jax.jit(jax.jacrev(f))(point)), got, rtol=1e-12)


def test_a_scalar_hidden_function_is_jitted_too():
    rng = np.random.default_rng(11)
    h = hidden.multivariate(rng, 2, "trig")
    f = hidden.Fn.from_plain(h.jax().to_plain()).function()
    x = np.array([0.3, -0.7])
    first = _compiles(lambda: np.asarray(jax.grad(f)(x)))
    assert first <= 4, first
    np.testing.assert_allclose(float(f(x)), float(h.numpy()(x)), rtol=1e-12)


def test_the_same_hidden_function_drawn_again_is_built_once(monkeypatch):
    """Drawn again (each check's inputs are drawn for the request, then for the expected
    answer, per seed), a hidden function is the callable already built, so a JAX one
    compiles nothing again; another rule, module or formula is another callable; the
    built ones kept are bounded, the least recently used dropped first."""
    h, point, rule = _vector_case(7)
    first = h.jax(rule).function()
    expected = rule.apply(h.jacobian()(point))
    np.testing.assert_allclose(np.asarray(jax.jacfwd(first)(point)), expected, rtol=1e-12)
    h2, _, rule2 = _vector_case(7)  # the same draw, new objects
    again = h2.jax(rule2).function()
    assert again is first
    assert _compiles(lambda: np.asarray(jax.jacfwd(again)(point))) == 0
    assert hidden.Fn.from_plain(h.jax(rule).to_plain()).function() is first  # as rebuilt in the sandbox
    other_rule = hidden.Rule(rule.scale + 1.0, rule.shift)
    other = h.jax(other_rule).function()
    assert other is not first
    np.testing.assert_allclose(np.asarray(jax.jacfwd(other)(point)),
                               other_rule.apply(h.jacobian()(point)), rtol=1e-12, atol=1e-12)
    assert h.jax().function() is not first
    assert h.numpy().function() is not h.jax().function()
    assert _vector_case(8)[0].jax(rule).function() is not first
    monkeypatch.setattr(hidden, "KEEP_BUILT", 2)
    monkeypatch.setattr(hidden, "_BUILT", {})
    a, b, c = (hidden.multivariate(np.random.default_rng(s), 2, "trig").numpy() for s in (1, 2, 3))
    fa = a.function()
    b.function()
    assert hidden.multivariate(np.random.default_rng(1), 2, "trig").numpy().function() is fa
    c.function()  # b was the least recently used
    assert len(hidden._BUILT) == 2 and b.key() not in hidden._BUILT and a.key() in hidden._BUILT
