"""A module-level lambda whose result is a new value (``np.tanh(u) * 0.5 + u * u``),
called before the function writes into its argument, was refused as one that "may
return its argument": its source line is an assignment, not a ``def``, and was read as
telling nothing (fixfz13b).  It is now read as a ``def`` with the same body is; a
lambda that does return a view of its argument is still refused.  Reference: central
finite differences."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import finite_difference_gradient

lam = lambda u: np.tanh(u) * 0.5 + u * u   # noqa: E731 (the form under test)
view = lambda u: u[0:2]   # noqa: E731


def through_lambda(x):
    m = 0.25 * np.sum(lam(x))
    x[0] = 2.0 * x[1]
    return m + np.sum(x)


def through_view(x):
    m = view(x)
    x[0] = 2.0 * x[1]
    return np.sum(m * m) + np.sum(x)


X = np.array([0.5, 0.1, -0.3])


def test_a_lambda_returning_a_new_value_is_differentiated():
    got = s2sad.grad(through_lambda)(X.copy())
    ref = finite_difference_gradient(through_lambda, (X.copy(),))
    np.testing.assert_allclose(got, np.asarray(ref), atol=1e-6)


def test_a_lambda_returning_a_view_of_its_argument_is_still_refused():
    with pytest.raises(UnsupportedSyntaxError, match="may (return its argument|also change)"):
        s2sad.grad(through_view)(X.copy())
