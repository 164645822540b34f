# Correct, differently: sp.solve for all roots of f', keep the real ones by evaluating them numerically, classify with the sign of the first non-zero higher derivative evaluated in floating point.
def critical_points(expr, var):
    v = sp.Symbol(str(var))
    expr = expr.subs({s: v for s in expr.free_symbols if s.name == v.name})
    f1 = sp.diff(expr, v)
    result = {}
    for p in sp.solve(f1, v):
        value = complex(sp.N(p))
        if abs(value.imag) > 1e-12 or not sp.N(expr.subs(v, p)).is_real:
            continue
        kind = None
        deriv = f1
        for order in range(2, 30):
            deriv = sp.diff(deriv, v)
            d = float(sp.N(deriv.subs(v, p), 30))
            if abs(d) < 1e-12:
                continue
            if order % 2:
                kind = "neither"
            else:
                kind = "minimum" if d > 0 else "maximum"
            break
        result[p] = kind
    return result
