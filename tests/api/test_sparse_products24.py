"""A constant scipy.sparse matrix or array of the module times a differentiated dense
array (``L @ x``, ``x @ L``, 2-d factors; a numpy AxisError, IndexError or ValueError in
reverse mode before): adjoints against central finite differences in float64 and by
hand, in grad, vjp, jvp, hvp, hessian and jacobian (fixidx24).  Skipped without scipy."""

import numpy as np
import pytest

pytest.importorskip("scipy.sparse", reason="scipy is optional")

import s2sad  # noqa: E402
import sparse_products24 as F  # noqa: E402
from s2sad.testing import check_grads, finite_difference_gradient  # noqa: E402

X = np.array([1.0, -2.0, 0.5, 3.0])
FUNCTIONS = [F.energy, F.energy_left, F.rect, F.columns]


@pytest.mark.parametrize("f", FUNCTIONS + [F.vector_out], ids=lambda f: f.__name__)
def test_grad_vjp_and_jvp_match_finite_differences(f):
    check_grads(f, (X,), modes=("reverse", "forward"))


@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_hessian_and_hvp_match_finite_differences_of_the_gradient(f):
    expected = np.asarray(finite_difference_gradient(
        lambda x: np.asarray(s2sad.grad(f)(x)), (X,), 0)).reshape(4, 4)
    np.testing.assert_allclose(s2sad.hessian(f)(X), expected, rtol=1e-5, atol=1e-6)
    v = np.array([0.2, -1.0, 0.7, 0.1])
    np.testing.assert_allclose(s2sad.hvp(f)(X, v), expected @ v, rtol=1e-5, atol=1e-6)


def test_the_energy_has_the_derivatives_written_by_hand():
    dense = F.L.toarray()
    grad = s2sad.grad(F.energy)(X)
    assert type(grad) is np.ndarray and grad.shape == (4,)
    np.testing.assert_allclose(grad, dense @ X, rtol=1e-12)
    np.testing.assert_allclose(s2sad.hessian(F.energy)(X), dense, rtol=1e-12)
    for mode in ("reverse", "forward", "auto"):
        np.testing.assert_allclose(s2sad.jacobian(F.vector_out, mode=mode)(X),
                                   2.0 * F.R.toarray().T + F.C.toarray(), rtol=1e-12)
