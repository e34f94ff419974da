"""Adjoint rules of the helpers that the ``numpy.linalg`` and norm rules' generated code
calls (:mod:`s2sad.runtime.linalg`, :mod:`s2sad.runtime.norms`), so that generated
gradient code is itself differentiable in reverse mode (issue 15: reverse over reverse).

Their tangent rules are beside the helpers (``@fact(linear=...)``, ``@tangent_beside``).
A helper linear in one argument has the transpose of that map as its adjoint; a
helper ``h(g, a) = J_f(a)^T g`` (the adjoint of some ``f``, ``matrix_power_bar``,
``norm_bar``) has ``J_f(a) y_bar`` (``f``'s tangent along ``y_bar``) for ``g`` and, the
Hessian of ``<g, f(a)>`` being symmetric, ``h``'s own tangent along ``a_dot = y_bar``
(``g`` held) for ``a``.  Each template is made of ops and helpers that have both rules.
"""

import numpy as np

from ..runtime.linalg import (as_col, as_row, cholesky_lower, constant_dot, diag_embed,
                              diag_part, eigh_gaps, full_rank, inverse_of, lift,
                              matrix_power_bar, matrix_power_bar_dot, matrix_power_dot,
                              matvec_like, mT, multi_dot_bar, multi_dot_bar_dot, multi_dot_dot, outer_like, pair_diff, phi, qr_checked,
                              residuals_bar, residuals_dot, residuals_pair, skew_lower,
                              solve_like, svd_cotangents, svd_factors, svd_gaps, svd_inverse,
                              svd_tangent, triangle_bar, triangle_sym)
from ..runtime.adjoints_linalg import (block_corner, block_diagonal_sum, block_in_corner,
                                       block_pair, list_sum, multi_dot_dot2, svd_expand, svd_factors_y_bar,
                                       svd_factors_y_part, svd_recomputed_bar, svd_reduce, svd_tangent_refused, multi_dot_third, norm_fourth, norm_hvp, norm_reduce,
                                       norm_spread, norm_third)
from ..runtime.norms import norm_bar, norm_bar_dot, norm_dot
from ..runtime.shapes import unbroadcast
from ..runtime.structure import diagonal_bar
from .registry import adjoint, nondifferentiable, tangent

nondifferentiable(norm_fourth)   # (zeros, or a refusal)
nondifferentiable(multi_dot_third, svd_recomputed_bar)   # (zeros, or a refusal)
nondifferentiable(constant_dot)   # (zeros: the tangent of a piecewise constant output)

# svd_tangent (np.linalg.svd's tangent; np.linalg.lstsq's adjoint reads the singular
# values through it): its derivatives are not computed. Zero where nothing reads the
# tangent (the cotangent is 0: lstsq's singular values unused, so lstsq's third derivative
# in reverse mode), refused otherwise; y, the factors, carries no derivative beyond that.
# (no tuple_output: the tangent of S alone, compute_uv=False, is an array)
@adjoint(svd_tangent, nondiff=("y", "full_matrices", "compute_uv", "hermitian"))
def svd_tangent_adjoint(out, out_bar, y, a, t, full_matrices, compute_uv, hermitian):
    return svd_tangent_refused(out_bar, a), svd_tangent_refused(out_bar, t)


nondifferentiable(svd_tangent_refused)   # (zeros, or a refusal)


# ------------------------------------------------ linear maps of matrices


@adjoint(mT)
def mT_adjoint(y, y_bar, x):
    return mT(y_bar)


# (the sum over the two axes lift added, which y_bar may have broadcast)
@adjoint(lift)
def lift_adjoint(y, y_bar, g):
    return np.sum(y_bar, axis=(-2, -1))


@adjoint(diag_part)
def diag_part_adjoint(y, y_bar, x):
    return diagonal_bar(y_bar, x, 0, -2, -1)


@adjoint(diag_embed)
def diag_embed_adjoint(y, y_bar, v):
    return diag_part(y_bar)


# triangle_bar is triangle_sym's transpose, and so triangle_sym is triangle_bar's
@adjoint(triangle_sym, nondiff=("uplo",))
def triangle_sym_adjoint(y, y_bar, x, uplo):
    return triangle_bar(y_bar, uplo)


@adjoint(triangle_bar, nondiff=("uplo",))
def triangle_bar_adjoint(y, y_bar, g, uplo):
    return triangle_sym(y_bar, uplo)


@adjoint(cholesky_lower, nondiff=("upper",))
def cholesky_lower_adjoint(y, y_bar, x, upper):
    return cholesky_lower(y_bar, upper)


# (a mask of the elements: its own transpose)
@adjoint(phi)
def phi_adjoint(y, y_bar, x):
    return phi(y_bar)


@adjoint(skew_lower)
def skew_lower_adjoint(y, y_bar, x):
    return np.tril(y_bar - mT(y_bar), -1)


@adjoint(as_row)
def as_row_adjoint(y, y_bar, v):
    return np.sum(y_bar, axis=-2)


@adjoint(as_col)
def as_col_adjoint(y, y_bar, v):
    return np.sum(y_bar, axis=-1)


@adjoint(pair_diff)
def pair_diff_adjoint(y, y_bar, w):
    return np.sum(y_bar, axis=-2) - np.sum(y_bar, axis=-1)


# (the identity once the primal call has refused a rank-deficient a)
@adjoint(full_rank, nondiff=("a", "op"))
def full_rank_adjoint(y, y_bar, x, a, op):
    return y_bar


# (the factors (Q, R) as they are, once the primal call has refused what has no rule)
@adjoint(qr_checked, nondiff=("a", "mode"), tuple_output=True)
def qr_checked_adjoint(out, out_bar, y, a, mode):
    return out_bar


# ------------------------------------------------------ inverse and solve


@adjoint(inverse_of, nondiff=("op",))
def inverse_of_adjoint(y, y_bar, a, op):
    yT = mT(y)
    return -(yT @ y_bar @ yT)


# y = a^-1 g: s = a^-T y_bar, a_bar = -s y^T, g_bar = s (b: how g is read)
@adjoint(solve_like, nondiff=("b",))
def solve_like_adjoint(y, y_bar, a, g, b):
    s = solve_like(mT(a), y_bar, b)
    return unbroadcast(-outer_like(s, y, b), a), unbroadcast(s, g)


@adjoint(matvec_like, nondiff=("b",))
def matvec_like_adjoint(y, y_bar, a, x, b):
    return unbroadcast(outer_like(y_bar, x, b), a), unbroadcast(matvec_like(mT(a), y_bar, b), x)


@adjoint(outer_like, nondiff=("b",))
def outer_like_adjoint(y, y_bar, s, x, b):
    return (unbroadcast(matvec_like(y_bar, x, b), s),
            unbroadcast(matvec_like(mT(y_bar), s, b), x))


# ---------------------------------------------------------- spectral gaps
# F = 1 / pair_diff(w): dF = -F^2 pair_diff(dw), and pair_diff's transpose


@adjoint(eigh_gaps, nondiff=("needed",))
def eigh_gaps_adjoint(y, y_bar, w, needed):
    z = -(y * y * y_bar)
    return np.sum(z, axis=-2) - np.sum(z, axis=-1)


@adjoint(svd_gaps, nondiff=("needed",))
def svd_gaps_adjoint(y, y_bar, s, needed):
    z = -2.0 * (y * y * y_bar)
    return s * (np.sum(z, axis=-2) - np.sum(z, axis=-1))


@adjoint(svd_inverse, nondiff=("needed",))
def svd_inverse_adjoint(y, y_bar, s, needed):
    return -(y * y * y_bar)


# ------------------------------------------------------------------ norms
# norm_bar(g, x) = spread(g) grad(x), norm_dot(x, v) = reduce(grad(x) v),
# norm_bar_dot(g, x, v) = spread(g) H(x) v; H and the third derivative are symmetric

_NORM = ("ord", "axis", "keepdims", "how")


@adjoint(norm_bar, nondiff=_NORM)
def norm_bar_adjoint(y, y_bar, g, x, ord=None, axis=None, keepdims=False, how="norm"):
    return (norm_dot(x, y_bar, ord, axis, keepdims, how),
            norm_bar_dot(g, x, y_bar, ord, axis, keepdims, how))


@adjoint(norm_dot, nondiff=_NORM)
def norm_dot_adjoint(y, y_bar, x, v, ord=None, axis=None, keepdims=False, how="norm"):
    return (norm_bar_dot(y_bar, x, v, ord, axis, keepdims, how),
            unbroadcast(norm_bar(y_bar, x, ord, axis, keepdims, how), v))


@tangent(norm_dot)
def norm_dot_tangent(out, x, v, ord, axis, keepdims, how, x_dot, v_dot):
    return (norm_dot(x, v_dot, ord, axis, keepdims, how)
            + norm_reduce(v * norm_hvp(x, x_dot, ord, axis, keepdims, how), x, ord, axis,
                          keepdims, how))


@adjoint(norm_bar_dot, nondiff=_NORM)
def norm_bar_dot_adjoint(y, y_bar, g, x, v, ord=None, axis=None, keepdims=False, how="norm"):
    w = norm_spread(g, x, ord, axis, keepdims, how) * y_bar
    return (norm_reduce(y_bar * norm_hvp(x, v, ord, axis, keepdims, how), x, ord, axis,
                        keepdims, how),
            norm_third(x, v, w, ord, axis, keepdims, how),
            unbroadcast(norm_hvp(x, w, ord, axis, keepdims, how), v))


@tangent(norm_bar_dot)
def norm_bar_dot_tangent(out, g, x, v, ord, axis, keepdims, how, g_dot, x_dot, v_dot):
    return (norm_bar_dot(g_dot, x, v, ord, axis, keepdims, how)
            + norm_bar_dot(g, x, v_dot, ord, axis, keepdims, how)
            + norm_spread(g, x, ord, axis, keepdims, how)
            * norm_third(x, v, x_dot, ord, axis, keepdims, how))


@adjoint(norm_reduce, nondiff=("x",) + _NORM)
def norm_reduce_adjoint(y, y_bar, t, x, ord=None, axis=None, keepdims=False, how="norm"):
    return unbroadcast(norm_spread(y_bar, x, ord, axis, keepdims, how), t)


@adjoint(norm_spread, nondiff=("x",) + _NORM)
def norm_spread_adjoint(y, y_bar, g, x, ord=None, axis=None, keepdims=False, how="norm"):
    return unbroadcast(norm_reduce(y_bar, x, ord, axis, keepdims, how), g)


@adjoint(norm_hvp, nondiff=_NORM)
def norm_hvp_adjoint(y, y_bar, x, v, ord=None, axis=None, keepdims=False, how="norm"):
    return (norm_third(x, v, y_bar, ord, axis, keepdims, how),
            unbroadcast(norm_hvp(x, y_bar, ord, axis, keepdims, how), v))


@tangent(norm_hvp)
def norm_hvp_tangent(out, x, v, ord, axis, keepdims, how, x_dot, v_dot):
    return (norm_hvp(x, v_dot, ord, axis, keepdims, how)
            + norm_third(x, v, x_dot, ord, axis, keepdims, how))


# (the fourth derivative is refused by norm_fourth, unless it is zero)
@adjoint(norm_third, nondiff=_NORM)
def norm_third_adjoint(y, y_bar, x, v, u, ord=None, axis=None, keepdims=False, how="norm"):
    return (norm_fourth(y_bar, x, ord, axis, keepdims, how),
            unbroadcast(norm_third(x, u, y_bar, ord, axis, keepdims, how), v),
            unbroadcast(norm_third(x, v, y_bar, ord, axis, keepdims, how), u))


@tangent(norm_third)
def norm_third_tangent(out, x, v, u, ord, axis, keepdims, how, x_dot, v_dot, u_dot):
    return (norm_fourth(x_dot, x, ord, axis, keepdims, how)
            + norm_third(x, v_dot, u, ord, axis, keepdims, how)
            + norm_third(x, v, u_dot, ord, axis, keepdims, how))


# ---------------------------------------------------------- lstsq residuals
# residuals_pair(r, s) = 2 sum(r * s, axis=0): bilinear, residuals_bar its transpose in r


@adjoint(residuals_bar)
def residuals_bar_adjoint(y, y_bar, r, res_bar):
    return residuals_bar(y_bar, res_bar), residuals_pair(r, y_bar, res_bar)


@adjoint(residuals_pair, nondiff=("res",))
def residuals_pair_adjoint(y, y_bar, r, s, res):
    return residuals_bar(s, y_bar), residuals_bar(r, y_bar)


@tangent(residuals_pair)
def residuals_pair_tangent(out, r, s, res, r_dot, s_dot):
    return residuals_pair(r_dot, s, res) + residuals_pair(r, s_dot, res)


# (the output is named out: residuals_dot's first parameter is lstsq's result y)
@adjoint(residuals_dot, nondiff=("y",))
def residuals_dot_adjoint(out, out_bar, y, r, v):
    return residuals_bar(v, out_bar), residuals_bar(r, out_bar)


@tangent(residuals_dot)
def residuals_dot_tangent(out, y, r, v, r_dot, v_dot):
    return residuals_dot(y, r_dot, v) + residuals_dot(y, r, v_dot)


# ----------------------------------------------------------- matrix powers
# f(M) = M^n: f([[A, V], [0, A]]) = [[f(A), f'(A)[V]], [0, f(A)]] (matrix_power_dot(a, n, v)
# is the corner of a power of block_pair(a, v)), and <G, f'(A)[V]> = <f'(A^T)[G], V>
# (matrix_power_bar(g, a, n) is matrix_power_dot(mT(a), n, g))


@adjoint(block_pair)
def block_pair_adjoint(y, y_bar, a, v):
    return unbroadcast(block_diagonal_sum(y_bar), a), unbroadcast(block_corner(y_bar), v)


@adjoint(block_corner)
def block_corner_adjoint(y, y_bar, m):
    return block_in_corner(y_bar)


@adjoint(block_in_corner)
def block_in_corner_adjoint(y, y_bar, x):
    return block_corner(y_bar)


@adjoint(block_diagonal_sum)
def block_diagonal_sum_adjoint(y, y_bar, m):
    return block_pair(y_bar, np.zeros_like(y_bar))


@adjoint(matrix_power_dot, nondiff=("n",))
def matrix_power_dot_adjoint(y, y_bar, a, n, v):
    z = matrix_power_dot(mT(block_pair(a, v)), n, block_in_corner(y_bar))
    return unbroadcast(block_diagonal_sum(z), a), unbroadcast(block_corner(z), v)


@tangent(matrix_power_dot)
def matrix_power_dot_tangent(out, a, n, v, a_dot, v_dot):
    return block_corner(matrix_power_dot(block_pair(a, v), n, block_pair(a_dot, v_dot)))


@adjoint(matrix_power_bar, nondiff=("n",))
def matrix_power_bar_adjoint(y, y_bar, g, a, n):
    z = matrix_power_dot(mT(block_pair(mT(a), g)), n, block_in_corner(y_bar))
    return unbroadcast(block_corner(z), g), unbroadcast(mT(block_diagonal_sum(z)), a)


# matrix_power_bar_dot(g, a, n, dg, da) = corner(matrix_power_dot(p, n, q)) with
# p = block_pair(mT(a), g), q = block_pair(mT(da), dg)
@adjoint(matrix_power_bar_dot, nondiff=("n",))
def matrix_power_bar_dot_adjoint(y, y_bar, g, a, n, dg, da):
    p = block_pair(mT(a), g)
    q = block_pair(mT(da), dg)
    z = matrix_power_dot(mT(block_pair(p, q)), n, block_in_corner(block_in_corner(y_bar)))
    p_bar = block_diagonal_sum(z)
    q_bar = block_corner(z)
    return (unbroadcast(block_corner(p_bar), g), unbroadcast(mT(block_diagonal_sum(p_bar)), a),
            unbroadcast(block_corner(q_bar), dg), unbroadcast(mT(block_diagonal_sum(q_bar)), da))


@tangent(matrix_power_bar_dot)
def matrix_power_bar_dot_tangent(out, g, a, n, dg, da, g_dot, a_dot, dg_dot, da_dot):
    p = block_pair(block_pair(mT(a), g), block_pair(mT(da), dg))
    p_dot = block_pair(block_pair(mT(a_dot), g_dot), block_pair(mT(da_dot), dg_dot))
    return block_corner(block_corner(matrix_power_dot(p, n, p_dot)))


# --------------------------------------------------------------- multi_dot
# P(arrays) multilinear: multi_dot_bar(g, arrays) = the gradient of <g, P>, multi_dot_dot
# its first derivative, multi_dot_dot2 its second; the third is refused (multi_dot_third)


@adjoint(multi_dot_bar)
def multi_dot_bar_adjoint(y, y_bar, g, arrays):
    return (multi_dot_dot(arrays, y_bar),
            multi_dot_bar_dot(g, arrays, np.zeros_like(g), y_bar))


@adjoint(multi_dot_dot)
def multi_dot_dot_adjoint(y, y_bar, arrays, vs):
    return (multi_dot_bar_dot(y_bar, arrays, np.zeros_like(y_bar), vs),
            multi_dot_bar(y_bar, arrays))


@tangent(multi_dot_dot)
def multi_dot_dot_tangent(out, arrays, vs, arrays_dot, vs_dot):
    return multi_dot_dot(arrays, vs_dot) + multi_dot_dot2(arrays, vs, arrays_dot)


@adjoint(multi_dot_dot2)
def multi_dot_dot2_adjoint(y, y_bar, arrays, vs, ws):
    return (multi_dot_third(y_bar, arrays),
            multi_dot_bar_dot(y_bar, arrays, np.zeros_like(y_bar), ws),
            multi_dot_bar_dot(y_bar, arrays, np.zeros_like(y_bar), vs))


@tangent(multi_dot_dot2)
def multi_dot_dot2_tangent(out, arrays, vs, ws, arrays_dot, vs_dot, ws_dot):
    return (multi_dot_dot2(arrays, vs_dot, ws) + multi_dot_dot2(arrays, vs, ws_dot)
            + multi_dot_third(arrays_dot, out))


# multi_dot_bar_dot(g, arrays, dg, dvs) = multi_dot_bar(dg, arrays) + H_g(arrays)[dvs]
@adjoint(multi_dot_bar_dot)
def multi_dot_bar_dot_adjoint(y, y_bar, g, arrays, dg, dvs):
    return (multi_dot_dot2(arrays, y_bar, dvs), multi_dot_third(y_bar, arrays),
            multi_dot_dot(arrays, y_bar),
            multi_dot_bar_dot(g, arrays, np.zeros_like(g), y_bar))


@tangent(multi_dot_bar_dot)
def multi_dot_bar_dot_tangent(out, g, arrays, dg, dvs, g_dot, arrays_dot, dg_dot, dvs_dot):
    return list_sum(list_sum(multi_dot_bar_dot(g_dot, arrays, np.zeros_like(dg), dvs),
                             multi_dot_bar_dot(g, arrays, dg_dot, dvs_dot)),
                    multi_dot_third(arrays_dot, arrays))


# (a zero number for a list: see list_sum)
@adjoint(list_sum)
def list_sum_adjoint(y, y_bar, a, b):
    return y_bar, y_bar


# --------------------------------------------------------------------- svd
# (the names out, out_bar: the helpers' own first parameters are y and y_bar)


@adjoint(svd_cotangents, nondiff=("a", "full_matrices", "compute_uv"), tuple_output=True)
def svd_cotangents_adjoint(out, out_bar, y_bar, a, full_matrices, compute_uv):
    return svd_expand(out_bar, a, full_matrices, compute_uv)


@adjoint(svd_reduce, nondiff=("a", "full_matrices", "compute_uv"), tuple_output=True)
def svd_reduce_adjoint(y, y_bar, t, a, full_matrices, compute_uv):
    return svd_expand(y_bar, a, full_matrices, compute_uv)


# (svd_expand and svd_factors_y_bar give S's cotangent alone, an array, when compute_uv
# is False: declared tuples, their adjoints add with add_tree, which adds arrays too)
@adjoint(svd_expand, nondiff=("a", "full_matrices", "compute_uv"), tuple_output=True)
def svd_expand_adjoint(y, y_bar, t, a, full_matrices, compute_uv):
    return svd_reduce(y_bar, a, full_matrices, compute_uv)


@adjoint(svd_factors, nondiff=("full_matrices", "compute_uv", "hermitian"), tuple_output=True)
def svd_factors_adjoint(out, out_bar, y, a, full_matrices, compute_uv, hermitian):
    return (svd_factors_y_bar(out_bar, a, full_matrices, compute_uv),
            svd_recomputed_bar(out_bar, a, compute_uv))


@adjoint(svd_factors_y_bar, nondiff=("a", "full_matrices", "compute_uv"), tuple_output=True)
def svd_factors_y_bar_adjoint(y, y_bar, t, a, full_matrices, compute_uv):
    return svd_factors_y_part(y_bar, a, full_matrices, compute_uv)


@adjoint(svd_factors_y_part, nondiff=("a", "full_matrices", "compute_uv"), tuple_output=True)
def svd_factors_y_part_adjoint(y, y_bar, z, a, full_matrices, compute_uv):
    return svd_factors_y_bar(y_bar, a, full_matrices, compute_uv)
