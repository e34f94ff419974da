"""A helper that may return one of its parameters, called with an item of an array this
function writes into after the call: ``(s[i], s[i + 1]) = step(s[i], x[i])``.  Reverse
mode passes the pullback a copy of such an argument; an item of a 1-D array is a number,
which nothing writes into and which shares memory with nothing, so it goes in as it is
(once refused, naming the wrong parameter and an internal name).  An array (a row of a
matrix) that the helper may return is refused when the code runs, naming the helper's
parameter and the argument as written, with a hint that works (found by a stranger test).
Checked against central finite differences."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads

X = np.array([0.3, -0.7, 1.1, 0.4])


def step(a, b):
    return b, a + 0.1 * b


def swap(a, b):
    return b, a


def items_stored_back(x):
    s = np.zeros(len(x) + 1)
    s[0] = x[0]
    for i in range(len(x)):
        (s[i], s[i + 1]) = step(s[i], x[i])
    return np.sum(s ** 2)


def items_copied_after(x):   # the old hint, followed literally
    s = np.zeros(len(x) + 1)
    s[0] = x[0]
    for i in range(len(x)):
        r0, r1 = step(s[i], x[i])
        s[i], s[i + 1] = np.copy(r0), np.copy(r1)
    return np.sum(s ** 2)


def rows_swapped(x):
    S = np.reshape(x, (3, 4)) * 1.0
    for i in range(2):
        (S[i], S[i + 1]) = swap(S[i], S[i + 1])
    return np.sum(S * np.arange(12.0).reshape(3, 4))


def rows_swapped_copies(x):   # the hint, followed
    S = np.reshape(x, (3, 4)) * 1.0
    for i in range(2):
        (S[i], S[i + 1]) = swap(np.copy(S[i]), np.copy(S[i + 1]))
    return np.sum(S * np.arange(12.0).reshape(3, 4))


def _fd(f, x, h=1e-6):
    out = []
    for k in range(x.size):
        e = np.zeros_like(x)
        e[k] = h
        out.append((f(x + e) - f(x - e)) / (2 * h))
    return np.array(out)


@pytest.mark.parametrize("f", [items_stored_back, items_copied_after])
def test_number_items_a_helper_may_return_are_differentiated(f):
    check_grads(f, (X,), modes=("reverse", "forward"))
    # the Hessian, by differences of differences (f is quadratic: a wide step is exact)
    expected = _fd(lambda v: _fd(f, v, 1e-3), X, 1e-3)
    np.testing.assert_allclose(s2sad.hessian(f)(X), expected, rtol=1e-6, atol=1e-6)
    u = np.array([1.0, -2.0, 0.5, 3.0])
    np.testing.assert_allclose(s2sad.hvp(f)(X, u), expected @ u, rtol=1e-6, atol=1e-6)


def test_rows_a_helper_may_return_are_refused_naming_the_parameter_and_the_argument():
    with pytest.raises(s2sad.errors.UnsupportedSyntaxError) as info:
        s2sad.grad(rows_swapped)(np.arange(12.0))
    text = str(info.value)
    assert "swap may return its argument 'a'" in text and "'S[i]'" in text
    assert "S_item" not in text and "test_returned_number_items.py:" in text
    assert "swap(np.copy(S[i]), np.copy(S[i + 1]))" in text


def test_the_refusal_hint_followed_is_differentiated():
    check_grads(rows_swapped_copies, (np.arange(12.0) * 0.1,), modes=("reverse", "forward"))
