"""Starred targets (``first, *rest = xs``, also as ``for`` targets), starred items of
list and tuple displays (``[*xs, v]``, ``(*w.shape, 1)``) and generator expressions
consumed whole by a builtin (``sum(v * v for v in xs)``, ``tuple(...)``, ``any(...)``):
the fence refused them all; they are lowered early to list(), slices, + and
comprehensions.  Values against Python, derivatives against central finite
differences (float64), in reverse, forward and second order, through the API and in
code made without the arguments (``s2sad.source``, exec'd and called)."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads
from in_process import s2sad_command

BOTH = ("reverse", "forward")


# ---------------------------------------------------------------- the programs

def head_rest(xs):
    first, *rest = xs
    return first * rest[0] + sum(rest) * first + len(rest)


def init_last(xs):
    *init, last = xs
    return init[0] * last + init[-1] * 2.0


def middle(xs):
    a, *mid, b = xs
    return a * b + mid[0] * 3.0 + len(mid)


def only_rest(xs):
    *everything, = xs
    return everything[0] * everything[-1]


def rows(x):
    first, *rest = x
    return np.sum(first * rest[0]) + np.sum(rest[-1] ** 2)


def dict_keys(d):
    first, *others = d
    return d[first] * d[others[-1]] + len(others)


def nested(xs):
    (a, *b), c = xs
    return a * c + b[0] * b[1]


def list_and_index(xs):
    items = list(xs)
    return items[1] * xs[0] + items[0]


def rest_item_written(xs, v):
    first, *rest = xs
    rest[0] = rest[0] * v
    return np.sum(rest[0] + first * xs[1])


def rest_slice_written(xs, v):
    items = list(xs)
    rest = items[1:]
    rest[-1] = rest[-1] * v + items[0]
    items[0] = items[0] * 2.0
    return np.sum(rest[-1] * items[0] + xs[0] * rest[0])


def rest_is_a_new_list(xs, v):
    first, *rest = xs
    rest.append(v * first)
    return sum(rest) * xs[0] + len(xs)


def subscript_target(x):
    y = np.zeros(3)
    y[0], *rest = x
    return np.sum(y * 2.0) + rest[0] * rest[1]


def loop_target(table):
    s = 0.0
    for a, *rest in table:
        s = s + a * rest[-1] + len(rest)
    return s


def loop_target_in_enumerate(table):
    s = 0.0
    for i, (a, *rest) in enumerate(table):
        s = s + (i + 1.0) * a * rest[0]
    return s


def loop_target_with_break(table):
    s = 0.0
    for a, *rest in table:
        if a > 3.0:
            break
        s = s + a * sum(rest)
    return s + a * len(rest)


def list_display(xs, v):
    return np.sum(np.stack([*xs, v]) ** 2)


def tuple_display(a, xs, b):
    t = (a, *xs, b)
    return t[0] * t[1] + t[-1] * t[2] + len(t)


def shape_display(w):
    return np.sum(np.reshape(w, (*w.shape, 1)) ** 3)


def mixed_displays(x, xs):
    ys = [x, *xs, x * x, *xs]
    t = (*ys,)
    return ys[1] * ys[3] + t[-1] * t[0] + len(t)


def starred_display_in_call(x, y):
    return np.maximum(*[x * y, y]) * x


def helper_of_sum(xs):
    return sum(e * e for e in xs)


def unpack_into_helper(x):
    a, *rest = [x, 2.0 * x, np.sin(x)]
    return helper_of_sum([*rest, a])


def sum_of_generator(xs):
    return sum(v * v for v in xs)


def sum_with_condition_and_start(xs):
    return sum((v * v for v in xs if v > 0.0), 1.0)


def tuple_of_generator(xs):
    t = tuple(e * 2.0 for e in xs)
    return t[0] * t[1] + len(t)


def list_of_generator(xs):
    ys = list(np.sin(e) for e in xs)
    ys.append(xs[0])
    return ys[0] * ys[-1] + ys[1]


def any_all_in_conditions(xs):
    if any(v > 1.0 for v in xs):
        s = xs[0] * 2.0
    else:
        s = xs[0] * 3.0
    if all(v > -5.0 for v in xs):
        s = s * xs[1]
    return s


def dict_of_generator(p):
    q = dict((k, v * 2.0) for k, v in p.items())
    return q["a"] * q["b"]


def max_of_lengths(table):
    n = max(len(r) for r in table)
    return table[0][0] * n


def generator_unpacked_by_a_starred_target(xs):
    a, *rest = (v * v for v in xs)
    return a * rest[-1] + sum(rest)


def generator_unpacked_in_displays(xs, y):
    t = (y, *(np.sin(v) for v in xs))
    items = [*(v * y for v in xs), y]
    return t[1] * t[0] + items[0] * items[-1] + len(t)


def local_function_with_generator(xs):
    def squares(t):
        return tuple(e * e for e in t)
    u = squares(xs)
    return u[0] * u[1]


# ---------------------------------------------------- reverse and forward mode

CASES = [
    (head_rest, ([0.5, -1.5, 2.0],)),
    (head_rest, ((0.5, -1.5, 2.0),)),           # rest is a list, xs a tuple
    (init_last, ((0.7, 1.1, -0.4),)),
    (middle, ([0.3, 1.2, -0.8, 2.5],)),
    (middle, ((0.3, 1.2, -0.8),)),
    (only_rest, ([0.3, 1.2, -0.8],)),
    (rows, (np.arange(6.0).reshape(3, 2) * 0.3 - 0.5,)),   # the rows of an array
    (dict_keys, ({"a": 0.5, "b": -1.5, "c": 2.0},)),       # the keys of a dict
    (nested, ([[0.5, 1.5, -2.0], 0.7],)),
    (rest_is_a_new_list, ([0.5, -1.5, 2.0], 0.9)),
    (list_and_index, ([0.5, -1.5, 2.0],)),        # list(xs)'s adjoint was concatenated
    (rest_item_written, ([0.5, -1.5, 2.0], 0.9)),  # a write into a list of its own
    (rest_item_written, ((0.5, -1.5, 2.0), 0.9)),  # (was refused as a write into xs)
    (rest_item_written, (np.array([[0.5, -1.5], [2.0, 0.3], [0.1, 0.2]]), 0.9)),
    (rest_slice_written, ([0.5, -1.5, 2.0], 0.9)),
    (rest_slice_written, (np.array([[0.5, -1.5], [2.0, 0.3], [0.1, 0.2]]), 0.9)),
    (subscript_target, (np.array([0.5, -1.5, 2.0]),)),
    (loop_target, ([(0.5, 1.0, -2.0), (1.5, 0.25)],)),
    (loop_target_in_enumerate, ([(0.5, 1.0, -2.0), (1.5, 0.25)],)),
    (loop_target_with_break, ([(1.0, 2.0, 3.0), (4.0, 5.0), (2.0, 1.0)],)),
    (loop_target_with_break, ([(1.0, 2.0, 3.0), (2.0, 1.0)],)),
    (list_display, ([np.array([0.5, 1.0]), np.array([-0.3, 0.2])], np.array([0.7, 0.1]))),
    (tuple_display, (0.5, [1.0, 2.0], 1.5)),
    (shape_display, (np.arange(6.0).reshape(3, 2) * 0.2,)),
    (mixed_displays, (0.7, [1.0, 2.0])),
    (starred_display_in_call, (0.7, -1.3)),
    (unpack_into_helper, (0.7,)),
    (sum_of_generator, ([0.5, -1.5, 2.0],)),
    (sum_of_generator, (np.array([0.5, -1.5, 2.0]),)),
    (sum_with_condition_and_start, ([0.5, -1.5, 2.0],)),
    (tuple_of_generator, ((0.5, -1.5, 2.0),)),
    (list_of_generator, ([0.5, -1.5, 2.0],)),
    (any_all_in_conditions, ([0.5, -1.5, 2.0],)),
    (any_all_in_conditions, ([0.5, -1.5, 0.25],)),
    (dict_of_generator, ({"a": 0.5, "b": -1.5},)),
    (max_of_lengths, ([[0.5, 1.0], [0.25, 2.0, 3.0]],)),
    (local_function_with_generator, ((0.5, -1.5),)),
    (generator_unpacked_by_a_starred_target, ([0.5, -1.5, 2.0],)),
    (generator_unpacked_in_displays, ([0.5, -1.5, 2.0], 0.7)),
    (generator_unpacked_in_displays, (np.array([0.5, -1.5]), 0.7)),
]


@pytest.mark.parametrize("func, args", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_reverse_and_forward_against_finite_differences(func, args):
    check_grads(func, args, modes=BOTH)


# (made without the arguments, s2sad does not know a tuple from a list: a tuple's
# gradient may come back as a list there; the API gives a tuple, checked above)
# (a dict indexed by a key held in a name, and a tuple parameter read by index
# (xs[1], also in a comprehension's loop), crash in code made without the arguments
# whatever the spelling, as on main: left out)
WITHOUT_ARGUMENTS = [(f, a) for f, a in CASES if f not in (
    dict_keys, tuple_of_generator, local_function_with_generator) and not (
        f is rest_item_written and isinstance(a[0], tuple))] + [
    (tuple_of_generator, ([0.5, -1.5, 2.0],)),
    (local_function_with_generator, ([0.5, -1.5],)),
]


@pytest.mark.parametrize("func, args", WITHOUT_ARGUMENTS,
                         ids=lambda v: getattr(v, "__name__", ""))
def test_code_made_without_the_arguments(func, args):
    """``s2sad.source`` (as the CLI) knows nothing of the arguments' kinds: the code
    it writes, exec'd and called, gives Python's value and the finite differences."""
    namespace = {}
    exec(compile(s2sad.source(func, wrt=0), "<generated>", "exec"), namespace)
    value, g = namespace[f"{func.__name__}_value_and_grad"](*args)
    assert value == pytest.approx(func(*args), rel=1e-12)
    reference = _fd_gradient(func, args)
    _assert_tree_close(g, reference, strict=False)
    namespace = {}
    exec(compile(s2sad.source(func, wrt=0, mode="forward"), "<generated>", "exec"),
         namespace)
    jvp = [v for k, v in namespace.items() if k.startswith(func.__name__) and callable(v)]
    assert len(jvp) == 1
    tangent = _tree_like(args[0], 0.5)
    value, t = jvp[0](*args, tangent)
    assert value == pytest.approx(func(*args), rel=1e-12)
    expected = sum(np.sum(np.asarray(a) * 0.5) for a in _leaves(reference))
    assert t == pytest.approx(expected, rel=1e-6, abs=1e-8)


def _fd_gradient(func, args, eps=1e-6):
    """Central differences of ``func`` in each float of ``args[0]`` (a tree of floats
    and arrays), in ``args[0]``'s layout."""
    def perturbed(tree, path, delta):
        if not path:
            return tree + delta
        head, rest = path[0], path[1:]
        if isinstance(tree, np.ndarray) and not isinstance(head, str):
            out = tree.astype(float).copy()
            out[head] += delta
            return out
        if isinstance(tree, dict):
            return {k: perturbed(v, rest, delta) if k == head else v for k, v in tree.items()}
        return type(tree)(perturbed(v, rest, delta) if i == head else v
                          for i, v in enumerate(tree))

    def gradient(tree, path):
        if isinstance(tree, dict):
            return {k: gradient(v, path + (k,)) for k, v in tree.items()}
        if isinstance(tree, (list, tuple)):
            return type(tree)(gradient(v, path + (i,)) for i, v in enumerate(tree))
        if isinstance(tree, np.ndarray):
            out = np.zeros(tree.shape)
            for index in np.ndindex(tree.shape):
                out[index] = gradient_at(path + (index,))
            return out
        return gradient_at(path)

    def gradient_at(path):
        up = func(perturbed(args[0], path, eps), *args[1:])
        down = func(perturbed(args[0], path, -eps), *args[1:])
        return (up - down) / (2 * eps)

    return gradient(args[0], ())


def _leaves(tree):
    if isinstance(tree, dict):
        return [leaf for v in tree.values() for leaf in _leaves(v)]
    if isinstance(tree, (list, tuple)):
        return [leaf for v in tree for leaf in _leaves(v)]
    return [tree]


def _tree_like(tree, value):
    if isinstance(tree, dict):
        return {k: _tree_like(v, value) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_tree_like(v, value) for v in tree)
    return np.full_like(tree, value) if isinstance(tree, np.ndarray) else value


def _assert_tree_close(actual, expected, strict=True):
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and list(actual) == list(expected)
        for k in expected:
            _assert_tree_close(actual[k], expected[k], strict)
    elif isinstance(expected, (list, tuple)):
        assert isinstance(actual, (list, tuple)) and len(actual) == len(expected)
        assert type(actual) is type(expected) or not strict
        for a, e in zip(actual, expected):
            _assert_tree_close(a, e, strict)
    else:
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-7)


# ------------------------------------------------------------ Python's values

def returns_rest(xs):
    first, *rest = xs
    return rest


def returns_tuple_of_generator(xs):
    return tuple(v * 2.0 for v in xs)


@pytest.mark.parametrize("xs", [[0.5, -1.5, 2.0], (0.5, -1.5, 2.0), np.array([0.5, -1.5])])
def test_rest_is_a_list_whatever_is_unpacked(xs):
    value, pullback = s2sad.vjp(returns_rest)(xs)
    assert type(value) is list and len(value) == len(returns_rest(xs))
    np.testing.assert_allclose(value, returns_rest(xs))
    g = pullback([1.0] * len(value))
    # rest = xs[1:]: its cotangent goes to xs[1:], none to xs[0]
    np.testing.assert_allclose(np.asarray(g, dtype=float), [0.0] + [1.0] * len(value))


@pytest.mark.parametrize("xs", [[0.5, -1.5], (0.5, -1.5, 2.0)])
def test_the_pullback_of_a_tuple_made_by_tuple(xs):
    """A tuple output that is not a display (``return tuple(...)``) takes its cotangent
    whole (the API passed its items one by one: a TypeError)."""
    value, pullback = s2sad.vjp(returns_tuple_of_generator)(xs)
    assert value == returns_tuple_of_generator(xs) and type(value) is tuple
    g = pullback(tuple(float(i + 1) for i in range(len(xs))))
    np.testing.assert_allclose(g, [2.0 * (i + 1) for i in range(len(xs))])
    check_grads(returns_tuple_of_generator, (xs,), modes=BOTH)


def test_a_generator_given_to_tuple_makes_a_tuple():
    value, tangent = s2sad.jvp(returns_tuple_of_generator)([0.5, -1.5], [1.0, 3.0])
    assert value == returns_tuple_of_generator([0.5, -1.5]) and type(value) is tuple
    assert tangent == (2.0, 6.0) and type(tangent) is tuple


@pytest.mark.parametrize("func, short", [(middle, [0.5]), (init_last, []),
                                         (loop_target, [()])])
def test_too_few_values_raise_pythons_value_error(func, short):
    with pytest.raises(ValueError) as python:
        func(short)
    with pytest.raises(ValueError) as reverse:
        s2sad.grad(func)(short)
    assert str(reverse.value) == str(python.value)
    with pytest.raises(ValueError) as forward:
        s2sad.jvp(func)(short, _tree_like(short, 0.0))
    assert str(forward.value) == str(python.value)
    namespace = {}
    exec(compile(s2sad.source(func, wrt=0), "<generated>", "exec"), namespace)
    with pytest.raises(ValueError) as generated:
        namespace[f"{func.__name__}_value_and_grad"](short)
    assert str(generated.value) == str(python.value)


# -------------------------------------------------------------- second order

def second_order_rows(x):
    a, *rest = x
    return np.sum(a * rest[0] * rest[0]) + sum(np.sum(r ** 3) for r in rest)


def second_order_items(x):
    *init, last = x
    t = (*init, last * last)
    return sum(v * t[-1] for v in t) + np.prod(np.stack([*t, x[0]]))


def _fd_hessian(f, x, eps=1e-4):
    n = x.size
    flat = x.ravel()
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * eps, np.eye(n)[j] * eps

            def at(d):
                return f((flat + d).reshape(x.shape))
            out[i, j] = (at(ei + ej) - at(ei - ej) - at(-ei + ej) + at(-ei - ej)) \
                / (4 * eps * eps)
    return out


@pytest.mark.parametrize("func, x", [
    (second_order_rows, np.array([[0.5, -0.3], [1.2, 0.7], [-0.4, 0.9]])),
    (second_order_items, np.array([0.5, -0.3, 1.2, 0.7])),
], ids=lambda v: getattr(v, "__name__", ""))
def test_hessian_and_hvp(func, x):
    H = np.asarray(s2sad.hessian(func)(x.copy())).reshape(x.size, x.size)
    np.testing.assert_allclose(H, _fd_hessian(func, x), rtol=1e-5, atol=1e-5)
    v = np.linspace(-1.0, 1.0, x.size).reshape(x.shape)
    hv = np.asarray(s2sad.hvp(func)(x.copy(), v)).ravel()
    np.testing.assert_allclose(hv, H @ v.ravel(), rtol=1e-8, atol=1e-8)


# ------------------------------------------------------------- what is refused

def star_into_call(x, args):
    return np.hypot(*args) * x


def generator_to_stack(xs):
    return np.sum(np.stack(v * 2.0 for v in xs))


def generator_unpacked_into_names(xs):
    a, b = (v * v for v in xs)
    return a * b


def starred_comprehension_target(table):
    return sum([a * rest[0] for a, *rest in table])


def write_through_a_row(x):
    a, *rest = x
    a[0] = 5.0
    return np.sum(x * rest[0])


def write_through_list_of_rows(x):
    y = x * 1.0
    t = list(y)
    a = t[0]
    a[0] = 5.0
    return np.sum(y * y)


@pytest.mark.parametrize("func, args, what, line", [
    (star_into_call, (0.5, (1.0, 2.0)), "'f(*xs)'", "np.hypot(*args)"),
    (generator_to_stack, ([0.5, 1.0],), "generator expression", "np.stack(v * 2.0"),
    (generator_unpacked_into_names, ([0.5, 1.0],), "generator expression",
     "a, b = (v * v for v in xs)"),
    (starred_comprehension_target, ([(0.5, 1.0)],), "starred target",
     "for a, *rest in table"),
], ids=lambda v: getattr(v, "__name__", "") if callable(v) else None)
def test_what_is_not_lowered_is_refused_with_a_location(func, args, what, line):
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(func)(*args)
    text = str(info.value)
    assert what in text and line in text and "test_containers_star.py" in text


@pytest.mark.parametrize("func", [write_through_a_row, write_through_list_of_rows])
def test_a_write_into_a_row_taken_from_a_list_of_rows_is_refused(func):
    """list(y) holds views of y's rows: a write into one changes y (the gradient was
    wrong: the write was not seen to reach y)."""
    x = np.arange(6.0).reshape(3, 2)
    for make in (s2sad.grad, s2sad.jvp):
        with pytest.raises(UnsupportedSyntaxError) as info:
            if make is s2sad.grad:
                make(func)(x.copy())
            else:
                make(func)(x.copy(), np.ones_like(x))
        assert "a[0] = 5.0" in str(info.value)


def second_order_list(xs):
    a, *rest = xs
    return sum(v * v * a for v in rest) + a ** 3 + np.prod(np.stack([*rest, a]))


def test_hessian_and_hvp_of_a_list_parameter():
    xs = [0.5, -0.3, 1.2]
    expected = _fd_hessian(lambda x: second_order_list(list(x)), np.array(xs))
    H = s2sad.hessian(second_order_list)(list(xs))
    assert type(H) is list and all(type(row) is list for row in H)
    np.testing.assert_allclose(np.array(H, dtype=float), expected, rtol=1e-5, atol=1e-5)
    v = [1.0, -0.5, 0.25]
    hv = s2sad.hvp(second_order_list)(list(xs), list(v))
    assert type(hv) is list
    np.testing.assert_allclose(np.array(hv, dtype=float), expected @ np.array(v),
                               rtol=1e-5, atol=1e-5)


def test_second_order_through_a_helper_and_a_starred_target():
    x, h = 0.7, 1e-4
    f = unpack_into_helper
    expected = (f(x + h) - 2.0 * f(x) + f(x - h)) / (h * h)
    assert s2sad.hessian(f)(x) == pytest.approx(expected, rel=1e-5)
    assert s2sad.hvp(f)(x, 2.0) == pytest.approx(2.0 * expected, rel=1e-5)


CLI_MODEL = '''
import numpy as np


def loss(xs, w):
    first, *rest = xs
    scaled = [*(r * w for r in rest), first]
    return sum(np.sum(s * s) for s in scaled) + np.sum(np.stack([*rest, first])[0] * w)
'''


@pytest.mark.parametrize("mode, flavor", [("reverse", "value_and_grad"),
                                          ("forward", "jvp")])
def test_the_command_line(tmp_path, mode, flavor):
    """``s2sad grad`` writes a module for these constructs; imported and called, it gives
    Python's value and the finite differences (for reverse mode, the gradient; for
    forward mode, the derivative along a direction)."""
    import os
    import subprocess
    import sys
    (tmp_path / "model.py").write_text(CLI_MODEL, encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [os.path.dirname(os.path.dirname(os.path.abspath(s2sad.__file__)))]
        + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    proc = s2sad_command(["grad", "model.py:loss",
                           "--wrt", "xs,w", "--mode", mode, "--flavor", flavor,
                           "-o", "loss_d.py"], cwd=tmp_path, capture_output=True, text=True,
                          env=env)
    assert proc.returncode == 0, proc.stderr
    namespace = {}
    exec(compile((tmp_path / "loss_d.py").read_text(), "loss_d.py", "exec"), namespace)
    model = {}
    exec(compile(CLI_MODEL, "model.py", "exec"), model)
    xs = [np.array([0.5, -1.5]), np.array([2.0, 0.3]), np.array([0.1, 0.2])]
    w = np.array([0.7, -0.4])
    expected = model["loss"](xs, w)
    eps = 1e-6
    g_w = np.array([(model["loss"](xs, w + eps * e) - model["loss"](xs, w - eps * e))
                    / (2 * eps) for e in np.eye(2)])

    def moved(i, step):
        return [x + step if j == i else x for j, x in enumerate(xs)]
    g_xs = [np.array([(model["loss"](moved(i, eps * e), w)
                       - model["loss"](moved(i, -eps * e), w)) / (2 * eps)
                      for e in np.eye(2)]) for i in range(len(xs))]
    function = [v for k, v in namespace.items() if k.startswith("loss_") and callable(v)]
    assert len(function) == 1
    if mode == "reverse":
        value, (gx, gw) = function[0](list(xs), w)
        np.testing.assert_allclose(gw, g_w, rtol=1e-5)
        for got, want in zip(gx, g_xs):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-8)
    else:
        dxs = [np.ones(2), -np.ones(2), np.full(2, 0.5)]
        dw = np.array([0.3, 1.0])
        value, tangent = function[0](list(xs), w, dxs, dw)
        want = np.dot(g_w, dw) + sum(np.dot(a, b) for a, b in zip(g_xs, dxs))
        assert tangent == pytest.approx(want, rel=1e-5)
    assert value == pytest.approx(expected, rel=1e-12)
