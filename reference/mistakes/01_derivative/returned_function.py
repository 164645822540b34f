# You returned the function itself, not its derivative: differentiate it with sympy.diff(f, x).
# The same id covers x^3 - 2x^2 (f without its constant); this example is f itself, as text.


def symbolic_derivative():
    return "x^3 - 2x^2 + 1"
