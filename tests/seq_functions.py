"""Lists and tuples as values (concatenation, repetition, slices, items, loops over
them) for tests/test_containers_seq.py; s2sad reads their source."""

import numpy as np


def concat_list(x, y):
    a = [x] + [y]
    return a[0] * a[1] + a[1]


def concat_tuple(x, y):
    a = (x,) + (y,)
    return a[0] * a[1] + a[1]


def concat_param(xs, v):
    a = xs + [v]
    return a[0] * a[2] + a[1] * a[2]


def repeat_literal(x):
    a = [x, 2 * x] * 3
    return a[0] * a[3] + a[5]


def repeat_param(xs):
    a = 2 * xs
    return a[0] * a[2] + a[3]


def repeat_count(xs, n):
    a = xs * n
    return a[0] * a[-1] + np.sin(a[1])


def slice_rest(xs):
    rest = xs[1:]
    return xs[0] + 3.0 * rest[0] + 2.0 * rest[1]


def slice_reversed(xs):
    r = xs[::-1]
    return r[0] * 2.0 + r[2] * r[1]


def slice_bounds(xs, a, b):
    mid = xs[a:b]
    return mid[0] * mid[-1] + xs[0]


def local_slices(x, a, b):
    xs = [x, 2.0 * x, x * x, 3.0]
    mid = xs[a:b]
    t = tuple(xs)
    tail = t[1:]
    return mid[0] * mid[-1] + tail[0] * tail[2]


def tuple_params(params, x):
    W = params[0]
    b = params[1]
    return np.sum(np.tanh(W @ x + b))


def unpack_params(params, x):
    W, b = params
    return np.sum(np.tanh(W @ x + b) ** 2)


def layers_loop(layers, x):
    h = x
    for W, b in layers:
        h = np.tanh(W @ h + b)
    return np.sum(h)


def layers_index(layers, x):
    h = x
    for i in range(len(layers)):
        W = layers[i][0]
        h = np.tanh(W @ h + layers[i][1])
    return np.sum(h * h)


def zip_enumerate(xs, ys, w):
    s = 0.0
    for i, (u, v) in enumerate(zip(xs, ys)):
        s = s + w * u * v * (i + 1)
    return s


def reversed_items(xs):
    s = 0.0
    for v in reversed(xs):
        s = s * 0.5 + v * v
    return s


def comprehension_tuple(ps):
    ys = [p * p for p in ps]
    zs = tuple([2.0 * y for y in ys])
    return sum(zs) + len(ps) * ps[0]


def concat_locals(x, y):
    a = (x, y)
    b = a + (x * y,)
    c = [b[2]] * 2 + list(b)
    return c[0] * c[1] + c[3] * c[4]


def tuple_state(x, n):
    state = (x, 1.0)
    for _ in range(n):
        state = (state[0] * state[1], state[0] + 0.5)
    return state[0] + state[1]


def zip_bound_to_a_name(xs, ys, w):
    pairs = zip(xs, ys)
    s = 0.0
    for i, (u, v) in enumerate(pairs):
        s = s + w * u * v * i
    return s


def concat_product(xs, v):
    a = xs + [v]
    return a[0] * a[1] * a[2]


def item_read_twice(xs, w):
    a = xs[0]
    b = xs[0]
    t = b + w
    return np.sum(t * t) + np.sum(a * 3.0)


def int_times_array(x):
    a = 3 * x
    return np.sum(a) * 2.0
