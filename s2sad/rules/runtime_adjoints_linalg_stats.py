"""Adjoint rules of the helpers of the ``scipy.stats`` multivariate rules
(:mod:`s2sad.runtime.stats`: plain numpy, so their rules load with the builtin ones),
for reverse mode over generated gradient code (issue 15).  Their tangent rules are
beside the helpers.  The helpers linear in one argument (reshapes, the covariance
scipy reads and its adjoint) have that map's transpose as adjoint.
"""

import numpy as np

from ..runtime.adjoints_linalg import reshape_back
from ..runtime.linalg import mT
from ..runtime.stats import (dirichlet_alpha_bar, dirichlet_column, mvn_cov_bar, mvn_full_cov,
                             mvn_inverse, mvn_mean, mvn_points, mvn_rows, mvn_solve,
                             mvn_weights, reshape_like)
from .registry import adjoint


@adjoint(reshape_back, nondiff=("like",))
def reshape_back_adjoint(y, y_bar, t, like):
    return reshape_back(y_bar, t)


# mvn_cov_bar is mvn_full_cov's transpose, and so mvn_full_cov is mvn_cov_bar's
@adjoint(mvn_full_cov, nondiff=("dim",))
def mvn_full_cov_adjoint(y, y_bar, cov, dim):
    return mvn_cov_bar(y_bar, cov)


@adjoint(mvn_cov_bar, nondiff=("cov",))
def mvn_cov_bar_adjoint(y, y_bar, g, cov):
    return mvn_full_cov(y_bar, np.shape(g)[-1])


@adjoint(mvn_points, nondiff=("dim",))
def mvn_points_adjoint(y, y_bar, x, dim):
    return reshape_back(y_bar, x)


@adjoint(mvn_mean)
def mvn_mean_adjoint(y, y_bar, mean):
    return reshape_back(y_bar, mean)


@adjoint(mvn_rows)
def mvn_rows_adjoint(y, y_bar, t):
    return reshape_back(y_bar, t)


@adjoint(mvn_weights, nondiff=("residual",))
def mvn_weights_adjoint(y, y_bar, g, residual):
    return reshape_back(y_bar, g)


@adjoint(reshape_like, nondiff=("like",))
def reshape_like_adjoint(y, y_bar, t, like):
    return reshape_back(y_bar, t)


# y_n = sigma^-1 r_n for the rows r_n of r: s_n = sigma^-T y_bar_n, sigma_bar = -sum s_n y_n^T
@adjoint(mvn_solve)
def mvn_solve_adjoint(y, y_bar, sigma, r):
    s = mvn_solve(mT(sigma), y_bar)
    return -(mT(mvn_rows(s)) @ mvn_rows(y)), s


@adjoint(mvn_inverse)
def mvn_inverse_adjoint(y, y_bar, sigma):
    yT = mT(y)
    return -(yT @ y_bar @ yT)


@adjoint(dirichlet_column, nondiff=("x",))
def dirichlet_column_adjoint(y, y_bar, alpha, x):
    return dirichlet_alpha_bar(y_bar, alpha)


@adjoint(dirichlet_alpha_bar, nondiff=("alpha",))
def dirichlet_alpha_bar_adjoint(y, y_bar, t, alpha):
    return dirichlet_column(y_bar, t) * np.ones_like(t)
