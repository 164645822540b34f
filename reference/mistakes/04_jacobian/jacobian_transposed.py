# Returns the (n, m) transpose of the Jacobian: rows must be outputs, columns inputs.
def jax_jacobian(f):
    jacobian = jax.jacfwd(f)
    return lambda point: jacobian(jnp.asarray(point, dtype=jnp.result_type(float))).T
