"""llsq: a linear least-squares objective, and its gradient (reverse mode).

The reference sums over ``n`` sample points in parallel and, for each, runs a
sequential loop over the ``m`` coefficients; the port keeps that loop and
handles the sample points as one array.
"""

import numpy as np

import s2sad


def prepare(input):
    return np.array(input["x"], dtype=np.float64), int(input["n"])


def t(i, n):
    return -1.0 + i * 2.0 / (n - 1)


def primal(x, n):
    m = x.shape[0]
    ti = t(np.arange(n), n)
    inner_sum = np.sign(ti)
    mul = np.ones(n)
    for j in range(m):
        inner_sum -= x[j] * mul
        mul *= ti
    return np.sum(inner_sum * inner_sum) / 2.0


def gradient(x, n):
    return s2sad.grad(primal)(x, n)

FUNCTIONS = {
    "primal": (primal, float),
    "gradient": (gradient, lambda g: g.tolist()),
}
