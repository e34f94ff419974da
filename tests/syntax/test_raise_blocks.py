"""``raise`` in a branch: the code after the ``if`` runs on the other path only
(``syntax.raises``), and ``assert test, msg`` raises Python's AssertionError(msg), its
message made only where the test fails."""

import numpy as np
import pytest

import s2sad
from assert_messages import asserted, lazy_message


class BadInput(ValueError):
    pass


def else_raises(x):
    if np.sum(x) > -100.0:
        y = np.sin(x) * x
    else:
        raise BadInput("too small", x.shape[0])
    return np.sum(y)


def then_raises(x):
    if np.sum(x) < -100.0:
        raise BadInput("too small")
        y = x   # never runs
    else:
        y = np.sin(x) * x
    return np.sum(y)


def elif_raises(x):
    s = np.sum(x)
    if s > 50.0:
        y = x * 0.0
    elif s < -100.0:
        raise BadInput("too small")
    else:
        y = np.sin(x) * x
    return np.sum(y)


def raises_in_loop_else(x):
    total = 0.0
    for i in range(x.shape[0]):
        if x[i] < 10.0:
            t = np.sin(x[i]) * x[i]
        else:
            raise BadInput(f"x[{i}] too big")
        total = total + t
    return total


X = np.array([0.3, -1.2, 2.0])
GRAD = np.cos(X) * X + np.sin(X)

TRANSFORMS = {
    "grad": lambda f, x: s2sad.grad(f)(x),
    "jvp": lambda f, x: s2sad.jvp(f)(x, np.ones_like(x))[1],
    "hvp": lambda f, x: s2sad.hvp(f)(x, np.ones_like(x)),
    "hessian": lambda f, x: s2sad.hessian(f)(x),
}
REFERENCE = {
    "grad": GRAD, "jvp": np.sum(GRAD),
    "hvp": 2.0 * np.cos(X) - np.sin(X) * X,
    "hessian": np.diag(2.0 * np.cos(X) - np.sin(X) * X),
}
BAD = {else_raises: np.array([-200.0, 1.0]), then_raises: np.array([-200.0, 1.0]),
       elif_raises: np.array([-200.0, 1.0]), raises_in_loop_else: np.array([1.0, 20.0]),
       asserted: np.array([7.0])}


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
@pytest.mark.parametrize("func", list(BAD), ids=lambda f: f.__name__)
def test_values_and_exceptions(func, name):
    np.testing.assert_allclose(TRANSFORMS[name](func, X), REFERENCE[name], rtol=1e-12,
                               atol=1e-12)
    with pytest.raises(Exception) as python:
        func(BAD[func])
    with pytest.raises(type(python.value)) as got:
        TRANSFORMS[name](func, BAD[func])
    assert got.value.args == python.value.args


@pytest.mark.parametrize("func", [else_raises, then_raises, elif_raises,
                                  raises_in_loop_else], ids=lambda f: f.__name__)
def test_no_unbound_value_after_a_branch_that_raises(func):
    for text in (s2sad.grad(func).source, s2sad.jvp(func).source):
        assert "UNBOUND" not in text and "check_bound" not in text
        assert "raise BadInput(" in text


def test_the_assert_message_is_made_only_where_the_test_fails():
    np.testing.assert_allclose(s2sad.grad(lazy_message)(np.zeros(0)), np.zeros(0))
    with pytest.raises(AssertionError, match="first is -7.0"):
        s2sad.grad(lazy_message)(np.array([-7.0]))
    with pytest.raises(AssertionError, match="first is -7.0"):
        s2sad.jvp(lazy_message)(np.array([-7.0]), np.ones(1))
