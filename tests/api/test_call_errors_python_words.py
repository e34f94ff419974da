"""A derivative called with arguments the user's function would not take raises the
``TypeError`` Python raises for the function itself, in Python's words: ``grad(partial(q,
a=2.0))(x, 3.0)`` said "q_value_and_grad() takes 1 positional argument but 2 were given"
(the name of s2sad's generated function); Python's ``partial(q, a=2.0)(x, 3.0)`` says
"q() got multiple values for argument 'a'".  The expected message is the one Python
gives calling the user's own object; a TypeError raised inside the function is kept."""

import functools

import numpy as np
import pytest

import s2sad


def q(x, a=1.0):
    return np.sum(x ** 2) * a


def r(x, y, *, k=2.0):
    return np.sum(x * y) * k


def wrong_inside(x):
    return np.sum(x) * len(3)


X = np.array([0.3, 0.7])


def _python_message(obj, *args, **kwargs):
    with pytest.raises(TypeError) as caught:
        obj(*args, **kwargs)
    return str(caught.value)


TRANSFORMS = {"grad": s2sad.grad, "value_and_grad": s2sad.value_and_grad,
              "vjp": s2sad.vjp, "hessian": s2sad.hessian}


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_a_partial_given_its_keyword_by_position_raises_pythons_error(name):
    made = functools.partial(q, a=2.0)
    expected = _python_message(made, X, 3.0)
    assert expected == "q() got multiple values for argument 'a'"
    with pytest.raises(TypeError) as caught:
        TRANSFORMS[name](made)(X, 3.0)
    assert str(caught.value) == expected


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_too_many_or_missing_arguments_name_the_users_function(name):
    with pytest.raises(TypeError) as caught:
        TRANSFORMS[name](r)(X, X, 3.0)
    assert str(caught.value) == _python_message(r, X, X, 3.0)
    made = functools.partial(r, k=1.0)
    with pytest.raises(TypeError) as caught:
        TRANSFORMS[name](made)(X)
    assert str(caught.value) == _python_message(made, X)


def test_the_right_call_still_differentiates():
    made = functools.partial(q, a=2.0)
    np.testing.assert_allclose(s2sad.grad(made)(X), 4.0 * X, rtol=1e-12)
    np.testing.assert_allclose(s2sad.grad(functools.partial(r, k=3.0))(X, 2 * X), 6.0 * X,
                               rtol=1e-12)


def test_a_type_error_inside_the_function_is_not_replaced():
    with pytest.raises(TypeError, match="has no len"):
        s2sad.grad(wrong_inside)(X)
