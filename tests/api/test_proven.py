"""Facts of the generated code a fast path relies on (s2sad.api.proven): a gradient
proven to be a new float64 array of its argument's shape is returned without the
check after the call, and ``grad`` (not ``value_and_grad``) leaves out the statement
computing only the value.  Gradients are compared with derivatives written by hand
or central finite differences; the facts with the proof's own cases."""

import ast

import numpy as np
import pytest

import s2sad
from s2sad.api.proven import NUMBER, SCALAR, Facts
from s2sad.testing import finite_difference_gradient


def _facts(text, ranks, paths=(("np", "dot"),), namespace=None):
    function = ast.parse(text).body[0]
    return Facts(function, ranks, {"np": np} if namespace is None else namespace, set(paths))


SEED = """
def seed_value_and_grad(x, w, y):
    dot = np.dot(x, w)
    sub = dot - y
    z = sub ** 2
    dot_bar = 2.0 * sub
    w_bar = dot_bar * x
    return z, w_bar
"""


def test_the_seed_gradient_is_proven_a_new_array_of_ws_shape():
    facts = _facts(SEED, {"x": 1, "w": 1, "y": 0})
    assert facts.straight
    assert facts.kinds["y"] == NUMBER
    assert [facts.kinds[n] for n in ("dot", "sub", "z", "dot_bar")] == [SCALAR] * 4
    assert facts.kinds["w_bar"] == ("array", "x", True)
    # x and w have one length because np.dot of the two vectors returned
    assert facts.fresh_like("w_bar", "w") and facts.fresh_like("w_bar", "x")
    assert not facts.fresh_like("x", "x")   # (an argument is not a new array)


def test_nothing_is_proven_without_its_premises():
    # vectors np.dot never multiplied: their lengths may differ (one may broadcast)
    other = SEED.replace("np.dot(x, w)", "np.dot(x, x)")
    assert not _facts(other, {"x": 1, "w": 1, "y": 0}).fresh_like("w_bar", "w")
    # np.dot not checked at each call, or np not numpy: nothing known of it
    assert "dot" not in _facts(SEED, {"x": 1, "w": 1, "y": 0}, paths=()).kinds
    assert "dot" not in _facts(SEED, {"x": 1, "w": 1, "y": 0}, namespace={"np": object()}).kinds
    # matrices: np.dot is not a number of them
    assert "dot" not in _facts(SEED, {"x": 2, "w": 1, "y": 0}).kinds
    # a parameter of unknown rank, a power that is not a literal integer
    assert "sub" not in _facts(SEED, {"x": 1, "w": 1}).kinds
    assert "z" not in _facts(SEED.replace("sub ** 2", "sub ** y"), {"x": 1, "w": 1, "y": 0}).kinds
    # anything but straight-line assignments: nothing at all
    looped = SEED.replace("    z = sub ** 2\n", "    for i in range(3):\n        z = sub ** 2\n")
    facts = _facts(looped, {"x": 1, "w": 1, "y": 0})
    assert not facts.straight and not facts.kinds


def _bound(func):
    cells = [c.cell_contents for c in func.__closure__]
    return [c for c in cells if type(c).__name__ == "Bound"][0]


def seed(x, w, y):
    return (np.dot(x, w) - y) ** 2


def seed_sin(x, w):
    return np.sin(np.dot(x, w))


def _warm(g, *args):
    g(*args)
    return g(*args)


def test_the_seed_fast_path_checks_no_proven_gradient_and_computes_no_value():
    rng = np.random.default_rng(3)
    x, w, y = rng.standard_normal(6), rng.standard_normal(6), 0.4
    g = s2sad.grad(seed, wrt=1)
    got = _warm(g, x, w, y)
    np.testing.assert_allclose(got, 2.0 * (np.dot(x, w) - y) * x)
    assert type(got) is np.ndarray and got.dtype == np.float64 and not np.shares_memory(got, x)
    fast = _bound(g).fast
    assert "seed" not in fast.__code__.co_varnames   # (the value's statement left out)
    assert "_s2sad_finish" not in fast.__code__.co_freevars   # (no check after the call)
    both = s2sad.value_and_grad(seed, wrt=(0, 1, 2))
    value, (gx, gw, gy) = _warm(both, x, w, y)
    assert value == pytest.approx((np.dot(x, w) - y) ** 2)
    np.testing.assert_allclose(gx, finite_difference_gradient(seed, (x, w, y), 0), rtol=1e-6)
    np.testing.assert_allclose(gw, 2.0 * (np.dot(x, w) - y) * x)
    assert type(gy) is float and gy == pytest.approx(-2.0 * (np.dot(x, w) - y))   # (fixed)
    assert "seed" in _bound(both).fast.__code__.co_varnames


def test_vectors_of_other_lengths_still_raise_through_the_proven_fast_path():
    g = s2sad.grad(seed, wrt=1)
    _warm(g, np.ones(5), np.ones(5), 0.3)
    with pytest.raises(ValueError, match="not aligned"):
        g(np.ones(1), np.ones(5), 0.3)   # (x * w would broadcast; np.dot refuses)
    got = g(np.ones(3), np.linspace(0.0, 1.0, 3), 0.3)
    np.testing.assert_allclose(got, 2.0 * (1.5 - 0.3) * np.ones(3))


def test_an_unproven_gradient_keeps_its_check():
    x, w = np.linspace(0.1, 0.5, 4), np.linspace(-0.2, 0.3, 4)
    g = s2sad.grad(seed_sin, wrt=1)
    np.testing.assert_allclose(_warm(g, x, w), np.cos(np.dot(x, w)) * x)
    assert "_s2sad_finish" in _bound(g).fast.__code__.co_freevars


# ---------------------------------------- the gradient function takes the user's parameters

def seed_default(x, w, y=0.5):
    return (np.dot(x, w) - y) ** 2


def _seed_bar(x, w, y):
    return 2.0 * (np.dot(x, w) - y) * x


def test_keyword_calls_and_left_out_defaults_give_the_gradient():
    x, w = np.linspace(0.1, 0.9, 5), np.linspace(-1.0, 1.0, 5)
    g = s2sad.grad(seed_default, wrt=1)
    np.testing.assert_allclose(_warm(g, x, w, 0.25), _seed_bar(x, w, 0.25))
    assert _bound(g).fast
    np.testing.assert_allclose(g(x, w), _seed_bar(x, w, 0.5))   # (the general path)
    np.testing.assert_allclose(g(w=w, x=x), _seed_bar(x, w, 0.5))
    np.testing.assert_allclose(g(x, y=0.1, w=w), _seed_bar(x, w, 0.1))
    seed_default.__defaults__ = (2.0,)
    try:
        np.testing.assert_allclose(g(x, w), _seed_bar(x, w, 2.0))   # the default of now
    finally:
        seed_default.__defaults__ = (0.5,)
    with pytest.raises(TypeError):
        g(x)
    seed_default.__defaults__ = (w, 0.5)   # (a default given later: a parameter left out)
    try:
        np.testing.assert_allclose(g(x), _seed_bar(x, w, 0.5))
    finally:
        seed_default.__defaults__ = (0.5,)
    with pytest.raises(TypeError):
        g(x, w, 0.1, 3.0)
    value, gw = s2sad.value_and_grad(seed_default, wrt=1)(x, w=w)
    assert value == pytest.approx((np.dot(x, w) - 0.5) ** 2)
    np.testing.assert_allclose(gw, finite_difference_gradient(seed_default, (x, w), 1), rtol=1e-6)


def none_when_large(x):
    s = np.sum(x * x)
    if s > 100.0:
        return None
    return s


def vector_output(x):
    return x * 2.0


def keyword_only(x, *, c=2.0):
    return c * np.sum(x * x)


def test_errors_read_as_before_and_other_signatures_take_the_general_wrapper():
    from s2sad.errors import NonScalarOutputError, S2sadError
    x = np.linspace(0.1, 0.9, 5)
    g = s2sad.grad(none_when_large)
    np.testing.assert_allclose(g(x), 2.0 * x)
    with pytest.raises(S2sadError, match="none_when_large") as info:
        g(x * 100.0)
    assert "None" in str(info.value) or "nothing" in str(info.value)
    with pytest.raises(NonScalarOutputError):
        s2sad.grad(vector_output)(x)
    g = s2sad.grad(keyword_only, wrt=0)
    assert g.__code__.co_flags & 0x0C   # (a keyword-only parameter: the general wrapper)
    np.testing.assert_allclose(_warm(g, x), 4.0 * x)
    np.testing.assert_allclose(g(x, c=3.0), 6.0 * x)
    code = s2sad.grad(seed_default).__code__   # (its own parameters; *args: extras' error)
    assert not code.co_flags & 0x08 and code.co_kwonlyargcount == 0
    assert code.co_varnames[:code.co_argcount] == \
        seed_default.__code__.co_varnames[:seed_default.__code__.co_argcount]
