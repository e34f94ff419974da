"""np.std (np.var) of a slot that takes ONE value (one element along the axes, or one that
where= selects) is 0 near the point too, so its derivative is 0: differentiated in
reverse and forward mode and to second order, against central finite differences.  A
slot of two or more equal values is a true singular point: refused, naming the slot,
with a hint (a smoothed standard deviation) whose numbers are checked when followed."""

import numpy as np
import pytest

import s2sad
from s2sad.runtime import NotDifferentiableError

MASK = np.array([[True, False, False, True],      # two values
                 [False, True, False, False],     # one value
                 [False, False, False, False]])   # none (nan, unused below)
ONE_EACH = np.array([[False, True, False, False], [True, False, False, False],
                     [False, False, False, True]])


def std_where(x):
    return np.sum(np.std(x, axis=1, where=MASK)[:2] * np.array([1.5, 2.0])) + np.sum(x ** 3)


def std_method_where_keepdims(x):
    return np.sum(x.std(axis=1, keepdims=True, where=MASK)[:2] ** 2) + np.sum(np.sin(x))


def std_one_each_ddof(x):
    return np.sum(np.std(x, axis=-1, where=ONE_EACH) * np.array([1.0, 2.0, 3.0])) \
        + np.var(x, where=ONE_EACH)


def var_where(x):
    return np.sum(x.var(axis=1, where=MASK)[:2]) + np.sum(x * x)


COLUMNS = np.array([[True, False, False, True], [True, True, False, False],
                    [False, True, False, False]])   # two, two, none, one


def std_axis0_where(x):   # (the column of no value, nan, left out of the output)
    return np.sum(np.std(x, axis=0, where=COLUMNS)[[0, 1, 3]] * np.array([1.0, 2.0, 3.0]))


def _fd_grad(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (f(up) - f(down)) / (2 * h)
    return g


def _fd_hessian(f, x, h=1e-4):
    n = x.size
    hess = np.zeros((n, n))
    for k in range(n):
        e = np.zeros(n)
        e[k] = h
        e = e.reshape(x.shape)
        hess[:, k] = ((_fd_grad(f, x + e, 1e-5) - _fd_grad(f, x - e, 1e-5)) / (2 * h)).ravel()
    return hess


X = np.array([[0.3, -1.2, 0.7, 1.1], [0.5, 0.9, -0.4, 2.0], [1.3, -0.6, 0.2, 0.8]])


@pytest.mark.parametrize("func", [std_where, std_method_where_keepdims, std_one_each_ddof,
                                  var_where, std_axis0_where])
def test_a_slot_of_one_value_has_derivative_zero_in_every_mode(func):
    with np.errstate(all="ignore"):   # (a slot of no value is nan, left out of the output)
        want = _fd_grad(func, X)
        got = s2sad.grad(func)(X.copy())
        assert np.allclose(got, want, atol=1e-6)
        direction = np.cos(np.arange(X.size)).reshape(X.shape)
        assert np.isclose(s2sad.jvp(func)(X.copy(), direction)[1], np.sum(want * direction),
                          atol=1e-6)
        hess = np.asarray(s2sad.hessian(func)(X.copy())).reshape(X.size, X.size)
        assert np.allclose(hess, _fd_hessian(func, X), atol=1e-4)


def test_a_slot_of_two_equal_values_is_refused_naming_it_and_its_hint_gives_right_numbers():
    x = X.copy()
    x[0, 3] = x[0, 0]
    with pytest.raises(NotDifferentiableError,
                       match=r"standard deviation is 0 in the reduction that takes the "
                             r"argument's element \(0, 0\)") as info:
        s2sad.grad(std_where)(x)
    assert "np.sqrt(np.var(...) + eps)" in str(info.value)
    with pytest.raises(NotDifferentiableError, match=r"np\.std.*\(0, 0\)"):
        s2sad.jvp(std_where)(x, np.ones_like(x))

    def smoothed(x):   # the hint followed
        return np.sum(np.sqrt(np.var(x, axis=1, where=MASK)[:2] + 1e-3)
                      * np.array([1.5, 2.0])) + np.sum(x ** 3)
    assert np.allclose(s2sad.grad(smoothed)(x.copy()), _fd_grad(smoothed, x), atol=1e-6)


@pytest.mark.skipif(np.lib.NumpyVersion(np.__version__) < "2.0.0",
                    reason="mean= of np.std is numpy >= 2.0's")
def test_with_mean_given_one_value_equal_to_it_is_a_true_singular_point():
    """np.std(x, mean=m) of one value is |x - m|: no derivative where x == m (refused,
    naming the slot), derivative sign(x - m) elsewhere (not the 0 of its own mean)."""
    means = np.array([[0.3], [0.1], [0.2]])

    def std_of_one_given_mean(x):
        return np.sum(np.std(x, axis=1, mean=means, where=ONE_EACH) * np.array([1.0, 2.0, 3.0]))
    x = X.copy()
    assert np.allclose(s2sad.grad(std_of_one_given_mean)(x.copy()),
                       _fd_grad(std_of_one_given_mean, x), atol=1e-6)
    x[2, 3] = 0.2
    with pytest.raises(NotDifferentiableError, match=r"element \(2, 3\)"):
        s2sad.grad(std_of_one_given_mean)(x)
