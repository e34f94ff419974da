"""A helper that may return its argument (``same(buf)``), called with an array the
function writes into: reverse mode passes the helper's pullback a copy of the array
only where a write follows the call (later in program order, or anywhere in a loop
body around the call: its next trip), and refuses there, since the copy would not
share memory with the array as Python's result does.  A write before the call (once
refused: the check read the set of names written, not where the writes stand) leaves
the values the pullback keeps as they were, and is differentiated.  Gradients are
checked against central finite differences; the refusals name the helper and the
array."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import S2sadError

Y = np.array([1.0, 2.0, 3.0])


def same(a):
    return a


def fd(f, x, h=1e-6):
    out = np.zeros_like(x)
    for k in range(x.size):
        e = np.zeros_like(x)
        e[k] = h
        out[k] = (f(x + e) - f(x - e)) / (2 * h)
    return out


# -- writes before the call: differentiated
def written_before(y):
    buf = np.zeros(3)
    buf[0] = y[0]
    b = same(buf)
    return np.sum(b * y)


def written_before_in_branch(y):
    buf = np.zeros(3)
    if y[0] > 0:
        buf[0] = y[0]
    else:
        buf[1] = y[1]
    b = same(buf)
    return np.sum(b * y)


def written_before_loop(y):
    buf = np.zeros(3)
    for i in range(3):
        buf[i] = y[i] ** 2
    s = 0.0
    for i in range(2):
        b = same(buf)
        s = s + np.sum(b * y) * (i + 1.0)
    return s


def written_in_other_branch(y):
    buf = np.zeros(3)
    buf[2] = y[2]
    if y[0] > 0:
        b = same(buf)
    else:
        buf[1] = y[1]
        b = buf * 2.0
    return np.sum(b * y)



@pytest.mark.parametrize("f", [written_before, written_before_in_branch, written_before_loop,
                               written_in_other_branch])
@pytest.mark.parametrize("y", [Y, -Y])
def test_write_before_the_call_is_differentiated(f, y):
    expected = fd(f, y)
    np.testing.assert_allclose(s2sad.grad(f)(y.copy()), expected, rtol=1e-6, atol=1e-8)
    value, pullback = s2sad.vjp(f)(y.copy())
    assert value == pytest.approx(f(y.copy()))
    for _ in range(2):   # (a pullback may run many times)
        np.testing.assert_allclose(pullback(1.0), expected, rtol=1e-6, atol=1e-8)


# -- a write after the call (Python's result sees it): refused, naming both
def written_after(y):
    buf = np.zeros(3)
    buf[0] = y[0]
    b = same(buf)
    buf[1] = y[1]
    return np.sum(b * y)


def written_after_in_branch(y):
    buf = np.zeros(3)
    b = same(buf)
    if y[0] > 0:
        buf[1] = y[1]
    return np.sum(b * y)



def written_after_through_result(y):
    buf = np.zeros(3)
    buf[0] = y[0]
    b = same(buf)
    b[1] = y[2]
    return np.sum(buf * y)


def written_earlier_in_loop(y):   # the next trip's write follows the call
    buf = np.zeros(3)
    s = 0.0
    for i in range(3):
        buf[i] = y[i]
        b = same(buf)
        s = s + np.sum(b * y)
    return s + np.sum(b * y)


def written_after_loop(y):
    buf = np.zeros(3)
    buf[0] = y[0]
    for i in range(2):
        b = same(buf)
    buf[1] = y[1]
    return np.sum(b * y)


def written_in_branch_after_call_in_branch(y):
    buf = np.zeros(3)
    if y[0] > 0:
        b = same(buf)
        buf[0] = y[0]
    else:
        b = buf * 1.0
    return np.sum(b * y)


@pytest.mark.parametrize("f", [written_after, written_after_in_branch,
                               written_after_through_result,
                               written_earlier_in_loop, written_after_loop,
                               written_in_branch_after_call_in_branch])
def test_write_after_the_call_is_refused(f):
    with pytest.raises(S2sadError) as info:
        s2sad.grad(f)(Y.copy())
    text = str(info.value)
    # (refused where the call's result is read after the write, or by the pullback)
    assert ("same may return its argument 'a'" in text and "'buf'" in text
            and "writes into after the call" in text) or (
        "writing into 'buf' may also change 'b'" in text
        or "writing into 'b' may also change 'buf'" in text
        or "writing into 'buf' would also change 'b'" in text), text



def test_pullback_copy_refused_at_run_time():
    with pytest.raises(S2sadError) as info:
        s2sad.grad(written_earlier_in_loop)(Y.copy())
    assert "same may return its argument 'a'" in str(info.value)


def test_refused_hint_works():
    """The hint's form, ``same(np.copy(buf))``, is differentiated."""
    def hinted(y):
        buf = np.zeros(3)
        buf[0] = y[0]
        b = same(np.copy(buf))
        buf[1] = y[1]
        return np.sum(b * y) + np.sum(buf * y)

    np.testing.assert_allclose(s2sad.grad(hinted)(Y.copy()), fd(hinted, Y), rtol=1e-6)
