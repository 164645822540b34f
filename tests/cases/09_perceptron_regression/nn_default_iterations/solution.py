# Wrong: nn_model's default is num_iterations=101, not the 100 of the contract.
def nn_model(X, Y, num_iterations=101, learning_rate=1.2, seed=0):
    n_x, n_y = layer_sizes(X, Y)
    parameters = initialize_parameters(n_x, n_y, seed)
    for _ in range(num_iterations):
        Y_hat = forward_propagation(X, parameters)
        parameters = update_parameters(parameters, backward_propagation(Y_hat, X, Y), learning_rate)
    return parameters
