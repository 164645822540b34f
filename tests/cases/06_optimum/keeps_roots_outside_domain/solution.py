# Wrong: keeps every real root of f′, also those where f is not defined (x = −√2 for x²/2 − 2·log x).
def critical_points(expr, var):
    v = _as_symbol(expr, var)
    return {p: _classify(expr, v, p) for p in _real_roots_of_derivative(expr, v) if _is_real_number(p)}
