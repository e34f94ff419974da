"""The kinds of what s2sad's own container helpers return (a list extended, a dict
written, a copy of a list argument): a list's adjoint is added item by item, never
concatenated with ``+`` (``xs.extend(xs)`` doubled the list's adjoint in length: a
wrong gradient, fuzzer seed 6136), both in code made for the arguments (the API) and
in code made without them (``s2sad.source``, the CLI).  References: central finite
differences of the function, on copies of its list argument (it changes it)."""

import numpy as np
import pytest

import s2sad


def _fd(f, xs, h=1e-6):
    out = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        out.append((f(up) - f(down)) / (2 * h))
    return np.array(out)


SOURCE = """
import numpy as np

def extended_by_itself(xs):
    xs.extend(xs)
    s = 0.0
    for a, b in zip(xs, xs[1:]):
        s = 0.5 * s + 0.5 * a * b
    return s

def inserted_and_extended(xs, v):
    xs.insert(1, v * v)
    xs.extend([v, xs[0]])
    return xs[1] * xs[-1] + xs[-2] * xs[2]

def dict_grown(x, y):
    d = {"a": x}
    d["b"] = y * x
    e = dict(d)
    e["a"] = e["a"] * e["b"]
    return e["a"] + d.get("b", 0.0) * 2.0
"""


@pytest.fixture
def mod(load):
    return load("container_kinds", SOURCE)


def test_a_list_extended_by_itself(mod):
    xs = [1.464, 1.276]
    g = s2sad.grad(mod.extended_by_itself)(list(xs))
    assert isinstance(g, list) and len(g) == 2
    np.testing.assert_allclose(g, _fd(mod.extended_by_itself, xs), rtol=1e-6)


def test_a_list_extended_by_itself_in_code_made_without_the_arguments(mod):
    namespace = {}
    exec(compile(s2sad.source(mod.extended_by_itself, wrt=0), "<generated>", "exec"),
         namespace)
    xs = [1.464, 1.276]
    value, g = namespace["extended_by_itself_value_and_grad"](list(xs))
    assert value == pytest.approx(mod.extended_by_itself(list(xs)))
    np.testing.assert_allclose(g, _fd(mod.extended_by_itself, xs), rtol=1e-6)


def test_insert_then_extend(mod):
    xs, v = [0.5, -1.5, 2.0], 0.7
    g_xs, g_v = s2sad.grad(mod.inserted_and_extended, wrt=(0, 1))(list(xs), v)
    np.testing.assert_allclose(g_xs, _fd(lambda a: mod.inserted_and_extended(a, v), xs),
                               rtol=1e-6)
    h = 1e-6
    fd_v = (mod.inserted_and_extended(list(xs), v + h)
            - mod.inserted_and_extended(list(xs), v - h)) / (2 * h)
    assert g_v == pytest.approx(fd_v, rel=1e-6)


def test_a_dict_written_and_copied(mod):
    x, y = 0.8, -1.3
    gx, gy = s2sad.grad(mod.dict_grown, wrt=(0, 1))(x, y)
    # e["a"] = x * (y x) = y x^2; total y x^2 + 2 y x
    assert gx == pytest.approx(2 * y * x + 2 * y)
    assert gy == pytest.approx(x * x + 2 * x)
    (_, t) = s2sad.jvp(mod.dict_grown, wrt=(0, 1))(x, y, 1.0, 0.0)
    assert t == pytest.approx(2 * y * x + 2 * y)


def test_the_items_of_a_summed_list_get_arrays_of_their_own():
    # sum(xs) of a list of arrays: each item's gradient is all ones, and no two items
    # may share one array (fuzzer seed 9001357: [g, g])
    def f(xs):
        return np.sum(sum(xs))
    s2sad_grad = s2sad.grad(f)
    xs = [np.arange(3.0), np.ones(3)]
    g = s2sad_grad(xs)
    np.testing.assert_array_equal(g[0], np.ones(3))
    np.testing.assert_array_equal(g[1], np.ones(3))
    assert not np.shares_memory(g[0], g[1])
