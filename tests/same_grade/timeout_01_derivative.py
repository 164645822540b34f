# An infinite loop in symbolic_derivative (one check): it can only end by the time limit.
def symbolic_derivative():
    while True:
        pass
