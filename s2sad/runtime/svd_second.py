"""The second derivative of ``np.linalg.svd`` forward over forward: the tangent of
:func:`.linalg.svd_tangent` (``s2sad.jvp`` of a ``jvp``, or of an ``hvp`` of code calling
``np.linalg.svd`` or ``np.linalg.lstsq``), and the refusal of the third."""

from .numpy_view import np

from ..rules.records import fact, tangent_beside
from .undetermined import undetermined_columns
from .linalg import (_svd_refuse, diag_part, mT, pair_diff, svd_gaps, svd_inverse,
                     svd_tangent)


def _beyond_k(d, full):
    """The tangent ``d`` of the first ``k`` columns of a full ``U`` (``V``) with NaN for the
    columns beyond them, which are not unique (refused where they reach the output:
    :mod:`.undetermined`)."""
    return undetermined_columns(d, full.shape[-1])


# ------------------------------------------------------------- qr, pinv, lstsq


@fact(allocates=True)
def svd_tangent_dot(out, y, a, t, full_matrices, compute_uv, hermitian, dy, da, dt):
    """The tangent of ``out = svd_tangent(y, a, t, ...)`` along ``dy`` (the factors'
    tangent), ``da`` and ``dt``: the second derivative of ``np.linalg.svd`` forward
    over forward (``s2sad.jvp`` of a ``jvp``, or of an ``hvp`` of ``np.linalg.lstsq``).
    Each product of :func:`svd_tangent` by the product rule; with ``compute_uv=False``
    the factors are recomputed, and their tangent is :func:`svd_tangent`'s along
    ``da`` (the singular vectors' derivative: refused at a repeated or zero singular
    value, where the singular values have no second derivative)."""
    extra = _svd_refuse(a, full_matrices, hermitian) and compute_uv
    k = min(np.shape(a)[-2:])
    if compute_uv:
        (u, s, vh), (u1, s1, vh1) = y, dy
        u, vh, u1, vh1 = u[..., :k], vh[..., :k, :], u1[..., :k], vh1[..., :k, :]
    else:
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        u1, s1, vh1 = svd_tangent((u, s, vh), a, da, False, True, False)
    v, v1 = mT(vh), mT(vh1)
    dp = mT(u) @ t @ v
    dp1 = mT(u1) @ t @ v + mT(u) @ dt @ v + mT(u) @ t @ v1
    if not compute_uv:
        return diag_part(dp1)
    f = svd_gaps(s, True)
    f1 = -2.0 * f * f * pair_diff(s * s1)
    inv_s = svd_inverse(s, True)[..., None, :]
    inv_s1 = -inv_s * inv_s * s1[..., None, :]
    s_row, s_col, s1_row, s1_col = s[..., None, :], s[..., :, None], s1[..., None, :], \
        s1[..., :, None]
    n_u = dp * s_row + s_col * mT(dp)
    n_u1 = dp1 * s_row + dp * s1_row + s1_col * mT(dp) + s_col * mT(dp1)
    du = u1 @ (f * n_u) + u @ (f1 * n_u + f * n_u1) \
        + (dt @ v + t @ v1 - u1 @ dp - u @ dp1) * inv_s + (t @ v - u @ dp) * inv_s1
    n_v = s_col * dp + mT(dp) * s_row
    n_v1 = s1_col * dp + s_col * dp1 + mT(dp1) * s_row + mT(dp) * s1_row
    dv = v1 @ (f * n_v) + v @ (f1 * n_v + f * n_v1) \
        + (mT(dt) @ u + mT(t) @ u1 - v1 @ mT(dp) - v @ mT(dp1)) * inv_s \
        + (mT(t) @ u - v @ mT(dp)) * inv_s1
    if extra:
        du, dv = _beyond_k(du, y[0]), _beyond_k(dv, mT(y[2]))
    return du, diag_part(dp1), mT(dv)


def svd_third_refused(t, like):
    """A third derivative of ``np.linalg.svd`` (a derivative of :func:`svd_tangent_dot`),
    not computed: zeros like ``like`` (a tuple like a tuple) where ``t``, the tangent or
    cotangent reaching it, is zero; refused otherwise."""
    if not _reaches(t):
        return _zeros_like(like)
    from .scans import OrderLimitError
    raise OrderLimitError(
        "np.linalg.svd: derivatives beyond the second are not computed (the second "
        "derivative s2sad.jvp of a jvp, or of an hvp, computes, differentiated again)",
        hint="take at most two derivatives of code calling np.linalg.svd, or of "
             "np.linalg.lstsq (whose derivatives read the singular values of its matrix)")


def _reaches(t):
    if t is None:
        return False
    if isinstance(t, (list, tuple)):
        return any(_reaches(e) for e in t)
    return bool(np.any(t))


def _zeros_like(x):
    if isinstance(x, (list, tuple)):
        return tuple(_zeros_like(e) for e in x)
    return np.zeros(np.shape(x))


@tangent_beside(svd_tangent_dot)
def svd_tangent_dot_tangent(r, out, y, a, t, full_matrices, compute_uv, hermitian, dy, da, dt,
                            out_dot, y_dot, a_dot, t_dot, dy_dot, da_dot, dt_dot):
    return svd_third_refused((out_dot, y_dot, a_dot, t_dot, dy_dot, da_dot, dt_dot), r)


@tangent_beside(svd_tangent)
def svd_tangent_tangent(out, y, a, t, full_matrices, compute_uv, hermitian, y_dot, a_dot,
                        t_dot):
    return svd_tangent_dot(out, y, a, t, full_matrices, compute_uv, hermitian, y_dot, a_dot,
                           t_dot)
