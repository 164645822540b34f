# jax_gradient uses jax.value_and_grad, so it returns the pair (f(p), grad f(p)) instead of the gradient alone.


def jax_gradient(f):
    return jax.value_and_grad(f)
