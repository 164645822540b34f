# Wrong: differentiates the textbook Lagrangian f − Σλᵢgᵢ instead of the given L = f + Σλᵢgᵢ, so every multiplier term has the opposite sign.
def lagrangian_partials():
    a, b, c = sp.symbols("a b c")
    l1, l2, l3 = sp.symbols("lambda1 lambda2 lambda3")
    return (2 * a - l2 - 2 * l3, 2 * b - 2 * l2 - l3, l1 - l2 - l3)
