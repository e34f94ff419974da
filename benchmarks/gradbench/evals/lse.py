"""lse: the log-sum-exp of a vector, and its gradient (reverse mode)."""

import numpy as np
from scipy.special import logsumexp

import s2sad


def prepare(input):
    return (np.array(input["x"], dtype=np.float64),)


def lse(x):
    """log(sum(exp(x))), computed without overflow."""
    return logsumexp(x)


def gradient(x):
    return s2sad.grad(lse)(x)

FUNCTIONS = {
    "primal": (lse, float),
    "gradient": (gradient, lambda g: g.tolist()),
}
