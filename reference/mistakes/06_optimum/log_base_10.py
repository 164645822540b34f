# 1/(x·ln 10) is the derivative of the base-10 logarithm; here (as in SymPy and NumPy) log is the natural logarithm, whose derivative is simply 1/x.
def log_derivative():
    return sp.diff(sp.log(x, 10), x)
