# Wrong: the training loop runs num_iterations - 1 steps (range(1, num_iterations)).
def nn_model(X, Y, num_iterations=100, learning_rate=1.2, seed=0):
    n_x, n_y = layer_sizes(X, Y)
    parameters = initialize_parameters(n_x, n_y, seed)
    for _ in range(1, num_iterations):
        A = forward_propagation(X, parameters)
        parameters = update_parameters(parameters, backward_propagation(A, X, Y), learning_rate)
    return parameters
