"""The gradient-descent argmin that particle and saddle use (GradBench's
``gd.hpp`` rules: a step ``eta`` that doubles after ten good steps and halves
after a bad one; stop when the gradient or the step is below 1e-5).

This outer solver is plain Python; it is not differentiated.
"""

import numpy as np


def multivariate_argmin(f, g, x):
    """argmin of f from x, g being f's gradient."""
    fx = f(x)
    gx = g(x)
    i = 0
    eta = 1e-5
    while True:
        if np.sqrt(np.sum(gx * gx)) <= 1e-5:
            return x
        elif i == 10:
            eta *= 2
            i = 0
        else:
            x_prime = x - eta * gx
            if np.sqrt(np.sum((x - x_prime) ** 2)) <= 1e-5:
                return x
            fx_prime = f(x_prime)
            if fx_prime < fx:
                x = x_prime
                fx = fx_prime
                gx = g(x)
                i += 1
            else:
                eta /= 2
                i = 0
