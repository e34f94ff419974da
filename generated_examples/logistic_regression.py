"""Logistic regression: the mean binary cross-entropy of a linear classifier."""

import numpy as np


def loss(w, b, X, y):
    """X: (n, d) features, y: (n,) labels in {0, 1}, w: (d,) weights, b: bias."""
    logits = np.dot(X, w) + b
    p = 1.0 / (1.0 + np.exp(-logits))
    return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))
