# Wrong: when f″ and f‴ both vanish it assumes a minimum instead of differentiating further.
def _classify(expr, v, p):
    f2 = sp.diff(expr, v, 2).subs(v, p)
    if not _is_zero(f2):
        return "minimum" if sp.N(f2) > 0 else "maximum"
    f3 = sp.diff(expr, v, 3).subs(v, p)
    return "neither" if not _is_zero(f3) else "minimum"
