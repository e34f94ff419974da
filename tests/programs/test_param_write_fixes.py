"""Writes into a function's own array parameters (found by the fuzzer's
``param_array_write`` programs): the caller's arrays never change, and what s2sad
refuses it refuses at the line that writes.

References: Python's own call on fresh copies for the value, central finite differences
for the derivatives.
"""

import inspect

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import finite_difference_gradient


def written_then_through_a_view(x, y):
    s = np.sum(x * y)
    x[2] = y
    v = x[0:2]
    v[1] = y * x[0]
    return v * s


def test_a_vjp_refuses_a_write_through_a_view_of_a_written_argument_at_that_write():
    """The pullback cannot restore both names: refused, located on the write through the
    view (it was located on the ``def`` line)."""
    x = np.array([0.3, -0.5, 0.8])
    with pytest.raises(UnsupportedSyntaxError) as caught:
        s2sad.vjp(written_then_through_a_view, wrt=(0, 1))(x, 0.7)
    lines, first = inspect.getsourcelines(written_then_through_a_view)
    location = caught.value.location
    assert location.line == first + 4, location
    assert location.code.strip() == "v[1] = y * x[0]" and location.column == 5
    assert np.array_equal(x, [0.3, -0.5, 0.8])


def written_then_through_a_view_scalar(x, y):
    s = np.sum(x * y)
    x[2] = y
    v = x[0:2]
    v[1] = y * x[0]
    return np.sum((v * s) ** 2)


def test_the_same_writes_are_differentiated_where_no_pullback_restores_them():
    f = written_then_through_a_view_scalar
    x = np.array([0.3, -0.5, 0.8])
    value, (gx, gy) = s2sad.value_and_grad(f, wrt=(0, 1))(x, 0.7)
    assert np.array_equal(x, [0.3, -0.5, 0.8])
    assert value == pytest.approx(f(np.copy(x), 0.7), rel=1e-12)
    np.testing.assert_allclose(gx, finite_difference_gradient(f, (x, 0.7), 0), rtol=1e-6)
    assert gy == pytest.approx(finite_difference_gradient(f, (x, 0.7), 1), rel=1e-6)
    out, tangent = s2sad.jvp(written_then_through_a_view, wrt=(0, 1))(
        x, 0.7, np.array([1.0, -2.0, 0.5]), 0.25)
    assert np.array_equal(x, [0.3, -0.5, 0.8])
    jx = finite_difference_gradient(written_then_through_a_view, (x, 0.7), 0)
    jy = finite_difference_gradient(written_then_through_a_view, (x, 0.7), 1)
    np.testing.assert_allclose(tangent, jx @ [1.0, -2.0, 0.5] + jy * 0.25, rtol=1e-6)


@pytest.mark.parametrize("f", [written_then_through_a_view, written_then_through_a_view_scalar])
def test_an_auto_jacobian_goes_forward_where_reverse_code_is_refused(f):
    """``jacobian(mode="auto")`` falls back on forward mode where reverse mode refuses the
    function: also when the refusal comes as its reverse code is made (it escaped then)."""
    x = np.array([0.3, -0.5, 0.8])
    jac = s2sad.jacobian(f, wrt=0)
    got = jac(x, 0.7)
    assert np.array_equal(x, [0.3, -0.5, 0.8])
    assert jac.last_plan.mode == "forward"
    np.testing.assert_allclose(got, finite_difference_gradient(f, (x, 0.7), 0), rtol=1e-6)


G = np.array([[0.2, -0.4, 0.9], [1.1, 0.6, -0.3]])


def rebound_then_written(y, d=G):
    d = d * 1.0
    d[0] -= y[0]
    d += y
    return np.sum(y * np.tanh(d)) + G[0, 1]


@pytest.mark.parametrize("second", ["default", "the global", "the same array"])
def test_a_parameter_rebound_to_a_new_array_then_written_writes_into_no_argument(second):
    """``d = d * 1.0`` then ``d[0] -= ...``, ``d += ...`` write into the new array: neither
    the global the default is (which the function reads), nor the other argument, shares
    memory with an array the function writes into (a SharedArgumentsError was raised)."""
    y = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    extra = {"default": (), "the global": (G,), "the same array": (y,)}[second]
    args = (y,) + extra
    keep = [np.copy(a) for a in args]
    expected = rebound_then_written(*[np.copy(a) for a in args])
    f = (lambda y: rebound_then_written(y, y)) if second == "the same array" else None
    value, grad = s2sad.value_and_grad(rebound_then_written, wrt=0)(*args)
    assert value == pytest.approx(expected, rel=1e-12)
    assert all(np.array_equal(a, k) for a, k in zip(args, keep))
    assert np.array_equal(G, [[0.2, -0.4, 0.9], [1.1, 0.6, -0.3]])
    if f is None:
        reference = finite_difference_gradient(rebound_then_written, args, 0)
    else:   # (y is both arguments: the gradient is with respect to the first only)
        reference = finite_difference_gradient(
            lambda y: rebound_then_written(y, np.copy(keep[1])), (y,), 0)
    np.testing.assert_allclose(grad, reference, rtol=1e-6, atol=1e-9)
    t = np.array([[1.0, -0.5, 0.2], [0.3, 0.7, -1.1]])
    _, tangent = s2sad.jvp(rebound_then_written, wrt=0)(*args, t)
    assert all(np.array_equal(a, k) for a, k in zip(args, keep))
    assert tangent == pytest.approx(np.sum(reference * t), rel=1e-6)
