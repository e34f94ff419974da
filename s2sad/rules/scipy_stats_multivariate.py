"""Rules for ``scipy.stats.multivariate_normal.logpdf`` (``x``, ``mean``, ``cov``) and
``scipy.stats.dirichlet.logpdf`` (``x``, ``alpha``).  Loaded by :mod:`.scipy_stats`.

multivariate_normal: ``y = -(d log 2 pi + log det S + r^T S^-1 r) / 2`` with ``r = x -
mean`` per point, ``alpha = S^-1 r``: ``x`` gets ``-y_bar alpha``, ``mean`` the sum of
``y_bar alpha`` over the points, the matrix ``S`` the matrix-calculus adjoint
``(sum y_bar alpha alpha^T - sum(y_bar) S^-1) / 2``, read back into ``cov`` as scipy
reads ``cov`` (a number, the diagonal, or a matrix's lower triangle: see
:mod:`s2sad.runtime.stats`).  ``allow_singular`` carries no derivative; a singular
``cov`` has none (``np.linalg`` refuses to solve with it).

dirichlet: ``y = sum (alpha_i - 1) log x_i + lgamma(sum alpha) - sum lgamma(alpha_i)``,
differentiated in ``x`` as a function of all its components (the simplex constraint is
the caller's: differentiate through a parameterization, softmax say) and in ``alpha``.
"""

import numpy as np
import scipy.stats as st

from ..runtime import (dirichlet_alpha_bar, dirichlet_column, mvn_cov_bar,
                       mvn_dim, mvn_full_cov, mvn_inverse, mvn_mean, mvn_points, mvn_rows,
                       mvn_solve, mvn_weights, reshape_like)
from .registry import adjoint, nondifferentiable, tangent
from .scipy_stats_helpers import digamma

nondifferentiable(mvn_dim)


@adjoint(st.multivariate_normal.logpdf, nondiff=("allow_singular",), allocates=True,
         label="scipy.stats.multivariate_normal.logpdf")
def mvn_logpdf_adjoint(y, y_bar, x, mean=None, cov=1, allow_singular=False):
    dim = mvn_dim(mean, cov)
    sigma = mvn_full_cov(cov, dim)
    r = mvn_points(x, dim) - mvn_mean(mean)
    alpha = mvn_solve(sigma, r)
    g = mvn_weights(y_bar, r) * alpha
    return (-reshape_like(g, x), reshape_like(np.sum(mvn_rows(g), axis=0), mean),
            mvn_cov_bar(0.5 * (mvn_rows(g).T @ mvn_rows(alpha))
                        - 0.5 * np.sum(y_bar) * mvn_inverse(sigma), cov))


@tangent(st.multivariate_normal.logpdf)
def mvn_logpdf_tangent(y, x, mean, cov, allow_singular, x_dot, mean_dot, cov_dot):
    dim = mvn_dim(mean, cov)
    sigma = mvn_full_cov(cov, dim)
    alpha = mvn_solve(sigma, mvn_points(x, dim) - mvn_mean(mean))
    return reshape_like(
        0.5 * np.sum(alpha * (alpha @ mvn_full_cov(cov_dot, dim)), axis=-1)
        - np.sum(alpha * (mvn_points(x_dot, dim) - mvn_mean(mean_dot)), axis=-1)
        - 0.5 * np.sum(mvn_inverse(sigma) * mvn_full_cov(cov_dot, dim)), y)


@adjoint(st.dirichlet.logpdf, allocates=True, label="scipy.stats.dirichlet.logpdf")
def dirichlet_logpdf_adjoint(y, y_bar, x, alpha):
    a = dirichlet_column(alpha, x)
    return (y_bar * (a - 1.0) / x,
            dirichlet_alpha_bar(y_bar * np.log(x), alpha)
            + np.sum(y_bar) * (digamma(np.sum(alpha)) - digamma(alpha)))


@tangent(st.dirichlet.logpdf)
def dirichlet_logpdf_tangent(y, x, alpha, x_dot, alpha_dot):
    return (np.sum((dirichlet_column(alpha, x) - 1.0) * x_dot / x, axis=0)
            + np.sum(dirichlet_column(alpha_dot, x) * (
                np.log(x) - dirichlet_column(digamma(alpha) - digamma(np.sum(alpha)), x)),
                axis=0))
