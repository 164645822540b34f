

# --- appended by tests/test_same_grade.py: 4 s of CPU (over the 1 s limit at scale 0.1),
# then the right answer: every backend must time it out on CPU time, bwrap included
def symbolic_derivative():
    import time

    import sympy as sp

    end = time.process_time() + 4.0
    while time.process_time() < end:
        pass
    x = sp.Symbol("x")
    return 3 * x**2 - 4 * x
