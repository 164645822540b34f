# ∂L/∂c has a sign error: the first constraint term λ1(−c − 1) contributes −λ1 (the derivative of −c is −1), so ∂L/∂c = −λ1 + λ2 + λ3.
def lagrangian_partials():
    a, b, c = sp.symbols("a b c")
    l1, l2, l3 = sp.symbols("lambda1 lambda2 lambda3")
    return (2 * a + l2 + 2 * l3, 2 * b + 2 * l2 + l3, l1 + l2 + l3)
