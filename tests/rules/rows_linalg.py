"""Op-table rows of the numpy.linalg rules (issue 14): small (2x2, 3x3) and batched
(2, 3, 3) matrices in well-conditioned domains.  The second case of each row is the
one second order checks: it is batched where the op allows."""

import numpy as np

import ops_linalg as F
from optable import Arg, row


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
    row("linalg.solve", F.solve,
        ("mat-vec", Arg((3, 3), _shifted), Arg((3,))),
        ("batch-vec", Arg((2, 3, 3), _shifted), Arg((3,))),
        ("mat-mat", Arg((3, 3), _shifted), Arg((3, 2))),
        ("batch-mat", Arg((2, 3, 3), _shifted), Arg((2, 3, 2))),
        ("batch-bcast-mat", Arg((2, 3, 3), _shifted), Arg((3, 2))),
        ("mat-batch", Arg((2, 2), _shifted), Arg((3, 2, 1)))),
    row("linalg.det", F.det, ("2x2", Arg((2, 2), _shifted)), ("batch", Arg((2, 3, 3), _det_sign_mixed)),
        ("3x3", Arg((3, 3), _det_sign_mixed))),
    row("linalg.slogdet", F.slogdet_logabsdet, ("2x2", Arg((2, 2), _shifted)),
        ("batch", Arg((2, 3, 3), _det_sign_mixed)), ("3x3", Arg((3, 3), _det_sign_mixed))),
    row("linalg.slogdet-sign", F.slogdet_both, ("3x3", Arg((3, 3), _det_sign_mixed)),
        ("batch", Arg((2, 3, 3), _det_sign_mixed))),
    row("linalg.cholesky", F.cholesky, ("2x2", Arg((2, 2), _spd)), ("batch", Arg((2, 3, 3), _spd)),
        ("3x3", Arg((3, 3), _spd))),
    row("linalg.cholesky-upper", F.cholesky_upper, ("3x3", Arg((3, 3), _spd)),
        ("batch", Arg((2, 3, 3), _spd))),
    row("linalg.cholesky-gram", F.cholesky_of_gram, ("3x3", Arg((3, 3))),
        ("wide", Arg((2, 3)))),
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
