"""A ufunc method's out given by position (np.add.reduce(x, 0, None, o),
np.add.accumulate(x, 0, None, o)) is a write into o, refused as out= by keyword is, with
a message naming the positional out and a hint whose spelling, followed, gives numpy's
numbers (checked here against central finite differences)."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError

X = np.array([[0.3, -1.2, 0.7], [1.1, 0.4, -0.5]])


def reduce_into(x):
    out = np.zeros(3)
    np.add.reduce(x, 0, None, out)
    return np.sum(out ** 2)


def reduce_into_keepdims(x):
    out = np.zeros((1, 3))
    np.multiply.reduce(x, 0, None, out, True)
    return np.sum(np.sin(out))


def accumulate_into(x):
    out = np.zeros((2, 3))
    np.add.accumulate(x, 0, None, out)
    return np.sum(out ** 3)


def reduce_into_assigned(x):
    out = np.zeros(3)
    y = np.maximum.reduce(x, 0, None, out)
    return np.sum(y * y)


def reduce_hint(x):
    out = np.zeros(3)
    out[...] = np.add.reduce(x, 0, None)
    return np.sum(out ** 2)


def reduce_keepdims_hint(x):
    out = np.zeros((1, 3))
    out[...] = np.multiply.reduce(x, 0, None, keepdims=True)
    return np.sum(np.sin(out))


def accumulate_hint(x):
    out = np.zeros((2, 3))
    out[...] = np.add.accumulate(x, 0, None)
    return np.sum(out ** 3)


@pytest.mark.parametrize("func, hint", [
    (reduce_into, "out[...] = np.add.reduce(x, 0, None)"),
    (reduce_into_keepdims, "out[...] = np.multiply.reduce(x, 0, None, keepdims=True)"),
    (accumulate_into, "out[...] = np.add.accumulate(x, 0, None)"),
    (reduce_into_assigned, "out[...] = np.maximum.reduce(x, 0, None)"),
])
def test_a_positional_out_is_refused_naming_it_with_the_spelling_to_write(func, hint):
    for run in (lambda: s2sad.grad(func)(X.copy()),
                lambda: s2sad.jvp(func)(X.copy(), np.ones_like(X))):
        with pytest.raises(UnsupportedSyntaxError) as caught:
            run()
        text = str(caught.value)
        assert "writes its result into an array in place" in text
        assert "(its argument 4 is out, given by position)" in text
        assert f"hint: assign the result instead: {hint} (it writes into the same array)" in text


def _fd(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (f(up) - f(down)) / (2 * h)
    return g


@pytest.mark.parametrize("refused, followed", [(reduce_into, reduce_hint),
                                               (reduce_into_keepdims, reduce_keepdims_hint),
                                               (accumulate_into, accumulate_hint)])
def test_the_hint_followed_gives_numpys_value_and_the_right_gradient(refused, followed):
    assert np.isclose(followed(X), refused(X))
    assert np.allclose(s2sad.grad(followed)(X.copy()), _fd(refused, X), atol=1e-6)
    direction = np.cos(np.arange(6.0)).reshape(2, 3)
    assert np.isclose(s2sad.jvp(followed)(X.copy(), direction)[1],
                      np.sum(_fd(refused, X) * direction), atol=1e-6)
