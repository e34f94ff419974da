"""Functions that change lists (append, extend, insert, pop, item assignment, +=),
through one name or several, for tests/test_containers_lists.py."""

import numpy as np

GLOBAL_ITEMS = [1.0, 2.0]


def append_through_alias(x, y):
    a = [x]
    b = a
    b.append(y)
    return a[0] * a[1]


def every_method(x, y):
    a = [x]
    b = a
    b.append(y)
    b.insert(0, x * y)
    a.extend([x, y])
    v = a.pop(1)
    w = b.pop()
    return v * a[0] + w * 3.0 + len(a) * a[-1]


def insert_negative(x, y):
    a = [x, y, x * y]
    a.insert(-1, y * y)
    a.insert(10, x)
    return a[0] * a[1] + a[2] * a[3] - a[4] * a[2]


def item_assignment_and_iadd(x, y):
    a = [x, y]
    b = a
    a[0] = a[1] * x
    a += [y * y]
    b += (x,)
    return b[0] * b[1] + a[2] * a[3]


def pop_into_expression(x, y):
    a = [x, y, x * y]
    s = a.pop() * a.pop(0)
    return s + a[0]


def append_to_argument(xs, y):
    xs.append(y * y)
    return xs[0] * xs[-1] + len(xs)


def extend_argument_through_alias(xs, y):
    b = xs
    b.extend([y, y * 2.0])
    return xs[-1] * xs[0]


def append_in_loop(x, n):
    xs = []
    h = x
    for i in range(n):
        h = np.sin(h) * 0.9 + 0.1
        xs.append(h * h)
    return sum(xs)


def append_reading_the_list(x, n):
    xs = [x]
    for i in range(n):
        xs.append(np.cos(xs[-1]) * x)
    return xs[-1] + xs[1]


def read_before_appending(x, n):
    xs = [x, 2.0 * x]
    first = xs[0] * xs[-1]
    for i in range(n):
        xs.append(xs[0] * i)
    return first + sum(xs)


def append_in_nested_loops(x, n):
    total = 0.0
    for j in range(2):
        xs = []
        for i in range(n):
            xs.append(x * (i + j))
        total = total + sum(xs) * x
    return total


def append_arrays(w, n):
    hs = []
    h = w
    for i in range(n):
        h = np.tanh(h * 1.1)
        hs.append(h)
    return np.sum(np.stack(hs) ** 2)


def append_constants_and_values(x, n):
    xs = []
    for i in range(n):
        xs.append(1.0)
        xs.append(x * i)
    return sum(xs) * x


def pop_in_loop(x, n):
    xs = [x * i for i in range(n)]
    s = 0.0
    while len(xs) > 0:
        v = xs.pop()
        s = s + v * v
    return s


def list_output(x, n):
    xs = []
    for i in range(n):
        xs.append(x * i)
    return xs


def of_vector(v):
    a = [v[0], v[1]]
    b = a
    b.append(v[0] * v[1])
    a.insert(1, v[1] * v[1])
    u = b.pop(0)
    a[0] = a[0] * u
    a += [v[0]]
    return a[0] * a[1] + a[2] * a[-1] + append_in_loop(v[1], 3) * v[0]


def held_in_a_container(x, y):
    a = [x]
    p = [a, 1.0]
    a.append(y)
    return p[0][1]


def through_a_helper(x, y):
    a = [x]
    b = _same(a)
    b.append(y)
    return a[-1]


def _same(z):
    return z


def global_list(x):
    b = GLOBAL_ITEMS
    b.append(x)
    return b[-1] * x


def dict_pop(x):
    d = [x, 2.0 * x]
    return d.pop("key")


def pop_front_in_loop(x, n):
    xs = [x * (i + 1.0) for i in range(n)]
    s = 0.0
    for i in range(n - 1):
        v = xs.pop(0)
        s = s + v * np.sin(v)
    return s + xs[0]


def pop_second_last(x, n):
    xs = [x * (i + 1.0) for i in range(n)]
    s = 0.0
    for i in range(n - 2):
        s = s + xs.pop(-2) ** 2
    return s * xs[-1] + xs[0]


def pops_of_vector(v):
    xs = []
    for i in range(4):
        xs.append(v[0] * np.cos(v[1] * i))
    s = 0.0
    while len(xs) > 1:
        s = s + xs.pop() * v[1] + xs.pop(0) ** 2
    return s


def appended_then_array(x, n):
    acc = []
    for i in range(n):
        acc.append(np.log(x[i] * x[i] + 1.0) * x[i])
    return np.sum(np.array(acc) ** 2) + np.sum(np.array([0.3, -0.7]) * acc)


def append_in_loop_through_alias(x, n):
    a = [x]
    b = a
    for i in range(n):
        b.append(b[-1] * x)
    return a[-1] + len(a) * a[1]


def pop_in_while_through_alias(x, n):
    a = [x * (i + 1.0) for i in range(n)]
    b = a
    s = 0.0
    while len(a) > 1:
        s = s + b.pop() * a[0]
    return s + b[0]


def alias_broken_in_loop(x, n):
    a = [x]
    b = a
    for i in range(n):
        b.append(x * i)
        b = [x]
    return a[-1]


def append_then_iterate(x, n):
    xs = []
    for i in range(n):
        xs.append(x * i + 1.0)
    s = 0.0
    for v in xs:
        s = s + v * v * x
    return s + xs[0] * xs[-1]


def append_then_iterate_of_vector(v):
    return append_then_iterate(v[0], 4) * v[1]


def tuple_items_read_in_loop(x):
    t = (x, 2.0 * x, x * x)
    s = 0.0
    for i in range(3):
        s = s + t[i] * t[i]
    return s


def append_to_a_copy(xs, n):
    ys = list(xs)
    for i in range(n):
        ys.append(ys[0] * i)
    zs = list(xs)
    for i in range(n):
        zs.append(xs[1] * i)
    return sum(ys) * sum(zs) + sum(xs)


def append_to_an_item(x):
    outer = [[x], [2.0 * x]]
    outer[0].append(x * x)
    return outer[0][1]


def append_to_a_list_inside_another(x):
    outer = [[x], [2.0 * x]]
    inner = outer[0]
    inner.append(x * x)
    return inner[1] + outer[1][0]


def while_the_list_is_not_empty(x, n):
    xs = [x * (i + 1.0) for i in range(n)]
    xs.pop()
    s = 0.0
    while xs:
        s = s + xs.pop() * x
    return s


def while_a_counter(x, n):
    k = n
    s = 0.0
    while k:
        s = s + x * k
        k = k - 1
    return s


def dict_pop_by_name(x):
    d = {"a": x, "b": 2.0 * x}
    k = "a"
    return d.pop(k) * x


def list_made_on_one_path(x, flag):
    if flag:
        xs = [x]
    xs.append(x * x)
    return xs[0] * xs[1]



def through_a_local_helper(x, y):
    def same(z):
        return z
    a = [x]
    b = same(a)
    b.append(y)
    return a[-1] * a[0]


def through_a_helper_of_vector(v):
    a = [v[0]]
    b = _same(a)
    b.append(v[1] * v[0])
    return a[-1] * a[0]


def item_assignment_in_loop(x, n):
    xs = [x, x * 2.0, x * 3.0]
    for i in range(n):
        xs[i % 3] = xs[(i + 1) % 3] * x + xs[i % 3]
    return xs[0] * xs[1] * xs[2]


def item_assignment_in_loop_through_alias(x, n):
    a = [x, x * 2.0, x * 3.0]
    b = a
    for i in range(n):
        b[i % 3] = a[(i + 1) % 3] * x + b[i % 3]
    return a[0] * a[1] * b[2]


def iadd_in_loop_through_alias(x, n):
    a = [x]
    b = a
    for i in range(n):
        b += [b[-1] * x]
    return sum(a) * a[-1]


def insert_and_extend_in_loop(x, n):
    xs = [x]
    for i in range(n):
        xs.insert(0, xs[-1] * x)
        xs.extend([x * i, np.sin(xs[0])])
        xs += (x + i,)
    return sum(xs) * xs[1]


def append_in_a_branch_through_alias(x, c):
    a = [x]
    b = a
    if c > 0:
        b.append(x * 2.0)
    a.append(x * 3.0)
    return sum(b) * b[-1]


def change_in_branches(x, c):
    a = [x, 2.0 * x]
    if c > 0:
        a[0] = a[1] * x
    else:
        a.insert(0, x * x)
    return a[0] * a[-1]


def list_made_again_in_the_loop(x, n):
    xs = [x * 1.0]
    for i in range(n):
        if i % 3 == 2:
            xs = [x * i]
        else:
            xs.append(np.sin(x * i))
    return sum(xs) * xs[0]
