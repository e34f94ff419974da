"""Op-table rows of the adjoint rules of the linear-algebra runtime helpers (issue 15):
the shapes generated code calls them with (single and batched matrices, a vector or a
matrix right-hand side, broadcasting batches).  The second case of each row is the one
second order checks."""

import numpy as np

import ops_runtime_linalg as F
from optable import Arg, Const, row


def _shifted(rng, shape):
    """Random plus n I: far from singular."""
    n = shape[-1]
    return rng.standard_normal(shape) + n * np.eye(n)


def _tall(rng, shape):
    """A tall matrix of full column rank."""
    return rng.standard_normal(shape) + np.eye(*shape[-2:])


def _positive_distinct(rng, shape):
    """Positive values at least 0.3 apart (singular values: no gap is small)."""
    n = shape[-1]
    return np.arange(1.0, n + 1.0) * 0.6 + rng.uniform(0.0, 0.2, shape)


VECTOR, MATRIX = Const(True), Const(False)   # how solve_like & co read their right side

ROWS = [
    row("rt.mT", F.rt_mT, ("matrix", Arg((3, 4))), ("batch", Arg((2, 3, 4)))),
    row("rt.lift", F.rt_lift, ("scalar", Arg(())), ("batch", Arg((2,)))),
    row("rt.diag_part", F.rt_diag_part, ("matrix", Arg((3, 3))), ("batch", Arg((2, 3, 3))),
        ("wide", Arg((2, 3)))),
    row("rt.diag_embed", F.rt_diag_embed, ("vector", Arg((3,))), ("batch", Arg((2, 3)))),
    row("rt.triangle_sym", F.rt_triangle_sym, ("lower", Arg((3, 3)), Const("L")),
        ("batch-upper", Arg((2, 3, 3)), Const("U")), ("flag", Arg((3, 3)), Const(True))),
    row("rt.triangle_bar", F.rt_triangle_bar, ("lower", Arg((3, 3)), Const("L")),
        ("batch-upper", Arg((2, 3, 3)), Const("U")), ("flag", Arg((3, 3)), Const(False))),
    row("rt.cholesky_lower", F.rt_cholesky_lower, ("lower", Arg((3, 3)), Const(False)),
        ("batch-upper", Arg((2, 3, 3)), Const(True))),
    row("rt.phi", F.rt_phi, ("matrix", Arg((3, 3))), ("batch", Arg((2, 3, 3)))),
    row("rt.skew_lower", F.rt_skew_lower, ("matrix", Arg((3, 3))), ("batch", Arg((2, 3, 3)))),
    row("rt.as_row", F.rt_as_row, ("vector", Arg((3,))), ("batch", Arg((2, 3)))),
    row("rt.as_col", F.rt_as_col, ("vector", Arg((3,))), ("batch", Arg((2, 3)))),
    row("rt.pair_diff", F.rt_pair_diff, ("vector", Arg((3,))), ("batch", Arg((2, 3)))),
    row("rt.full_rank", F.rt_full_rank, ("matrix", Arg((3, 2)), Arg((3, 2), _tall)),
        ("batch", Arg((2, 4, 3)), Arg((2, 4, 3), _tall))),
    row("rt.inverse_of", F.rt_inverse_of, ("matrix", Arg((3, 3), _shifted)),
        ("batch", Arg((2, 3, 3), _shifted))),
    row("rt.solve_like", F.rt_solve_like,
        ("mat-vec", Arg((3, 3), _shifted), Arg((3,)), VECTOR),
        ("batch-vec", Arg((2, 3, 3), _shifted), Arg((2, 3)), VECTOR),
        ("mat-mat", Arg((3, 3), _shifted), Arg((3, 2)), MATRIX),
        ("batch-bcast-mat", Arg((2, 3, 3), _shifted), Arg((3, 2)), MATRIX),
        ("mat-batch", Arg((2, 2), _shifted), Arg((3, 2, 1)), MATRIX),
        ("flag-from-array", Arg((3, 3), _shifted), Arg((3,)), Const(np.zeros(3, int)))),
    row("rt.matvec_like", F.rt_matvec_like,
        ("mat-vec", Arg((3, 4)), Arg((4,)), VECTOR),
        ("batch-vec", Arg((2, 3, 4)), Arg((2, 4)), VECTOR),
        ("bcast-vec", Arg((2, 3, 4)), Arg((4,)), VECTOR),
        ("mat-mat", Arg((3, 4)), Arg((4, 2)), MATRIX),
        ("mat-batch", Arg((3, 4)), Arg((2, 4, 2)), MATRIX)),
    row("rt.outer_like", F.rt_outer_like,
        ("vec-vec", Arg((3,)), Arg((4,)), VECTOR),
        ("batch-vec", Arg((2, 3)), Arg((2, 4)), VECTOR),
        ("bcast-vec", Arg((2, 3)), Arg((4,)), VECTOR),
        ("mat-mat", Arg((3, 2)), Arg((4, 2)), MATRIX),
        ("batch-mat", Arg((2, 3, 2)), Arg((4, 2)), MATRIX)),
    row("rt.eigh_gaps", F.rt_eigh_gaps, ("vector", Arg((3,), "distinct"), Const(True)),
        ("batch", Arg((2, 3), "distinct"), Const(True))),
    row("rt.svd_gaps", F.rt_svd_gaps, ("vector", Arg((3,), _positive_distinct), Const(True)),
        ("batch", Arg((2, 3), _positive_distinct), Const(False))),
    row("rt.svd_inverse", F.rt_svd_inverse, ("vector", Arg((3,), "pos"), Const(True)),
        ("batch", Arg((2, 3), "pos"), Const(True))),
]

N = Const(None)
ROWS += [
    # (the second case is the one second order checks: there x's fourth derivative
    # would be needed for norm_bar_dot and norm_hvp, so it is a piecewise linear norm)
    row("rt.norm_bar", F.rt_norm_bar,
        ("vector-2", Arg(()), Arg((4,)), N, N, Const(False)),
        ("rows-keepdims", Arg((2, 1)), Arg((2, 3)), N, Const(1), Const(True)),
        ("vector-3", Arg(()), Arg((4,), "nonzero"), Const(3), N, Const(False)),
        ("fro", Arg(()), Arg((2, 3)), Const("fro"), N, Const(False)),
        ("columns-inf", Arg((3,)), Arg((2, 3), "distinct"), Const(np.inf), Const(0),
         Const(False))),
    row("rt.norm_dot", F.rt_norm_dot,
        ("vector-2", Arg((4,)), Arg((4,)), N, N, Const(False)),
        ("rows-keepdims", Arg((2, 3)), Arg((2, 3)), N, Const(1), Const(True)),
        ("vector-3", Arg((4,), "nonzero"), Arg((4,)), Const(3), N, Const(False)),
        ("fro", Arg((2, 3)), Arg((2, 3)), Const("fro"), N, Const(False)),
        ("nuc", Arg((3, 2), _tall), Arg((3, 2)), Const("nuc"), N, Const(False))),
    row("rt.norm_bar_dot", F.rt_norm_bar_dot,
        ("vector-2", Arg(()), Arg((4,)), Arg((4,)), N, N, Const(False)),
        ("rows-1", Arg((2,)), Arg((2, 3), "nonzero"), Arg((2, 3)), Const(1), Const(1),
         Const(False)),
        ("rows-keepdims", Arg((2, 1)), Arg((2, 3)), Arg((2, 3)), N, Const(1), Const(True)),
        ("fro", Arg(()), Arg((2, 3)), Arg((2, 3)), Const("fro"), N, Const(False))),
    row("rt.norm_hvp", F.rt_norm_hvp,
        ("vector-2", Arg((4,)), Arg((4,)), N, N),
        ("matrix-inf", Arg((2, 3), "distinct"), Arg((2, 3)), Const(np.inf), N),
        ("rows", Arg((2, 3)), Arg((2, 3)), N, Const(-1)),
        ("fro", Arg((2, 3)), Arg((2, 3)), Const("fro"), N)),
    row("rt.norm_third", F.rt_norm_third_held,
        ("all-2", Arg((2, 3)), Arg((2, 3)), N, N),
        ("rows", Arg((2, 3)), Arg((2, 3)), N, Const(1)),
        ("fro", Arg((2, 3)), Arg((2, 3)), Const("fro"), N)),
    row("rt.norm_reduce", F.rt_norm_reduce,
        ("all", Arg((2, 3)), N, N, Const(False)),
        ("rows-keepdims", Arg((2, 3)), N, Const(1), Const(True)),
        ("columns", Arg((2, 3)), Const(1), Const(0), Const(False))),
    row("rt.norm_spread", F.rt_norm_spread,
        ("all", Arg(()), N, N, Const(False)),
        ("rows-keepdims", Arg((2, 1)), N, Const(1), Const(True)),
        ("columns", Arg((3,)), Const(1), Const(0), Const(False))),
]


def _ints(*shape):
    """An array read only for its shape (integers: never differentiated)."""
    return Const(np.zeros(shape, dtype=int))


ROWS += [
    row("rt.reshape_back", F.rt_reshape_back, ("array", Arg((2, 3)), _ints(6)),
        ("number", Arg((1,)), Const(0))),
    row("rt.mvn_full_cov", F.rt_mvn_full_cov, ("number", Arg(()), Const(3)),
        ("vector", Arg((3,)), Const(3)), ("matrix", Arg((3, 3)), Const(3))),
    row("rt.mvn_cov_bar", F.rt_mvn_cov_bar, ("number", Arg((3, 3)), Const(1)),
        ("vector", Arg((3, 3)), _ints(3)), ("matrix", Arg((3, 3)), _ints(3, 3))),
    row("rt.mvn_points", F.rt_mvn_points, ("number", Arg(()), Const(1)),
        ("numbers", Arg((4,)), Const(1)), ("points", Arg((2, 3)), Const(3))),
    row("rt.mvn_mean", F.rt_mvn_mean, ("vector", Arg((3,))), ("number", Arg(()))),
    row("rt.mvn_rows", F.rt_mvn_rows, ("batch", Arg((2, 2, 3))), ("vector", Arg((3,)))),
    row("rt.mvn_weights", F.rt_mvn_weights, ("rows", Arg((2,)), _ints(2, 3)),
        ("number", Arg(()), _ints(3))),
    row("rt.reshape_like", F.rt_reshape_like, ("matrix", Arg((6,)), _ints(2, 3)),
        ("vector", Arg((2, 3)), _ints(6))),
    row("rt.mvn_solve", F.rt_mvn_solve, ("rows", Arg((3, 3), _shifted), Arg((4, 3))),
        ("batch", Arg((3, 3), _shifted), Arg((2, 2, 3)))),
    row("rt.mvn_inverse", F.rt_mvn_inverse, ("matrix", Arg((3, 3), _shifted)),
        ("2x2", Arg((2, 2), _shifted))),
    row("rt.dirichlet_column", F.rt_dirichlet_column, ("vector", Arg((3,)), _ints(3)),
        ("samples", Arg((3,)), _ints(3, 4))),
    row("rt.dirichlet_alpha_bar", F.rt_dirichlet_alpha_bar, ("samples", Arg((3, 4)), _ints(3)),
        ("vector", Arg((3,)), _ints(3))),
    row("rt.lse_keep", F.rt_lse_keep,
        ("all", Arg(()), _ints(2, 3), N, N, Const(False)),
        ("rows", Arg((2,)), _ints(2, 3), N, Const(1), Const(False)),
        ("columns-b", Arg((3,)), _ints(2, 3), _ints(1, 3), Const(0), Const(False)),
        ("keepdims", Arg((2, 1)), _ints(2, 3), N, Const(-1), Const(True))),
    row("rt.lse_weigh", F.rt_lse_weigh, ("same", Arg((2, 3)), Arg((2, 3))),
        ("bcast", Arg((2, 3)), Arg((3,))), ("no-b", Arg((3,)), N)),
    row("rt.multi_polygamma", F.rt_multi_polygamma, ("digamma", Const(0), Arg((3,), "gt1"),
                                                     Const(2)),
        ("trigamma", Const(1), Arg((3,), "gt1"), Const(3)), ("number", Const(0), Arg((), "gt1"),
                                                            Const(2))),
    row("rt.polygamma_of", F.rt_polygamma_of, ("trigamma", Const(1), Arg((3,), "gt1")),
        ("order-3", Const(3), Arg((2, 3), "gt1")), ("number", Const(2), Arg((), "gt1"))),
]

KNOTS = Const(np.array([0, 1, 3, 4]))   # (integers: never differentiated)


def _off_knots(rng, shape):
    """Points inside and outside the knots 0, 1, 3, 4, at least 0.2 from each."""
    centres = rng.choice([-0.5, 0.5, 2.0, 3.5, 4.5], shape)
    return centres + rng.uniform(-0.3, 0.3, shape)


S, P = Const("same"), Const(5)
ROWS += [
    row("rt.full_length_bar", F.rt_full_length_bar,
        ("full", Arg((6,)), _ints(4), _ints(3), Const("full"), Const("convolve")),
        ("same", Arg((4,)), _ints(4), _ints(3), S, Const("convolve")),
        ("valid", Arg((2,)), _ints(4), _ints(3), Const("valid"), Const("correlate")),
        ("correlate-short", Arg((4,)), _ints(3), _ints(4), S, Const("correlate")),
        ("spread", Arg(()), _ints(3), _ints(2), S, Const("convolve"))),
    row("rt.full_length_part", F.rt_full_length_part,
        ("full", Arg((6,)), _ints(6), _ints(4), _ints(3), Const("full"), Const("convolve")),
        ("same", Arg((6,)), _ints(4), _ints(4), _ints(3), S, Const("convolve")),
        ("correlate-short", Arg((6,)), _ints(4), _ints(3), _ints(4), S, Const("correlate")),
        ("spread", Arg((4,)), Const(0), _ints(3), _ints(2), S, Const("convolve"))),
    row("rt.signal_full_bar", F.rt_signal_full_bar,
        ("full", Arg((4, 5)), _ints(3, 4), _ints(2, 2), Const("full"), Const("convolve")),
        ("same", Arg((3, 4)), _ints(3, 4), _ints(2, 2), S, Const("convolve")),
        ("valid", Arg((2, 3)), _ints(3, 4), _ints(2, 2), Const("valid"), Const("convolve")),
        ("correlate2d", Arg((3, 4)), _ints(3, 4), _ints(2, 3), S, Const("correlate2d"))),
    row("rt.signal_full_part", F.rt_signal_full_part,
        ("full", Arg((4, 5)), _ints(4, 5), _ints(3, 4), _ints(2, 2), Const("full"),
         Const("convolve")),
        ("same", Arg((4, 5)), _ints(3, 4), _ints(3, 4), _ints(2, 2), S, Const("convolve")),
        ("correlate2d", Arg((4, 6)), _ints(3, 4), _ints(3, 4), _ints(2, 3), S,
         Const("correlate2d"))),
    row("rt.interp_slope", F.rt_interp_slope,
        ("plain", Arg((5,), _off_knots), KNOTS, Arg((4,)), N, N, N),
        ("bounds", Arg((5,), _off_knots), KNOTS, Arg((4,)), Const(1), Const(2), N),
        ("period", Arg((5,), _off_knots), KNOTS, Arg((4,)), N, N, P)),
    row("rt.interp_fp_bar", F.rt_interp_fp_bar,
        ("plain", Arg((5,)), Arg((5,), _off_knots), KNOTS, _ints(4), N, N, N),
        ("bounds", Arg((5,)), Arg((5,), _off_knots), KNOTS, _ints(4), Const(1), Const(2), N),
        ("period", Arg((5,)), Arg((5,), _off_knots), KNOTS, _ints(4), N, N, P),
        ("spread", Arg(()), Arg((5,), _off_knots), KNOTS, _ints(4), N, N, N)),
    row("rt.interp_fp_bar_x", F.rt_interp_fp_bar_x,
        ("plain", Arg((5,)), Arg((5,), _off_knots), KNOTS, _ints(4), Arg((5,)), N, N, N),
        ("bounds", Arg((5,)), Arg((5,), _off_knots), KNOTS, _ints(4), Arg((5,)), Const(1),
         Const(2), N),
        ("period", Arg(()), Arg((5,), _off_knots), KNOTS, _ints(4), Arg((5,)), N, N, P)),
    row("rt.interp_bound_bar", F.rt_interp_bound_bar,
        ("left", Arg((5,)), Arg((5,), _off_knots), KNOTS, Const(1), Const(2), Const("left")),
        ("right", Arg((5,)), Arg((5,), _off_knots), KNOTS, Const(1), Const(2),
         Const("right"))),
    row("rt.poly_derivative", F.rt_poly_derivative, ("cubic", Arg((4,))),
        ("columns", Arg((3, 2))), ("constant", Arg((1,)))),
    row("rt.poly_derivative_increasing", F.rt_poly_derivative_increasing, ("cubic", Arg((4,))),
        ("columns", Arg((3, 2))), ("constant", Arg((1,)))),
    row("rt.poly_derivative_bar", F.rt_poly_derivative_bar,
        ("decreasing", Arg((3,)), _ints(4), Const(False)),
        ("increasing", Arg((3, 2)), _ints(4, 2), Const(True)),
        ("constant", Arg((1,)), _ints(1), Const(False))),
    row("rt.poly_derivative_of", F.rt_poly_derivative_of, ("decreasing", Arg((4,)), Const(False)),
        ("increasing", Arg((4,)), Const(True))),
    row("rt.vander_derivative", F.rt_vander_derivative, ("first", Arg((3,)), N, Const(False),
                                                         Const(1)),
        ("second-increasing", Arg((3,)), Const(4), Const(True), Const(2))),
]


def _small(rng, shape):
    """Matrices of norm about 1 (their powers stay moderate)."""
    return rng.standard_normal(shape) / np.sqrt(shape[-1])


# lstsq's result (x, residuals) as residuals_dot reads it: only residuals' shape matters
LSTSQ_Y = Const((np.zeros(2, dtype=int), np.zeros(2, dtype=int)))
ROWS += [
    row("rt.residuals_bar", F.rt_residuals_bar, ("vector", Arg((4,)), Arg((1,))),
        ("columns", Arg((4, 2)), Arg((2,))), ("none", Arg((4,)), Arg((0,)))),
    row("rt.residuals_pair", F.rt_residuals_pair, ("vector", Arg((4,)), Arg((4,)), _ints(1)),
        ("columns", Arg((4, 2)), Arg((4, 2)), _ints(2)), ("none", Arg((4,)), Arg((4,)), _ints(0))),
    row("rt.residuals_dot", F.rt_residuals_dot, ("columns", LSTSQ_Y, Arg((4, 2)), Arg((4, 2))),
        ("none", Const((np.zeros(0, dtype=int), np.zeros(0, dtype=int))), Arg((4,)), Arg((4,)))),
    row("rt.block_pair", F.rt_block_pair, ("matrix", Arg((3, 3)), Arg((3, 3))),
        ("bcast", Arg((2, 3, 3)), Arg((3, 3)))),
    row("rt.block_corner", F.rt_block_corner, ("matrix", Arg((4, 4))), ("batch", Arg((2, 6, 6)))),
    row("rt.block_in_corner", F.rt_block_in_corner, ("matrix", Arg((3, 3))),
        ("batch", Arg((2, 2, 2)))),
    row("rt.block_diagonal_sum", F.rt_block_diagonal_sum, ("matrix", Arg((4, 4))),
        ("batch", Arg((2, 6, 6)))),
    row("rt.matrix_power_dot", F.rt_matrix_power_dot,
        ("cube", Arg((3, 3), _small), Const(3), Arg((3, 3))),
        ("batch-square", Arg((2, 3, 3), _small), Const(2), Arg((3, 3))),
        ("inverse-square", Arg((3, 3), _shifted), Const(-2), Arg((3, 3))),
        ("zero", Arg((2, 2)), Const(0), Arg((2, 2)))),
    row("rt.matrix_power_bar", F.rt_matrix_power_bar,
        ("cube", Arg((3, 3)), Arg((3, 3), _small), Const(3)),
        ("batch-square", Arg((3, 3)), Arg((2, 3, 3), _small), Const(2)),
        ("inverse", Arg((3, 3)), Arg((3, 3), _shifted), Const(-1))),
    row("rt.matrix_power_bar_dot", F.rt_matrix_power_bar_dot,
        ("cube", Arg((3, 3)), Arg((3, 3), _small), Const(3), Arg((3, 3)), Arg((3, 3))),
        ("square", Arg((2, 2)), Arg((2, 2), _small), Const(2), Arg((2, 2)), Arg((2, 2))),
        ("inverse", Arg((2, 2)), Arg((2, 2), _shifted), Const(-2), Arg((2, 2)), Arg((2, 2)))),
]


def _spd(rng, shape):
    """Symmetric positive definite (a Sylvester equation p z + z p = g with one solution)."""
    b = rng.standard_normal(shape)
    return b @ np.swapaxes(b, -1, -2) + shape[-1] * np.eye(shape[-1])


T, FALSE = Const(True), Const(False)
ROWS += [
    row("rt.triangle_part", F.rt_triangle_part, ("lower", Arg((3, 3)), T, FALSE),
        ("upper-unit", Arg((2, 3, 3)), FALSE, T)),
    row("rt.transposed_if", F.rt_transposed_if, ("T", Arg((3, 2)), Const("T")),
        ("batch-1", Arg((2, 3, 2)), Const(1)), ("N", Arg((3, 2)), Const(0))),
    row("rt.kept", F.rt_kept, ("matrix", Arg((3, 3))), ("vector", Arg((3,)))),
    row("rt.check_real_sqrtm", F.rt_check_real_sqrtm, ("matrix", Arg((3, 3))),
        ("batch", Arg((2, 2, 2)))),
    row("rt.solve_matrix", F.rt_solve_matrix, ("general", Arg((3, 3)), N, FALSE),
        ("pos-lower", Arg((3, 3)), Const("pos"), T), ("sym-upper", Arg((3, 3)), Const("sym"),
                                                      FALSE)),
    row("rt.solve_matrix_bar", F.rt_solve_matrix_bar, ("general", Arg((3, 3)), N, FALSE),
        ("pos-lower", Arg((3, 3)), Const("pos"), T), ("sym-upper", Arg((3, 3)), Const("sym"),
                                                      FALSE)),
    row("rt.cho_embed", F.rt_cho_embed, ("lower", Arg((3, 3)), T), ("upper", Arg((3, 3)), FALSE)),
    row("rt.cho_lower_of", F.rt_cho_lower_of, ("lower", Arg((3, 3)), T),
        ("upper", Arg((3, 3)), FALSE)),
    row("rt.cho_factor_cotangent", F.rt_cho_factor_cotangent, ("lower", Arg((3, 3)), T),
        ("upper", Arg((3, 3)), FALSE)),
    row("rt.cho_other", F.rt_cho_other, ("lower", Arg((3, 3)), T), ("upper", Arg((3, 3)), FALSE)),
    row("rt.cho_tangent_embed", F.rt_cho_tangent_embed, ("lower", Arg((3, 3)), T, Arg((3, 3))),
        ("upper", Arg((3, 3)), FALSE, Arg((3, 3)))),
    row("rt.cho_pair", F.rt_cho_pair, ("matrix", Arg((3, 3)), Arg((3, 3)))),
    row("rt.pair_first", F.rt_pair_first, ("lower", Arg((3, 3)), T), ("upper", Arg((2, 2)), FALSE)),
    row("rt.lu_strict", F.rt_lu_strict, ("matrix", Arg((3, 3))), ("batch", Arg((2, 3, 3)))),
    row("rt.lu_upper", F.rt_lu_upper, ("matrix", Arg((3, 3))), ("batch", Arg((2, 3, 3)))),
    row("rt.sylvester_sym", F.rt_sylvester_sym, ("spd", Arg((3, 3), _spd), Arg((3, 3))),
        ("2x2", Arg((2, 2), _spd), Arg((2, 2)))),
    row("rt.expm_frechet_of", F.rt_expm_frechet_of, ("matrix", Arg((3, 3), _small), Arg((3, 3))),
        ("2x2", Arg((2, 2), _small), Arg((2, 2)))),
    row("rt.expm_frechet_second", F.rt_expm_frechet_second,
        ("matrix", Arg((3, 3), _small), Arg((3, 3)), Arg((3, 3))),
        ("2x2", Arg((2, 2), _small), Arg((2, 2)), Arg((2, 2)))),
]
ROWS += [
    row("rt.qr_checked", F.rt_qr_checked, ("tall", Arg((4, 3), _tall)), ("square", Arg((3, 3), _shifted))),
]
ROWS += [
    # (their functions hold the chain: with it differentiated, second order would need
    # multi_dot's third derivative, refused; test_runtime_linalg_refusals checks that)
    row("rt.multi_dot_bar", F.rt_multi_dot_bar, ("square", Arg((2, 2)))),
    row("rt.multi_dot_dot", F.rt_multi_dot_dot, ("square", *[Arg((2, 2))] * 3)),
    row("rt.multi_dot_dot2", F.rt_multi_dot_dot2, ("square", Arg((2, 2)), Arg((2, 2)))),
    row("rt.multi_dot_bar_dot", F.rt_multi_dot_bar_dot, ("square", *[Arg((2, 2))] * 5)),
]

# (the factors' cotangents for a tall, a wide and a square matrix, full or reduced)
_FULL_TALL = (Arg((4, 4)), Arg((3,)), Arg((3, 3)), _ints(4, 3), T)
_REDUCED_TALL = (Arg((4, 3)), Arg((3,)), Arg((3, 3)), _ints(4, 3), FALSE)
_FULL_WIDE = (Arg((3, 3)), Arg((3,)), Arg((4, 4)), _ints(3, 4), T)
_REDUCED = (Arg((4, 3)), Arg((3,)), Arg((3, 3)), _ints(4, 3), FALSE)
_SQUARE = (Arg((3, 3)), Arg((3,)), Arg((3, 3)), _ints(3, 3), T)
ROWS += [
    row("rt.svd_reduce", F.rt_svd_reduce, ("full-tall", *_FULL_TALL),
        ("reduced-tall", *_REDUCED_TALL), ("full-wide", *_FULL_WIDE)),
    row("rt.svd_expand", F.rt_svd_expand, ("full-tall", *_REDUCED), ("reduced", *_REDUCED),
        ("full-wide", Arg((3, 3)), Arg((3,)), Arg((3, 4)), _ints(3, 4), T)),
    row("rt.svd_cotangents", F.rt_svd_cotangents, ("square", *_SQUARE),
        ("reduced-tall", *_REDUCED_TALL)),
    row("rt.svd_factors", F.rt_svd_factors, ("square", *_SQUARE), ("full-tall", *_FULL_TALL),
        ("reduced-tall", *_REDUCED_TALL)),
    row("rt.svd_factors_y_bar", F.rt_svd_factors_y_bar, ("reduced", *_REDUCED),
        ("full-tall", Arg((4, 3)), Arg((3,)), Arg((3, 3)), _ints(4, 3), T)),
    row("rt.svd_factors_y_part", F.rt_svd_factors_y_part, ("full-tall", *_FULL_TALL),
        ("reduced", *_REDUCED_TALL)),
]
