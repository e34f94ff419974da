"""Functions the core tests differentiate (s2sad reads source, so they live in a file)."""

import numpy as np

SCALE = 3.0


def seed(x, w, y):
    z = (np.dot(x, w) - y) ** 2
    return z


def reassign(x):
    x = x * 2.0
    x = np.sin(x)
    x += 1.0
    return x


def swap(a, b):
    a, b = b, a
    return a * 3.0 + b


def uses_global(x):
    return SCALE * x * x


def vector_out(x):
    return np.sin(x) * 2.0


def two_outputs(x, y):
    return x * y, x + y


def constant_output(x):
    return 2.0


def unrelated(x, w):
    return np.sum(x * x)


def alias_then_augment(x):
    y = x
    y += 1.0
    return np.sum(x * y)


def with_try(x):
    try:
        y = x * 2
    except ValueError:
        y = x
    return y


def with_generator(x):
    yield x


def with_global(x):
    global SCALE
    return x * SCALE


def with_with(x):
    with open("f") as fh:
        y = x
    return y


def calls_unknown(x):
    return np.linalg.slogdet(x)[1]


def prints(x):
    print(x)
    return x


def early_return(x):
    return x
    y = x


def store_into(x):
    x[0] = 1.0
    return np.sum(x)


def undefined_name(x):
    return x * not_defined_anywhere  # noqa: F821


def with_default(x, scale=2.0):
    return scale * np.sum(x ** 2)


def int_shape(x):
    n = x.shape[0]
    return np.sum(x) / n + len(x)


def same_output_twice(x):
    y = x * 2.0
    return y, y


def tuple_indexed(x, y):
    t = (x * 2.0, y)
    return t[0] * t[1]


def tuple_unpacked_and_indexed(x):
    t = (np.sin(x), x * 3.0)
    a, b = t
    return a * b + t[0]


def appended_then_updated(x):
    v = x * 1.0
    acc = []
    for i in range(2):
        v *= 0.5
        acc.append(v)
    return np.sum(np.array(acc))
