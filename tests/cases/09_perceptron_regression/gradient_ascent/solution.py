# Wrong: update_parameters adds the gradient instead of subtracting it, so nn_model climbs the cost and blows up.
def update_parameters(parameters, grads, learning_rate):
    return {
        "W": parameters["W"] + learning_rate * grads["dW"],
        "b": parameters["b"] + learning_rate * grads["db"],
    }
