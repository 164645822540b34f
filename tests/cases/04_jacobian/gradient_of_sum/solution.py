# jax_jacobian takes jax.grad of sum(f(v)): that adds up the rows and returns a vector of shape (n,), not the (m, n) Jacobian.


def jax_jacobian(f):
    return jax.grad(lambda v: jnp.sum(f(v)))
