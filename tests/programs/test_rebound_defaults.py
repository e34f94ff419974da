"""A write after the parameter's name is rebound to a new array (``d2 = np.tanh(d2)``,
``np.sin(d2 * x)``, ``np.copy(d2)``, ``d2.copy()``) is no write into the parameter:
left to its array default, the call is differentiated (it was refused, "writes into its
parameter ... leaves it to its default"), and the default stays as it was, as Python
leaves it.  A write that reaches the default (directly, through a name or view made
before the rebinding, on a path that did not rebind, through ``np.asarray``) is still
refused.  References: central finite differences at the same default, passed."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import finite_difference_gradient

import rebound_defaults as rd

X = 0.7


@pytest.mark.parametrize("func", [rd.tanh_then_update, rd.sin_then_update,
                                  rd.copy_then_item, rd.method_copy_then_update],
                         ids=lambda f: f.__name__)
def test_a_write_after_rebinding_to_a_new_array(func):
    before = rd.C2.copy()
    expected = finite_difference_gradient(lambda x: func(x, before.copy()), (X,), 0)
    np.testing.assert_allclose(s2sad.grad(func)(X), expected, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(s2sad.jvp(func)(X, 1.0)[1], expected, rtol=1e-6, atol=1e-9)
    value, pullback = s2sad.vjp(func)(X)
    np.testing.assert_allclose(value, func(X), rtol=1e-12)   # (Python's call: C2 kept)
    np.testing.assert_allclose(pullback(1.0), expected, rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(rd.C2, before)


@pytest.mark.parametrize("func, line", [
    (rd.update_default, "d2 *= 0.9"),
    (rd.alias_then_method_copy, "v += x"),
    (rd.view_before_rebinding, "v *= 0.9"),
    (rd.rebound_on_one_path, "d2 *= 0.9"),
    (rd.asarray_is_no_copy, "d2 *= 0.9"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_a_write_into_the_default_is_refused(func, line):
    before = rd.C2.copy()
    # (a view's write is refused as one that may change the caller's array, d2's
    # default here, since slice updates are writes through the view: fixalias21)
    with pytest.raises(UnsupportedSyntaxError,
                       match="leaves it to its default|may change the caller's array 'd2'") \
            as info:
        s2sad.grad(func)(X)
    assert line in str(info.value)
    np.testing.assert_array_equal(rd.C2, before)
    if func is rd.view_before_rebinding:
        return   # (a write through a view of the argument: refused given it too)
    # given the argument, the call is differentiated (on a copy of it)
    given = before.copy()
    expected = finite_difference_gradient(lambda x: func(x, before.copy()), (X,), 0)
    np.testing.assert_allclose(s2sad.grad(func)(X, given), expected, rtol=1e-6, atol=1e-9)
