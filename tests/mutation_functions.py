"""Functions already in s2sad's normal form (one operation per statement) that
write into arrays; test_forward.py feeds them to the forward transform directly.
"""

import numpy as np

from s2sad.runtime import zeros_like

IDX = np.array([0, 2, 0, 4])


def writes_slice(x, g):
    y = x * 2.0
    g_head = g[:2]
    y[1:3] = g_head
    z = y * x
    return z


def writes_add(x, g):
    y = zeros_like(x)
    g_head = g[:2]
    y[1:3] += g_head
    x0 = x[0]
    y[4] += x0
    z = y * x
    return z


def writes_add_at(x, g):
    y = x * 1.5
    np.add.at(y, IDX, g)
    z = np.sin(y)
    return z


def writes_constant(x, g):
    y = x * 2.0
    y[1:3] = 0.5
    g0 = g[0]
    z = y * g0
    return z


def writes_alias(x, g):
    y = x + 0.0
    y[0] = 5.0
    return y


def has_loop(x):
    y = x * 2.0
    for i in range(3):
        y = y * x
    return y


def has_delete(x):
    y = x * 2.0
    del x
    return y
