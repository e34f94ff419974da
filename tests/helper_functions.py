"""Functions that call helpers of their own, for second derivatives through calls
(``test_second_order_helpers.py``).  Module level: the helpers are inlined
where they are called when s2sad computes second derivatives."""

import numpy as np

W = np.array([[0.5, -0.3], [0.2, 0.8]])


def model(w, x):
    return np.tanh(x @ w)


def loss(w, x, y):
    r = model(w, x) - y
    return np.sum(r * r)


def scaled(v, factor=2.0):
    return v * factor


def softplus(z):
    if np.max(z) > 20.0:
        return z
    return np.log1p(np.exp(z))


def smooth_norm(v, eps=1e-3):
    s = 0.0
    for e in v:
        s = s + softplus(e) * scaled(e, factor=0.5)
    return np.sqrt(s * s + eps)


def uses_global(v):
    return W @ v


def shadows_a_global(v):
    W = 3.0 * v          # the helper's W is the module's, not this one
    return np.sum(uses_global(v) * W)


def tanh(v):             # a helper named like a numpy temporary
    mul = v * v
    return mul + np.sin(v)


def collides(v):
    mul = np.tanh(v) * v
    return np.sum(tanh(mul) * mul)


def recursive_power(v, n):
    if n == 0:
        return 1.0 + 0.0 * v
    return v * recursive_power(v, n - 1)


def calls_recursive(v):
    return np.sum(recursive_power(v, 3))


def writes_into(a, v):
    a[0] = v[0] * v[1]
    return np.sum(a)


def calls_writer(v):
    buf = np.zeros(2)
    s = writes_into(buf, v)
    return s + np.sum(buf * v)


def squared(t):
    return t * t


def tanh_squared(v):
    return squared(np.tanh(scaled(v)))


def takes_the_global_name(W, v):
    return np.sum(uses_global(v) * W)


def cell(h, x, w):
    a = w * h + x
    return np.tanh(a)


def unrolled(w, xs):
    h = 0.1
    for x in xs:
        h = cell(h, x, w)
    return h * h


import foreign_model  # noqa: E402 (a helper module of its own)
from foreign_model import predict  # noqa: E402

GAIN = np.array([9.0, 9.0, 9.0])   # not the model's GAIN


def loss_of_a_foreign_model(w, x):
    r = predict(w, x)
    return np.sum(r * r) + np.sum(foreign_model.predict(w, x))


def reads_its_own_gain(w, x):
    return np.sum(GAIN * predict(w, x))


def calls_the_module_attribute(v):
    s = np.sum(v * v) * np.tanh(v[0])
    return s + np.sum(foreign_model.squashed(v * 2.0))
