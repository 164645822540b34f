# area_function with SciPy's cumulative_trapezoid(initial=0): the same trapezoid rule, from the library.
from scipy.integrate import cumulative_trapezoid


def area_function(f, xs):
    xs = np.asarray(xs, dtype=float)
    return cumulative_trapezoid(f(xs), xs, initial=0)
