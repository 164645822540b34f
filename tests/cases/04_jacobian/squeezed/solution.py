# jax_jacobian squeezes jax.jacfwd's result: an axis of length 1 disappears for f: R^1 -> R^3 and R^3 -> R^1.


def jax_jacobian(f):
    J = jax.jacfwd(f)
    return lambda p: jnp.squeeze(J(jnp.asarray(p, dtype=jnp.float64)))
