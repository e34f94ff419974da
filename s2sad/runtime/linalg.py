"""Helpers of the ``numpy.linalg`` rules: the last two axes of arrays are matrices, any
leading axes a batch (numpy's linear algebra broadcasts over them).

Input: matrices (and their adjoints or tangents); output: new arrays.  The helpers
linear in one argument say so (``@fact(linear=...)``: their tangent is derived); the
others write their tangent beside them, so that generated gradient code stays
differentiable in forward mode (second order).  Where a derivative does not exist
(eigenvectors at a repeated eigenvalue) they raise :class:`LinalgDerivativeError`.
"""

import numpy as np

from ..errors import S2sadError
from ..rules.records import fact, tangent_beside


class LinalgDerivativeError(S2sadError, ValueError):
    """A linear-algebra derivative that does not exist (or is not unique) at the
    value reached: eigenvectors at a repeated eigenvalue, singular vectors at a
    repeated or zero singular value."""


# ------------------------------------------------------------ matrix shapes


@fact(view=True, linear=("x",))
def mT(x):
    """The transpose of the last two axes (of every matrix of a batch)."""
    return np.swapaxes(x, -1, -2)


@fact(allocates=True, linear=("g",))
def lift(g):
    """A number per matrix -> an array that broadcasts against the matrices."""
    return np.asarray(g)[..., None, None]


@fact(allocates=True, linear=("x",))
def diag_part(x):
    """The diagonal of every matrix (shape ``(..., n)``)."""
    return np.diagonal(x, axis1=-2, axis2=-1).copy()


@fact(allocates=True, linear=("v",))
def diag_embed(v):
    """Vectors ``(..., n)`` -> diagonal matrices ``(..., n, n)``."""
    v = np.asarray(v)
    out = np.zeros(v.shape + v.shape[-1:], dtype=np.result_type(v, 1.0))
    n = v.shape[-1]
    out[..., np.arange(n), np.arange(n)] = v
    return out


def _upper(uplo):
    """``UPLO`` ("L"/"U") or cholesky's ``upper`` flag -> whether the upper triangle is read."""
    if isinstance(uplo, str):
        return uplo.upper() == "U"
    return bool(uplo)


@fact(allocates=True, linear=("x",))
def triangle_sym(x, uplo):
    """The symmetric matrix numpy reads from the ``uplo`` triangle of ``x`` (eigh,
    cholesky read one triangle only)."""
    if _upper(uplo):
        part = np.triu(x, 1)
    else:
        part = np.tril(x, -1)
    return part + mT(part) + diag_embed(diag_part(x))


@fact(allocates=True, linear=("g",))
def triangle_bar(g, uplo):
    """Adjoint of :func:`triangle_sym`: ``g`` is the adjoint of the symmetric matrix."""
    t = g + mT(g)
    part = np.triu(t, 1) if _upper(uplo) else np.tril(t, -1)
    return part + diag_embed(diag_part(g))


@fact(view=True, linear=("x",))
def cholesky_lower(x, upper):
    """The lower factor (or its adjoint, its tangent) from cholesky's result: its
    transpose when ``upper``."""
    return mT(x) if upper else x


@fact(allocates=True, linear=("x",))
def phi(x):
    """The lower triangle with the diagonal halved (the Cholesky derivative's map)."""
    return np.tril(x) - 0.5 * diag_embed(diag_part(x))


@fact(allocates=True, linear=("x",))
def skew_lower(x):
    """``tril(x, -1) - tril(x, -1)^T`` (the QR derivative's rotation)."""
    part = np.tril(x, -1)
    return part - mT(part)


@fact(allocates=True, linear=("w",))
def pair_diff(w):
    """``d[..., i, j] = w[..., j] - w[..., i]``."""
    w = np.asarray(w)
    return w[..., None, :] - w[..., :, None]


# --------------------------------------------------------- np.linalg.solve


def _vector(b):
    return np.ndim(b) == 1


@fact(allocates=True)
def solve_like(a, g, b):
    """``np.linalg.solve(a, g)`` with ``g`` read the way ``b`` was: a vector per matrix
    of the batch when ``b`` is one-dimensional (numpy reads a 2-d ``g`` as a matrix)."""
    if _vector(b) and np.ndim(g) > 1:
        return np.linalg.solve(a, np.asarray(g)[..., None])[..., 0]
    return np.linalg.solve(a, g)


@fact(allocates=True)
def matvec_like(a, x, b):
    """``a @ x``, ``x`` read the way ``b`` was (see :func:`solve_like`)."""
    if _vector(b):
        return (a @ np.asarray(x)[..., None])[..., 0]
    return a @ x


@fact(allocates=True)
def outer_like(s, x, b):
    """``s @ x^T`` for matrices, the outer product ``s x^T`` for the vectors of a batch."""
    if _vector(b):
        s, x = np.asarray(s), np.asarray(x)
        return s[..., :, None] * x[..., None, :]
    return s @ mT(x)


@tangent_beside(solve_like)
def solve_like_tangent(out, a, g, b, a_dot, g_dot):
    return solve_like(a, g_dot - matvec_like(a_dot, out, b), b)


@tangent_beside(matvec_like)
def matvec_like_tangent(out, a, x, b, a_dot, x_dot):
    return matvec_like(a_dot, x, b) + matvec_like(a, x_dot, b)


@tangent_beside(outer_like)
def outer_like_tangent(out, s, x, b, s_dot, x_dot):
    return outer_like(s_dot, x, b) + outer_like(s, x_dot, b)


# ---------------------------------------------------------- spectral gaps


def _refuse_close(gaps, scale, what, hint):
    tol = 1e-9 * max(1.0, float(np.max(np.abs(scale))) if np.size(scale) else 1.0)
    off = ~np.eye(gaps.shape[-1], dtype=bool)
    if np.any((np.abs(gaps) <= tol) & off):
        raise LinalgDerivativeError(what, hint=hint)


@fact(allocates=True)
def eigh_gaps(w, needed):
    """``F[..., i, j] = 1 / (w_j - w_i)`` off the diagonal, 0 on it.  When ``needed``
    (the eigenvectors' adjoint, or True in forward mode) is not all zeros, repeated
    eigenvalues are refused: the eigenvectors have no derivative there."""
    d = pair_diff(w)
    n = d.shape[-1]
    off = ~np.eye(n, dtype=bool)
    if np.any(needed):
        _refuse_close(d, w, "np.linalg.eigh: the eigenvectors have no derivative at a "
                      "repeated eigenvalue",
                      "differentiate only the eigenvalues there (np.linalg.eigvalsh), or "
                      "move the input away from the repeated eigenvalue")
    safe = np.where(off & (d != 0), d, 1.0)
    return np.where(off & (d != 0), 1.0 / safe, 0.0)


@tangent_beside(eigh_gaps)
def eigh_gaps_tangent(out, w, needed, w_dot):
    return -out * out * pair_diff(w_dot)
