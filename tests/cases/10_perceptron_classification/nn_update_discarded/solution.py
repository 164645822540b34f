# Wrong: nn_model calls update_parameters but throws its result away, so the parameters never change.
def nn_model(X, Y, num_iterations=100, learning_rate=1.2, seed=0):
    n_x, n_y = layer_sizes(X, Y)
    parameters = initialize_parameters(n_x, n_y, seed)
    for _ in range(num_iterations):
        A = forward_propagation(X, parameters)
        grads = backward_propagation(A, X, Y)
        update_parameters(parameters, grads, learning_rate)
    return parameters
