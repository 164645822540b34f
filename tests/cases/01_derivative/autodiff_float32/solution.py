# autodiff_derivative casts xs to float32: jax.vmap(jax.grad(f)) in single precision misses rtol 1e-9.


def autodiff_derivative(f):
    g = jax.vmap(jax.grad(f))
    return lambda xs: g(jnp.asarray(xs, dtype=jnp.float32))
