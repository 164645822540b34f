# Hand-written bad submission: autodiff_derivative never returns (an infinite loop).
# Each check that calls it times out; the rest of the submission is graded normally.


def autodiff_derivative(f):
    while True:
        pass
