# gradient_expr as strings with implicit multiplication, gradient_at_1_1 as integers: the same answers in other types.


def gradient_expr():
    return ("2x", "2 y")


def gradient_at_1_1():
    return (2, 2)
