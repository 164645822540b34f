# Hard-coded: nn_model builds a perceptron with one output, n_y = 1.
def nn_model(X, Y, num_iterations=100, learning_rate=1.2, seed=0):
    parameters = initialize_parameters(np.shape(X)[0], 1, seed)
    for _ in range(num_iterations):
        A = forward_propagation(X, parameters)
        parameters = update_parameters(parameters, backward_propagation(A, X, Y), learning_rate)
    return parameters
