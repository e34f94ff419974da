"""Nonlinear least squares: a loss that calls the model it fits."""

import numpy as np


def model(w, X):
    return np.tanh(X @ w)


def loss(w, X, y):
    r = model(w, X) - y
    return np.sum(r * r)
