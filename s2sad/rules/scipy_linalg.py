"""Rules for ``scipy.linalg`` (issue 14), loaded once the user's code imported it
(``rules.loading.OPTIONAL_RULES``): solve_triangular, cho_factor and cho_solve (the
pair ``(c, lower)`` flows from one into the other: ``cho_solve(cho_factor(a), b)``),
expm (Frechet derivatives as blocks of a larger expm), sqrtm (a Sylvester equation),
and scipy's own inv, solve, det and cholesky.

Each adjoint is made of calls that have rules (scipy's solves, the helpers of
:mod:`s2sad.runtime.scipy_linalg` and :mod:`s2sad.runtime.linalg`), so second order
needs nothing more; the helpers' tangent rules are registered here.
"""

import numpy as np
import scipy.linalg

from ..runtime.linalg import (cholesky_lower, inverse_of, lift, matvec_like, mT, outer_like, phi,
                              solve_like, triangle_bar, triangle_sym)
from ..runtime.adjoints_linalg import (block_corner, block_diagonal_sum, block_in_corner,
                                       block_pair)
from ..runtime.shapes import unbroadcast
from .registry import adjoint, nondifferentiable, tangent
from .runtime_rules import linear_helper, runtime_tangent
from ..runtime.scipy_linalg import (kept, check_real_sqrtm, cho_embed, cho_factor_cotangent,
                                    cho_other,
                                    cho_lower_of, cho_pair, cho_pair_tangent_rule,
                                    cho_tangent_embed, expm_frechet_of, expm_frechet_second,
                                    expm_frechet_tangent_rule, identity_like, lu_perm,
                                    lu_strict, lu_upper, not_, other_trans, pair_first,
                                    solve_kind, solve_matrix, solve_matrix_bar, sylvester_sym,
                                    sylvester_sym_tangent_rule, transposed_if, triangle_part)

# (the ops with overwrite_a/overwrite_b are not declared allocates: their result may be
# the memory of an argument the user lets them overwrite).  overwrite_a=True or
# overwrite_b=True lets scipy write into the argument, or not, as it sees fit: a later
# read of that array would see values s2sad cannot follow, so only False is taken
NOT_OVERWRITTEN_A = {"overwrite_a": (False,)}
NOT_OVERWRITTEN_B = {"overwrite_b": (False,)}

# -------------------------------------------------- the helpers' derivatives

for _helper, _params in ((triangle_part, ("x",)), (transposed_if, ("x",)),
                         (solve_matrix, ("x",)), (solve_matrix_bar, ("g",)),
                         (cho_embed, ("l",)), (cho_lower_of, ("c",)),
                         (cho_factor_cotangent, ("c_bar",)), (check_real_sqrtm, ("y",)),
                         (cho_tangent_embed, ("l", "a_dot")), (cho_other, ("c_bar",)),
                         (kept, ("x",))):
    linear_helper(_helper, _params)
runtime_tangent(cho_pair)(cho_pair_tangent_rule)
runtime_tangent(expm_frechet_of)(expm_frechet_tangent_rule)
runtime_tangent(sylvester_sym)(sylvester_sym_tangent_rule)
nondifferentiable(other_trans, not_, solve_kind, identity_like, lu_perm)
# (facts of a matrix: a bool, two band widths)
nondifferentiable(scipy.linalg.issymmetric, scipy.linalg.ishermitian, scipy.linalg.bandwidth)
linear_helper(lu_strict, ("x",))
linear_helper(lu_upper, ("x",))
linear_helper(pair_first, ("pair",))

# ---------------------------------------------------------- solve_triangular
# op(T) x = b, T the triangle of a (unit diagonal: ones), op a transpose when trans:
# b_bar = op(T)^-T x_bar, T_bar = the triangle of -(b_bar x^T), transposed when trans


@adjoint(scipy.linalg.solve_triangular,
         nondiff=("trans", "lower", "unit_diagonal", "overwrite_b", "check_finite"),
         choices=NOT_OVERWRITTEN_B)
def solve_triangular_adjoint(y, y_bar, a, b, trans=0, lower=False, unit_diagonal=False,
                             overwrite_b=False, check_finite=True):
    s = scipy.linalg.solve_triangular(a, y_bar, other_trans(trans), lower, unit_diagonal)
    return (-triangle_part(transposed_if(outer_like(s, y, b), trans), lower, unit_diagonal),
            unbroadcast(s, b))


@tangent(scipy.linalg.solve_triangular)
def solve_triangular_tangent(y, a, b, trans, lower, unit_diagonal, overwrite_b,
                             check_finite, a_dot, b_dot):
    t_dot = transposed_if(triangle_part(a_dot, lower, unit_diagonal), trans)
    return scipy.linalg.solve_triangular(a, b_dot - matvec_like(t_dot, y, b), trans, lower,
                                         unit_diagonal)


# ------------------------------------------------- scipy's inv, det, cholesky


@adjoint(scipy.linalg.inv, nondiff=("overwrite_a", "check_finite"), choices=NOT_OVERWRITTEN_A)
def scipy_inv_adjoint(y, y_bar, a, overwrite_a=False, check_finite=True):
    yT = mT(y)
    return -(yT @ y_bar @ yT)


@tangent(scipy.linalg.inv)
def scipy_inv_tangent(y, a, overwrite_a, check_finite, a_dot):
    return -(y @ a_dot @ y)


@adjoint(scipy.linalg.det, nondiff=("overwrite_a", "check_finite"), allocates=True,
         choices=NOT_OVERWRITTEN_A)
def scipy_det_adjoint(y, y_bar, a, overwrite_a=False, check_finite=True):
    return lift(y_bar * y) * mT(inverse_of(a, "scipy.linalg.det"))


@tangent(scipy.linalg.det)
def scipy_det_tangent(y, a, overwrite_a, check_finite, a_dot):
    return y * np.sum(mT(inverse_of(a, "scipy.linalg.det")) * a_dot, axis=(-2, -1))


# scipy.linalg.cholesky(a, lower) is np.linalg.cholesky(a, upper=not lower): upper by
# default, reading the upper triangle


@adjoint(scipy.linalg.cholesky, nondiff=("lower", "overwrite_a", "check_finite"),
         choices=NOT_OVERWRITTEN_A)
def scipy_cholesky_adjoint(y, y_bar, a, lower=False, overwrite_a=False, check_finite=True):
    low = cholesky_lower(y, not_(lower))
    p = phi(mT(low) @ cholesky_lower(y_bar, not_(lower)))
    x = np.linalg.solve(mT(low), p)
    return triangle_bar(mT(np.linalg.solve(mT(low), mT(x))), not_(lower))


@tangent(scipy.linalg.cholesky)
def scipy_cholesky_tangent(y, a, lower, overwrite_a, check_finite, a_dot):
    low = cholesky_lower(y, not_(lower))
    low_inv = np.linalg.inv(low)
    return cholesky_lower(low @ phi(low_inv @ triangle_sym(a_dot, not_(lower))
                                    @ mT(low_inv)), not_(lower))


# ------------------------------------------------------------- scipy's solve
# general, symmetric or positive definite a (assume_a; the last two read one triangle)


@adjoint(scipy.linalg.solve, nondiff=("lower", "overwrite_a", "overwrite_b", "check_finite",
                                      "assume_a", "transposed"),
         choices={**NOT_OVERWRITTEN_A, **NOT_OVERWRITTEN_B})
def scipy_solve_adjoint(y, y_bar, a, b, lower=False, overwrite_a=False, overwrite_b=False,
                        check_finite=True, assume_a=None, transposed=False):
    s = solve_like(mT(solve_matrix(kept(a, overwrite_a), assume_a, lower, transposed)), y_bar, b)
    return (solve_matrix_bar(unbroadcast(-outer_like(s, y, b), a), assume_a, lower),
            unbroadcast(s, b))


@tangent(scipy.linalg.solve)
def scipy_solve_tangent(y, a, b, lower, overwrite_a, overwrite_b, check_finite, assume_a,
                        transposed, a_dot, b_dot):
    m_dot = solve_matrix(a_dot, assume_a, lower, transposed)
    return solve_like(solve_matrix(a, assume_a, lower, transposed),
                      b_dot - matvec_like(m_dot, y, b), b)


# ------------------------------------------------------ cho_factor, cho_solve
# cho_factor(a, lower) = (c, lower): the Cholesky factor in one triangle of c (the
# other holds a's own entries: scipy calls them unspecified, LAPACK leaves them), which
# cho_solve((c, lower), b) reads.  With a = L L^T and x = a^-1 b: s = a^-1 x_bar,
# L_bar = -(s x^T + x s^T) L, then L's adjoint back to a as for np.linalg.cholesky


@adjoint(scipy.linalg.cho_factor, nondiff=("lower", "overwrite_a", "check_finite"),
         tuple_output=True, choices=NOT_OVERWRITTEN_A)
def cho_factor_adjoint(y, y_bar, a, lower=False, overwrite_a=False, check_finite=True):
    low = cho_lower_of(y[0], lower)
    p = phi(mT(low) @ cho_factor_cotangent(pair_first(y_bar), lower))
    x = np.linalg.solve(mT(low), p)
    return (triangle_bar(mT(np.linalg.solve(mT(low), mT(x))), not_(lower))
            + cho_other(pair_first(y_bar), lower))


@tangent(scipy.linalg.cho_factor)
def cho_factor_tangent(y, a, lower, overwrite_a, check_finite, a_dot):
    low = cho_lower_of(y[0], lower)
    low_inv = np.linalg.inv(low)
    l_dot = low @ phi(low_inv @ triangle_sym(a_dot, not_(lower)) @ mT(low_inv))
    return cho_pair(cho_tangent_embed(l_dot, lower, a_dot), y)


@adjoint(scipy.linalg.cho_solve, nondiff=("overwrite_b", "check_finite"),
         choices=NOT_OVERWRITTEN_B)
def cho_solve_adjoint(y, y_bar, c_and_lower, b, overwrite_b=False, check_finite=True):
    s = scipy.linalg.cho_solve(c_and_lower, y_bar)
    g = outer_like(s, y, b)
    low = cho_lower_of(c_and_lower[0], c_and_lower[1])
    return (cho_pair(cho_embed(-((g + mT(g)) @ low), c_and_lower[1]), c_and_lower),
            unbroadcast(s, b))


@tangent(scipy.linalg.cho_solve)
def cho_solve_tangent(y, c_and_lower, b, overwrite_b, check_finite, c_and_lower_dot, b_dot):
    low = cho_lower_of(c_and_lower[0], c_and_lower[1])
    l_dot = cho_lower_of(pair_first(c_and_lower_dot), c_and_lower[1])
    a_dot = l_dot @ mT(low) + low @ mT(l_dot)
    return scipy.linalg.cho_solve(c_and_lower, b_dot - matvec_like(a_dot, y, b))


# ---------------------------------------------------------- lu_factor, lu_solve
# lu_factor(a) = (lu, piv), a = P L U (L unit lower, U upper, both in lu); lu_solve
# reads them.  From a_bar to the factors: L_bar = strict lower (P^T a_bar U^T), U_bar =
# upper (L^T P^T a_bar); back: a_bar = P L^-T (tril(L^T L_bar, -1) + triu(U_bar U^T)) U^-T


@adjoint(scipy.linalg.lu_factor, nondiff=("overwrite_a", "check_finite"), tuple_output=True,
         choices=NOT_OVERWRITTEN_A)
def lu_factor_adjoint(y, y_bar, a, overwrite_a=False, check_finite=True):
    low = lu_strict(y[0]) + identity_like(y[0])
    up = lu_upper(y[0])
    g = pair_first(y_bar)
    m = lu_strict(mT(low) @ lu_strict(g)) + lu_upper(lu_upper(g) @ mT(up))
    return lu_perm(y[1]) @ mT(np.linalg.solve(up, mT(np.linalg.solve(mT(low), m))))


@tangent(scipy.linalg.lu_factor)
def lu_factor_tangent(y, a, overwrite_a, check_finite, a_dot):
    low = lu_strict(y[0]) + identity_like(y[0])
    up = lu_upper(y[0])
    x = mT(np.linalg.solve(mT(up), mT(np.linalg.solve(low, mT(lu_perm(y[1])) @ a_dot))))
    return cho_pair(low @ lu_strict(x) + lu_upper(x) @ up, y)


@adjoint(scipy.linalg.lu_solve, nondiff=("trans", "overwrite_b", "check_finite"),
         choices=NOT_OVERWRITTEN_B)
def lu_solve_adjoint(y, y_bar, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    s = scipy.linalg.lu_solve(lu_and_piv, y_bar, other_trans(trans))
    low = lu_strict(lu_and_piv[0]) + identity_like(lu_and_piv[0])
    t = mT(lu_perm(lu_and_piv[1])) @ transposed_if(-outer_like(s, y, b), trans)
    lu_bar = lu_strict(t @ mT(lu_upper(lu_and_piv[0]))) + lu_upper(mT(low) @ t)
    return cho_pair(lu_bar, lu_and_piv), unbroadcast(s, b)


@tangent(scipy.linalg.lu_solve)
def lu_solve_tangent(y, lu_and_piv, b, trans, overwrite_b, check_finite, lu_and_piv_dot,
                     b_dot):
    lu_dot = pair_first(lu_and_piv_dot)
    low = lu_strict(lu_and_piv[0]) + identity_like(lu_and_piv[0])
    a_dot = lu_perm(lu_and_piv[1]) @ (lu_strict(lu_dot) @ lu_upper(lu_and_piv[0])
                                      + low @ lu_upper(lu_dot))
    return scipy.linalg.lu_solve(lu_and_piv, b_dot - matvec_like(transposed_if(a_dot, trans),
                                                                   y, b), trans)


# ---------------------------------------------------------------- expm, sqrtm
# the adjoint of the Frechet derivative L(a, .) is L(a^T, .)


@adjoint(scipy.linalg.expm, allocates=True)
def expm_adjoint(y, y_bar, A):
    return expm_frechet_of(mT(A), y_bar)


@tangent(scipy.linalg.expm)
def expm_tangent(y, A, A_dot):
    return expm_frechet_of(A, A_dot)


# x x = A: dx x + x dx = dA, a Sylvester equation; its adjoint x^T z + z x^T = x_bar
@adjoint(scipy.linalg.sqrtm, allocates=True)
def sqrtm_adjoint(y, y_bar, A):
    return sylvester_sym(mT(check_real_sqrtm(y)), y_bar)


@tangent(scipy.linalg.sqrtm)
def sqrtm_tangent(y, A, A_dot):
    return sylvester_sym(check_real_sqrtm(y), A_dot)


# ------------------------------------------ the helpers' adjoints (issue 15)
# for reverse mode over generated code: the masks and transposes are their own
# transposes or each other's; expm's Frechet derivative L(x, e) is the corner of
# expm(block_pair(x, e)), so its derivatives are those of L at twice larger matrices


@adjoint(triangle_part, nondiff=("lower", "unit_diagonal"))
def triangle_part_adjoint(y, y_bar, x, lower, unit_diagonal=False):
    return triangle_part(y_bar, lower, unit_diagonal)


@adjoint(transposed_if, nondiff=("trans",))
def transposed_if_adjoint(y, y_bar, x, trans):
    return transposed_if(y_bar, trans)


@adjoint(kept, nondiff=("overwrite",))
def kept_adjoint(y, y_bar, x, overwrite):
    return y_bar


# (the output is named out: check_real_sqrtm's parameter is sqrtm's result y)
@adjoint(check_real_sqrtm)
def check_real_sqrtm_adjoint(out, out_bar, y):
    return out_bar


@adjoint(solve_matrix, nondiff=("assume_a", "lower", "transposed"))
def solve_matrix_adjoint(y, y_bar, x, assume_a, lower, transposed):
    return solve_matrix_bar(y_bar, assume_a, lower)


@adjoint(solve_matrix_bar, nondiff=("assume_a", "lower"))
def solve_matrix_bar_adjoint(y, y_bar, g, assume_a, lower):
    return solve_matrix(y_bar, assume_a, lower, False)


@adjoint(cho_embed, nondiff=("lower",))
def cho_embed_adjoint(y, y_bar, l, lower):
    return cho_lower_of(y_bar, lower)


@adjoint(cho_lower_of, nondiff=("lower",))
def cho_lower_of_adjoint(y, y_bar, c, lower):
    return cho_embed(y_bar, lower)


@adjoint(cho_factor_cotangent, nondiff=("lower",))
def cho_factor_cotangent_adjoint(y, y_bar, c_bar, lower):
    return cho_embed(y_bar, lower)


@adjoint(cho_other, nondiff=("lower",))
def cho_other_adjoint(y, y_bar, c_bar, lower):
    return cho_other(y_bar, lower)


@adjoint(cho_tangent_embed, nondiff=("lower",))
def cho_tangent_embed_adjoint(y, y_bar, l, lower, a_dot):
    return cho_lower_of(y_bar, lower), cho_other(y_bar, lower)


@adjoint(cho_pair, nondiff=("c_and_lower",), tuple_output=True)   # (c_bar, 0.0): a pair
def cho_pair_adjoint(y, y_bar, c_bar, c_and_lower):
    return pair_first(y_bar)


@adjoint(pair_first)
def pair_first_adjoint(y, y_bar, pair):
    return cho_pair(y_bar, pair)


@adjoint(lu_strict)
def lu_strict_adjoint(y, y_bar, x):
    return lu_strict(y_bar)


@adjoint(lu_upper)
def lu_upper_adjoint(y, y_bar, x):
    return lu_upper(y_bar)


# z = S^-1(g), S(z) = p z + z p: g_bar = S^-T(z_bar) (S^T has p^T), p_bar = -(g_bar z^T + z^T g_bar)
@adjoint(sylvester_sym)
def sylvester_sym_adjoint(y, y_bar, p, g):
    g_bar = sylvester_sym(mT(p), y_bar)
    return -(g_bar @ mT(y) + mT(y) @ g_bar), g_bar


@adjoint(expm_frechet_of)
def expm_frechet_of_adjoint(y, y_bar, x, e):
    z = expm_frechet_of(mT(block_pair(x, e)), block_in_corner(y_bar))
    return unbroadcast(block_diagonal_sum(z), x), unbroadcast(block_corner(z), e)


# expm_frechet_second(x, e, f) = corner(L(block_pair(x, e), block_pair(f, 0)))
@adjoint(expm_frechet_second)
def expm_frechet_second_adjoint(y, y_bar, x, e, f):
    p = block_pair(x, e)
    q = block_pair(f, np.zeros_like(f))
    z = expm_frechet_of(mT(block_pair(p, q)), block_in_corner(block_in_corner(y_bar)))
    p_bar = block_diagonal_sum(z)
    return (unbroadcast(block_diagonal_sum(p_bar), x), unbroadcast(block_corner(p_bar), e),
            unbroadcast(block_diagonal_sum(block_corner(z)), f))


@tangent(expm_frechet_second)
def expm_frechet_second_tangent(out, x, e, f, x_dot, e_dot, f_dot):
    p = block_pair(block_pair(x, e), block_pair(f, np.zeros_like(f)))
    p_dot = block_pair(block_pair(x_dot, e_dot), block_pair(f_dot, np.zeros_like(f)))
    return block_corner(block_corner(expm_frechet_of(p, p_dot)))
