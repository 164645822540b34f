"""Reference solution for 07_svm: the hard-margin support vector machine as a constrained
optimisation problem.

A line a·x + b·y + c = 0 separates the classes with margins a·x + b·y + c = ±1; the margin
width is 2/sqrt(a² + b²), so the widest margin minimises a² + b² subject to
lᵢ(a·xᵢ + b·yᵢ + c) ≥ 1 for every point. That is a small quadratic programme, solved here
with SciPy's SLSQP (``scipy.optimize.minimize``), started from a feasible point found by a
linear programme, on centred and rescaled coordinates; the active constraints are then
solved exactly as a linear KKT system to remove the solver's last rounding.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from scipy.optimize import linprog, minimize

SIX_POINTS = [(-1.0, -1.0), (-3.0, -1.0), (0.0, 0.0), (3.0, 3.0), (1.0, 2.0), (2.0, 1.0)]
SIX_LABELS = [-1, -1, -1, 1, 1, 1]

# The course's first problem: only the three points that end up on the margins.
THREE_POINTS = [(0.0, 0.0), (1.0, 2.0), (2.0, 1.0)]
THREE_LABELS = [-1, 1, 1]


def _check_data(points, labels):
    P = np.asarray(points, dtype=np.float64)
    lab = np.asarray(labels, dtype=np.float64).reshape(-1)
    if P.ndim != 2 or P.shape[1] != 2 or P.shape[0] != lab.shape[0]:
        raise ValueError("points must have shape (n, 2) and labels shape (n,)")
    if not np.all(np.isin(lab, (-1.0, 1.0))):
        raise ValueError("labels must be -1 or +1")
    return P, lab


def _feasible_start(Z, lab):
    """Some (a, b, c) with lᵢ(a xᵢ + b yᵢ + c) ≥ 1 for all i (an LP with a zero objective)."""
    A_ub = -lab[:, None] * np.column_stack([Z, np.ones(len(Z))])
    res = linprog(np.zeros(3), A_ub=A_ub, b_ub=-2.0 * np.ones(len(Z)),
                  bounds=[(None, None)] * 3, method="highs")
    if res.status != 0:
        raise ValueError("the two classes are not linearly separable")
    return res.x


def _polish(Z, lab, w, tol=1e-7):
    """Re-solve the equality-constrained QP on the active set exactly.

    With S the points whose constraints are active, the KKT conditions
    2w = Σ λᵢ lᵢ zᵢ (for a, b), 0 = Σ λᵢ lᵢ (for c), lᵢ(w·zᵢ + c) = 1 (i ∈ S) are linear;
    solve them by least squares and keep the result only if it is still feasible and
    no worse, so the polish can only help.
    """
    Zh = np.column_stack([Z, np.ones(len(Z))])
    margins = lab * (Zh @ w)
    active = np.flatnonzero(margins - 1.0 <= tol)
    if active.size == 0:
        return w
    G = lab[active, None] * Zh[active]                 # rows: lᵢ (xᵢ, yᵢ, 1)
    H = np.diag([2.0, 2.0, 0.0])
    k = active.size
    K = np.block([[H, -G.T], [G, np.zeros((k, k))]])
    rhs = np.concatenate([np.zeros(3), np.ones(k)])
    sol = np.linalg.lstsq(K, rhs, rcond=None)[0]
    w_new = sol[:3]
    new_margins = lab * (Zh @ w_new)
    if (np.all(new_margins >= 1.0 - 1e-12)
            and w_new[0] ** 2 + w_new[1] ** 2 <= (w[0] ** 2 + w[1] ** 2) * (1 + 1e-9)):
        return w_new
    return w


def solve_svm(points, labels):
    """The hard-margin SVM line (a, b, c) as three floats.

    Minimises a² + b² subject to lᵢ(a·xᵢ + b·yᵢ + c) ≥ 1, for points of shape (n, 2)
    and labels ±1 (a linearly separable set). Coordinates are centred and scaled first:
    with z = (p − m)/s the constraint values are unchanged and the objective is divided
    by s², so the optimum maps back exactly.
    """
    P, lab = _check_data(points, labels)
    m = P.mean(axis=0)
    s = float(np.max(np.abs(P - m))) or 1.0
    Z = (P - m) / s
    Zh = np.column_stack([Z, np.ones(len(Z))])
    constraint = {
        "type": "ineq",
        "fun": lambda w: lab * (Zh @ w) - 1.0,
        "jac": lambda w: lab[:, None] * Zh,
    }
    res = minimize(
        lambda w: w[0] ** 2 + w[1] ** 2,
        _feasible_start(Z, lab),
        jac=lambda w: np.array([2.0 * w[0], 2.0 * w[1], 0.0]),
        constraints=[constraint],
        method="SLSQP",
        options={"ftol": 1e-12, "maxiter": 1000},
    )
    w = _polish(Z, lab, res.x)
    a, b, c = w[0] / s, w[1] / s, w[2] - (w[0] * m[0] + w[1] * m[1]) / s
    return float(a), float(b), float(c)


def six_point_line():
    """The SVM line of the course's six points: (2/3, 2/3, −1)."""
    return solve_svm(SIX_POINTS, SIX_LABELS)


def support_vectors(points, labels, line, tol=1e-6):
    """Sorted indices i whose constraint is active: lᵢ(a xᵢ + b yᵢ + c) − 1 ≤ tol.

    (A violated constraint counts too; for a feasible line there is none.)
    """
    P, lab = _check_data(points, labels)
    a, b, c = (float(t) for t in line)
    margins = lab * (a * P[:, 0] + b * P[:, 1] + c)
    return [int(i) for i in np.flatnonzero(margins - 1.0 <= tol)]


def lagrangian_partials():
    """(∂L/∂a, ∂L/∂b, ∂L/∂c) of the three-point Lagrangian, symbols a b c lambda1..3:
    (2a + λ2 + 2λ3, 2b + 2λ2 + λ3, −λ1 + λ2 + λ3)."""
    a, b, c = sp.symbols("a b c")
    l1, l2, l3 = sp.symbols("lambda1 lambda2 lambda3")
    L = (a**2 + b**2 + l1 * (-c - 1) + l2 * (a + 2 * b + c - 1)
         + l3 * (2 * a + b + c - 1))
    return tuple(sp.diff(L, v) for v in (a, b, c))


def extra_points_change_line():
    """Does adding (−1,−1), (−3,−1), (3,3) to the three-point problem move the line?

    Solve both and compare: the added points lie strictly outside the margins (they are
    not support vectors), so the optimum is unchanged: False. The comparison tolerance
    (1e-3) is loose on purpose: it must not mistake solver round-off for a new line.
    """
    three = np.array(solve_svm(THREE_POINTS, THREE_LABELS))
    six = np.array(solve_svm(SIX_POINTS, SIX_LABELS))
    return not bool(np.allclose(three, six, rtol=1e-3, atol=1e-3))
