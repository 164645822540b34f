# os.abort() (SIGABRT) in every call of riemann_sum.
def riemann_sum(f, a, b, dx):
    import os
    os.abort()
