"""``np.linalg.lstsq`` of a matrix with more columns than rows gives the minimum-norm
solution; its rule differentiates the least squares of a tall matrix ((a^T a)^-1
a^T b), so for a wide one of full row rank it gave -8.586 where the derivative is
-7.336, silently (stranger14).  Such a call is now refused where it is written, in both
modes, with the spelling that is differentiated (``np.linalg.pinv(a) @ b``), which the
test follows.  References: central finite differences."""

import numpy as np
import pytest

import s2sad
from s2sad.runtime import LinalgDerivativeError
from s2sad.testing import finite_difference_gradient

A = np.array([[1.0, 0.5, -0.3], [0.2, 2.0, 0.7]])   # 2 x 3, rank 2
X = np.array([0.8, 1.3])


def wide(x):
    solution = np.linalg.lstsq(A * x[0], np.array([x[1], 1.0]), rcond=None)[0]
    return np.sum(solution ** 3)


def wide_as_hinted(x):
    solution = np.linalg.pinv(A * x[0]) @ np.array([x[1], 1.0])
    return np.sum(solution ** 3)


def tall(x):
    solution = np.linalg.lstsq(A.T * x[0], np.array([x[1], 1.0, -0.5]), rcond=None)[0]
    return np.sum(solution ** 3)


@pytest.mark.parametrize("derivative", [
    lambda: s2sad.grad(wide)(X),
    lambda: s2sad.jvp(wide)(X, np.array([1.0, 0.0])),
])
def test_a_wide_matrix_is_refused_where_lstsq_is_written(derivative):
    with pytest.raises(LinalgDerivativeError, match=r"more columns than rows \(2 x 3\)") \
            as caught:
        derivative()
    assert "test_lstsq_wide.py:20:5:" in str(caught.value)
    assert "np.linalg.pinv(a) @ b" in str(caught.value)


def test_the_hint_is_the_same_solution_and_is_differentiated():
    assert wide_as_hinted(X) == pytest.approx(wide(X), rel=1e-12)
    np.testing.assert_allclose(s2sad.grad(wide_as_hinted)(X),
                               finite_difference_gradient(wide, (X,)), rtol=1e-5)


def test_a_tall_matrix_keeps_its_derivative():
    np.testing.assert_allclose(s2sad.grad(tall)(X), finite_difference_gradient(tall, (X,)),
                               rtol=1e-5)
