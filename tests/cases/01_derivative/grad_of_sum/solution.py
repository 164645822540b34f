# autodiff_derivative as the gradient of sum(f(xs)): for an element-wise f, d/dx_i sum_j f(x_j) = f'(x_i), no vmap needed.


def autodiff_derivative(f):
    grad_of_total = jax.grad(lambda xs: jnp.sum(f(xs)))

    def g(xs):
        return grad_of_total(jnp.asarray(xs, dtype=jnp.float64))

    return g
