"""Runtime helpers of the ``scipy.linalg`` rules (imported only by
:mod:`s2sad.rules.scipy_linalg`, itself loaded once the user's code imported
scipy.linalg: the core never imports scipy).  Plain numpy and scipy functions that
generated code calls; their tangent rules are registered by the rule module.
"""

import scipy.linalg

from ..rules.records import fact
from .numpy_view import np
from .linalg import LinalgDerivativeError, mT, triangle_bar, triangle_sym

# ------------------------------------------------------------ triangles


@fact(allocates=True, linear=("x",))
def triangle_part(x, lower, unit_diagonal=False):
    """The triangle of ``x`` a triangular solve reads (its diagonal left out when
    ``unit_diagonal``)."""
    part = np.tril(x) if lower else np.triu(x)
    if unit_diagonal:
        part = part - np.tril(np.triu(x))
    return part


@fact(linear=("x",))
def transposed_if(x, trans):
    """``x`` transposed (last two axes) when ``trans`` is 1/'T' or 2/'C'."""
    return mT(x) if trans_flag(trans) else x


def trans_flag(trans):
    """solve_triangular's ``trans`` (0/'N', 1/'T', 2/'C') -> whether it transposes."""
    if isinstance(trans, str):
        return trans.upper() in ("T", "C")
    return trans in (1, 2)


def other_trans(trans):
    """The ``trans`` that solves with the transpose of the matrix ``trans`` solves with."""
    return 0 if trans_flag(trans) else 1


def not_(flag):
    """``not flag`` (a flag of scipy's: ``lower``)."""
    return not flag


# ------------------------------------------------------------ scipy.linalg.solve

@fact(linear=("x",))
def kept(x, overwrite):
    """``x``, which the derivative reads again: refused when the call was allowed to
    overwrite it (``overwrite_a=True``)."""
    if overwrite:
        raise LinalgDerivativeError(
            "scipy.linalg.solve(..., overwrite_a=True): the derivative reads a again, "
            "which the call may have overwritten", hint="leave overwrite_a False")
    return x


_SYMMETRIC = ("sym", "symmetric", "pos", "positive definite", "her", "hermitian")
_GENERAL = (None, "gen", "general")


def solve_kind(assume_a, transposed):
    """Refuse the ``assume_a`` kinds without a rule (banded, triangular...) and
    ``transposed=True``; True when the matrix is read as symmetric (one triangle)."""
    if transposed:
        raise LinalgDerivativeError("scipy.linalg.solve(..., transposed=True) has no "
                                    "derivative rule", hint="solve with a.T instead")
    if assume_a in _GENERAL:
        return False
    if assume_a in _SYMMETRIC:
        return True
    raise LinalgDerivativeError(
        f"scipy.linalg.solve(..., assume_a={assume_a!r}) has no derivative rule "
        f"(only general, symmetric and positive definite matrices)",
        hint="call scipy.linalg.solve without assume_a, or np.linalg.solve")


@fact(allocates=True, linear=("x",))
def solve_matrix(x, assume_a, lower, transposed):
    """The matrix scipy.linalg.solve reads from ``x``: ``x``, or the symmetric matrix of
    its ``lower`` (else upper) triangle when ``assume_a`` is symmetric."""
    if solve_kind(assume_a, transposed):
        return triangle_sym(x, not lower)
    return x


@fact(allocates=True, linear=("g",))
def solve_matrix_bar(g, assume_a, lower):
    """Adjoint of :func:`solve_matrix`."""
    if solve_kind(assume_a, False):
        return triangle_bar(g, not lower)
    return g


# -------------------------------------------------------- cho_factor, cho_solve


def cho_lower(c, lower):
    """The lower Cholesky factor held by cho_factor's ``c`` (one triangle; the other
    holds data cho_solve never reads)."""
    return np.tril(c) if lower else mT(np.triu(c))


@fact(allocates=True, linear=("l",))
def cho_embed(l, lower):
    """A lower-triangular ``l`` placed where cho_factor's ``c`` holds it (the adjoint of
    :func:`cho_lower`, and its tangent)."""
    return np.tril(l) if lower else np.triu(mT(l))


@fact(allocates=True, linear=("c",))
def cho_lower_of(c, lower):
    """:func:`cho_lower`, linear in ``c`` (the tangent of ``c`` gives that of the factor)."""
    return cho_lower(c, lower)


@fact(allocates=True, linear=("c_bar",))
def cho_factor_cotangent(c_bar, lower):
    """The lower factor's adjoint from ``c``'s (its triangle that holds the factor)."""
    return cho_lower(c_bar, lower)


@fact(allocates=True, linear=("c_bar",))
def cho_other(c_bar, lower):
    """The adjoint of ``a`` through the triangle of cho_factor's ``c`` that holds no
    factor: scipy leaves ``a``'s own entries there (LAPACK's potrf does not touch
    them), so they pass ``c_bar`` straight back."""
    return np.triu(c_bar, 1) if lower else np.tril(c_bar, -1)


@fact(allocates=True, linear=("l", "a_dot"))
def cho_tangent_embed(l, lower, a_dot):
    """The tangent of cho_factor's ``c`` from its lower factor's ``l``, and ``a_dot``'s
    entries on the triangle that holds no factor (``a``'s own entries there)."""
    return cho_embed(l, lower) + (np.triu(a_dot, 1) if lower else np.tril(a_dot, -1))


@fact(allocates=True)
def cho_pair(c_bar, c_and_lower):
    """The adjoint (or tangent) of the pair ``(c, lower)``: ``lower`` carries none."""
    return (c_bar, 0.0)


def cho_pair_tangent_rule(out, c_bar, c_and_lower, c_bar_dot):
    return cho_pair(c_bar_dot, c_and_lower)


@fact(allocates=True)
def pair_first(pair):
    """``pair[0]`` of a tuple tangent or adjoint (zero when it is a zero)."""
    return pair[0]


# ---------------------------------------------------------------- expm, sqrtm


def _blocks(x, e):
    """``[[x, e], [0, x]]`` for every matrix of a batch."""
    n = np.shape(x)[-1]
    lead = np.broadcast_shapes(np.shape(x)[:-2], np.shape(e)[:-2])
    out = np.zeros(lead + (2 * n, 2 * n))
    out[..., :n, :n] = x
    out[..., n:, n:] = x
    out[..., :n, n:] = e
    return out


@fact(allocates=True)
def expm_frechet_of(x, e):
    """The Frechet derivative of expm at ``x`` along ``e`` (batched: the upper right
    block of ``expm([[x, e], [0, x]])``)."""
    n = np.shape(x)[-1]
    return scipy.linalg.expm(_blocks(x, e))[..., :n, n:]


@fact(allocates=True)
def expm_frechet_second(x, e, f):
    """The derivative of :func:`expm_frechet_of` in ``x`` along ``f``: the (1, 4) block
    of the expm of ``[[x, e, f, 0], [0, x, 0, f], [0, 0, x, e], [0, 0, 0, x]]``."""
    n = np.shape(x)[-1]
    lead = np.broadcast_shapes(np.shape(x)[:-2], np.shape(e)[:-2], np.shape(f)[:-2])
    big = np.zeros(lead + (4 * n, 4 * n))
    for i in range(4):
        big[..., i * n:(i + 1) * n, i * n:(i + 1) * n] = x
    big[..., :n, n:2 * n] = e
    big[..., 2 * n:3 * n, 3 * n:] = e
    big[..., :n, 2 * n:3 * n] = f
    big[..., n:2 * n, 3 * n:] = f
    return scipy.linalg.expm(big)[..., :n, 3 * n:]


def expm_frechet_tangent_rule(out, x, e, x_dot, e_dot):
    return expm_frechet_of(x, e_dot) + expm_frechet_second(x, e, x_dot)


@fact(allocates=True)
def sylvester_sym(p, g):
    """The ``z`` of ``p z + z p = g`` (scipy.linalg.solve_sylvester)."""
    return scipy.linalg.solve_sylvester(p, p, g)


def sylvester_sym_tangent_rule(out, p, g, p_dot, g_dot):
    return sylvester_sym(p, g_dot - p_dot @ out - out @ p_dot)


@fact(linear=("y",))
def check_real_sqrtm(y):
    """Refuse a complex square root (a matrix with negative eigenvalues): s2sad
    differentiates real values only."""
    if np.iscomplexobj(y):
        raise LinalgDerivativeError(
            "scipy.linalg.sqrtm returned a complex matrix: s2sad differentiates real "
            "values only", hint="take the square root of a matrix with positive eigenvalues")
    return y


# ---------------------------------------------------------- lu_factor, lu_solve


@fact(allocates=True, linear=("x",))
def lu_strict(x):
    """The strictly lower triangle (lu_factor's unit lower factor, less its diagonal)."""
    return np.tril(x, -1)


@fact(allocates=True, linear=("x",))
def lu_upper(x):
    """The upper triangle (lu_factor's upper factor)."""
    return np.triu(x)


@fact(allocates=True)
def identity_like(x):
    """The identity matrix of the size of the square matrix ``x``."""
    return np.eye(np.shape(x)[-1])


@fact(allocates=True)
def lu_perm(piv):
    """The permutation matrix ``P`` of lu_factor's pivots (``a = P L U``): row ``i`` was
    swapped with row ``piv[i]``, in order."""
    n = len(piv)
    rows = np.eye(n)
    for i, p in enumerate(piv):
        rows[[i, p]] = rows[[p, i]]
    return rows.T
