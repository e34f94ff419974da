"""The seed example: squared error of a linear prediction, z = (<x, w> - y)^2."""

import numpy as np


def loss(x, w, y):
    z = (np.dot(x, w) - y) ** 2
    return z
