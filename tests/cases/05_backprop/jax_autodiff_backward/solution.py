# Correct, written differently: backward and hidden_jacobian are obtained with JAX automatic differentiation (jax.grad / jax.jacobian) instead of the hand-written chain rule; both are jitted so that train stays fast.
import jax
import jax.numpy as jnp

_grad_loss = jax.jit(jax.grad(loss_fn))
_layer_jacobian = jax.jit(jax.jacobian(lambda W, b, x: jnp.tanh(x @ W + b), argnums=2))


def backward(params, cache, y):
    g = _grad_loss(params, cache["X"], np.asarray(y, dtype=np.float64))
    return {k: np.asarray(v) for k, v in g.items()}


def hidden_jacobian(W, b, x):
    return np.asarray(_layer_jacobian(W, b, np.asarray(x, dtype=np.float64)))
