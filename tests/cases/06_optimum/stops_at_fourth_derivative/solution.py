# Wrong: the first-non-zero-derivative test gives up after f⁗ and calls the point "neither" (an order-6 minimum is missed).
def _classify(expr, v, p):
    deriv = sp.diff(expr, v)
    for order in range(2, 5):
        deriv = sp.diff(deriv, v)
        value = deriv.subs(v, p)
        if _is_zero(value):
            continue
        if order % 2 == 1:
            return "neither"
        return "minimum" if sp.N(value, 50) > 0 else "maximum"
    return "neither"
