"""Lists, dicts and comprehensions for the reverse-mode tests (s2sad reads their source)."""

import numpy as np

def append_loop(x, n):
    xs = []
    for i in range(n):
        x = np.sin(x) * 1.1
        xs.append(x)
    return sum(xs)

def stack_history(W, h0, T):
    hs = [h0]
    h = h0
    for t in range(T):
        h = np.tanh(W @ h)
        hs.append(h)
    H = np.stack(hs)
    return np.sum(H ** 2) + np.sum(hs[-1])

def comprehension(x):
    ys = [np.sin(x * k) for k in range(4)]
    zs = [v * v for v in ys if True]
    return sum(zs) + ys[2]

def over_rows(X):
    return sum([np.sum(row ** 3) for row in X])

def dict_params(params, x):
    h = np.tanh(params["W"] @ x + params["b"])
    return np.sum(h * h)

def dict_literal(W, b, x):
    p = {"W": W, "b": b}
    return dict_params(p, x)


def params_tuple(params, x):
    W, b = params
    return np.sum(np.tanh(W @ x + b) ** 2) + np.sum(params[1])


def filtered(x):
    return sum([v * v for v in x if v > 0])
