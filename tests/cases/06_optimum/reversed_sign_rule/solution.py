# Wrong: the sign rule is reversed (a positive even-order derivative means the graph curves up: a minimum, not a maximum).
def critical_points(expr, var):
    v = _as_symbol(expr, var)
    result = {}
    for p in _real_roots_of_derivative(expr, v):
        if not _is_real_number(expr.subs(v, p)):
            continue
        deriv = sp.diff(expr, v)
        for order in range(2, MAX_ORDER + 1):
            deriv = sp.diff(deriv, v)
            value = deriv.subs(v, p)
            if _is_zero(value):
                continue
            if order % 2 == 1:
                result[p] = "neither"
            else:
                result[p] = "maximum" if sp.N(value, 50) > 0 else "minimum"
            break
    return result
