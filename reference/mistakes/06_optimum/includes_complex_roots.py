# Some of your critical points are complex numbers: sp.solve returns every root of f'(x) = 0, including non-real ones. Only real points can be maxima or minima of a real function: solve over the reals (sp.solveset(..., domain=sp.S.Reals)) or drop the roots that are not real.
def critical_points(expr, var):
    v = _as_symbol(expr, var)
    result = {}
    for p in sp.solve(sp.diff(expr, v), v):
        if p.is_real and not _is_real_number(expr.subs(v, p)):
            continue  # outside the domain (e.g. log of a negative number)
        deriv = sp.diff(expr, v)
        for order in range(2, MAX_ORDER + 1):
            deriv = sp.diff(deriv, v)
            value = sp.simplify(deriv.subs(v, p))
            if value == 0:
                continue
            if order % 2 == 1:
                result[p] = "neither"
            elif value.is_positive:
                result[p] = "minimum"
            elif value.is_negative:
                result[p] = "maximum"
            else:
                result[p] = "neither"
            break
    return result
