"""Rules for ``numpy.linalg`` (issue 14): inv, solve, det, slogdet, cholesky, eigh,
eigvalsh.

Every function broadcasts over leading axes (a batch of matrices): the templates use
``@`` and the batched helpers of :mod:`s2sad.runtime.linalg` only.  Each adjoint is
made of ops that have rules (``np.linalg.solve``, ``np.linalg.inv``, ``@``, linear
helpers), so second order needs nothing more.  eigh and cholesky read one triangle of
their argument (``UPLO``, ``upper``): their adjoints are those of the function numpy
computes, nonzero only in that triangle (a symmetric input, ``B + B.T``, gets the
symmetric gradient through the chain rule).

Ops with several outputs (slogdet, eigh) receive ``y`` and ``y_bar`` as tuples.
"""

import numpy as np

from ..runtime.linalg import (cholesky_lower, diag_embed, diag_part, eigh_gaps, lift, matvec_like, mT,
                              outer_like, phi, solve_like, triangle_bar, triangle_sym)
from ..runtime.shapes import unbroadcast
from .registry import adjoint, tangent

# ------------------------------------------------------- inverse and solve


@adjoint(np.linalg.inv, allocates=True)
def inv_adjoint(y, y_bar, a):
    yT = mT(y)
    return -(yT @ y_bar @ yT)


@tangent(np.linalg.inv)
def inv_tangent(y, a, a_dot):
    return -(y @ a_dot @ y)


# x = solve(a, b): one solve with a^T for both adjoints (b_bar = a^-T x_bar,
# a_bar = -b_bar x^T); b is a vector per matrix when it is one-dimensional
@adjoint(np.linalg.solve, allocates=True)
def solve_adjoint(y, y_bar, a, b):
    s = solve_like(mT(a), y_bar, b)
    return unbroadcast(-outer_like(s, y, b), a), unbroadcast(s, b)


@tangent(np.linalg.solve)
def solve_tangent(y, a, b, a_dot, b_dot):
    return solve_like(a, b_dot - matvec_like(a_dot, y, b), b)


# ---------------------------------------------------------- determinants
# d det(a) = det(a) tr(a^-1 da); at a singular matrix numpy's inv raises LinAlgError


@adjoint(np.linalg.det, allocates=True)
def det_adjoint(y, y_bar, a):
    return lift(y_bar * y) * mT(np.linalg.inv(a))


@tangent(np.linalg.det)
def det_tangent(y, a, a_dot):
    return y * np.sum(mT(np.linalg.inv(a)) * a_dot, axis=(-2, -1))


# (sign, logabsdet): the sign is piecewise constant, only logabsdet carries a derivative
@adjoint(np.linalg.slogdet, allocates=True)
def slogdet_adjoint(y, y_bar, a):
    return lift(y_bar[1]) * mT(np.linalg.inv(a))


@tangent(np.linalg.slogdet)
def slogdet_tangent(y, a, a_dot):
    return np.zeros_like(y[0]), np.sum(mT(np.linalg.inv(a)) * a_dot, axis=(-2, -1))


# ---------------------------------------------------------------- cholesky
# a = L L^T, dL = L phi(L^-1 dA L^-T); the adjoint of the symmetric matrix is
# L^-T phi(L^T L_bar) L^-1 (two solves), then onto the triangle numpy read


@adjoint(np.linalg.cholesky, nondiff=("upper",), allocates=True)
def cholesky_adjoint(y, y_bar, a, upper=False):
    low = cholesky_lower(y, upper)
    p = phi(mT(low) @ cholesky_lower(y_bar, upper))
    x = np.linalg.solve(mT(low), p)
    return triangle_bar(mT(np.linalg.solve(mT(low), mT(x))), upper)


@tangent(np.linalg.cholesky)
def cholesky_tangent(y, a, upper, a_dot):
    low = cholesky_lower(y, upper)
    low_inv = np.linalg.inv(low)
    return cholesky_lower(low @ phi(low_inv @ triangle_sym(a_dot, upper) @ mT(low_inv)),
                          upper)


# ----------------------------------------------------------- eigh, eigvalsh
# a = V diag(w) V^T: w_bar -> V diag(w_bar) V^T; V_bar -> V (F o V^T V_bar) V^T with
# F_ij = 1 / (w_j - w_i) (refused at repeated eigenvalues when V_bar is not zero)


@adjoint(np.linalg.eigh, nondiff=("UPLO",), allocates=True)
def eigh_adjoint(y, y_bar, a, UPLO="L"):
    v = y[1]
    inner = diag_embed(y_bar[0]) + eigh_gaps(y[0], y_bar[1]) * (mT(v) @ y_bar[1])
    return triangle_bar(v @ inner @ mT(v), UPLO)


@tangent(np.linalg.eigh)
def eigh_tangent(y, a, UPLO, a_dot):
    m = mT(y[1]) @ triangle_sym(a_dot, UPLO) @ y[1]
    return diag_part(m), y[1] @ (eigh_gaps(y[0], True) * m)


@adjoint(np.linalg.eigvalsh, nondiff=("UPLO",), allocates=True)
def eigvalsh_adjoint(y, y_bar, a, UPLO="L"):
    v = np.linalg.eigh(a, UPLO)[1]
    return triangle_bar(v @ diag_embed(y_bar) @ mT(v), UPLO)


@tangent(np.linalg.eigvalsh)
def eigvalsh_tangent(y, a, UPLO, a_dot):
    v = np.linalg.eigh(a, UPLO)[1]
    return diag_part(mT(v) @ triangle_sym(a_dot, UPLO) @ v)
