"""A scalar ODE dy/dt = -k y + sin(y), integrated by explicit Euler steps."""

import numpy as np


def final_state(k, y0, steps):
    y = y0
    dt = 0.01
    for step in range(steps):
        y = y + dt * (-k * y + np.sin(y))
    return y
