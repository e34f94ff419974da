"""A two-layer perceptron with a tanh hidden layer, trained on mean squared error."""

import numpy as np


def loss(W1, b1, W2, b2, X, y):
    """X: (n, d) inputs, y: (n, k) targets, W1: (d, h), b1: (h,), W2: (h, k), b2: (k,)."""
    hidden = np.tanh(np.dot(X, W1) + b1)
    prediction = np.dot(hidden, W2) + b2
    return np.mean((prediction - y) ** 2)
