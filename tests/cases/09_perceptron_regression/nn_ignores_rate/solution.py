# Wrong: nn_model always steps with learning rate 1.2, whatever learning_rate says.
def nn_model(X, Y, num_iterations=100, learning_rate=1.2, seed=0):
    n_x, n_y = layer_sizes(X, Y)
    parameters = initialize_parameters(n_x, n_y, seed)
    for _ in range(num_iterations):
        A = forward_propagation(X, parameters)
        parameters = update_parameters(parameters, backward_propagation(A, X, Y), 1.2)
    return parameters
