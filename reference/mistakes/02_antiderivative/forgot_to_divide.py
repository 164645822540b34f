# You raised the powers but did not divide by the new power: the integral of x^n is x^(n+1)/(n+1), so 3x^2 gives x^3 and -4x gives -2x^2.


def antiderivative():
    return "3x^3 - 4x^2"
