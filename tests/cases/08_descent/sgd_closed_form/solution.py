# Wrong: sgd returns the least-squares θ (np.linalg.lstsq) instead of running the seeded mini-batch descent.
def sgd(X, y, theta0, learning_rate, epochs, batch_size, seed):
    return np.linalg.lstsq(np.asarray(X), np.asarray(y), rcond=None)[0]
