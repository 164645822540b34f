"""Content tests for 05_backprop, 09_perceptron_regression, 10_perceptron_classification.

They load each reference by path, assert the numbers the catalogue and READMEs publish,
run a small stand-alone version of the checks (numpy + jax, no grader) on the reference,
on every catalogued mistake, on the uncatalogued wrong answers and on the alternative
correct answers (built, like the self-test does, as reference source + appended file),
and exercise the data generators in ``grader/course/datasets.py``.
"""

from __future__ import annotations

import os

os.environ.setdefault("JAX_ENABLE_X64", "1")

import importlib.util  # noqa: E402
import time  # noqa: E402
import types  # noqa: E402
from pathlib import Path  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from case_data import variant_files as case_variants  # noqa: E402
from case_data import variant_name  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SLUGS = ("05_backprop", "09_perceptron_regression", "10_perceptron_classification")


def _load_path(name: str, path: Path) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _compose(slug: str, extra: Path | None = None) -> types.ModuleType:
    """Reference source with ``extra``'s text appended (the self-test's convention)."""
    source = (ROOT / "reference" / f"{slug}.py").read_text()
    name = f"composed_{slug}"
    if extra is not None:
        source += "\n\n" + extra.read_text()
        name += "_" + variant_name(extra)
    module = types.ModuleType(name)
    module.__file__ = str(extra or ROOT / "reference" / f"{slug}.py")
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def _variants(kind: str, slug: str) -> list[Path]:
    if kind != "mistake":
        return case_variants(slug, {"wrong": "fails", "alt": "full_marks"}[kind])
    return sorted((ROOT / "reference" / "mistakes" / slug).glob("*.py"))


def _safe(out: dict, name: str, fn) -> None:
    """Record check ``name``: passed when ``fn()`` is truthy, failed when it is falsy or raises."""
    try:
        with np.errstate(all="ignore"):
            out[name] = bool(fn())
    except Exception:  # a crashing submission simply fails the check
        out[name] = False


def _relerr(got, expected) -> float:
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        return np.inf
    scale = max(np.linalg.norm(expected), 1e-300)
    return float(np.linalg.norm(got - expected) / scale)


DS = _load_path("calcgrade_datasets_under_test", ROOT / "grader" / "course" / "datasets.py")
REF = {slug: _load_path(f"ref_{slug}", ROOT / "reference" / f"{slug}.py") for slug in SLUGS}

# jit once: compiling a whole function is far cheaper than JAX's op-by-op first calls.
# Keep the shapes used with these few and fixed (every new shape recompiles).
LOSS_05 = jax.jit(REF["05_backprop"].loss_fn)
GRAD_05 = jax.jit(jax.grad(REF["05_backprop"].loss_fn))
JAC_05 = jax.jit(jax.jacobian(lambda W, b, x: jnp.tanh(x @ W + b), argnums=2))
COST_09 = jax.jit(REF["09_perceptron_regression"].cost_fn)
GRAD_09 = jax.jit(jax.grad(REF["09_perceptron_regression"].cost_fn))
COST_10 = jax.jit(REF["10_perceptron_classification"].cost_fn)
GRAD_10 = jax.jit(jax.grad(REF["10_perceptron_classification"].cost_fn))


# --------------------------------------------------------------------------- datasets


def test_datasets_import_no_jax_or_sympy():
    text = (ROOT / "grader" / "course" / "datasets.py").read_text()
    assert "import jax" not in text and "sympy" not in text


@pytest.mark.parametrize("n", [2, 7, 200])
def test_two_class_points_shapes_and_determinism(n):
    X, y = DS.two_class_points(np.random.default_rng(5), n)
    X2, y2 = DS.two_class_points(np.random.default_rng(5), n)
    assert X.shape == (n, 2) and y.shape == (n,)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert set(np.unique(y)) <= {0.0, 1.0}
    assert abs(y.sum() - n // 2) <= 1
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = DS.two_class_points(np.random.default_rng(6), n)
    assert not np.array_equal(X, X3)


def test_two_class_points_not_linearly_separable():
    X, y = DS.two_class_points(np.random.default_rng(0), 400)
    A = np.column_stack([X, np.ones(len(y))])
    w, *_ = np.linalg.lstsq(A, y, rcond=None)
    linear_acc = np.mean((A @ w > 0.5) == (y == 1))
    assert linear_acc < 0.92
    assert np.abs(X).max() < 3.0


@pytest.mark.parametrize("n_features", [1, 2])
def test_budget_sales_shapes_and_scale(n_features):
    X, Y = DS.budget_sales(np.random.default_rng(1), 150, n_features)
    assert X.shape == (n_features, 150) and Y.shape == (1, 150)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert 0 <= X[0].min() and X[0].max() <= 300 and X[0].max() > 100
    assert 5 < Y.mean() < 30
    X2, Y2 = DS.budget_sales(np.random.default_rng(1), 150, n_features)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)


def test_budget_sales_rejects_three_features():
    with pytest.raises(ValueError):
        DS.budget_sales(np.random.default_rng(0), 10, 3)


def test_two_clusters_shapes_and_separation():
    X, Y = DS.two_clusters(np.random.default_rng(2), 101)
    assert X.shape == (2, 101) and Y.shape == (1, 101)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert set(np.unique(Y)) == {0.0, 1.0}
    centre0 = X[:, Y[0] == 0].mean(axis=1)
    centre1 = X[:, Y[0] == 1].mean(axis=1)
    assert 5.5 < np.linalg.norm(centre1 - centre0) < 8.5
    X2, Y2 = DS.two_clusters(np.random.default_rng(2), 101)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)


def test_normalise():
    X, _ = DS.budget_sales(np.random.default_rng(3), 50, 2)
    Xn = DS.normalise(X)
    np.testing.assert_allclose(Xn.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(Xn.std(axis=1), 1.0, rtol=1e-12)
    constant = DS.normalise(np.array([[3.0, 3.0, 3.0], [1.0, 2.0, 3.0]]))
    assert np.all(np.isfinite(constant)) and np.all(constant[0] == 0)


# --------------------------------------------------------------------------- stubs


@pytest.mark.parametrize("slug", SLUGS)
def test_stub_functions_raise_not_implemented(slug):
    stub = _load_path(f"stub_{slug}", ROOT / "exercises" / slug / "solution.py")
    ref = REF[slug]
    args_for = {
        "05_backprop": {
            "init_params": (), "forward": (None, None), "loss": (None, None),
            "backward": (None, None, None), "hidden_jacobian": (None, None, None),
            "train": (None, None),
        },
    }
    perceptron = {
        "layer_sizes": (None, None), "initialize_parameters": (1, 1),
        "forward_propagation": (None, None), "compute_cost": (None, None),
        "backward_propagation": (None, None, None), "update_parameters": (None, None, 1.0),
        "nn_model": (None, None), "predict": (None, None),
    }
    calls = args_for.get(slug, perceptron)
    for name, args in calls.items():
        assert callable(getattr(ref, name)), name
        with pytest.raises(NotImplementedError):
            getattr(stub, name)(*args)


@pytest.mark.parametrize("slug", SLUGS)
def test_readme_length(slug):
    lines = (ROOT / "exercises" / slug / "README.md").read_text().splitlines()
    assert 60 <= len(lines) <= 150


@pytest.mark.parametrize("slug", SLUGS)
def test_variant_files_start_with_a_comment(slug):
    files = _variants("mistake", slug) + _variants("wrong", slug) + _variants("alt", slug)
    assert len(_variants("wrong", slug)) >= 2 and len(_variants("alt", slug)) >= 1
    for path in files:
        assert path.read_text().startswith("# "), path


# --------------------------------------------------------------------------- 05 checks


def _random_params_05(rng, sizes=(2, 8, 8, 1)):
    p = REF["05_backprop"].init_params(sizes, seed=int(rng.integers(1000)))
    return {k: v + 0.5 * rng.standard_normal(v.shape) for k, v in p.items()}


def checks_05(mod, seed=0) -> dict[str, bool]:
    """A stand-alone version of the 05 checks; returns {check: passed}."""
    ref = REF["05_backprop"]
    rng = np.random.default_rng(seed)
    out: dict[str, bool] = {}
    shapes = {"W1": (2, 8), "b1": (8,), "W2": (8, 8), "b2": (8,), "W3": (8, 1), "b3": (1,)}
    shapes2 = {"W1": (2, 5), "b1": (5,), "W2": (5, 3), "b2": (3,), "W3": (3, 1), "b3": (1,)}

    def init():
        p, p2 = mod.init_params((2, 8, 8, 1), 0), mod.init_params((2, 5, 3, 1), 1)
        return (set(p) == set(shapes)
                and all(np.shape(p[k]) == s for k, s in shapes.items())
                and all(np.shape(p2[k]) == s for k, s in shapes2.items())
                and all(np.all(np.asarray(p[f"b{i}"]) == 0) for i in (1, 2, 3))
                and np.std(np.asarray(p["W1"])) > 0)

    params = _random_params_05(rng)
    X, y = DS.two_class_points(rng, 40)
    yh = rng.uniform(0.05, 0.95, 40)
    expected = GRAD_05(params, X, y)
    W, b, x = params["W1"], params["b1"], rng.standard_normal(2)
    J = JAC_05(W, b, x)
    Xtr, ytr = DS.two_class_points(rng, 200)
    Xte, yte = DS.two_class_points(rng, 1000)

    def forward():
        y_hat, _ = mod.forward(params, X)
        return np.shape(y_hat) == (40,) and _relerr(y_hat, ref.forward(params, X)[0]) < 1e-9

    def loss():
        got = mod.loss(yh, y)
        return isinstance(got, float) and abs(got - ref.loss(yh, y)) < 1e-9

    def backward():
        grads = mod.backward(params, mod.forward(params, X)[1], y)
        return set(grads) == set(expected) and all(
            _relerr(grads[k], expected[k]) <= 1e-6 for k in expected)

    def jacobian():
        return _relerr(mod.hidden_jacobian(W, b, x), J) < 1e-9

    def train():
        trained = mod.train(Xtr, ytr)
        return np.mean((np.asarray(ref.forward(trained, Xte)[0]) > 0.5) == (yte == 1)) >= 0.95

    for name, fn in [("init", init), ("forward", forward), ("loss", loss),
                     ("backward", backward), ("jacobian", jacobian), ("train", train)]:
        _safe(out, name, fn)
    return out


def test_05_published_numbers():
    ref = REF["05_backprop"]
    zero = {k: np.zeros_like(v) for k, v in ref.init_params().items()}
    X, y = DS.two_class_points(np.random.default_rng(0), 30)
    y_hat, cache = ref.forward(zero, X)
    np.testing.assert_allclose(y_hat, 0.5)
    assert ref.loss(y_hat, y) == pytest.approx(np.log(2), rel=1e-12)
    g = ref.backward(zero, cache, y)
    assert g["b3"][0] == pytest.approx(np.mean(0.5 - y), rel=1e-12)
    assert isinstance(ref.loss(y_hat, y), float)


def test_05_init_is_seeded_and_scaled():
    ref = REF["05_backprop"]
    a, b, c = ref.init_params(seed=0), ref.init_params(seed=0), ref.init_params(seed=1)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    assert not np.array_equal(a["W2"], c["W2"])
    assert 0.1 < np.std(a["W2"]) < 1.0


def test_05_loss_fn_equals_loss():
    ref = REF["05_backprop"]
    rng = np.random.default_rng(11)
    params = _random_params_05(rng)
    X, y = DS.two_class_points(rng, 40)
    expected = ref.loss(ref.forward(params, X)[0], y)
    assert float(LOSS_05(params, X, y)) == pytest.approx(expected, rel=1e-12)


def test_05_loss_saturated_is_finite():
    ref = REF["05_backprop"]
    assert np.isfinite(ref.loss(np.array([0.0, 1.0]), np.array([1.0, 0.0])))


def _assert_backward_matches_jax(seed, sizes, n, grad_fn):
    ref = REF["05_backprop"]
    rng = np.random.default_rng(seed)
    params = _random_params_05(rng, sizes)
    X, y = DS.two_class_points(rng, n)
    _, cache = ref.forward(params, X)
    g = ref.backward(params, cache, y)
    expected = grad_fn(params, X, y)
    for k in params:
        assert g[k].shape == params[k].shape
        assert _relerr(g[k], expected[k]) < 1e-12


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_05_backward_matches_jax_grad(seed):
    _assert_backward_matches_jax(seed, (2, 8, 8, 1), 40, GRAD_05)


@pytest.mark.slow
@pytest.mark.parametrize("sizes", [(2, 6, 4, 1), (2, 3, 5, 1)])
def test_05_backward_matches_jax_grad_other_sizes(sizes):
    _assert_backward_matches_jax(4, sizes, 37, jax.grad(REF["05_backprop"].loss_fn))


def test_05_train_fast_and_accurate():
    ref = REF["05_backprop"]
    rng = np.random.default_rng(2024)
    X, y = DS.two_class_points(rng, 200)
    Xt, yt = DS.two_class_points(rng, 2000)
    start = time.process_time()  # CPU time: another job's load cannot fail it
    params = ref.train(X, y)
    assert time.process_time() - start < 10.0
    assert np.mean(ref.predict(params, Xt) == yt) >= 0.97


@pytest.mark.slow
def test_05_train_accuracy_over_many_seeds():
    ref = REF["05_backprop"]
    accs = []
    for seed in range(30):
        rng = np.random.default_rng(seed)
        X, y = DS.two_class_points(rng, 200)
        Xt, yt = DS.two_class_points(rng, 1000)
        accs.append(np.mean(ref.predict(ref.train(X, y, seed=seed % 3), Xt) == yt))
    assert min(accs) >= 0.97


def test_05_reference_passes_all_checks():
    assert all(checks_05(_compose("05_backprop")).values())


@pytest.mark.parametrize("path", _variants("alt", "05_backprop"), ids=variant_name)
def test_05_alt_passes_all_checks(path):
    result = checks_05(_compose("05_backprop", path))
    assert all(result.values()), result


@pytest.mark.parametrize(
    "path", _variants("mistake", "05_backprop") + _variants("wrong", "05_backprop"),
    ids=variant_name,
)
def test_05_mistake_or_wrong_fails_a_check(path):
    result = checks_05(_compose("05_backprop", path))
    assert not all(result.values()), result


def test_05_mistakes_have_their_signature():
    """What a grader can use to recognise each catalogued mistake."""
    ref = REF["05_backprop"]
    rng = np.random.default_rng(7)
    params = _random_params_05(rng)
    X, y = DS.two_class_points(rng, 25)
    _, cache = ref.forward(params, X)
    good = ref.backward(params, cache, y)
    base = ROOT / "reference" / "mistakes" / "05_backprop"
    summ = _compose("05_backprop", base / "sum_not_mean.py").backward(params, cache, y)
    for k in good:
        np.testing.assert_allclose(summ[k], 25 * good[k], rtol=1e-12)
    miss = _compose("05_backprop", base / "missing_activation_derivative.py").backward(params, cache, y)
    np.testing.assert_allclose(miss["W3"], good["W3"])
    assert _relerr(miss["W2"], good["W2"]) > 1e-3
    trans = _compose("05_backprop", base / "transposed_weights.py").backward(params, cache, y)
    np.testing.assert_allclose(trans["W3"], good["W3"])
    np.testing.assert_allclose(trans["W2"], good["W2"])
    # recognisable by redoing the first-layer step with W2 where W2.T belongs
    dZ2 = (((cache["y_hat"] - y) / 25)[:, None] @ params["W3"].T) * (1 - cache["H2"] ** 2)
    dZ1 = (dZ2 @ params["W2"]) * (1 - cache["H1"] ** 2)
    np.testing.assert_allclose(trans["W1"], X.T @ dZ1, rtol=1e-12)
    assert _relerr(trans["W1"], good["W1"]) > 1e-3


# --------------------------------------------------------------------------- 09 checks


def _lstsq(X, Y):
    A = np.vstack([X, np.ones((1, X.shape[1]))]).T
    sol, *_ = np.linalg.lstsq(A, Y.T, rcond=None)
    return sol[:-1].T, sol[-1:].T  # W (n_y, n_x), b (n_y, 1)


def checks_09(mod, seed=0) -> dict[str, bool]:
    """A stand-alone version of the 09 checks; returns {check: passed}."""
    ref = REF["09_perceptron_regression"]
    rng = np.random.default_rng(seed)
    out: dict[str, bool] = {}
    X, Y = DS.budget_sales(rng, 60, 2)
    Xn = DS.normalise(X)
    params = {"W": rng.standard_normal((1, 2)), "b": rng.standard_normal((1, 1))}
    Y_hat = ref.forward_propagation(Xn, params)
    jg = GRAD_09(params, Xn, Y)
    grads = {"dW": rng.standard_normal((1, 2)), "db": rng.standard_normal((1, 1))}
    fits = []
    for n_features in (1, 2):
        Xf, Yf = DS.budget_sales(rng, 200, n_features)
        Xf = DS.normalise(Xf)
        fits.append((Xf, Yf) + _lstsq(Xf, Yf))

    def init():
        p = mod.initialize_parameters(2, 1, 0)
        return (np.shape(p["W"]) == (1, 2) and np.shape(p["b"]) == (1, 1)
                and np.all(np.asarray(p["b"]) == 0) and 0 < np.abs(p["W"]).max() < 0.1)

    def cost():
        expected = ref.compute_cost(Y_hat, Y)
        return abs(float(mod.compute_cost(Y_hat, Y)) - expected) <= 1e-9 * expected

    def backward():
        g = mod.backward_propagation(Y_hat, Xn, Y)
        return _relerr(g["dW"], jg["W"]) < 1e-6 and _relerr(g["db"], jg["b"]) < 1e-6

    def update():
        new = mod.update_parameters(params, grads, 0.3)
        exp = ref.update_parameters(params, grads, 0.3)
        return _relerr(new["W"], exp["W"]) < 1e-12 and _relerr(new["b"], exp["b"]) < 1e-12

    def nn_model():
        for Xf, Yf, W_ls, b_ls in fits:
            trained = mod.nn_model(Xf, Yf)
            if not (np.shape(trained["W"]) == W_ls.shape and np.shape(trained["b"]) == b_ls.shape
                    and np.allclose(trained["W"], W_ls, rtol=0, atol=1e-3)
                    and np.allclose(trained["b"], b_ls, rtol=0, atol=1e-3)):
                return False
        return True

    checks = [
        ("layer_sizes", lambda: tuple(mod.layer_sizes(X, Y)) == (2, 1)),
        ("init", init),
        ("forward", lambda: _relerr(mod.forward_propagation(Xn, params), Y_hat) < 1e-9),
        ("cost", cost), ("backward", backward), ("update", update), ("nn_model", nn_model),
        ("predict", lambda: _relerr(mod.predict(Xn, params), Y_hat) < 1e-9),
    ]
    for name, fn in checks:
        _safe(out, name, fn)
    return out


def test_09_worked_example():
    ref = REF["09_perceptron_regression"]
    X, Y = np.array([[1.0, 2.0, 3.0]]), np.array([[2.0, 4.0, 6.0]])
    params = {"W": np.zeros((1, 1)), "b": np.zeros((1, 1))}
    Y_hat = ref.forward_propagation(X, params)
    assert ref.compute_cost(Y_hat, Y) == pytest.approx(28 / 3)
    g = ref.backward_propagation(Y_hat, X, Y)
    assert g["dW"].shape == (1, 1) and g["db"].shape == (1, 1)
    assert g["dW"][0, 0] == pytest.approx(-28 / 3) and g["db"][0, 0] == pytest.approx(-4.0)
    assert ref.layer_sizes(X, Y) == (1, 1)
    assert isinstance(ref.compute_cost(Y_hat, Y), float)


@pytest.mark.parametrize("n_features", [1, 2])
@pytest.mark.parametrize("seed", range(5))
def test_09_nn_model_reaches_least_squares(n_features, seed):
    ref = REF["09_perceptron_regression"]
    X, Y = DS.budget_sales(np.random.default_rng(seed), 200, n_features)
    Xn = DS.normalise(X)
    params = ref.nn_model(Xn, Y)
    W_ls, b_ls = _lstsq(Xn, Y)
    np.testing.assert_allclose(params["W"], W_ls, atol=1e-9)
    np.testing.assert_allclose(params["b"], b_ls, atol=1e-9)


def test_09_unnormalised_data_diverges():
    """Documented in the README: lr 1.2 on raw budgets blows up."""
    ref = REF["09_perceptron_regression"]
    X, Y = DS.budget_sales(np.random.default_rng(0), 100, 1)
    with np.errstate(all="ignore"):
        params = ref.nn_model(X, Y, num_iterations=20)
    assert not np.all(np.isfinite(params["W"])) or np.abs(params["W"]).max() > 1e6


def test_09_cost_fn_matches():
    ref = REF["09_perceptron_regression"]
    rng = np.random.default_rng(4)
    X, Y = DS.budget_sales(rng, 60, 2)
    params = ref.initialize_parameters(2, 1, seed=3)
    expected = ref.compute_cost(ref.forward_propagation(X, params), Y)
    assert float(COST_09(params, X, Y)) == pytest.approx(expected, rel=1e-12)


def test_09_reference_passes_all_checks():
    assert all(checks_09(_compose("09_perceptron_regression")).values())


@pytest.mark.parametrize("path", _variants("alt", "09_perceptron_regression"), ids=variant_name)
def test_09_alt_passes_all_checks(path):
    result = checks_09(_compose("09_perceptron_regression", path))
    assert all(result.values()), result


@pytest.mark.parametrize(
    "path",
    _variants("mistake", "09_perceptron_regression") + _variants("wrong", "09_perceptron_regression"),
    ids=variant_name,
)
def test_09_mistake_or_wrong_fails_a_check(path):
    result = checks_09(_compose("09_perceptron_regression", path))
    assert not all(result.values()), result


def test_09_mistakes_have_their_signature():
    slug = "09_perceptron_regression"
    ref = REF[slug]
    base = ROOT / "reference" / "mistakes" / slug
    X, Y = DS.budget_sales(np.random.default_rng(8), 40, 2)
    params = {"W": np.array([[0.3, -0.2]]), "b": np.array([[1.0]])}
    Y_hat = ref.forward_propagation(X, params)
    half = _compose(slug, base / "cost_without_half.py").compute_cost(Y_hat, Y)
    assert half == pytest.approx(2 * ref.compute_cost(Y_hat, Y), rel=1e-12)
    good = ref.backward_propagation(Y_hat, X, Y)
    db = _compose(slug, base / "db_not_summed.py").backward_propagation(Y_hat, X, Y)["db"]
    assert db.shape == (1, 40)
    np.testing.assert_allclose(db.sum(axis=1, keepdims=True), good["db"], rtol=1e-12)
    dW = _compose(slug, base / "dW_transposed.py").backward_propagation(Y_hat, X, Y)["dW"]
    assert dW.shape == (2, 1)
    np.testing.assert_allclose(dW.T, good["dW"], rtol=1e-12)


# --------------------------------------------------------------------------- 10 checks


def checks_10(mod, seed=0) -> dict[str, bool]:
    """A stand-alone version of the 10 checks; returns {check: passed}."""
    ref = REF["10_perceptron_classification"]
    rng = np.random.default_rng(seed)
    out: dict[str, bool] = {}
    X, Y = DS.two_clusters(rng, 80)
    params = {"W": 0.5 * rng.standard_normal((1, 2)), "b": 0.5 * rng.standard_normal((1, 1))}
    A = ref.forward_propagation(X, params)
    jg = GRAD_10(params, X, Y)
    grads = {"dW": rng.standard_normal((1, 2)), "db": rng.standard_normal((1, 1))}
    Xtr, Ytr = DS.two_clusters(rng, 200)
    Xte, Yte = DS.two_clusters(rng, 1000)

    def init():
        p = mod.initialize_parameters(2, 1, 0)
        return (np.shape(p["W"]) == (1, 2) and np.shape(p["b"]) == (1, 1)
                and np.all(np.asarray(p["b"]) == 0) and 0 < np.abs(p["W"]).max() < 0.1)

    def cost():
        expected = ref.compute_cost(A, Y)
        return abs(float(mod.compute_cost(A, Y)) - expected) <= 1e-9 * expected

    def backward():
        g = mod.backward_propagation(A, X, Y)
        return _relerr(g["dW"], jg["W"]) < 1e-6 and _relerr(g["db"], jg["b"]) < 1e-6

    def update():
        new = mod.update_parameters(params, grads, 0.3)
        exp = ref.update_parameters(params, grads, 0.3)
        return _relerr(new["W"], exp["W"]) < 1e-12 and _relerr(new["b"], exp["b"]) < 1e-12

    def predict():
        labels = np.asarray(mod.predict(X, params))
        return (labels.shape == (1, 80) and set(np.unique(labels)) <= {0, 1}
                and np.array_equal(labels, ref.predict(X, params)))

    def nn_model():
        trained = mod.nn_model(Xtr, Ytr)
        return np.mean(ref.predict(Xte, trained) == Yte) >= 0.95

    checks = [
        ("layer_sizes", lambda: tuple(mod.layer_sizes(X, Y)) == (2, 1)),
        ("init", init),
        ("forward", lambda: _relerr(mod.forward_propagation(X, params), A) < 1e-9),
        ("cost", cost), ("backward", backward), ("update", update), ("predict", predict),
        ("nn_model", nn_model),
    ]
    for name, fn in checks:
        _safe(out, name, fn)
    return out


def test_10_published_numbers():
    ref = REF["10_perceptron_classification"]
    X, Y = DS.two_clusters(np.random.default_rng(0), 10)
    zero = {"W": np.zeros((1, 2)), "b": np.zeros((1, 1))}
    A = ref.forward_propagation(X, zero)
    np.testing.assert_allclose(A, 0.5)
    assert ref.compute_cost(A, Y) == pytest.approx(np.log(2), rel=1e-12)
    assert ref.backward_propagation(A, X, Y)["db"][0, 0] == pytest.approx(0.5 - Y.mean())
    assert ref.sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist() == [0.0, 0.5, 1.0]
    assert np.isfinite(ref.compute_cost(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])))


def test_10_cost_fn_and_gradients_match_jax():
    ref = REF["10_perceptron_classification"]
    rng = np.random.default_rng(5)
    X, Y = DS.two_clusters(rng, 80)
    params = {"W": rng.standard_normal((1, 2)), "b": rng.standard_normal((1, 1))}
    A = ref.forward_propagation(X, params)
    assert float(COST_10(params, X, Y)) == pytest.approx(ref.compute_cost(A, Y), rel=1e-12)
    jg = GRAD_10(params, X, Y)
    g = ref.backward_propagation(A, X, Y)
    assert _relerr(g["dW"], jg["W"]) < 1e-12 and _relerr(g["db"], jg["b"]) < 1e-12


@pytest.mark.parametrize("seed", range(5))
def test_10_trained_accuracy(seed):
    ref = REF["10_perceptron_classification"]
    rng = np.random.default_rng(seed)
    X, Y = DS.two_clusters(rng, 200)
    Xt, Yt = DS.two_clusters(rng, 2000)
    params = ref.nn_model(X, Y)
    assert np.mean(ref.predict(Xt, params) == Yt) >= 0.98
    assert ref.compute_cost(ref.forward_propagation(X, params), Y) < 0.1


def test_10_reference_passes_all_checks():
    assert all(checks_10(_compose("10_perceptron_classification")).values())


@pytest.mark.parametrize("path", _variants("alt", "10_perceptron_classification"), ids=variant_name)
def test_10_alt_passes_all_checks(path):
    result = checks_10(_compose("10_perceptron_classification", path))
    assert all(result.values()), result


@pytest.mark.parametrize(
    "path",
    _variants("mistake", "10_perceptron_classification")
    + _variants("wrong", "10_perceptron_classification"),
    ids=variant_name,
)
def test_10_mistake_or_wrong_fails_a_check(path):
    result = checks_10(_compose("10_perceptron_classification", path))
    assert not all(result.values()), result


def test_10_mistakes_have_their_signature():
    slug = "10_perceptron_classification"
    ref = REF[slug]
    base = ROOT / "reference" / "mistakes" / slug
    X, Y = DS.two_clusters(np.random.default_rng(9), 30)
    params = {"W": np.array([[0.4, -0.1]]), "b": np.array([[0.2]])}
    A = ref.forward_propagation(X, params)
    neg = _compose(slug, base / "missing_minus_sign.py").compute_cost(A, Y)
    assert neg == pytest.approx(-ref.compute_cost(A, Y), rel=1e-12)
    Z = _compose(slug, base / "sigmoid_missing.py").forward_propagation(X, params)
    np.testing.assert_allclose(ref.sigmoid(Z), A, rtol=1e-12)
    probs = _compose(slug, base / "predict_returns_probabilities.py").predict(X, params)
    np.testing.assert_allclose(probs, A)
