# jax_gradient with forward mode, jax.jacfwd: for f: R^n -> R its Jacobian is the gradient, shape (n,).


def jax_gradient(f):
    return jax.jacfwd(f)
