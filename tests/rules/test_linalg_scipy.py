"""scipy.linalg rows are left out only when scipy is missing, and the refusals of the
linear-algebra rules (numpy.linalg and scipy.linalg) name the op and what to do."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads
from s2sad.runtime.linalg import LinalgDerivativeError

import rows_scipy_linalg


def test_scipy_linalg_rows_are_skipped_only_without_scipy():
    try:
        import scipy.linalg  # noqa: F401
    except ImportError:  # pragma: no cover - scipy is installed here and in CI
        assert rows_scipy_linalg.ROWS == [], "scipy missing: the only reason to skip"
        return
    assert rows_scipy_linalg.HAS_SCIPY and len(rows_scipy_linalg.ROWS) >= 15


SOURCE = """
    import numpy as np
    import scipy.linalg

    UPPER = np.triu(np.ones((3, 3)))

    def cho_factor_whole(a):
        return np.sum(scipy.linalg.cho_factor(a)[0] ** 2)

    def cho_factor_triangle(a):
        return np.sum((scipy.linalg.cho_factor(a)[0] * UPPER) ** 2)

    def solve_transposed(a, b):
        return np.sum(scipy.linalg.solve(a, b, transposed=True))

    def solve_banded_kind(a, b):
        return np.sum(scipy.linalg.solve(a, b, assume_a="tridiagonal"))

    def sqrtm(a):
        return np.sum(scipy.linalg.sqrtm(a))

    def svd_full_u(a):
        return np.sum(np.linalg.svd(a)[0] ** 3)

    def svd_full_s(a):
        return np.sum(np.linalg.svd(a)[1])

    def qr_r_mode(a):
        return np.sum(np.linalg.qr(a, mode="r"))

    def qr_wide(a):
        return np.sum(np.linalg.qr(a)[1])

    def pinv(a):
        return np.sum(np.linalg.pinv(a))

    def lstsq(a, b):
        return np.sum(np.linalg.lstsq(a, b)[0])

    def det(a):
        return np.linalg.det(a)

    def slogdet(a):
        return np.linalg.slogdet(a)[1]

    def svd_repeated(a):
        return np.sum(np.linalg.svd(a)[0] ** 3)
    """

SPD = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
B = np.array([1.0, -2.0, 0.5])


def _scipy_knows_structures():
    try:
        import scipy
    except ImportError:   # pragma: no cover - scipy is installed here and in CI
        return False
    return tuple(int(p) for p in scipy.__version__.split(".")[:2]) >= (1, 15)


_STRUCTURES = _scipy_knows_structures()
TALL = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 0.3]])
RANK1 = np.outer([1.0, 2.0, 3.0], [1.0, -1.0])


@pytest.mark.parametrize("name, args, words", [
    ("solve_transposed", (SPD, B), ["transposed=True", "a.T"]),
    # (scipy 1.15 and newer know the matrix structures beyond gen, sym, her and pos)
    *([("solve_banded_kind", (SPD, B), ["assume_a='tridiagonal'"])] if _STRUCTURES else []),
    ("svd_full_u", (TALL,), ["full_matrices=True", "full_matrices=False"]),
    ("qr_r_mode", (SPD,), ["mode='r'", "mode='reduced'"]),
    ("qr_wide", (TALL.T,), ["wide"]),
    ("pinv", (RANK1,), ["np.linalg.pinv", "rank-deficient"]),
    ("lstsq", (RANK1, B), ["np.linalg.lstsq", "rank-deficient"]),
    ("det", (np.ones((2, 2)),), ["np.linalg.det", "singular matrix"]),
    ("slogdet", (np.ones((2, 2)),), ["np.linalg.slogdet", "singular matrix"]),
    ("svd_repeated", (np.eye(3),), ["repeated singular value", "compute_uv=False"]),
])
def test_linear_algebra_refusals_say_what_and_what_to_do(load, name, args, words):
    module = load(f"linalg_refused_{name}", SOURCE)
    with pytest.raises(LinalgDerivativeError) as info:
        s2sad.grad(getattr(module, name))(*args)
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_a_complex_square_root_is_refused(load):
    module = load("linalg_refused_sqrtm", SOURCE)
    with pytest.raises(s2sad.S2sadError, match="complex"):
        s2sad.grad(module.sqrtm)(-SPD)


def test_what_is_differentiable_beside_the_refusals(load):
    module = load("linalg_allowed", SOURCE)
    # the triangle cho_solve reads; S of a full svd of a non-square matrix
    # (the sum of the squares of the factor U is trace(U^T U) = trace(a))
    np.testing.assert_allclose(s2sad.grad(module.cho_factor_triangle)(SPD), np.eye(3),
                               atol=1e-12)
    g = s2sad.grad(module.svd_full_s)(TALL)
    u, s, vh = np.linalg.svd(TALL, full_matrices=False)
    np.testing.assert_allclose(g, u @ vh, atol=1e-12)


def test_cho_factor_s_other_triangle_holds_a_and_is_differentiated_so(load):
    """scipy leaves a's own entries in the triangle of c that holds no factor (LAPACK's
    potrf does not touch it): reading the whole of c is differentiated as that, in both
    modes (forward mode gave NaN there, reverse mode refused)."""
    module = load("cho_whole", """
        import numpy as np
        import scipy.linalg

        def whole(a):
            return np.sum(scipy.linalg.cho_factor(a)[0] ** 2)

        def whole_lower(a):
            c = scipy.linalg.cho_factor(a, lower=True)
            return np.sum(np.sin(c[0])) + np.sum(scipy.linalg.cho_solve(c, a[0]))
        """)
    a = SPD + np.array([[0.0, 0.0, 0.0], [0.3, 0.0, 0.0], [0.1, -0.2, 0.0]])
    for f in (module.whole, module.whole_lower):
        check_grads(f, (a,), modes=("reverse", "forward"))
