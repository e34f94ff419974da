"""numpy.linalg rules where a derivative does not exist: eigenvectors at a repeated
eigenvalue are refused at run time (both modes) with an s2sad error naming the op and
what to do; the eigenvalues alone stay differentiable there."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import SharedWriteError
from s2sad.runtime.linalg import LinalgDerivativeError

SOURCE = """
    import numpy as np

    def vectors(a):
        return np.sum(np.linalg.eigh(a)[1] ** 3)

    def values(a):
        return np.sum(np.linalg.eigh(a)[0] ** 2)

    def values_only(a):
        return np.sum(np.linalg.eigvalsh(a) ** 2)
    """

REPEATED = np.diag([1.0, 2.0, 2.0])


def test_eigenvectors_at_a_repeated_eigenvalue_are_refused_in_reverse_mode(load):
    module = load("eigh_repeated", SOURCE)
    with pytest.raises(LinalgDerivativeError) as info:
        s2sad.grad(module.vectors)(REPEATED)
    message = str(info.value)
    assert "np.linalg.eigh" in message and "repeated eigenvalue" in message
    assert "eigvalsh" in message   # what to do


def test_eigenvectors_at_a_repeated_eigenvalue_are_refused_in_forward_mode(load):
    module = load("eigh_repeated_fwd", SOURCE)
    with pytest.raises(LinalgDerivativeError, match="repeated eigenvalue"):
        s2sad.jvp(module.vectors)(REPEATED, np.eye(3))


def test_eigenvalues_at_a_repeated_eigenvalue_are_differentiable(load):
    module = load("eigh_repeated_values", SOURCE)
    # d sum(w^2) = 2 sum w_i v_i v_i^T = 2 a (on the lower triangle numpy reads)
    expected = np.tril(2.0 * (2.0 * REPEATED)) - np.diag(np.diag(2.0 * REPEATED))
    np.testing.assert_allclose(s2sad.grad(module.values)(REPEATED), expected, atol=1e-12)
    np.testing.assert_allclose(s2sad.grad(module.values_only)(REPEATED), expected, atol=1e-12)
    assert abs(s2sad.jvp(module.values_only)(REPEATED, np.eye(3))[1] - 10.0) < 1e-12


def test_matrix_power_may_return_its_argument(load):
    """np.linalg.matrix_power(a, 1) is a itself (declared a view): a write through the
    result, which would change a, is refused as for any view."""
    module = load("matrix_power_view", """
        import numpy as np

        def written(a):
            b = np.linalg.matrix_power(a, 1)
            b[0, 0] = 0.0
            return np.sum(a * b)
        """)
    with pytest.raises(SharedWriteError, match="'a'"):
        s2sad.grad(module.written)(np.eye(2))
