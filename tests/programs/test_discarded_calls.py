"""A call statement whose callee writes into nothing runs for what it raises, as
``t = call(...)`` does (stranger23: ``np.linalg.cholesky(A)`` as a check, ``math.log``,
``np.exp(x)``, ``len(x)``, ``x.sum()`` were refused as calls that may write into
something s2sad does not see); ``np.random.seed(seed)`` runs as in the function.
References: central finite differences in float64 or derivatives written by hand."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import S2sadError

import discarded_calls as m

X = np.array([0.5, 1.0, 2.0])


def central(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


def test_cholesky_check_runs_and_raises_as_python():
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    np.testing.assert_allclose(s2sad.grad(m.cholesky_check)(X, A), 1.0 / X, rtol=1e-12)
    np.testing.assert_allclose(s2sad.hessian(m.cholesky_check)(X, A), np.diag(-1.0 / X ** 2),
                               rtol=1e-12)
    bad = np.array([[1.0, 2.0], [2.0, 1.0]])
    for transform in (s2sad.grad, s2sad.hessian, s2sad.jacobian):
        with pytest.raises(np.linalg.LinAlgError):
            transform(m.cholesky_check)(X, bad)


def test_math_and_numpy_calls_as_checks():
    np.testing.assert_allclose(s2sad.grad(m.math_check)(X), 3 * X ** 2, rtol=1e-12)
    with pytest.raises(ValueError):
        s2sad.grad(m.math_check)(-X)
    g = s2sad.grad(m.several_checks)(X)
    np.testing.assert_allclose(g, central(m.several_checks, X), rtol=1e-7)
    np.testing.assert_allclose(g, np.cos(X) * X + np.sin(X), rtol=1e-12)
    x0, t = X.copy(), np.array([1.0, -1.0, 0.5])
    _, jv = s2sad.jvp(m.several_checks)(X, t)
    np.testing.assert_allclose(jv, g @ t, rtol=1e-12)
    np.testing.assert_array_equal(X, x0)


def test_seed_statement_runs_where_python_runs_it():
    mu = np.array([0.1, -0.2])
    np.random.seed(0)
    eps = np.random.standard_normal(2)
    np.random.seed(5)   # (the function seeds itself: the outer state does not count)
    np.testing.assert_allclose(s2sad.grad(m.seeded_statement)(mu), 2 * (mu + eps),
                               rtol=1e-12)
    np.testing.assert_allclose(s2sad.hessian(m.seeded_statement)(mu), 2 * np.eye(2))
    np.testing.assert_allclose(s2sad.grad(m.seeded_statement)(mu),
                               central(m.seeded_statement, mu), rtol=1e-7)


def test_a_call_that_writes_stays_refused():
    with pytest.raises(S2sadError):
        s2sad.grad(m.sorting)(X.copy())
