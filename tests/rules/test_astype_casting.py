"""x.astype(dtype, casting=...) between float dtypes (refused before): differentiated in
both modes and to second order, and numpy's check of the cast kept (a cast the casting
rule forbids raises numpy's TypeError, as the function does)."""

import numpy as np
import pytest

import s2sad

X = np.array([[0.3, -1.2, 0.7], [2.5, 0.4, -0.5]])


def to_float32_and_back(x):
    y = x.astype(np.float32, casting='same_kind')
    return np.sum(y.astype(np.float64, casting='safe') ** 2)


def by_position(x):
    return np.sum(np.sin(x.astype(np.float64, 'K', 'same_kind')))


def forbidden(x):
    return np.sum(x.astype(np.float32, casting='safe'))


def test_a_cast_to_float32_and_back_has_the_derivative_written_by_hand():
    want = 2.0 * X.astype(np.float32).astype(np.float64)
    np.testing.assert_allclose(s2sad.grad(to_float32_and_back)(X.copy()), want, rtol=1e-6)
    direction = np.cos(np.arange(6.0)).reshape(X.shape)
    np.testing.assert_allclose(s2sad.jvp(to_float32_and_back)(X.copy(), direction)[1],
                               np.sum(want * direction), rtol=1e-6)
    hess = np.asarray(s2sad.hessian(to_float32_and_back)(X.copy())).reshape(6, 6)
    np.testing.assert_allclose(hess, 2.0 * np.eye(6), atol=1e-6)


def test_casting_given_by_position_is_read_as_by_name():
    np.testing.assert_allclose(s2sad.grad(by_position)(X.copy()), np.cos(X))
    hess = np.asarray(s2sad.hessian(by_position)(X.copy())).reshape(6, 6)
    np.testing.assert_allclose(hess, np.diag(-np.sin(X).ravel()), atol=1e-12)


def test_a_cast_the_rule_forbids_raises_numpys_error():
    with pytest.raises(TypeError) as want:
        forbidden(X)
    for run in (lambda: s2sad.grad(forbidden)(X.copy()),
                lambda: s2sad.jvp(forbidden)(X.copy(), np.ones_like(X))):
        with pytest.raises(TypeError) as got:
            run()
        assert str(got.value) == str(want.value)
