"""Programs with control flow for the reverse-mode zoo (s2sad reads their source)."""

import numpy as np


def scalar_loop(x, n):
    for i in range(n):
        x = 0.99 * x + np.sin(x)
    return x


def range_with_bounds(x):
    s = 0.0
    for i in range(1, 2 * len(x), 3):
        s = s + x[i // 3] * i
    return s


def loop_over_rows(W, X):
    total = 0.0
    for row in X:
        total = total + np.tanh(row @ W)
    return total


def enumerate_zip(a, b):
    acc = 0.0
    for k, v in enumerate(a):
        acc = acc + k * v * v
    for p, q in zip(a, b):
        acc = acc + p * q
    return acc


def branch(x):
    if x > 0:
        y = x * 2.0
    elif x > -1:
        y = np.sin(x)
    else:
        y = x ** 3
    return y * y


def branch_on_array(x):
    if np.sum(x) > 0:
        y = np.exp(x)
    else:
        y = x * x
    return np.sum(y)


def one_sided_branch(x, w):
    y = w * x
    if np.max(x) > 1.0:
        y = y * 3.0
    return np.sum(y)


def while_loop(x):
    s = 0.0
    while x < 10.0:
        x = x * 1.5
        s = s + x
    return s


def nested_loops(x, m):
    s = 0.0
    for i in range(3):
        for j in range(m):
            s = s + np.sin(x * i + j) * s + x
    return s


def branch_in_loop(x, n):
    for i in range(n):
        if x > 1.0:
            x = x * 0.5
        else:
            x = x * x + 1.0
    return x


def conditional_expressions(x, y):
    z = x * y if x > y else x + y
    return z if z > 0 and x < 5 else -z


def or_condition(x):
    y = x
    if x < -2.0 or x > 2.0:
        y = x * x
    return y


def rnn(W, U, xs, h0):
    h = h0
    for x in xs:
        h = np.tanh(W @ h + U @ x)
    return np.sum(h)


def euler(k, y0, steps):
    y = y0
    dt = 0.01
    for step in range(steps):
        y = y + dt * (-k * y + np.sin(y))
    return y


def two_outputs_in_loop(x, n):
    a = x
    b = 1.0
    for i in range(n):
        a, b = b * np.cos(a), a + b
    return a, b


def while_with_break(x):
    steps = 0
    while True:
        x = x * 1.1 + 0.1 * np.sin(x)
        steps = steps + 1
        if x > 5.0:
            break
    return x * steps


def for_with_break(x, n):
    total = 0.0
    for i in range(n):
        total = total + np.sin(x * i)
        if total > 1.5:
            break
    return total


def for_with_continue(x):
    total = 0.0
    for i in range(6):
        if i % 2 == 0:
            continue
        total = total + x ** i
    return total


def early_return(x):
    if x > 1.0:
        return x * x
    y = np.sin(x)
    return y * 2.0


def return_in_loop(xs):
    acc = 0.0
    for v in xs:
        acc = acc + v * v
        if acc > 2.0:
            return acc * 10.0
    return acc


def nested_break(x):
    total = 0.0
    for i in range(4):
        for j in range(4):
            if j > i:
                break
            total = total + x * (i + j)
    return total


def loop_over_a_rebound_name(x, z):
    for e in x:
        z = z + e
        x = 0.0 * x
    return z * np.sum(x + 1.0)


def tuple_returns_in_branches(x):
    if x > 0.0:
        return x * 2.0, x
    return x * x, np.sin(x)


def shape_changes_across_trips(x0, W, c):
    h = x0
    for i in range(2):
        h = W @ (h + c)
    return np.sum(h)


def carried_name_meets_its_start(x0, W, c):
    h = x0
    for i in range(2):
        h = W @ (h + c)
    return np.sum(h * x0)


def swap_in_loop(x, y, z):
    for k, e in enumerate(y):
        z, x = x, z * e
    return z * 2.0 + x


def same_value_on_both_sides(x):
    y = 0.0
    if x > 0:
        y = x
    else:
        y = x
    return y * 2.0


def negative_base_power(x):
    return (-2.0) ** 2 * x


C23 = np.array([[0.2, -0.4, 0.9], [1.1, 0.6, -0.3]])
C3 = np.array([0.3, -0.7, 1.1])


def transpose_of_a_constant(x):
    v = C23.T
    return x * np.sum(v * v)


def constant_method_in_a_branch(x):
    if x > 0.0:
        x = C3.sum()
    return x * 2.0


def constant_attribute_in_a_tuple(x):
    t, s = C23.T, 0.5
    return x @ x * s + np.sum(t)
