"""Regression tests (fixknown22b, README "still open" until now): a partial holding a
keyword, called inside f with a later parameter by keyword (``P(x, b=3.0)`` of ``P =
partial(q, a=2.0)``) raised TypeError (fixed with the partial's caller keeping the
parameters after a held keyword, 743ad63; tested there as the function given to the
API).  Inside f, every mode agrees with central differences."""

import numpy as np
import pytest

import partial_later_inside as pl
import s2sad

X = np.array([0.3, -1.2, 2.0])
V = np.array([0.5, -1.0, 0.25])
NAMES = ["module_partial", "local_partial", "made_in_place", "partial_of_partial",
         "later_of_fs_own"]


def _fd(f, x, eps=1e-6):
    return np.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(x.size)])


@pytest.mark.parametrize("name", NAMES)
def test_first_derivatives_agree_with_central_differences(name):
    f = getattr(pl, name)
    ref = _fd(f, X)
    np.testing.assert_allclose(s2sad.grad(f)(X), ref, atol=1e-6)
    np.testing.assert_allclose(s2sad.vjp(f)(X)[1](1.0), ref, atol=1e-6)
    assert s2sad.jvp(f)(X, V)[1] == pytest.approx(ref @ V, abs=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_second_derivatives_agree_with_central_differences(name):
    f = getattr(pl, name)
    hess = np.array([_fd(lambda y: _fd(f, y)[i], X, eps=1e-4) for i in range(3)])
    np.testing.assert_allclose(s2sad.hessian(f)(X), hess, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(s2sad.hvp(f)(X, V), hess @ V, rtol=1e-5, atol=1e-4)
