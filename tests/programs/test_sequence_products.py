"""A list or tuple in arithmetic with a differentiated array (``x * [1.0, 2.0]``, which
numpy computes with an array made from the list) is refused where it is written, in
every mode: before, the forward derivative was silently zero (the product read as a
list's repetition) and the reverse one crashed with Python's TypeError.  The hint,
followed, gives derivatives that agree with central finite differences; a list's
repetition by an int stays differentiated."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError


def times_list(x):
    return np.sum(x * [1.0, 2.0])


def list_times(x):
    return np.sum([0.5, 1.5] * x ** 2)


def over_list(x):
    return np.sum(x / [1.0, 2.0]) + np.sum([3.0, 4.0] / (1.0 + x * x))


def power_list(x):
    return np.sum(x ** [2.0, 3.0])


def named_weights(x):
    w = [0.3, -0.2]
    return np.sum(w * np.tanh(x))


def times_tuple(x):
    return np.sum((1.0, 3.0) * x)


def times_array(x):
    return np.sum(x * np.array([1.0, 2.0]))


def list_times_array(x):
    return np.sum(np.array([0.5, 1.5]) * x ** 2)


def over_array(x):
    return np.sum(x / np.array([1.0, 2.0])) + np.sum(np.array([3.0, 4.0]) / (1.0 + x * x))


def power_array(x):
    return np.sum(x ** np.array([2.0, 3.0]))


def named_array(x):
    w = np.array([0.3, -0.2])
    return np.sum(w * np.tanh(x))


def times_tuple_array(x):
    return np.sum(np.array((1.0, 3.0)) * x)


def repeated(x):
    n = 3
    ys = [x[0] * 2.0] * n
    zs = 2 * [x[1]]
    return sum(ys) + sum(zs) * x[0]


REFUSED = [times_list, list_times, over_list, power_list, named_weights, times_tuple]
FOLLOWED = [times_array, list_times_array, over_array, power_array, named_array,
            times_tuple_array]
X = np.array([0.3, 0.7])


def central(f, x, h=1e-6):
    out = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = h
        out[i] = (f(x + step) - f(x - step)) / (2 * h)
    return out


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("transform", ["grad", "jvp", "hessian"])
def test_refused_where_written_in_every_mode(f, transform):
    with pytest.raises(UnsupportedSyntaxError) as caught:
        if transform == "jvp":
            s2sad.jvp(f)(X, np.ones(2))
        else:
            getattr(s2sad, transform)(f)(X)
    error = caught.value
    assert error.location is not None and error.location.filename.endswith(
        "test_sequence_products.py")
    assert "in arithmetic with a differentiated value" in str(error)
    assert "np.array([1.0, 2.0]) instead of [1.0, 2.0]" in error.hint


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_the_hint_followed_is_right_in_every_mode(f):
    expected = central(f, X)
    np.testing.assert_allclose(s2sad.grad(f)(X), expected, rtol=1e-7, atol=1e-9)
    v = np.array([0.4, -1.1])
    assert s2sad.jvp(f)(X, v)[1] == pytest.approx(expected @ v, rel=1e-7, abs=1e-9)
    hessian = np.array([central(lambda t: central(f, t, 1e-4)[k], X, 1e-4) for k in range(2)])
    np.testing.assert_allclose(s2sad.hessian(f)(X), hessian, rtol=1e-5, atol=1e-6)


def test_a_repetition_by_an_int_is_still_differentiated():
    expected = central(repeated, X)
    np.testing.assert_allclose(s2sad.grad(repeated)(X), expected, rtol=1e-7, atol=1e-9)
    v = np.array([0.4, -1.1])
    assert s2sad.jvp(repeated)(X, v)[1] == pytest.approx(expected @ v, rel=1e-7)
