# rate_of_change computed in float64 and returned as float32 (within rtol 1e-5), autodiff_derivative by forward mode (jax.jvp with a tangent of ones, f is element-wise).


def rate_of_change(f, x, dx=1e-6):
    x = np.asarray(x, dtype=float)
    return ((f(x + dx) - f(x - dx)) / (2 * dx)).astype(np.float32)


def autodiff_derivative(f):
    def g(xs):
        xs = jnp.asarray(xs, dtype=jnp.float64)
        return jax.jvp(f, (xs,), (jnp.ones_like(xs),))[1]
    return g
