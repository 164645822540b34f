"""06_optimum: critical points of one-variable functions, and why log x has none (see README.md)."""



def log_derivative():
    """Return d/dx log(x) as a SymPy expression in the plain symbol x = sp.Symbol("x").

    log is the natural logarithm (as in SymPy and NumPy). A string such as "1/x" is
    accepted too. Checked for symbolic equivalence on x > 0.
    """
    raise NotImplementedError


def log_critical_points():
    """Return the list of real x > 0 where the derivative of log(x) is zero.

    A list of numbers (SymPy numbers or floats); [] when there is none.
    """
    raise NotImplementedError


def log_extremum():
    """Return what kind of extremum log(x) has on x > 0: "maximum", "minimum" or "none"."""
    raise NotImplementedError


def critical_points(expr, var):
    """Find and classify every real critical point of a one-variable function.

    expr: a SymPy expression in one symbol (a polynomial, or a smooth function built
          from exp, log on x > 0 ... with finitely many critical points).
    var:  the SymPy symbol of the variable (symbols are matched by name).

    Returns a dict {point: kind}: one key per real x with f'(x) = 0 where f is defined,
    kind one of "maximum", "minimum", "neither". Keys may be exact SymPy numbers
    (Integer, Rational, sqrt(2) ...) or floats; they are compared numerically. When
    f''(p) = 0, use higher derivatives to decide. Example: x**3 - 2*x**2 + 1 gives
    {0: "maximum", 4/3: "minimum"}. Checked on the examples and on hidden functions.
    """
    raise NotImplementedError
