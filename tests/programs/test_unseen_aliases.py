"""Regression tests (helper fixalias21): a write through the result of a numpy function
that may return its argument itself or a view of it (np.asanyarray, np.require,
np.asarray_chkfinite, np.array(copy=False / None), np.unstack, np.broadcast_arrays,
np.trim_zeros, np.float64, np.nan_to_num(copy=False)), where only the argument is read
afterwards, was dropped as dead code: the value and every derivative were wrong.  Now
refused at the write, located, in every transform; the hinted form is differentiated
right (central differences)."""

import inspect

import numpy as np
import pytest

import s2sad
import unseen_aliases as ua
from s2sad.errors import S2sadError

X = np.array([0.5, -0.3, 0.8])
K = 1.3

REFUSED = [ua.asanyarray_update, ua.asanyarray_item, ua.require_update, ua.chkfinite_update,
           ua.array_nocopy_update, ua.array_maycopy_item, ua.unstack_item,
           ua.broadcast_arrays_update, ua.trim_zeros_update, ua.float64_update,
           ua.nan_to_num_update]


def _write_line(f):
    """The source line of the write through the maybe-view (``v *= k``, ``v[0] = ...``)."""
    lines, first = inspect.getsourcelines(f)
    for i, text in enumerate(lines):
        if "*= k" in text or "] * k" in text:
            return first + i
    raise AssertionError(f"no write in {f.__name__}")


def _fd(f, x, k, eps=1e-6):
    gx = np.array([(f(x + eps * e, k) - f(x - eps * e, k)) / (2 * eps) for e in np.eye(x.size)])
    gk = (f(x, k + eps) - f(x, k - eps)) / (2 * eps)
    return gx, gk


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_python_writes_through_the_result(f):
    # (the premise: Python's own run changes the argument, so the derivative would change)
    gx, gk = _fd(f, X, K)
    _, gk1 = _fd(f, X, 1.0 + 1e-3)
    assert abs(gk) > 1e-3 or abs(gk1) > 1e-3


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_write_through_a_maybe_view_is_refused_at_the_write(f):
    where = f"unseen_aliases.py:{_write_line(f)}:"
    for call in (lambda: s2sad.grad(f)(X.copy(), K),
                 lambda: s2sad.grad(f, wrt=1)(X.copy(), K),
                 lambda: s2sad.value_and_grad(f, wrt=(0, 1))(X.copy(), K),
                 lambda: s2sad.hessian(f, wrt=1)(X.copy(), K)):
        with pytest.raises(S2sadError) as info:
            call()
        assert where in str(info.value), str(info.value)
        assert "may also change" in str(info.value) or "may change" in str(info.value)


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_forward_mode_refuses_too(f):
    # (a refusal, never a number: at the write, or at the call without a tangent rule)
    lines = (_write_line(f), _write_line(f) - 1, _write_line(f) - 2)
    with pytest.raises(S2sadError) as info:
        s2sad.jvp(f)(X.copy(), K, np.ones(3))
    assert any(f"unseen_aliases.py:{line}:" in str(info.value) for line in lines), \
        str(info.value)


def test_the_hint_gives_code_that_is_differentiated():
    f = ua.asanyarray_hinted
    gx, gk = _fd(f, X, K)
    value, (g0, g1) = s2sad.value_and_grad(f, wrt=(0, 1))(X.copy(), K)
    assert value == pytest.approx(f(X.copy(), K))
    np.testing.assert_allclose(g0, 3 * X ** 2, rtol=1e-6)
    np.testing.assert_allclose(g0, gx, rtol=1e-5, atol=1e-7)
    assert g1 == pytest.approx(gk, abs=1e-7)
