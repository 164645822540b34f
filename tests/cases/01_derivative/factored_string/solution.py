# symbolic_derivative as factored text with implicit multiplication: x(3x - 4) equals 3x^2 - 4x.


def symbolic_derivative():
    return "x(3x - 4)"
