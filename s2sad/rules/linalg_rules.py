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

import inspect

import numpy as np

from ..runtime.linalg import (as_col, as_row, cholesky_lower, constant_dot, diag_embed,
                              diag_part, eigh_gaps, full_rank, inverse_of, lift,
                              matrix_power_bar, matrix_power_dot, matvec_like, mT,
                              multi_dot_bar, multi_dot_dot, outer_like, phi, qr_checked,
                              residuals_bar, residuals_dot, skew_lower, solve_like,
                              solve_vector, svd_cotangents, svd_factors, svd_gaps, svd_inverse,
                              svd_tangent, triangle_bar, triangle_sym)
from ..runtime.shapes import unbroadcast
from .registry import adjoint, declare, nondifferentiable, tangent

nondifferentiable(solve_vector)   # (a flag)

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
    vector = solve_vector(a, b)
    s = solve_like(mT(a), y_bar, vector)
    return unbroadcast(-outer_like(s, y, vector), a), unbroadcast(s, b)


@tangent(np.linalg.solve)
def solve_tangent(y, a, b, a_dot, b_dot):
    vector = solve_vector(a, b)
    return solve_like(a, b_dot - matvec_like(a_dot, y, vector), vector)


# ---------------------------------------------------------- determinants
# d det(a) = det(a) tr(a^-1 da); refused at a singular matrix (inverse_of)


@adjoint(np.linalg.det, allocates=True)
def det_adjoint(y, y_bar, a):
    return lift(y_bar * y) * mT(inverse_of(a, "np.linalg.det"))


@tangent(np.linalg.det)
def det_tangent(y, a, a_dot):
    return y * np.sum(mT(inverse_of(a, "np.linalg.det")) * a_dot, axis=(-2, -1))


# (sign, logabsdet): the sign is piecewise constant, only logabsdet carries a derivative
@adjoint(np.linalg.slogdet, allocates=True)
def slogdet_adjoint(y, y_bar, a):
    return lift(y_bar[1]) * mT(inverse_of(a, "np.linalg.slogdet"))


@tangent(np.linalg.slogdet)
def slogdet_tangent(y, a, a_dot):
    return (np.zeros_like(y[0]),
            np.sum(mT(inverse_of(a, "np.linalg.slogdet")) * a_dot, axis=(-2, -1)))


# ---------------------------------------------------------------- cholesky
# a = L L^T, dL = L phi(L^-1 dA L^-T); the adjoint of the symmetric matrix is
# L^-T phi(L^T L_bar) L^-1 (two solves), then onto the triangle numpy read


if "upper" in inspect.signature(np.linalg.cholesky).parameters:   # numpy >= 2.0
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
else:   # numpy 1: the lower factor only
    @adjoint(np.linalg.cholesky, allocates=True)
    def cholesky_adjoint_numpy1(y, y_bar, a):
        low = y
        p = phi(mT(low) @ y_bar)
        x = np.linalg.solve(mT(low), p)
        return triangle_bar(mT(np.linalg.solve(mT(low), mT(x))), False)

    @tangent(np.linalg.cholesky)
    def cholesky_tangent_numpy1(y, a, a_dot):
        low = y
        low_inv = np.linalg.inv(low)
        return cholesky_lower(low @ phi(low_inv @ triangle_sym(a_dot, False) @ mT(low_inv)),
                              False)


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


# --------------------------------------------------------------------- svd
# a = U diag(S) Vh (Townsend's adjoint, reduced factors): F_ij = 1 / (s_j^2 - s_i^2),
# U_bar and Vh_bar refused at repeated or zero singular values; S alone (compute_uv=False,
# or svd(a)[1]) is differentiable everywhere


@adjoint(np.linalg.svd, nondiff=("full_matrices", "compute_uv", "hermitian"), allocates=True)
def svd_adjoint(y, y_bar, a, full_matrices=True, compute_uv=True, hermitian=False):
    p = svd_factors(y, a, full_matrices, compute_uv, hermitian)
    q = svd_cotangents(y_bar, a, full_matrices, compute_uv)
    u = p[0]
    s = p[1]
    vh = p[2]
    x = mT(u) @ q[0]
    z = vh @ mT(q[2])
    f = svd_gaps(s, (q[0], q[2]))
    inv_s = svd_inverse(s, (q[0], q[2]))
    middle = (f * (x - mT(x))) * as_row(s) + diag_embed(q[1]) \
        + as_col(s) * (f * (z - mT(z)))
    return (u @ middle @ vh + ((q[0] - u @ x) * as_row(inv_s)) @ vh
            + u @ (as_col(inv_s) * (q[2] - mT(z) @ vh)))


@tangent(np.linalg.svd)
def svd_tangent_rule(y, a, full_matrices, compute_uv, hermitian, a_dot):
    return svd_tangent(y, a, a_dot, full_matrices, compute_uv, hermitian)


# ---------------------------------------------------------------------- qr
# a = Q R (tall or square): M = R R_bar^T - Q_bar^T Q, a_bar = (Q_bar + Q copyltu(M)) R^-T;
# tangent C = Q^T dA R^-1, W = skew(C): dR = (C - W) R, dQ = dA R^-1 - Q (C - W)


@adjoint(np.linalg.qr, nondiff=("mode",), allocates=True)
def qr_adjoint(y, y_bar, a, mode="reduced"):
    p = qr_checked(y, a, mode)
    m = p[1] @ mT(y_bar[1]) - mT(y_bar[0]) @ p[0]
    return mT(np.linalg.solve(p[1], mT(y_bar[0] + p[0] @ triangle_sym(m, "L"))))


@tangent(np.linalg.qr)
def qr_tangent(y, a, mode, a_dot):
    p = qr_checked(y, a, mode)
    da_rinv = mT(np.linalg.solve(mT(p[1]), mT(a_dot)))
    c = mT(p[0]) @ da_rinv
    upper = c - skew_lower(c)
    return da_rinv - p[0] @ upper, upper @ p[1]


# -------------------------------------------------------------------- pinv
# full rank (refused otherwise): Y = pinv(a),
# dY = -Y dA Y + Y Y^T dA^T (I - a Y) + (I - Y a) dA^T Y^T Y


@adjoint(np.linalg.pinv, nondiff=("rcond", "hermitian"), allocates=True)
def pinv_adjoint(y, y_bar, a, rcond=None, hermitian=False):
    p = full_rank(y, a, "np.linalg.pinv")
    yt = mT(p)
    left = mT(y_bar) @ p @ yt
    right = yt @ p @ mT(y_bar)
    return -(yt @ y_bar @ yt) + left - a @ (p @ left) + right - (right @ p) @ a


@tangent(np.linalg.pinv)
def pinv_tangent(y, a, rcond, hermitian, a_dot):
    p = full_rank(y, a, "np.linalg.pinv")
    dat = mT(a_dot)
    left = p @ mT(p) @ dat
    right = dat @ mT(p) @ p
    return -(p @ a_dot @ p) + left - (left @ a) @ p + right - p @ (a @ right)


# ------------------------------------------------------------------- lstsq
# full column rank (refused otherwise): x = (a^T a)^-1 a^T b, r = b - a x;
# z = (a^T a)^-1 x_bar, b_bar = a z + 2 r res_bar, a_bar = r z^T - b_bar x^T;
# the singular values s get U diag(s_bar) Vh, the rank no derivative


@adjoint(np.linalg.lstsq, nondiff=("rcond",), allocates=True)
def lstsq_adjoint(y, y_bar, a, b, rcond=None):
    x = full_rank(y[0], a, "np.linalg.lstsq")
    r = b - matvec_like(a, x, b)
    z = solve_like(mT(a) @ a, y_bar[0], b)
    b_bar = matvec_like(a, z, b) + residuals_bar(r, y_bar[1])
    f = np.linalg.svd(a, full_matrices=False)
    s_part = f[0] @ diag_embed(y_bar[3]) @ f[2]
    return outer_like(r, z, b) - outer_like(b_bar, x, b) + s_part, b_bar


@tangent(np.linalg.lstsq)
def lstsq_tangent(y, a, b, rcond, a_dot, b_dot):
    x = full_rank(y[0], a, "np.linalg.lstsq")
    r = b - matvec_like(a, x, b)
    r_dot = b_dot - matvec_like(a_dot, x, b)
    x_dot = solve_like(mT(a) @ a, matvec_like(mT(a_dot), r, b) + matvec_like(mT(a), r_dot, b), b)
    f = np.linalg.svd(a, full_matrices=False)
    return (x_dot, residuals_dot(y, r, r_dot), constant_dot(y[2]),
            diag_part(mT(f[0]) @ a_dot @ mT(f[2])))


# ---------------------------------------------------- matrix_power, multi_dot


# (a view: matrix_power(a, 1) is a itself)
@adjoint(np.linalg.matrix_power, nondiff=("n",), view=True)
def matrix_power_adjoint(y, y_bar, a, n):
    return matrix_power_bar(y_bar, a, n)


@tangent(np.linalg.matrix_power)
def matrix_power_tangent(y, a, n, a_dot):
    return matrix_power_dot(a, n, a_dot)


@adjoint(np.linalg.multi_dot, allocates=True)
def multi_dot_adjoint(y, y_bar, arrays):
    return multi_dot_bar(y_bar, arrays)


@tangent(np.linalg.multi_dot)
def multi_dot_tangent(y, arrays, arrays_dot):
    return multi_dot_dot(arrays, arrays_dot)


# ------------------------------------------- the fields of the named tuples
# t.logabsdet on a name holding slogdet's result reads t[1] (see syntax.normalize.fields)

if hasattr(np.linalg.slogdet(np.eye(1)), "logabsdet"):   # numpy >= 2.0 (plain tuples before)
    declare(np.linalg.slogdet, fields=("sign", "logabsdet"))
    declare(np.linalg.eigh, fields=("eigenvalues", "eigenvectors"))
    declare(np.linalg.svd, fields=("U", "S", "Vh"), fields_when=(("compute_uv", True),))
    declare(np.linalg.qr, fields=("Q", "R"), fields_when=(("mode", "reduced"),))
