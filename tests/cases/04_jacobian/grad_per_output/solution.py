# jax_jacobian as one jax.grad per output, stacked as rows: row i is the gradient of output i.


def jax_jacobian(f):
    def J(p):
        p = jnp.asarray(p, dtype=jnp.float64)
        m = f(p).shape[0]
        return jnp.stack([jax.grad(lambda v, i=i: f(v)[i])(p) for i in range(m)])
    return J
