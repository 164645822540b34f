# Hand-written bad submission: rate_of_change crashes the interpreter (a segfault through
# ctypes). Only the checks that call it should be lost, each with a clear message.
import ctypes


def rate_of_change(f, x, dx=1e-6):
    return ctypes.string_at(0)  # reads address 0: SIGSEGV
