"""The small runtime that generated derivative code imports.

Everything here is plain numpy: a generated module needs ``numpy`` and this
package, never the code generator.  Helpers take the adjoint (``g``) first, then
the primal values they need, and return a value with the shape of the primal
argument whose adjoint they compute.

The helpers live in modules by job (shapes, indexing, trees, lists, dicts,
reductions, products, elementwise, guards, tape); this module exports every name
generated code imports from ``s2sad.runtime``.  The helpers only forward-mode code
calls are exported by :mod:`s2sad.runtime_forward` instead (generated code names
the module it imports each helper from).
"""

import numpy as np  # noqa: F401  (s2sad.runtime.np, as before the split)

from .adjoints_structure import *  # noqa: F401,F403
from .adjoints_linalg import (full_length_part, norm_fourth, norm_hvp,  # noqa: F401
                              norm_reduce, norm_spread, norm_third, poly_derivative_bar,
                              poly_derivative_of, reshape_back, signal_full_part,
                              block_corner, block_diagonal_sum, block_in_corner, block_pair,
                              list_sum, multi_dot_dot2, multi_dot_third, svd_expand,
                              svd_factors_y_bar, svd_factors_y_part, svd_recomputed_bar, svd_reduce)
from .checks import (UNBOUND, check_bound, check_item_alone, check_item_update,  # noqa: F401
                      check_in_place, check_not_inplace, check_not_shared, check_real_result,
                      check_unpacked, source_location)
from .object_items import ensure_plain_item  # noqa: F401
from .adjoints_core import (beyond_order, concatenate_parts, cumprod_bar_dot2,  # noqa: F401
                            cumprod_dot2, cumprod_dot3, diff_slot, ediff1d_slot, mean_bar_bar,
                            power_cross_da, power_cross_db, power_log_cross_da, prod_bar_x_dot2,
                            read_at, sinc_derivative, stack_parts, sum_bar_bar, written_bar)
from .creation import arange_bar, arange_dot, float_only, linspace_bar, linspace_of  # noqa: F401
from .duck import mean_count, size_of  # noqa: F401
from .draws import random_draw  # noqa: F401
from .dicts import (dict_default_bar, dict_entries, dict_entries_bar, dict_entries_dot,
                    dict_delete, dict_get, dict_get_bar, dict_item_bar, dict_keys, dict_set,
                    dict_set_bar, dict_size_kept, first_extreme, loop_items, loop_items_bar,
                    loop_items_dot, sorted_bar, sorted_dot)  # noqa: F401
from .elementwise import (clip_lower_mask, clip_mask, clip_upper_mask, power_cross,
                          power_log, power_log_cross, power_slope, quotient_slope, tie_mask,
                          xlogy)  # noqa: F401
from .elementwise_more import bessel_i, finite_mask, sinc_slope  # noqa: F401
from .arguments_kept import check_kept, output_copy, vjp_arguments, vjp_copies  # noqa: F401
from .given import as_tangent, check_cotangent  # noqa: F401  (written modules check theirs)
from .outside_kept import argument_attributes, check_outside, outside_values  # noqa: F401
# (a vjp's pullback, made when it writes into arrays, starts with pullback_copies: no rules,
# not in __all__, as a pullback is never differentiated again)
from .pullback_copies import own_copy, pullback_copies, repointed  # noqa: F401
# (vjp modules the CLI writes call these, and check_globals below: not runtime helpers of
# generated code's derivatives, no rules, not in __all__)
from .guards import check_globals  # noqa: F401 (modules the CLI writes call it; not a
# runtime helper of generated code's derivatives: no rules, not in __all__)
from .guards import closure_value, given_function, taken_code  # noqa: F401 (as
# check_globals; not runtime helpers of generated code's derivatives: no rules, not in __all__)
from .guards import (ensure_own_dicts, ensure_real_target, ensure_same_kind,
                     ensure_scalar_output, ensure_unshared, kept_argument,
                     scalar_checked, unshared)  # noqa: F401
from .indexing import (add_at, add_at_key, add_into, astype_of, cast_bar, cast_dot,
                       concatenate_bar, kept_or_cast_dot,
                       getitem_bar, overwritten, sequence_bar, snapshot, stack_bar, copy_of,
                       stored_part, transpose_bar, unpacked_bar, unpacked_parts, zero_at)  # noqa: F401
from .linalg import (as_col, as_row, cholesky_lower, constant_dot, diag_embed, diag_part,
                     eigh_gaps, full_rank, inverse_of, lift, LinalgDerivativeError,
                     matrix_power_bar, matrix_power_bar_dot, matrix_power_dot, matvec_like, mT,
                     multi_dot_bar, multi_dot_bar_dot, multi_dot_dot, outer_like, pair_diff,
                     phi, qr_checked, residuals_bar, residuals_dot, residuals_pair, skew_lower,
                     solve_like,
                     solve_vector, svd_cotangents, svd_factors, svd_factors_dot, svd_gaps,
                     svd_inverse, svd_tangent, triangle_bar,
                     triangle_sym)  # noqa: F401
from .lists import (call_writing, copy_container, delete_bar, extend_bar, insert_bar,
                    list_append, list_bar, list_delete, list_extend, list_insert, list_push,
                    list_push_at, list_put, list_remove, list_set, set_bar)  # noqa: F401
from .products import (dot_lhs_bar, dot_rhs_bar, matmul_lhs_bar, matmul_rhs_bar,
                       matmul_shape, outer_lhs_bar, outer_rhs_bar)  # noqa: F401
from .reductions import expand_summed, extremum_bar, mean_bar, prod_bar, sum_bar  # noqa: F401
from .index_tricks import c_joined, c_joined_bar, r_joined, r_joined_bar  # noqa: F401
from .selection import (append_bar, block_bar, choose_bar, choose_of,  # noqa: F401
                        column_stack_bar, dsplit_bar, select_of, dstack_bar, extract_bar,
                        hsplit_bar, hstack_bar, hstack_of, item_of, item_value_bar,
                        item_value_dot, reorder_bar, reorder_dot, select_bar, sort_order,
                        scatter_add, scatter_add_bar, split_bar, split_of, take_along_axis_bar,
                        take_along_of, take_bar, take_of, vsplit_bar, vstack_bar)
from .signal import (full_length_bar, interp_bound_bar, interp_bound_dot,  # noqa: F401
                     interp_fp_bar, interp_fp_bar_x, interp_knots_refused, interp_side,
                     interp_slope, poly_derivative, poly_derivative_increasing,
                     poly_order, polyfit_refusal,
                     polyfit_refusal_tangent, polyfit_refused, signal_fill_checked,
                     signal_full_bar, vander_derivative)
from .stats import (dirichlet_alpha_bar, dirichlet_column,  # noqa: F401
                    mvn_cov_bar, mvn_dim, mvn_full_cov, mvn_inverse, mvn_mean, mvn_points,
                    mvn_rows, mvn_solve, mvn_weights, reshape_like)
from .norms import norm_bar, norm_bar_dot, norm_dot  # noqa: F401
from .quantiles import constant_q, constant_q_dot, quantile_bar, quantile_dot  # noqa: F401
from .scans import (NotDifferentiableError, OrderLimitError,  # noqa: F401
                    average_weights, average_weights_bar, cumprod_bar, cumprod_bar_dot,
                    cumprod_dot, cumsum_bar, deviations, diff_bar, diff_dot,
                    drop_initial, ediff1d_bar, ediff1d_dot, nan_extremum_bar, nonzero_checked,
                    notnan_count, reduced_count, selected_or_nan, trace_bar, trapezoid_dot,
                    trapezoid_dx_bar, trapezoid_x_bar, trapezoid_y_bar, trapezoid_y_bar_dot, with_initial)
from .shapes import (float_like, shape_of, unbroadcast, unbroadcast_to,  # noqa: F401
                     zeros_like)
from .tape import Stack  # noqa: F401
from .svd_second import svd_tangent_dot, svd_third_refused  # noqa: F401
from .contractions import (cross_lhs_bar, cross_rhs_bar, einsum_bar, einsum_check,  # noqa: F401
                           einsum_of, einsum_refused, kron_lhs_bar, kron_rhs_bar)
from .structure import (diag_bar, diagonal_bar, flatten_bar, flatten_dot, flatten_of,  # noqa: F401
                        pad_bar, pad_constant_bar, pad_dot, repeat_array_bar, reshape_laid_out,
                        roll_bar, rollaxis_bar, tile_bar)
from .trees import (add_item, add_items, add_tree, adjoint_copy, dict_bar, item_bar,
                    iterable_bar, plus_bar, repeat_bar, repetition_bar, times_bar,
                    tree_like, zeros_tree)  # noqa: F401

__all__ = [
    "Stack", "unbroadcast", "zeros_like", "ensure_scalar_output", "scalar_checked", "sum_bar",
    "expand_summed",
    "mean_bar",
    "extremum_bar", "prod_bar", "dot_lhs_bar", "dot_rhs_bar", "matmul_lhs_bar",
    "matmul_rhs_bar", "outer_lhs_bar", "outer_rhs_bar", "tie_mask", "clip_mask",
    "clip_lower_mask", "clip_upper_mask", "transpose_bar", "concatenate_bar",
    "stack_bar", "getitem_bar", "add_at", "add_at_key", "add_into", "sequence_bar", "unpacked_bar", "unpacked_parts", "float_like",
    "xlogy", "item_bar", "add_item", "add_items", "overwritten", "zero_at",
    "list_append", "list_push", "list_push_at", "list_put", "list_remove", "list_bar",
    "list_extend", "list_insert", "list_delete", "list_set", "copy_container", "extend_bar",
    "insert_bar",
    "delete_bar", "set_bar", "repeat_bar", "dict_bar", "shape_of", "unbroadcast_to",
    "unshared", "snapshot", "copy_of", "kept_argument", "power_slope", "power_log", "quotient_slope", "ensure_real_target",
    "ensure_same_kind", "ensure_unshared", "stored_part", "cast_bar", "zeros_tree",
    "add_tree", "tree_like", "repetition_bar", "adjoint_copy", "iterable_bar",
    "times_bar", "plus_bar", "dict_set", "dict_delete", "dict_set_bar", "dict_item_bar", "dict_get",
    "dict_get_bar", "dict_default_bar", "dict_keys", "dict_size_kept", "loop_items",
    "loop_items_bar", "loop_items_dot", "sorted_bar", "sorted_dot", "first_extreme",
    "dict_entries", "dict_entries_bar", "dict_entries_dot", "UNBOUND", "check_bound",
    "check_not_inplace", "check_in_place", "check_not_shared", "check_unpacked",
    "check_real_result",
    "check_item_alone", "ensure_plain_item",
    "check_item_update", "size_of", "mean_count", "random_draw",
]
