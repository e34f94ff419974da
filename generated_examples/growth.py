"""A data-dependent while loop that stops with break once the value is large."""

import numpy as np


def grow(x, rate):
    steps = 0
    while True:
        x = x * rate + 0.1 * np.sin(x)
        steps = steps + 1
        if x > 5.0 or steps >= 100:
            break
    return x * steps
