"""A write through a name that holds a helper's result on some paths only (the helper
returns its argument, or a view of it) is decided when the code runs, as for a name
holding the array itself: refused, located, on the path that shares memory with an
array read later, differentiated on the others (checked against central finite
differences in float64, in reverse and forward mode)."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import S2sadError

import helper_alias_paths as F


def _central(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = eps
        g[i] = (f(x + e) - f(x - e)) / (2 * eps)
    return g


def _agrees(f, x):
    expected = _central(f, x.copy())
    np.testing.assert_allclose(s2sad.grad(f)(x.copy()), expected, rtol=1e-6, atol=1e-8)
    tangents = np.array([s2sad.jvp(f)(x.copy(), np.eye(x.size)[i])[1] for i in range(x.size)])
    np.testing.assert_allclose(tangents, expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(s2sad.value_and_grad(f)(x.copy())[0], f(x.copy()))


FRESH = np.array([-0.3, 0.7, -0.2, 0.9])    # x[0] < 0: the written name holds a new array
SHARED = np.array([0.3, 0.7, -0.2, 0.9])    # x[0] > 0: it holds the helper's argument


@pytest.mark.parametrize("func", [F.by_conditional_expression, F.by_if_statement,
                                  F.by_view_helper])
def test_the_path_that_shares_nothing_is_differentiated(func):
    _agrees(func, FRESH)


def _refused_at(run, func, line):
    with pytest.raises(S2sadError) as info:
        run()
    message = str(info.value)
    assert f"helper_alias_paths.py:{func.__code__.co_firstlineno + line}:" in message, message
    return message


@pytest.mark.parametrize("func, call, write", [(F.by_conditional_expression, 2, 3),
                                               (F.by_if_statement, 3, 6),
                                               (F.by_view_helper, 3, 6)])
def test_the_path_that_shares_is_refused_when_the_code_runs(func, call, write):
    # forward mode: at the write, as for a plain name
    message = _refused_at(lambda: s2sad.jvp(func)(SHARED.copy(), np.ones(4)), func, write)
    assert "may also change 'y'" in message and "v = np.copy(v)" in message, message
    # reverse mode differentiates the call on a copy of 'y' (written after it, through
    # 'v'), so it refuses there, where the copy would not be Python's shared result
    message = _refused_at(lambda: s2sad.grad(func)(SHARED.copy()), func, call)
    assert "'y'" in message and "np.copy(y)" in message, message


def test_a_loop_whose_helper_path_is_not_taken_is_differentiated():
    _agrees(F.by_loop, np.array([0.4, -1.2, 0.8, 2.0]))


def test_a_loop_whose_helper_path_is_taken_is_refused_when_the_code_runs():
    x = np.array([6.0, 1.0, 0.5, 2.0])
    message = _refused_at(lambda: s2sad.jvp(F.by_loop)(x.copy(), np.ones(4)), F.by_loop, 4)
    assert "may also change 'y'" in message
    _refused_at(lambda: s2sad.grad(F.by_loop)(x.copy()), F.by_loop, 5)


def test_the_other_array_unread_after_the_write():
    _agrees(F.helper_result_unread_after, FRESH)
    # sharing, with 'y' unread after the write: forward mode agrees with Python; reverse
    # mode refuses at the call (the copy it differentiates the call on)
    expected = _central(F.helper_result_unread_after, SHARED.copy())
    tangents = [s2sad.jvp(F.helper_result_unread_after)(SHARED.copy(), np.eye(4)[i])[1]
                for i in range(4)]
    np.testing.assert_allclose(tangents, expected, rtol=1e-6, atol=1e-8)
    _refused_at(lambda: s2sad.grad(F.helper_result_unread_after)(SHARED.copy()),
                F.helper_result_unread_after, 2)


@pytest.mark.parametrize("func", [F.by_conditional_expression, F.by_if_statement,
                                  F.by_view_helper], ids=lambda f: f.__name__)
def test_second_order_on_the_path_that_shares_nothing(func):
    v = np.array([1.0, -2.0, 0.5, 3.0])
    expected = (s2sad.grad(func)(FRESH + 1e-6 * v) - s2sad.grad(func)(FRESH - 1e-6 * v)) / 2e-6
    np.testing.assert_allclose(s2sad.hvp(func)(FRESH.copy(), v), expected, rtol=1e-5,
                               atol=1e-6)
    with pytest.raises(S2sadError):   # (and the path that shares: refused when it runs)
        s2sad.hvp(func)(SHARED.copy(), v)
