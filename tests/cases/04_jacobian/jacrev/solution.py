# jax_jacobian with reverse mode, jax.jacrev: one pass per output, the same (m, n) matrix as jacfwd.


def jax_jacobian(f):
    return jax.jacrev(f)
