"""Pieces of the rules of ``scipy.stats.multivariate_normal.logpdf`` and
``scipy.stats.dirichlet.logpdf`` (plain numpy: scipy is read only by its rule module).

The covariance is read as scipy reads it: a number ``c`` is ``c * I``, a vector the
diagonal, a matrix by its lower triangle (scipy's ``eigh(cov, lower=True)`` never reads
the upper one), so the adjoint of a matrix ``cov`` is the derivative of the function
scipy computes: entries above the diagonal get 0, those below both halves' share.
"""

from .numpy_view import np
from .duck import as_array, has_blocks, inverse_blocks, size_of

from ..errors import NoDerivativeRuleError
from ..rules.records import fact, tangent_beside


def mvn_dim(mean, cov):
    """The dimension scipy gives the distribution: ``mean``'s length, else ``cov``'s."""
    if mean is not None:
        return size_of(mean)
    return np.shape(cov)[0] if np.ndim(cov) else 1


@fact(allocates=True, linear=("cov",))
def mvn_full_cov(cov, dim):
    """The covariance matrix scipy reads from ``cov`` (see the module's docstring)."""
    cov = as_array(cov, dtype=np.result_type(cov, float))
    if cov.ndim == 0:
        return cov * np.eye(dim)
    if cov.ndim == 1:
        return np.diag(cov)
    lower = np.tril(cov)
    return lower + np.tril(cov, -1).T


@fact(allocates=True, linear=("g",))
def mvn_cov_bar(g, cov):
    """The adjoint of :func:`mvn_full_cov` in ``cov`` (``g``: that of the matrix)."""
    g = as_array(g)
    if np.ndim(cov) == 0:
        return np.trace(g)
    if np.ndim(cov) == 1:
        return np.diagonal(g).copy()
    return np.tril(g + g.T, -1) + np.diag(np.diagonal(g))


@fact(linear=("x",))
def mvn_points(x, dim):
    """``x`` read as scipy reads its quantiles: shape ``(..., dim)`` (a number or, for
    ``dim == 1``, a vector of numbers are points of one coordinate)."""
    x = as_array(x, dtype=np.result_type(x, float))
    if x.ndim == 0:
        x = x[None]
    if x.ndim == 1 and dim == 1:
        x = x[:, None]
    return x


@fact(linear=("mean",))
def mvn_mean(mean):
    """The mean as an array (``None``, scipy's default, is 0)."""
    return 0.0 if mean is None else as_array(mean)


@fact(linear=("t",))
def mvn_rows(t):
    """``t`` of shape ``(..., d)`` as ``(n, d)``."""
    t = as_array(t)
    return np.reshape(t, (-1, t.shape[-1]))


@fact(linear=("g",))
def mvn_weights(g, residual):
    """The adjoint ``g`` of the log density (scipy squeezes its shape) as ``(..., 1)``,
    to weight the rows of ``residual``."""
    return np.reshape(g, np.shape(residual)[:-1] + (1,))


@fact(linear=("t",))
def reshape_like(t, like):
    """``t`` reshaped to ``like``'s shape (the same number of elements)."""
    return np.reshape(t, np.shape(like))


def _singular(sigma):
    """Raise: the covariance is singular (scipy's ``allow_singular=True`` density)."""
    raise NoDerivativeRuleError(
        "scipy.stats.multivariate_normal.logpdf is differentiated for a nonsingular "
        f"covariance; this one (shape {np.shape(sigma)}) is singular",
        hint="with allow_singular=True scipy uses a pseudo-inverse and pseudo-determinant, "
             "whose derivative s2sad does not take: add a small multiple of the identity")


def _solve_rows(sigma, r):
    r = as_array(r)
    rows = np.reshape(r, (-1, r.shape[-1]))
    if has_blocks(sigma, rows):   # lazily, block of rows by block
        return np.reshape(rows @ np.swapaxes(mvn_inverse(sigma), -1, -2), r.shape)
    try:
        return np.linalg.solve(sigma, rows.T).T.reshape(r.shape)
    except np.linalg.LinAlgError:
        _singular(sigma)


@fact(allocates=True)
def mvn_solve(sigma, r):
    """``sigma^-1 r_n`` for each row ``r_n`` of ``r`` (``sigma`` symmetric)."""
    return _solve_rows(sigma, r)


@tangent_beside(mvn_solve)
def mvn_solve_tangent(out, sigma, r, sigma_dot, r_dot):
    return mvn_solve(sigma, r_dot - out @ np.swapaxes(sigma_dot, -1, -2))


@fact(allocates=True)
def mvn_inverse(sigma):
    """``sigma^-1``."""
    if has_blocks(sigma):
        return inverse_blocks(sigma, _singular)
    try:
        return np.linalg.inv(sigma)
    except np.linalg.LinAlgError:
        _singular(sigma)


@tangent_beside(mvn_inverse)
def mvn_inverse_tangent(out, sigma, sigma_dot):
    return -(out @ sigma_dot @ out)


# ------------------------------------------------------------------ dirichlet

def _check_components(x, alpha):
    """``x`` must hold all ``len(alpha)`` components (scipy also takes one fewer, the
    last implied: refused here)."""
    if np.shape(x)[0] != np.shape(alpha)[0]:
        raise NoDerivativeRuleError(
            f"scipy.stats.dirichlet.logpdf is differentiated for x with all "
            f"{np.shape(alpha)[0]} components; this x has {np.shape(x)[0]}",
            hint="pass the last component too: np.concatenate([x, [1.0 - np.sum(x)]])")


@fact(linear=("alpha",))
def dirichlet_column(alpha, x):
    """``alpha`` shaped to broadcast against ``x`` (``(K,)`` or ``(K, n)``: samples are
    the columns, as scipy takes them)."""
    _check_components(x, alpha)
    return np.reshape(alpha, (-1,) + (1,) * (np.ndim(x) - 1))


@fact(linear=("t",))
def dirichlet_alpha_bar(t, alpha):
    """``t`` (shaped like ``x``) summed over the samples: an array like ``alpha``."""
    t = as_array(t)
    _check_components(t, alpha)
    return np.reshape(np.sum(t, axis=tuple(range(1, t.ndim))), np.shape(alpha))
