"""``key.format(i)`` where ``key`` is bound once to a string literal (``key = "W{}"``),
by a statement of the function's body before the one calling it, and never rebound:
lowered as ``"W{}".format(i)`` is (once refused with a hint).  A name rebound (in a
branch, by ``+=``, as a loop target), bound only in a branch, or where ``format`` is
not the builtin, keeps its refusal.  Gradients are checked against central finite
differences."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError

P = {"W0": np.array([1.0, 2.0]), "W1": np.array([3.0, 4.0]), "b1": np.array([0.5, 1.5])}
X = np.array([0.5, -0.25])


def looped_keys(params, x):
    key = "W{}"
    s = 0.0
    for i in range(2):
        s = s + np.sum(params[key.format(i)] * x) ** 2
    return s


def two_fields(params, x):
    key: str = "{}{}"
    return np.sum(params[key.format("W", 1)] * params[key.format("b", 1)] * x)


def named_field_conversion(params, x):
    fmt = "W{i!s}"
    return np.sum(params[fmt.format(i=1)] ** 2 * x)


def read_in_helper_loop(params, x):
    name = "W{}"
    total = 0.0
    for i in range(2):
        if i > 0:
            total = total + np.sum(np.tanh(params[name.format(i)]) * x)
    return total


def rebound_in_branch(params, x):
    key = "W{}"
    if x[0] > 0:
        key = "b{}"
    return np.sum(params[key.format(1)] * x)


def bound_in_branch(params, x):
    if x[0] > 0:
        key = "W{}"
    return np.sum(params[key.format(1)] * x)


def augmented(params, x):
    key = "W"
    key += "{}"
    return np.sum(params[key.format(1)] * x)


def loop_target(params, x):
    key = "W{}"
    s = 0.0
    for key in ["W0"]:
        s = s + 1.0
    return np.sum(params[key.format(1)] * x) + s


def format_rebound(params, x):
    key = "W{}"
    format = str
    return np.sum(params[key.format(1)] * x)


def fd(f, params, x, h=1e-6):
    out = {}
    for k, v in params.items():
        g = np.zeros_like(v)
        for j in range(v.size):
            up = {**params, k: v.copy()}
            down = {**params, k: v.copy()}
            up[k][j] += h
            down[k][j] -= h
            g[j] = (f(up, x) - f(down, x)) / (2 * h)
        out[k] = g
    return out


@pytest.mark.parametrize("f", [looped_keys, two_fields, named_field_conversion,
                               read_in_helper_loop])
def test_lowered_as_the_literal(f):
    params = {k: v.copy() for k, v in P.items()}
    got = s2sad.grad(f)(params, X.copy())
    expected = fd(f, P, X)
    assert list(got) == list(expected)
    for k in expected:
        np.testing.assert_allclose(got[k], expected[k], rtol=1e-6, atol=1e-8)
    value, tangent = s2sad.jvp(f)(params, X.copy(), {k: np.ones_like(v) for k, v in P.items()})
    assert tangent == pytest.approx(sum(np.sum(g) for g in expected.values()), rel=1e-6)


@pytest.mark.parametrize("f, says", [
    (rebound_in_branch, "the method '.format()' is not supported"),
    (bound_in_branch, "the method '.format()' is not supported"),
    (augmented, "the method '.format()' is not supported"),
    (loop_target, "the method '.format()' is not supported"),
    (format_rebound, "the name 'format' is not the builtin here")])
def test_refused_otherwise(f, says):
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(f)(P, X)
    assert says in str(info.value)
    assert info.value.location.line > f.__code__.co_firstlineno
