"""Custom rules: an opaque (C-implemented) function with a user adjoint, and a constant."""

import math

import numpy as np

import s2sad

erf = np.vectorize(math.erf, otypes=[float])


@s2sad.adjoint(erf)
def erf_adjoint(y, y_bar, x):
    return y_bar * 2.0 / np.sqrt(np.pi) * np.exp(-x * x)


def uses_erf(x):
    return erf(x * 2.0) * x


def stop_gradient(x):
    return np.round(x * 1000.0) / 1000.0


s2sad.nondifferentiable(stop_gradient)


def uses_stop(x):
    return np.sum(x * x + stop_gradient(x))


def unrelated(n):
    return n * 2.0


def inactive_helper_call(x, n):
    return x * unrelated(n) * 2.0 / 3.0 * n
