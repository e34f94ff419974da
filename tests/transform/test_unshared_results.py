"""Derivatives handed back are arrays of their own.

A caller may write into a gradient (``g *= scale``, an optimizer's in-place
step): it must not change an argument, a cotangent or tangent the caller gave,
the returned value, or another gradient.  References are analytic derivatives
written by hand, or central finite differences (``s2sad.testing``).
"""

import gast
import numpy as np
import pytest

import s2sad
from s2sad.analysis.aliases import origins
from s2sad.errors import UnsupportedSyntaxError
from s2sad.runtime import unshared
from s2sad.testing import check_grads


def no_sharing(results, given):
    results = list(results)
    for i, r in enumerate(results):
        for other in list(given) + results[:i]:
            if isinstance(r, np.ndarray) and isinstance(other, np.ndarray):
                assert not np.shares_memory(r, other)


# ------------------------------------------------------------- reverse mode

def sum_of_squared_sum(x, y):
    s = x + y
    return np.sum(s * s)


def test_two_gradients_of_one_adjoint_are_two_arrays():
    x, y = np.array([0.5, -1.0, 2.0]), np.array([1.5, 0.25, -0.5])
    gx, gy = s2sad.grad(sum_of_squared_sum, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(gx, 2.0 * (x + y))   # by hand: d/dx sum((x+y)^2)
    np.testing.assert_allclose(gy, 2.0 * (x + y))
    no_sharing([gx, gy], [x, y])
    gx *= 0.0   # the caller owns each gradient
    np.testing.assert_allclose(gy, 2.0 * (x + y))


def test_the_guard_names_what_the_gradient_may_share():
    text = s2sad.grad(sum_of_squared_sum, wrt=(0, 1)).source
    assert "return sum_of_squared_sum, (x_bar, unshared(y_bar, (x_bar,)))" in text


def add(x, y):
    return x + y


def test_pullback_results_are_not_the_cotangent():
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    _, pullback = s2sad.vjp(add, wrt=(0, 1))(x, y)
    ct = np.array([0.5, -2.0])
    gx, gy = pullback(ct)
    np.testing.assert_allclose(gx, ct)   # by hand: the identity, twice
    np.testing.assert_allclose(gy, ct)
    no_sharing([gx, gy], [x, y, ct])
    gx += 1.0
    np.testing.assert_allclose(ct, [0.5, -2.0])


def product(x, w):
    return x * w


def test_zero_d_gradient_is_not_the_other_argument():
    x, w = np.array(3.0), np.array(2.0)
    g = s2sad.grad(product)(x, w)
    assert g == 2.0 and g is not w and not np.shares_memory(g, w)


def euler(y0, k, steps):
    y = y0
    for step in range(steps):
        y = y + 0.01 * (-k * y + np.sin(y))
    return y


@pytest.mark.parametrize("steps", [0, 3])
def test_a_loop_that_may_run_no_trip_keeps_the_given_cotangent(steps):
    y0 = np.array([0.3, -1.2, 0.8])
    _, pullback = s2sad.vjp(euler)(y0, 0.5, steps)
    ct = np.array([1.0, -0.5, 2.0])
    g = pullback(ct)
    no_sharing([g], [y0, ct])
    check_grads(euler, (y0, 0.5, steps), wrt=(0,))
    text = s2sad.vjp(euler).source
    assert "y_bar_given = y_bar" in text   # the pullback rebinds y_bar: keep the given one
    assert "unshared(y0_bar, (y_bar_given,))" in text


def seed(x, w, y):
    z = (np.dot(x, w) - y) ** 2
    return z


def test_no_guard_where_every_result_is_a_new_array():
    for wrt in (0, 1, (0, 1)):
        assert "unshared(" not in s2sad.grad(seed, wrt=wrt).source


# ------------------------------------------------------------- forward mode

def identity(x):
    return x


def flattened(x):
    return np.ravel(x)


@pytest.mark.parametrize("func", [identity, flattened])
def test_output_tangent_is_not_the_given_tangent(func):
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    t = np.array([[0.5, 0.0], [-1.0, 2.0]])
    value, tangent = s2sad.jvp(func)(x, t)
    np.testing.assert_allclose(tangent, np.reshape(t, np.shape(value)))   # linear: J t = f(t)
    no_sharing([tangent], [x, t, value])


def squared_sum_of_two(x, y):
    s = x + y
    return np.sum(s * s)


def test_hessian_through_a_guarded_gradient():
    x, y = np.array([0.5, -1.0]), np.array([1.5, 0.25])
    assert "unshared(" in s2sad.grad(squared_sum_of_two, wrt=(0, 1)).source
    h = s2sad.hessian(squared_sum_of_two, wrt=0)(x, y)
    np.testing.assert_allclose(h, 2.0 * np.eye(2))   # by hand


# ------------------------------------------------------------- the runtime

def test_unshared_copies_only_what_shares_memory():
    base = np.arange(6.0)
    view = base[2:4]
    assert unshared(view, (base,)) is not view
    np.testing.assert_array_equal(unshared(view, (base,)), view)
    fresh = np.ones(3)
    assert unshared(fresh, (base, 2.0)) is fresh
    rows = np.arange(6.0).reshape(2, 3)
    first, second = rows[0], rows[1]
    assert unshared(second, (first,)) is second   # one owner, no overlap: kept
    assert unshared(1.5, (1.5,)) == 1.5
    again = unshared([fresh, fresh], (base,))
    assert again[0] is fresh and again[1] is not fresh   # items against each other too
    assert unshared({"a": view}, ([base],))["a"] is not view
    tagged = rows.view(_Tagged)
    assert unshared(first, (tagged,)) is not first   # an ndarray subclass shares too
    strided = np.lib.stride_tricks.as_strided(base, shape=(3,), strides=(16,))
    tail = strided[1:]   # owned by a view whose base is not an array
    assert unshared(tail, (base,)) is not tail


class _Tagged(np.ndarray):
    """An ndarray subclass, as memmaps and masked arrays are."""


# ------------------------------------------------------------- the analysis

def _body(src):
    return gast.parse(src).body


def test_origins_follow_names_and_pass_through_helpers():
    body = _body("s = x + y\n"
                 "a = unbroadcast(s, x)\n"
                 "b = unbroadcast(s, y)\n"
                 "c = np.copy(a)\n"
                 "d = x\n"
                 "d = 2.0 * d\n"
                 "e = G[0]\n")
    of_name, at_end = origins(body, ["x", "y"], lambda call: call.func.attr == "copy"
                              if isinstance(call.func, gast.Attribute) else False)
    assert at_end("s") <= at_end("a") & at_end("b")   # unbroadcast may hand back s
    assert not at_end("c") & at_end("a")                # a copy is new
    assert "name:x" in of_name("d") and "name:x" not in at_end("d")   # last assignment wins
    assert at_end("e") == frozenset({"name:G"})          # a view of a global


# ------------------------------------------------- helpers that update arguments

def _writes_first(a, b):
    a[0] = b * 2.0
    return np.sum(a * b)


def calls_a_writing_helper(x):
    buf = np.zeros(2)
    v = _writes_first(buf, x)
    return v + np.sum(buf * x)


def _adds_in_place(a, b):
    a += b
    return np.sum(a * b)


def calls_an_adding_helper(x):
    buf = np.ones(2)
    v = _adds_in_place(buf, x)
    return v + np.sum(buf * x)


def test_a_helper_writing_into_its_argument_is_followed():
    # the call gives buf's new values too, and the caller's buf takes them (issue 15)
    check_grads(calls_a_writing_helper, (1.5,), modes=("reverse", "forward"))
    assert s2sad.grad(calls_a_writing_helper)(1.5) == pytest.approx(8.0 * 1.5)   # 4 x^2


def test_a_helper_updating_its_array_argument_by_op_assign_is_followed():
    # (a += b writes into an array, as a[...] += b: followed, effects14; for a number,
    # a new one, refused when the code runs: tests/transform/test_effects.py)
    x, v = np.array([1.5, 2.0]), np.array([1.0, -0.5])
    grad = 2.0 * (1.0 + 2.0 * x)   # 2 sum(x + x^2), by hand
    assert s2sad.value_and_grad(calls_an_adding_helper)(x)[0] == \
        pytest.approx(calls_an_adding_helper(x))
    np.testing.assert_allclose(s2sad.grad(calls_an_adding_helper)(x), grad, rtol=1e-12)
    np.testing.assert_allclose(s2sad.jvp(calls_an_adding_helper)(x, v)[1], grad @ v,
                               rtol=1e-12)


def _same(a):
    return a


def keeps_what_a_helper_returned(x):
    buf = np.zeros(2)
    buf[0] = x
    v = _same(buf)
    buf[1] = x * x
    return np.sum(v * x)


def test_writing_into_an_array_a_helper_may_have_returned_is_refused():
    with pytest.raises(UnsupportedSyntaxError, match="may also change 'v'"):
        s2sad.grad(keeps_what_a_helper_returned)(1.5)


def _weighted(a, b):
    return np.sum(a * b)


def writes_after_a_helper_made_a_number(x):
    buf = np.zeros(2)
    buf[0] = x
    v = _weighted(buf, x)
    buf[1] = x * x
    return v + np.sum(buf)


def test_a_helper_returning_a_new_number_leaves_the_array_free():
    x = 1.5
    # by hand: v = x * x, sum(buf) = x + x * x, so f' = 2x + 1 + 2x
    assert s2sad.grad(writes_after_a_helper_made_a_number)(x) == pytest.approx(4 * x + 1)


def _layer(W, x):
    y = W @ x
    y = np.tanh(y)
    return y


def writes_after_a_helper_made_a_new_array(x):
    buf = np.zeros(2)
    buf[0] = x
    h = _layer(np.eye(2), buf)
    buf[1] = x * x
    return np.sum(h * x) + np.sum(buf)


def test_a_helper_returning_a_local_new_array_leaves_the_array_free():
    x = 1.5
    # by hand: h = (tanh x, 0), so f = x tanh x + x + x^2
    expected = np.tanh(x) + x * (1 - np.tanh(x) ** 2) + 1 + 2 * x
    assert s2sad.grad(writes_after_a_helper_made_a_new_array)(x) == pytest.approx(expected)


def _renamed(a):
    b = a
    return b


def keeps_what_a_helper_renamed(x):
    buf = np.zeros(2)
    buf[0] = x
    h = _renamed(buf)
    buf[1] = x * x
    return np.sum(h * x)


def test_a_helper_returning_its_argument_under_another_name_is_caught():
    with pytest.raises(UnsupportedSyntaxError, match="may also change 'h'"):
        s2sad.grad(keeps_what_a_helper_renamed)(1.5)


def _dot_of(a, b):
    return np.sum(a * b)


def passes_a_view_then_writes_through_its_base(x):
    buf = np.zeros(3)
    buf[0] = x[0]
    u = buf[0:2]
    v = _dot_of(u, x[1:])
    buf[0] = 5.0
    return v * buf


def test_a_helper_keeps_the_values_of_a_view_written_through_later():
    # the helper's pullback kept the view u, which the later write changed (vjp)
    check_grads(passes_a_view_then_writes_through_its_base, (np.array([0.4, -0.7, 1.3]),))
