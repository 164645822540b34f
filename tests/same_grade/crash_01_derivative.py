# A segfault (a read from address 0 through ctypes) in every call of rate_of_change.
def rate_of_change(f, x, dx=1e-6):
    import ctypes
    return ctypes.string_at(0)
