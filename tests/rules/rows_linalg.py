"""Op-table rows of the numpy.linalg rules (issue 14): small (2x2, 3x3) and batched
(2, 3, 3) matrices in well-conditioned domains.  The second case of each row is the
one second order checks: it is batched where the op allows."""

import numpy as np

import ops_linalg as F
from optable import Arg, row

NUMPY2 = int(np.__version__.split(".")[0]) >= 2


def _shifted(rng, shape):
    """Random plus n I: far from singular."""
    n = shape[-1]
    return rng.standard_normal(shape) + n * np.eye(n)


def _spd(rng, shape):
    """B B^T + n I (symmetric positive definite), plus noise: cholesky reads one triangle."""
    n = shape[-1]
    b = rng.standard_normal(shape)
    b = b @ np.swapaxes(b, -1, -2) + n * np.eye(n)
    return b + 0.1 * rng.standard_normal(shape)   # (the triangle numpy does not read)


def _spd_distinct(rng, shape):
    """Symmetric with eigenvalues at least 0.5 apart (eigenvectors differentiable); the
    triangle numpy does not read is perturbed, so the adjoint must leave it alone."""
    n = shape[-1]
    q, _ = np.linalg.qr(rng.standard_normal(shape))
    w = np.arange(1.0, n + 1.0) * 1.5 + rng.uniform(0.0, 0.3, shape[:-2] + (n,))
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2) + 0.05 * rng.standard_normal(shape)


def _det_sign_mixed(rng, shape):
    """Well-conditioned, with a negative determinant for some matrices of a batch."""
    a = _shifted(rng, shape)
    a[..., 0, :] *= -1.0
    return a


ROWS = [
    row("linalg.inv", F.inv, ("2x2", Arg((2, 2), _shifted)), ("batch", Arg((2, 3, 3), _shifted)),
        ("3x3", Arg((3, 3), _shifted))),
    # (a vector b against a batch of matrices, and a b broadcast against a batch: numpy
    # 2's rule for b; numpy 1 reads b of a.ndim - 1 dimensions as a stack of vectors)
    row("linalg.solve", F.solve,
        ("mat-vec", Arg((3, 3), _shifted), Arg((3,))),
        *([("batch-vec", Arg((2, 3, 3), _shifted), Arg((3,)))] if NUMPY2 else []),
        ("mat-mat", Arg((3, 3), _shifted), Arg((3, 2))),
        ("batch-mat", Arg((2, 3, 3), _shifted), Arg((2, 3, 2))),
        *([("batch-bcast-mat", Arg((2, 3, 3), _shifted), Arg((3, 2)))] if NUMPY2 else []),
        ("mat-batch", Arg((2, 2), _shifted), Arg((3, 2, 1)))),
    row("linalg.det", F.det, ("2x2", Arg((2, 2), _shifted)),
        ("batch", Arg((2, 3, 3), _det_sign_mixed)),
        ("3x3", Arg((3, 3), _det_sign_mixed))),
    row("linalg.slogdet", F.slogdet_logabsdet, ("2x2", Arg((2, 2), _shifted)),
        ("batch", Arg((2, 3, 3), _det_sign_mixed)), ("3x3", Arg((3, 3), _det_sign_mixed))),
    row("linalg.slogdet-sign", F.slogdet_both, ("3x3", Arg((3, 3), _det_sign_mixed)),
        ("batch", Arg((2, 3, 3), _det_sign_mixed))),
    row("linalg.cholesky", F.cholesky, ("2x2", Arg((2, 2), _spd)), ("batch", Arg((2, 3, 3), _spd)),
        ("3x3", Arg((3, 3), _spd))),
    row("linalg.cholesky-gram", F.cholesky_of_gram, ("3x3", Arg((3, 3))),
        ("wide", Arg((2, 3)))),
] + ([
    row("linalg.cholesky-upper", F.cholesky_upper, ("3x3", Arg((3, 3), _spd)),
        ("batch", Arg((2, 3, 3), _spd))),
] if NUMPY2 else []) + [   # (numpy 1 has no upper=)
    row("linalg.eigh-values", F.eigh_values, ("2x2", Arg((2, 2), _spd_distinct)),
        ("batch", Arg((2, 3, 3), _spd_distinct)), ("3x3", Arg((3, 3), _spd_distinct))),
    row("linalg.eigh-vectors", F.eigh_vectors, ("2x2", Arg((2, 2), _spd_distinct)),
        ("batch", Arg((2, 3, 3), _spd_distinct)), ("3x3", Arg((3, 3), _spd_distinct))),
    row("linalg.eigh-upper", F.eigh_upper, ("3x3", Arg((3, 3), _spd_distinct)),
        ("batch", Arg((2, 3, 3), _spd_distinct))),
    row("linalg.eigh-both", F.eigh_both, ("3x3", Arg((3, 3), _spd_distinct)),
        ("batch", Arg((2, 3, 3), _spd_distinct))),
    row("linalg.eigvalsh", F.eigvalsh, ("2x2", Arg((2, 2), _spd_distinct)),
        ("batch", Arg((2, 3, 3), _spd_distinct)), ("3x3", Arg((3, 3), _spd_distinct))),
    row("linalg.eigvalsh-upper", F.eigvalsh_upper, ("3x3", Arg((3, 3), _spd_distinct)),
        ("batch", Arg((2, 3, 3), _spd_distinct))),
]


def _distinct_singular(rng, shape):
    """Singular values at least 0.5 apart and away from zero."""
    m, n = shape[-2:]
    k = min(m, n)
    u, _ = np.linalg.qr(rng.standard_normal(shape[:-2] + (m, k)))
    v, _ = np.linalg.qr(rng.standard_normal(shape[:-2] + (n, k)))
    s = np.arange(1.0, k + 1.0) + rng.uniform(0.0, 0.3, shape[:-2] + (k,))
    return (u * s[..., None, :]) @ np.swapaxes(v, -1, -2)


ROWS += [
    row("linalg.svd-values", F.svd_values, ("square", Arg((3, 3), _distinct_singular)),
        ("batch-tall", Arg((2, 4, 3), _distinct_singular)),
        ("wide", Arg((2, 4), _distinct_singular))),
    row("linalg.svd-values-full", F.svd_values_of_full, ("tall", Arg((4, 3), _distinct_singular)),
        ("batch-wide", Arg((2, 2, 3), _distinct_singular))),
    row("linalg.svd-U", F.svd_vectors, ("square", Arg((3, 3), _distinct_singular)),
        ("batch-tall", Arg((2, 4, 3), _distinct_singular)),
        ("wide", Arg((2, 4), _distinct_singular))),
    row("linalg.svd-Vh", F.svd_vh, ("square", Arg((3, 3), _distinct_singular)),
        ("batch-wide", Arg((2, 2, 4), _distinct_singular)),
        ("tall", Arg((4, 2), _distinct_singular))),
    row("linalg.svd-square-full", F.svd_square, ("square", Arg((3, 3), _distinct_singular)),
        ("batch", Arg((2, 3, 3), _distinct_singular))),
]

ROWS += [
    row("linalg.qr-Q", F.qr_q, ("square", Arg((3, 3), _shifted)), ("batch-tall", Arg((2, 4, 3))),
        ("tall", Arg((4, 2)))),
    row("linalg.qr-R", F.qr_r, ("square", Arg((3, 3), _shifted)), ("batch-tall", Arg((2, 4, 3))),
        ("tall", Arg((4, 2)))),
    row("linalg.qr-both", F.qr_both, ("square", Arg((3, 3), _shifted)), ("tall", Arg((4, 3)))),
    row("linalg.pinv", F.pinv, ("square", Arg((3, 3), _shifted)), ("batch-tall", Arg((2, 4, 3))),
        ("wide", Arg((2, 4))), ("tall", Arg((4, 2)))),
    row("linalg.lstsq", F.lstsq_x, ("square", Arg((3, 3), _shifted), Arg((3,))),
        ("tall-vec", Arg((5, 3)), Arg((5,))), ("tall-mat", Arg((5, 2)), Arg((5, 3)))),
    row("linalg.lstsq-residuals", F.lstsq_residuals, ("tall-vec", Arg((5, 3)), Arg((5,))),
        ("tall-mat", Arg((5, 2)), Arg((5, 3)))),
    row("linalg.lstsq-values", F.lstsq_values, ("tall-vec", Arg((5, 3)), Arg((5,))),
        ("tall-mat", Arg((4, 2)), Arg((4, 3)))),
    row("linalg.matrix_power", F.matrix_power_3, ("2x2", Arg((2, 2))), ("batch", Arg((2, 3, 3))),
        ("3x3", Arg((3, 3)))),
    row("linalg.matrix_power-negative", F.matrix_power_negative, ("3x3", Arg((3, 3), _shifted)),
        ("batch", Arg((2, 3, 3), _shifted))),
    row("linalg.matrix_power-0-1", F.matrix_power_0_1, ("3x3", Arg((3, 3))),
        ("batch", Arg((2, 2, 2)))),
    row("linalg.multi_dot", F.multi_dot, ("mats", Arg((2, 3)), Arg((3, 4)), Arg((4, 2))),
        ("square", Arg((3, 3)), Arg((3, 3)), Arg((3, 3)))),
    row("linalg.multi_dot-vectors", F.multi_dot_vectors,
        ("vecs", Arg((3,)), Arg((3, 3)), Arg((3,))),
        ("row", Arg((2,)), Arg((2, 2)), Arg((2,)))),
]
