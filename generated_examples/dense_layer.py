"""A dense tanh layer: its output is a vector, so it has a pullback (vjp), not a gradient."""

import numpy as np


def dense_tanh(W, b, x):
    """W: (m, n) weights, b: (m,) bias, x: (n,) input; returns the (m,) activations."""
    return np.tanh(np.dot(W, x) + b)
