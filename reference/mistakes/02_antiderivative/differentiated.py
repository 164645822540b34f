# You differentiated instead of integrating: 6x - 4 is f'(x). An antiderivative F must satisfy F' = f, so raise each power by one and divide by the new power.


def antiderivative():
    x = sp.Symbol("x")
    return sp.diff(3 * x**2 - 4 * x, x)
