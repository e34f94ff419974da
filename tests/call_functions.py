"""Programs that call the user's own Python functions (s2sad reads their source)."""

import numpy as np

import call_helpers
from call_helpers import norm2


def sq(a):
    return a * a


def affine(W, x, b=0.5):
    return np.tanh(W @ x + b)


def split(x):
    return np.sin(x), np.cos(x)


def uses_helpers(W, x):
    h = affine(W, x)
    s, c = split(h)
    return np.sum(sq(s) + c) + call_helpers.scale(np.sum(x), k=3.0) + norm2(x)


def power(x, n):
    if n == 0:
        return 1.0
    return x * power(x, n - 1)


def loop_calls(x, n):
    for i in range(n):
        x = sq(np.sin(x)) + x
    return x


def keyword_and_default(W, x):
    return np.sum(affine(W, x, b=-0.25)) + np.sum(affine(x=x, W=W))


def same_argument_twice(x):
    return mul(x, x)


def mul(a, b):
    return a * b


def make_scaled(c):
    def scaled(x):
        return c * np.sum(x ** 2)
    return scaled


scaled_by_3 = make_scaled(3.0)


def calls_closure(x):
    return scaled_by_3(x) + 1.0


def vector_helper(x):
    y = split(x * 2.0)
    return np.sum(y[0] * y[1])
def with_lambda(x, w):
    sq = lambda a: a * a
    act = lambda z: np.tanh(z) * w
    return np.sum(sq(act(x)) + sq(w))

def with_def(x, c):
    def step(v, k):
        t = np.sin(v) * c
        if k > 1:
            return t * k
        return t + v
    y = x
    for i in range(3):
        y = step(y, i)
    return np.sum(y)


def local_function_as_value(x):
    f = lambda a: a * 2.0
    return np.sum(list(map(f, x)))


def total(*terms):
    return sum(terms) * 2.0


def weighted(w, *xs):
    acc = 0.0
    for x in xs:
        acc = acc + w * x * x
    return acc


def uses_varargs(a, b):
    return total(a, np.sin(b), a * b) + weighted(0.5, a, b) + total(b)
