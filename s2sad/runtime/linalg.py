"""Helpers of the ``numpy.linalg`` rules: the last two axes of arrays are matrices, any
leading axes a batch (numpy's linear algebra broadcasts over them).

Input: matrices (and their adjoints or tangents); output: new arrays.  The helpers
linear in one argument say so (``@fact(linear=...)``: their tangent is derived); the
others write their tangent beside them, so that generated gradient code stays
differentiable in forward mode (second order).  Where a derivative does not exist
(eigenvectors at a repeated eigenvalue) they raise :class:`LinalgDerivativeError`.
"""

from .numpy_view import np
from .duck import as_array, has_blocks, inverse_blocks, is_duck, size_of
from .undetermined import SVD_BEYOND, SVD_BEYOND_HINT, undetermined_columns

from ..errors import ValueTypeError
from ..rules.records import fact, tangent_beside
from .undetermined import LinalgDerivativeError  # noqa: F401 (defined beside its use there)


# ------------------------------------------------------------ matrix shapes

@fact(linear=("x",))
def mT(x):
    """The transpose of the last two axes (of every matrix of a batch): a view, left
    undeclared (neither ``view`` nor ``allocates``: the conservative facts)."""
    return np.swapaxes(x, -1, -2)


@fact(allocates=True, linear=("g",))
def lift(g):
    """A number per matrix -> an array that broadcasts against the matrices."""
    return as_array(g)[..., None, None]


@fact(allocates=True, linear=("x",))
def diag_part(x):
    """The diagonal of every matrix (shape ``(..., n)``)."""
    return np.diagonal(x, axis1=-2, axis2=-1).copy()


@fact(allocates=True, linear=("v",))
def diag_embed(v):
    """Vectors ``(..., n)`` -> diagonal matrices ``(..., n, n)``."""
    v = as_array(v)
    if has_blocks(v):   # (no write into an array) v times numpy's identity, lazily
        return v[..., :, None] * np.eye(v.shape[-1])
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


@fact(linear=("x",))
def cholesky_lower(x, upper):
    """The lower factor (or its adjoint, its tangent) from cholesky's result: its
    transpose when ``upper``.  Refuses Dask's np.linalg.cholesky result: Dask returns
    the upper factor where numpy returns the lower (its graph names it so), and the
    derivative of numpy's function would be given for Dask's."""
    if not upper and str(getattr(x, "name", "")).startswith("cholesky-upper"):
        raise ValueTypeError(
            "np.linalg.cholesky of a Dask array: Dask returns the upper triangular factor "
            "where numpy returns the lower one, so the function's value is not numpy's and "
            "s2sad does not differentiate it",
            hint="compute the matrix first (it is small: a = a.compute()), then "
                 "np.linalg.cholesky(a) is numpy's")
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


@fact(allocates=True, linear=("v",))
def as_row(v):
    """Vectors ``(..., n)`` -> ``(..., 1, n)``: scales the columns of a matrix."""
    return as_array(v)[..., None, :]


@fact(allocates=True, linear=("v",))
def as_col(v):
    """Vectors ``(..., n)`` -> ``(..., n, 1)``: scales the rows of a matrix."""
    return as_array(v)[..., :, None]


@fact(allocates=True, linear=("w",))
def pair_diff(w):
    """``d[..., i, j] = w[..., j] - w[..., i]``."""
    w = as_array(w)
    return w[..., None, :] - w[..., :, None]


@fact(allocates=True)
def inverse_of(a, op):
    """``np.linalg.inv(a)`` for the derivative of ``op`` (det, slogdet), refusing a
    singular ``a`` with an s2sad error."""
    def singular(_):
        raise LinalgDerivativeError(
            f"{op}: the derivative at a singular matrix is not computed (it needs the "
            f"inverse)", hint="differentiate it at an invertible matrix") from None
    if has_blocks(a):
        return inverse_blocks(a, singular)
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        singular(a)


@tangent_beside(inverse_of)
def inverse_of_tangent(out, a, op, a_dot):
    return -(out @ a_dot @ out)


# --------------------------------------------------------- np.linalg.solve

def _vector(b):
    """Whether the right-hand side ``b`` is a vector per matrix (``b`` may be that flag
    itself, from :func:`solve_vector`)."""
    if isinstance(b, bool):
        return b
    return np.ndim(b) == 1


_NUMPY2 = int(np.__version__.split(".")[0]) >= 2


@fact(allocates=True)
def solve_vector(a, b):
    """Whether ``np.linalg.solve(a, b)`` reads ``b`` as a vector per matrix: ``b``
    one-dimensional (numpy >= 2), or one axis fewer than ``a`` (numpy 1)."""
    if _NUMPY2:
        return bool(np.ndim(b) == 1)
    return bool(np.ndim(b) == 1 or np.ndim(b) == np.ndim(a) - 1)


@fact(allocates=True)
def solve_like(a, g, b):
    """``np.linalg.solve(a, g)`` with ``g`` read the way ``b`` was: a vector per matrix
    of the batch when ``b`` is one-dimensional (numpy reads a 2-d ``g`` as a matrix)."""
    if has_blocks(a, g):   # (lazily, Dask's LU wanting square blocks: the inverse's product)
        return matvec_like(inverse_of(a, "np.linalg.solve"), g, b)
    if _vector(b) and np.ndim(g) > 1:
        return solve_like(a, as_array(g)[..., None], False)[..., 0]
    if not _NUMPY2 and np.ndim(g) >= 2 and np.ndim(g) == np.ndim(a) - 1:
        g = as_array(g)[None]   # (matrices: numpy 1 reads one axis fewer than a's as vectors)
    return np.linalg.solve(a, g)


@fact(allocates=True)
def matvec_like(a, x, b):
    """``a @ x``, ``x`` read the way ``b`` was (see :func:`solve_like`)."""
    if _vector(b):
        return (a @ as_array(x)[..., None])[..., 0]
    return a @ x


@fact(allocates=True)
def outer_like(s, x, b):
    """``s @ x^T`` for matrices, the outer product ``s x^T`` for the vectors of a batch."""
    if _vector(b):
        s, x = as_array(s), as_array(x)
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
    tol = 1e-9 * max(1.0, float(np.max(np.abs(scale))) if size_of(scale) else 1.0)
    off = ~np.eye(gaps.shape[-1], dtype=bool)
    if np.any((np.abs(gaps) <= tol) & off):
        raise LinalgDerivativeError(what, hint=hint)


def _needed(x):
    """Whether a cotangent (or a tuple of them) is not all zeros (True: forward mode)."""
    if isinstance(x, (tuple, list)):
        return any(_needed(e) for e in x)
    return bool(np.any(x))


def _gaps(w, needed, what, hint):
    d = pair_diff(w)
    off = ~np.eye(d.shape[-1], dtype=bool)
    if _needed(needed):
        _refuse_close(d, w, what, hint)
    safe = np.where(off & (d != 0), d, 1.0)
    return np.where(off & (d != 0), 1.0 / safe, 0.0)


@fact(allocates=True)
def eigh_gaps(w, needed):
    """``F[..., i, j] = 1 / (w_j - w_i)`` off the diagonal, 0 on it.  When ``needed``
    (the eigenvectors' adjoint, or True in forward mode) is not all zeros, repeated
    eigenvalues are refused: the eigenvectors have no derivative there."""
    return _gaps(w, needed, "np.linalg.eigh: the eigenvectors have no derivative at a "
                 "repeated eigenvalue",
                 "differentiate only the eigenvalues there (np.linalg.eigvalsh), or "
                 "move the input away from the repeated eigenvalue")


@tangent_beside(eigh_gaps)
def eigh_gaps_tangent(out, w, needed, w_dot):
    return -out * out * pair_diff(w_dot)


# --------------------------------------------------------------------- svd

_SVD_HINT = ("differentiate only the singular values there (compute_uv=False, or "
             "np.linalg.svd(a)[1]), or move the input away from that point")


@fact(allocates=True)
def svd_gaps(s, needed):
    """``F[..., i, j] = 1 / (s_j^2 - s_i^2)``; repeated singular values refused when
    ``needed`` (the singular vectors carry a derivative)."""
    return _gaps(s * s, needed, "np.linalg.svd: the singular vectors have no derivative "
                 "at a repeated singular value", _SVD_HINT)


@tangent_beside(svd_gaps)
def svd_gaps_tangent(out, s, needed, s_dot):
    return -2.0 * out * out * pair_diff(s * s_dot)


@fact(allocates=True)
def svd_inverse(s, needed):
    """``1 / s``; a zero singular value refused when ``needed`` (the singular vectors of
    a rank-deficient matrix have no derivative)."""
    if _needed(needed) and np.any(np.abs(s) <= 1e-12 * max(1.0, float(np.max(np.abs(s))))):
        raise LinalgDerivativeError("np.linalg.svd: the singular vectors have no "
                                    "derivative at a zero singular value", hint=_SVD_HINT)
    return 1.0 / np.where(s == 0, 1.0, s)


@tangent_beside(svd_inverse)
def svd_inverse_tangent(out, s, needed, s_dot):
    return -out * out * s_dot


def _svd_refuse(a, full_matrices, hermitian):
    if hermitian:
        raise LinalgDerivativeError(
            "np.linalg.svd(..., hermitian=True) has no derivative rule",
            hint="call np.linalg.svd without hermitian=True, or np.linalg.eigh")
    m, n = np.shape(a)[-2:]
    return full_matrices and m != n


@fact(allocates=True)
def svd_factors(y, a, full_matrices, compute_uv, hermitian):
    """``(U, S, Vh)`` reduced (``k = min(m, n)`` columns of ``U``): ``y`` itself, its
    first ``k`` columns of ``U`` (rows of ``Vh``) when ``full_matrices``, recomputed
    when ``compute_uv=False`` (``y`` is ``S`` alone)."""
    _svd_refuse(a, full_matrices, hermitian)
    if not compute_uv:
        return tuple(np.linalg.svd(a, full_matrices=False))
    k = min(np.shape(a)[-2:])
    return y[0][..., :k], y[1], y[2][..., :k, :]


@fact(allocates=True, linear=("y_bar",))
def svd_cotangents(y_bar, a, full_matrices, compute_uv):
    """``(U_bar, S_bar, Vh_bar)`` for the reduced factors (zeros for ``U`` and ``Vh``
    when ``compute_uv=False``); a nonzero cotangent of the columns of a full ``U``
    beyond ``min(m, n)`` (not unique) is refused."""
    m, n = np.shape(a)[-2:]
    k = min(m, n)
    if not compute_uv:
        s_bar = as_array(y_bar)
        dtype = np.result_type(s_bar, 1.0)
        lead = np.shape(a)[:-2]
        return np.zeros(lead + (m, k), dtype), s_bar, np.zeros(lead + (k, n), dtype)
    u_bar, s_bar, vh_bar = y_bar
    if full_matrices and m != n:
        if np.any(as_array(u_bar)[..., k:]) or np.any(as_array(vh_bar)[..., k:, :]):
            raise LinalgDerivativeError(SVD_BEYOND, hint=SVD_BEYOND_HINT)
        return as_array(u_bar)[..., :k], s_bar, as_array(vh_bar)[..., :k, :]
    return y_bar


@fact(allocates=True)
def svd_factors_dot(out, y, a, full_matrices, compute_uv, hermitian, y_dot, a_dot):
    """Tangent of :func:`svd_factors`."""
    if not compute_uv:
        return svd_tangent(out, a, a_dot, False, True, False)
    k = min(np.shape(a)[-2:])
    return y_dot[0][..., :k], y_dot[1], y_dot[2][..., :k, :]


@tangent_beside(svd_factors)
def svd_factors_tangent(out, y, a, full_matrices, compute_uv, hermitian, y_dot, a_dot):
    return svd_factors_dot(out, y, a, full_matrices, compute_uv, hermitian, y_dot, a_dot)


def svd_tangent(y, a, t, full_matrices, compute_uv, hermitian):
    """The tangent of ``np.linalg.svd(a, ...)`` (``y``) along ``t`` (``dS = diag(U^T dA V)``,
    ``dU = U (F o (dP S + S dP^T)) + (I - U U^T) dA V / S``, and so for ``V``)."""
    extra = _svd_refuse(a, full_matrices, hermitian) and compute_uv
    u, s, vh = y if compute_uv else np.linalg.svd(a, full_matrices=False)
    k = min(np.shape(a)[-2:])
    u, vh = u[..., :k], vh[..., :k, :]
    v = mT(vh)
    dp = mT(u) @ t @ v
    s_dot = diag_part(dp)
    if not compute_uv:
        return s_dot
    f = svd_gaps(s, True)
    inv_s = svd_inverse(s, True)
    s_row, s_col = s[..., None, :], s[..., :, None]
    du = u @ (f * (dp * s_row + s_col * mT(dp)))
    du = du + (t @ v - u @ dp) * inv_s[..., None, :]
    dv = v @ (f * (s_col * dp + mT(dp) * s_row))
    dv = dv + (mT(t) @ u - v @ mT(dp)) * inv_s[..., None, :]
    if extra:   # full_matrices=True, not square: the columns beyond k have no tangent
        du, dv = undetermined_columns(du, y[0].shape[-1]), undetermined_columns(dv, y[2].shape[-1])
    return du, s_dot, mT(dv)


@fact(linear=("y",))
def qr_checked(y, a, mode):
    """``y`` (the ``(Q, R)`` of ``np.linalg.qr(a, mode)``), after refusing what has no
    rule: modes other than 'reduced' and 'complete' (square), a wide matrix."""
    m, n = np.shape(a)[-2:]
    if mode not in ("reduced", "complete") or (mode == "complete" and m != n):
        raise LinalgDerivativeError(
            f"np.linalg.qr(a, mode={mode!r}) has no derivative rule (only mode='reduced', "
            f"and 'complete' of a square matrix)", hint="call np.linalg.qr(a) (mode='reduced')")
    if m < n:
        raise LinalgDerivativeError(
            "np.linalg.qr of a wide matrix (fewer rows than columns) has no derivative rule",
            hint="differentiate the QR of its transpose, or of a square or tall matrix")
    return y


@fact(linear=("x",))
def full_rank(x, a, op):
    """``x``, after refusing a rank-deficient ``a`` (``op`` has no derivative there:
    numpy's cutoff of small singular values changes the rank)."""
    m, n = np.shape(a)[-2:]
    if op == "np.linalg.lstsq" and m < n:   # (its derivative below is a tall matrix's)
        raise LinalgDerivativeError(f"{op} of a matrix with more columns than rows ({m} x {n}) "
                                    f"gives the minimum-norm solution, not differentiated",
                                    hint="write np.linalg.pinv(a) @ b, the same solution")
    k = min(m, n)
    if np.any(np.linalg.matrix_rank(a) < k):
        raise LinalgDerivativeError(
            f"{op} of a rank-deficient matrix has no derivative (its rank changes under "
            f"a small change of the input)",
            hint="differentiate it at a matrix of full rank (add a small ridge, a + eps I)")
    return x


@fact(allocates=True)
def residuals_bar(r, res_bar):
    """The part of lstsq's ``b`` adjoint that its ``residuals`` (squared norms of the
    columns of ``r = b - a x``, empty when not computed) contribute: ``2 r res_bar``."""
    res_bar = as_array(res_bar)
    if res_bar.size == 0:
        return np.zeros_like(r)
    return 2.0 * r * (res_bar if np.ndim(r) > 1 else res_bar[0])


@tangent_beside(residuals_bar)
def residuals_bar_tangent(out, r, res_bar, r_dot, res_bar_dot):
    return residuals_bar(r_dot, res_bar) + residuals_bar(r, res_bar_dot)


@fact(allocates=True)
def residuals_dot(y, r, v):
    """The tangent of lstsq's ``residuals`` output ``y[1]`` (empty when not computed)
    along ``v``, the tangent of ``r``."""
    return residuals_pair(r, v, y[1])


@fact(allocates=True)
def residuals_pair(r, s, res):
    """``2 sum(r * s, axis=0)`` (one number per column: a vector ``r`` is one column),
    an empty array like ``res`` when lstsq computed no residuals ``res``."""
    if size_of(res) == 0:
        return np.zeros(np.shape(res), dtype=np.result_type(res, float))
    return np.atleast_1d(2.0 * np.sum(r * s, axis=0))


@fact(allocates=True)
def constant_dot(x):
    """The zero tangent of an output that is piecewise constant (lstsq's ``rank``)."""
    return np.zeros(np.shape(x))


# ------------------------------------------------------ matrix_power, multi_dot

def _powers(a, a_dot, n):
    """``[a^0 .. a^n]`` and their tangents along ``a_dot`` (None: no tangents)."""
    eye = np.broadcast_to(np.eye(np.shape(a)[-1]), np.shape(a))
    p, pd = [eye], [np.zeros(np.shape(a))]
    for _ in range(n):
        if a_dot is not None:
            pd.append(pd[-1] @ a + p[-1] @ a_dot)
        p.append(p[-1] @ a)
    return p, pd


def _power_bar(g, g_dot, a, a_dot, n):
    """``sum_k (a^T)^k g (a^T)^(n-1-k)`` (the adjoint of ``a^n``, n >= 0) and its
    tangent along ``(g_dot, a_dot)`` (None when ``g_dot`` is None)."""
    at = mT(a)
    p, pd = _powers(at, None if g_dot is None else mT(a_dot), n)
    out = np.zeros(np.broadcast_shapes(np.shape(a), np.shape(g)))
    dot = np.zeros_like(out)
    for k in range(n):
        out = out + p[k] @ g @ p[n - 1 - k]
        if g_dot is not None:
            dot = dot + (pd[k] @ g @ p[n - 1 - k] + p[k] @ g_dot @ p[n - 1 - k]
                         + p[k] @ g @ pd[n - 1 - k])
    return out, (None if g_dot is None else dot)


def _matrix_power_bar(g, g_dot, a, a_dot, n):
    if n >= 0:
        return _power_bar(g, g_dot, a, a_dot, n)
    b = np.linalg.inv(a)
    b_dot = None if g_dot is None else -(b @ a_dot @ b)
    c, c_dot = _power_bar(g, g_dot, b, b_dot, -n)
    bt = mT(b)
    out = -(bt @ c @ bt)
    if g_dot is None:
        return out, None
    bt_dot = mT(b_dot)
    return out, -(bt_dot @ c @ bt + bt @ c_dot @ bt + bt @ c @ bt_dot)


@fact(allocates=True)
def matrix_power_bar(g, a, n):
    """Adjoint of ``np.linalg.matrix_power(a, n)`` (``n`` a negative integer too: the
    powers of ``inv(a)``)."""
    return _matrix_power_bar(g, None, a, None, n)[0]


@fact(allocates=True)
def matrix_power_bar_dot(g, a, n, dg, da):
    """Tangent of :func:`matrix_power_bar` along ``(dg, da)``."""
    return _matrix_power_bar(g, dg, a, da, n)[1]


@tangent_beside(matrix_power_bar)
def matrix_power_bar_tangent(out, g, a, n, g_dot, a_dot):
    return matrix_power_bar_dot(g, a, n, g_dot, a_dot)


@fact(allocates=True)
def matrix_power_dot(a, n, v):
    """Tangent of ``np.linalg.matrix_power(a, n)`` along ``v``."""
    if n < 0:
        b = np.linalg.inv(a)
        return matrix_power_dot(b, -n, -(b @ v @ b))
    return _powers(a, v, n)[1][-1]


def _as_chain(arrays):
    """multi_dot's arrays as matrices (a first vector as a row, a last as a column)."""
    mats = [as_array(x) for x in arrays]
    if mats[0].ndim == 1:
        mats[0] = mats[0][None, :]
    if mats[-1].ndim == 1:
        mats[-1] = mats[-1][:, None]
    return mats


def _chain_bar(g, arrays, arrays_dot=None, g_dot=None):
    """The adjoints of ``multi_dot(arrays)`` (``L_i^T G R_i^T`` with the products left
    and right of matrix ``i``), and their tangents when ``arrays_dot`` is given."""
    mats = _as_chain(arrays)
    n = len(mats)
    out_shape = (mats[0].shape[0], mats[-1].shape[1])
    g = np.reshape(g, out_shape)
    dots = None
    if arrays_dot is not None:
        dots = _as_chain([np.broadcast_to(d, np.shape(x)) for d, x in zip(arrays_dot, arrays)])
        g_dot = np.reshape(g_dot, out_shape)
    left, right = [np.eye(out_shape[0])], [np.eye(out_shape[1])]
    left_dot, right_dot = [np.zeros((out_shape[0],) * 2)], [np.zeros((out_shape[1],) * 2)]
    for i in range(n - 1):
        left.append(left[-1] @ mats[i])
        right.append(mats[n - 1 - i] @ right[-1])
        if dots is not None:
            left_dot.append(left_dot[-1] @ mats[i] + left[-2] @ dots[i])
            right_dot.append(dots[n - 1 - i] @ right[-2] + mats[n - 1 - i] @ right_dot[-1])
    bars = []
    for i in range(n):
        lt, rt = mT(left[i]), mT(right[n - 1 - i])
        if dots is None:
            bar = lt @ g @ rt
        else:
            bar = (mT(left_dot[i]) @ g @ rt + lt @ g_dot @ rt
                   + lt @ g @ mT(right_dot[n - 1 - i]))
        bars.append(np.reshape(bar, np.shape(arrays[i])))
    return bars


@fact(allocates=True)
def multi_dot_bar(g, arrays):
    """Adjoint of ``np.linalg.multi_dot(arrays)``: one array per matrix."""
    return _chain_bar(g, arrays)


@fact(allocates=True)
def multi_dot_bar_dot(g, arrays, dg, dvs):
    """Tangent of :func:`multi_dot_bar` along ``(dg, dvs)``."""
    return _chain_bar(g, arrays, dvs, dg)


@tangent_beside(multi_dot_bar)
def multi_dot_bar_tangent(out, g, arrays, g_dot, arrays_dot):
    return multi_dot_bar_dot(g, arrays, g_dot, arrays_dot)


@fact(allocates=True)
def multi_dot_dot(arrays, vs):
    """Tangent of ``np.linalg.multi_dot(arrays)`` along ``vs``: the sum over ``i`` of the
    product with matrix ``i`` replaced by ``vs[i]``."""
    total = 0.0
    for i in range(len(arrays)):
        if vs[i] is None:
            continue
        parts = list(arrays)
        parts[i] = np.broadcast_to(vs[i], np.shape(arrays[i]))
        total = total + chain_product(parts)
    return total


def chain_product(parts):
    """``np.linalg.multi_dot(parts)``; with a Dask array among them (Dask has no
    multi_dot) the products in turn, lazily (a 1-d first or last part is a row or a
    column, as for multi_dot)."""
    if not any(is_duck(p) for p in parts):
        return np.linalg.multi_dot(parts)
    out = parts[0]
    for part in parts[1:]:
        out = np.matmul(out, part)
    return out
