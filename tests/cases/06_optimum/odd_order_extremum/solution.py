# Wrong: uses the sign of the first non-zero derivative whatever its order, so x**3 at 0 (f''' = 6 > 0) is called a minimum; an odd order means an inflection point ("neither").
def critical_points(expr, var):
    v = _as_symbol(expr, var)
    result = {}
    for p in _real_roots_of_derivative(expr, v):
        if not _is_real_number(expr.subs(v, p)):
            continue
        deriv = sp.diff(expr, v)
        for _order in range(2, MAX_ORDER + 1):
            deriv = sp.diff(deriv, v)
            value = deriv.subs(v, p)
            if _is_zero(value):
                continue
            result[p] = "minimum" if sp.N(value, 50) > 0 else "maximum"
            break
    return result
