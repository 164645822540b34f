# Wrong: -1/x**2 is the derivative of 1/x (the second derivative of log x), not of log x.
def log_derivative():
    return -1 / x**2
