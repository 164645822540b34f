# Wrong: calls x = 0 a critical point of log x because 1/x "blows up" there; 0 is not in the domain of log, and 1/x is never zero, so there are none.
def log_critical_points():
    return [sp.Integer(0)]
