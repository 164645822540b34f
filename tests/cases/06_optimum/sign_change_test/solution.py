# Correct, differently: classifies each critical point by the sign of f′ just left and right of it (60 digits), float keys.
def critical_points(expr, var):
    v = _as_symbol(expr, var)
    out = {}
    d = sp.diff(expr, v)
    for p in _real_roots_of_derivative(expr, v):
        if not _is_real_number(expr.subs(v, p)):
            continue
        h = sp.Rational(1, 10**8)
        left, right = sp.N(d.subs(v, p - h), 60), sp.N(d.subs(v, p + h), 60)
        out[float(p)] = "minimum" if left < 0 < right else "maximum" if left > 0 > right else "neither"
    return out
