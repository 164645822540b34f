# You stopped at the second derivative: when f''(p) = 0 the test is inconclusive, not "neither" (x⁴ has a minimum at 0). Keep differentiating until a derivative is non-zero at p: an even order means an extremum (its sign says which), an odd order means neither.
def critical_points(expr, var):
    v = _as_symbol(expr, var)
    result = {}
    for p in _real_roots_of_derivative(expr, v):
        if not _is_real_number(expr.subs(v, p)):
            continue
        curvature = sp.diff(expr, v, 2).subs(v, p)
        if _is_zero(curvature):
            result[p] = "neither"
        elif sp.N(curvature, 50) > 0:
            result[p] = "minimum"
        else:
            result[p] = "maximum"
    return result
