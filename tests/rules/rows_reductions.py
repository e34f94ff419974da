"""Op-table rows of the reductions and scans (issue 14): statistics, scans, differences,
trapezoids, the NaN-ignoring reductions, norms and traces.  Functions in
``tests/fixtures/ops_reductions.py``.  Second order reads each row's second case."""

import numpy as np

import ops_reductions as R
from optable import DOMAINS, Arg, row


def _with_nans(rng, shape):
    """Real values with a NaN in about a third of the entries, never a whole row or column
    (values of 2-D arrays: each row and each column keeps at least two numbers)."""
    x = rng.standard_normal(shape)
    mask = rng.uniform(size=shape) < 0.3
    if x.ndim == 2:
        mask[:, :2] = False
        mask[:2, :] = False
    elif x.ndim == 1:
        mask[:2] = False
    x[mask] = np.nan
    return x


def _distinct_with_nans(rng, shape):
    """Values 0.2 apart or more (no ties), NaN in about a third of the entries."""
    x = DOMAINS["distinct"](rng, shape)
    x[np.isnan(_with_nans(rng, shape))] = np.nan
    return x


def _increasing(rng, shape):
    """Strictly increasing along every axis (sample points for trapezoid's x)."""
    return np.cumsum(rng.uniform(0.2, 1.0, shape), axis=-1)


def _pos_or_neg(rng, shape):
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 1.5, shape)


def _with_zeros(rng, shape):
    """Nonzero values but for one exact 0 (two in arrays of more than 4 values)."""
    x = _pos_or_neg(rng, shape)
    flat = x.reshape(-1)
    flat[rng.choice(flat.size, 2 if flat.size > 4 else 1, replace=False)] = 0.0
    return x


ROWS = [
    # statistics
    row("var", R.var_all, ("vector", Arg((5,))), ("matrix", Arg((3, 4))),
        ("scalar", Arg(()))),
    row("var-axis0", R.var_axis0, ("vector", Arg((4,))), ("matrix", Arg((3, 4))),
        ("tensor3", Arg((2, 3, 4)))),
    row("var-ddof-axis-1-keepdims", R.var_ddof_axis_last_keepdims, ("vector", Arg((4,))),
        ("matrix", Arg((3, 4)))),
    row("var-axis(0,2)", R.var_tuple_axis, ("tensor3", Arg((2, 3, 4)))),
    row("x.var(axis=1, ddof=1)", R.var_method, ("matrix", Arg((3, 4))),
        ("tensor3", Arg((2, 3, 4)))),
    row("std", R.std_all, ("vector", Arg((5,))), ("matrix", Arg((3, 4)))),
    row("std-axis1", R.std_axis1, ("matrix", Arg((3, 4))), ("tensor3", Arg((2, 3, 4)))),
    row("std-ddof-keepdims", R.std_ddof_keepdims, ("vector", Arg((4,))),
        ("matrix", Arg((3, 4)))),
    row("std-axis(-1,0)", R.std_tuple_axis, ("tensor3", Arg((2, 3, 4)))),
    row("x.std()", R.std_method, ("matrix", Arg((3, 4))), ("vector", Arg((4,)))),
    row("average", R.average_plain, ("vector", Arg((4,))), ("matrix", Arg((3, 4)))),
    row("average-axis0", R.average_axis, ("matrix", Arg((3, 4))), ("tensor3", Arg((2, 3, 4)))),
    row("average-weights", R.average_weights, ("vector", Arg((4,)), Arg((4,), "pos")),
        ("matrix", Arg((3, 4)), Arg((3, 4), "pos"))),
    row("average-weights-axis1", R.average_weights_axis,
        ("matrix-1d", Arg((3, 4)), Arg((4,), "pos")),
        ("matrix-2d", Arg((3, 4)), Arg((3, 4), "pos")),
        ("tensor3-1d", Arg((2, 3, 4)), Arg((3,), "pos"))),
    *([row("average-weights-keepdims", R.average_weights_keepdims,
           ("matrix-1d", Arg((3, 4)), Arg((4,), "pos")),
           ("tensor3", Arg((2, 3, 4)), Arg((2, 3, 4), "pos")))]
      if "average_weights_keepdims" not in R.HARNESS else []),
    # (weights along a tuple of axes: numpy 2.0 and newer)
    *([row("average-weights-axes(2,0)", R.average_weights_axes,
           ("tensor3", Arg((2, 3, 4)), Arg((4, 2), "pos")),
           ("tensor3-b", Arg((3, 2, 2)), Arg((2, 3), "pos")))]
      if "average_weights_axes" not in R.HARNESS else []),
    row("average-const-weights", R.average_const_weights, ("matrix", Arg((3, 4))),
        ("tensor3", Arg((2, 4, 3)))),
    row("ptp", R.ptp_all, ("vector", Arg((5,), "distinct")), ("matrix", Arg((3, 4), "distinct"))),
    row("ptp-axis0", R.ptp_axis, ("matrix", Arg((3, 4), "distinct")),
        ("tensor3", Arg((2, 3, 4), "distinct"))),
    row("ptp-axis-1-keepdims", R.ptp_keepdims, ("vector", Arg((4,), "distinct")),
        ("matrix", Arg((3, 4), "distinct"))),

    # scans
    row("cumsum", R.cumsum_all, ("vector", Arg((5,))), ("matrix", Arg((3, 4))),
        ("scalar", Arg(()))),
    row("cumsum-axis1", R.cumsum_axis, ("matrix", Arg((3, 4))), ("tensor3", Arg((2, 3, 4)))),
    row("cumsum-axis-1", R.cumsum_axis_last, ("vector", Arg((4,))), ("matrix", Arg((3, 4)))),
    row("x.cumsum(axis=0)", R.cumsum_method, ("vector", Arg((4,))), ("matrix", Arg((3, 4)))),
    row("cumprod", R.cumprod_all, ("vector", Arg((5,), _pos_or_neg)),
        ("matrix", Arg((3, 4), _pos_or_neg))),
    row("cumprod-axis0", R.cumprod_axis, ("matrix", Arg((3, 4), _pos_or_neg)),
        ("tensor3", Arg((2, 3, 4), _pos_or_neg))),
    row("cumprod-zeros", R.cumprod_all, ("vector", Arg((5,), _with_zeros)),
        ("matrix", Arg((3, 4), _with_zeros)), ("one-zero", Arg((4,), _with_zeros))),
    row("cumprod-axis0-zeros", R.cumprod_axis, ("matrix", Arg((3, 4), _with_zeros)),
        ("tensor3", Arg((2, 3, 4), _with_zeros))),
    row("x.cumprod(-1)", R.cumprod_method, ("vector", Arg((4,), _pos_or_neg)),
        ("matrix", Arg((3, 4), _pos_or_neg))),

    # differences and integrals
    row("diff", R.diff_default, ("vector", Arg((5,))), ("matrix", Arg((3, 4))),
        ("tensor3", Arg((2, 3, 4)))),
    row("diff-n2-axis0", R.diff_n2_axis0, ("matrix", Arg((4, 3))), ("tensor3", Arg((4, 2, 3)))),
    row("diff-prepend-append", R.diff_prepend_append, ("matrix", Arg((3, 4))),
        ("matrix-wide", Arg((3, 6)))),
    row("diff-differentiated-ends", R.diff_ends, ("matrix", Arg((3, 4)), Arg((1, 4)), Arg((2, 4))),
        ("numbers", Arg((3, 4)), Arg(()), Arg(())),
        ("tensor3", Arg((3, 2, 2)), Arg((2, 2, 2)), Arg(()))),
    row("diff-n0", R.diff_n0, ("vector", Arg((4,))), ("matrix", Arg((3, 4)))),
    row("ediff1d", R.ediff1d, ("vector", Arg((5,))), ("matrix", Arg((3, 4)))),
    row("ediff1d-ends", R.ediff1d_ends, ("vector", Arg((5,))), ("matrix", Arg((3, 4)))),
    row("ediff1d-differentiated-ends", R.ediff1d_active_ends,
        ("vector", Arg((5,)), Arg((2,)), Arg(())),
        ("matrix", Arg((3, 4)), Arg(()), Arg((2, 2)))),
    row("trapezoid", R.trapezoid_y, ("vector", Arg((5,))), ("matrix", Arg((3, 4)))),
    row("trapezoid-dx", R.trapezoid_dx, ("vector", Arg((5,)), Arg((), "pos")),
        ("matrix", Arg((3, 4)), Arg((), "pos")),
        ("matrix-dx-array", Arg((3, 4)), Arg((4,), "pos"))),
    row("trapezoid-x", R.trapezoid_x, ("vector", Arg((5,)), Arg((5,), _increasing)),
        ("matrix-1d-x", Arg((3, 4)), Arg((4,), _increasing)),
        ("matrix-2d-x", Arg((3, 4)), Arg((3, 4), _increasing))),
    row("trapezoid-x-axis0", R.trapezoid_x_axis0,
        ("matrix-1d-x", Arg((4, 3)), Arg((4,), _increasing)),
        ("matrix-2d-x", Arg((4, 3)), Arg((4, 3)))),

    # ignoring NaN entries
    row("nansum", R.nansum, ("vector", Arg((6,), _with_nans)),
        ("matrix", Arg((4, 5), _with_nans))),
    row("nansum-axis1-keepdims", R.nansum_axis, ("matrix", Arg((4, 5), _with_nans)),
        ("tensor3", Arg((2, 4, 5), _with_nans))),
    row("nanmean", R.nanmean, ("vector", Arg((6,), _with_nans)),
        ("matrix", Arg((4, 5), _with_nans))),
    row("nanmean-axis0", R.nanmean_axis, ("matrix", Arg((4, 5), _with_nans)),
        ("matrix-wide", Arg((5, 6), _with_nans))),
    row("nanvar-axis1-ddof1", R.nanvar, ("matrix", Arg((4, 5), _with_nans)),
        ("matrix-wide", Arg((5, 6), _with_nans))),
    row("nanstd-axis-1-keepdims", R.nanstd, ("matrix", Arg((4, 5), _with_nans)),
        ("matrix-wide", Arg((5, 6), _with_nans))),
    row("nanmax-axis1", R.nanmax, ("matrix", Arg((4, 5), _with_nans)),
        ("matrix-wide", Arg((5, 6), _with_nans))),
    row("nanmin", R.nanmin, ("vector", Arg((6,), _with_nans)),
        ("matrix", Arg((4, 5), _with_nans))),
    row("nanprod-axis0", R.nanprod, ("matrix", Arg((4, 5), _with_nans)),
        ("matrix-wide", Arg((5, 6), _with_nans))),
    row("nancumsum-axis1", R.nancumsum, ("matrix", Arg((4, 5), _with_nans)),
        ("matrix-wide", Arg((5, 6), _with_nans))),
    row("nancumprod", R.nancumprod, ("vector", Arg((6,), _with_nans)),
        ("matrix", Arg((4, 5), _with_nans))),
    row("nancumprod-axis0", R.nancumprod_axis, ("matrix", Arg((4, 5), _with_nans)),
        ("matrix-wide", Arg((5, 6), _with_nans))),

    # np.max and np.min (numpy_rules) over a tuple of axes, keeping them
    row("max-axis(0,2)-keepdims", R.max_tuple_axis_keepdims,
        ("tensor3", Arg((2, 3, 4), "distinct")), ("tensor3-b", Arg((3, 2, 2), "distinct"))),
    row("min-axis(-1,1)-keepdims", R.min_tuple_axis_keepdims,
        ("tensor3", Arg((2, 3, 4), "distinct")), ("tensor3-b", Arg((3, 2, 2), "distinct"))),

    # trace
    row("trace", R.trace, ("square", Arg((3, 3))), ("wide", Arg((3, 4))),
        ("tensor3", Arg((3, 3, 2)))),
    row("trace-offset1", R.trace_offset, ("square", Arg((3, 3))), ("tall", Arg((4, 3)))),
    row("trace-axes(2,0)", R.trace_axes, ("tensor3", Arg((3, 2, 3))),
        ("tensor3-rect", Arg((4, 2, 3)))),
    row("x.trace()", R.trace_method, ("square", Arg((3, 3))), ("wide", Arg((2, 4)))),

    # norms
    row("norm", R.norm, ("vector", Arg((4,))), ("matrix", Arg((3, 4))), ("scalar", Arg(())),
        ("tensor3", Arg((2, 3, 2)))),
    row("norm-axis-1", R.norm_axis, ("matrix", Arg((3, 4))), ("tensor3", Arg((2, 3, 4)))),
    row("norm-axis0-keepdims", R.norm_keepdims, ("vector", Arg((4,))), ("matrix", Arg((3, 4)))),
    row("norm-ord1", R.norm_ord1, ("vector", Arg((5,), "nonzero")),
        ("vector-long", Arg((8,), "nonzero"))),
    row("norm-inf-axis1", R.norm_ord_inf, ("matrix", Arg((3, 4), "distinct")),
        ("tensor3", Arg((2, 3, 4), "distinct"))),
    row("norm-minus-inf", R.norm_ord_minus_inf, ("vector", Arg((5,), "distinct")),
        ("vector-long", Arg((7,), "distinct"))),
    row("norm-ord3-axis0", R.norm_ord3, ("vector", Arg((5,), "nonzero")),
        ("matrix", Arg((3, 4), "nonzero"))),
    row("norm-ord1.5", R.norm_ord_1_5, ("vector", Arg((5,), "nonzero")),
        ("vector-long", Arg((8,), "nonzero"))),
    row("norm-fro", R.norm_fro, ("matrix", Arg((3, 4))), ("square", Arg((3, 3)))),
    row("norm-axis(0,2)", R.norm_matrix_axes, ("tensor3", Arg((2, 3, 4))),
        ("tensor3-b", Arg((3, 2, 3)))),
    row("norm-matrix1", R.norm_matrix1, ("matrix", Arg((3, 4), "nonzero")),
        ("square", Arg((3, 3), "nonzero"))),
    row("norm-matrix-1-axes(2,1)", R.norm_matrix_minus1, ("tensor3", Arg((2, 3, 4), "nonzero")),
        ("tensor3-b", Arg((3, 4, 2), "nonzero"))),
    row("norm-matrix-inf", R.norm_matrix_inf, ("matrix", Arg((3, 4), "nonzero")),
        ("tall", Arg((4, 3), "nonzero"))),
    row("norm-matrix-minus-inf-keepdims", R.norm_matrix_minus_inf,
        ("tensor3", Arg((2, 3, 4), "nonzero")), ("tensor3-b", Arg((3, 4, 2), "nonzero"))),
    row("norm-matrix2", R.norm_matrix2, ("matrix", Arg((3, 4))), ("tall", Arg((4, 3))),
        ("square", Arg((3, 3)))),
    row("norm-matrix-2", R.norm_matrix_minus2, ("tensor3", Arg((2, 3, 4))),
        ("tensor3-tall", Arg((2, 4, 3))), ("matrix", Arg((3, 3)))),
    row("norm-nuc", R.norm_nuc, ("square", Arg((3, 3))), ("wide", Arg((3, 4))),
        ("tall", Arg((4, 2)))),
    row("norm-nuc-axes(0,2)-keepdims", R.norm_nuc_axes, ("tensor3", Arg((3, 2, 4))),
        ("tensor3-b", Arg((4, 2, 3)))),

    # quantiles (no ties: the derivative is a convention there)
    row("median", R.median, ("odd", Arg((5,), "distinct")), ("even", Arg((4,), "distinct")),
        ("matrix", Arg((3, 4), "distinct")), ("scalar", Arg(()))),
    row("median-axis0", R.median_axis, ("odd", Arg((3, 4), "distinct")),
        ("even", Arg((4, 3), "distinct"))),
    row("median-axes(0,2)-keepdims", R.median_axes_keepdims,
        ("tensor3", Arg((2, 3, 4), "distinct")), ("tensor3-odd", Arg((3, 2, 3), "distinct"))),
    row("quantile", R.quantile, ("vector", Arg((5,), "distinct")),
        ("matrix", Arg((3, 4), "distinct"))),
    row("quantile-many-axis-1", R.quantile_axis, ("vector", Arg((6,), "distinct")),
        ("matrix", Arg((3, 5), "distinct"))),
    row("quantile-keepdims", R.quantile_keepdims, ("matrix", Arg((4, 3), "distinct")),
        ("tensor3", Arg((5, 2, 3), "distinct"))),
    row("quantile-lower", R.quantile_lower, ("matrix", Arg((3, 5), "distinct")),
        ("matrix-b", Arg((2, 7), "distinct"))),
    row("quantile-higher", R.quantile_higher, ("vector", Arg((6,), "distinct")),
        ("matrix", Arg((3, 4), "distinct"))),
    row("quantile-midpoint", R.quantile_midpoint, ("matrix", Arg((5, 3), "distinct")),
        ("matrix-b", Arg((6, 2), "distinct"))),
    row("percentile", R.percentile, ("matrix", Arg((3, 5), "distinct")),
        ("tensor3", Arg((2, 6, 3), "distinct"))),
    row("percentile-many", R.percentile_many, ("vector", Arg((7,), "distinct")),
        ("matrix", Arg((3, 4), "distinct"))),
    row("nanmedian-axis1", R.nanmedian, ("matrix", Arg((4, 5), _distinct_with_nans)),
        ("matrix-wide", Arg((5, 6), _distinct_with_nans))),
    row("nanquantile", R.nanquantile, ("vector", Arg((6,), _distinct_with_nans)),
        ("matrix", Arg((4, 5), _distinct_with_nans))),
    row("nanpercentile-axis0-keepdims", R.nanpercentile,
        ("matrix", Arg((4, 5), _distinct_with_nans)),
        ("matrix-wide", Arg((5, 6), _distinct_with_nans))),
] + ([
    row("var-correction=1", R.var_correction, ("matrix", Arg((3, 4))),
        ("tensor3", Arg((3, 2, 2)))),
    row("nanstd-correction=1.5", R.nanstd_correction, ("vector", Arg((6,), _with_nans)),
        ("matrix", Arg((4, 5), _with_nans))),
    row("vector_norm", R.vector_norm, ("vector", Arg((4,))), ("matrix", Arg((3, 4)))),
    row("vector_norm-ord1.5-axes", R.vector_norm_axes, ("matrix", Arg((3, 4), "nonzero")),
        ("tensor3", Arg((2, 3, 4), "nonzero"))),
    row("vector_norm-inf", R.vector_norm_inf, ("matrix", Arg((3, 4), "distinct")),
        ("tensor3", Arg((2, 3, 4), "distinct"))),
    row("matrix_norm", R.matrix_norm, ("matrix", Arg((3, 4))), ("tensor3", Arg((2, 3, 4)))),
    row("matrix_norm-nuc", R.matrix_norm_nuc, ("matrix", Arg((3, 4))),
        ("tensor3", Arg((2, 4, 3)))),
    row("matrix_norm-2-keepdims", R.matrix_norm_2, ("matrix", Arg((3, 4))),
        ("tensor3", Arg((2, 3, 4)))),
] if hasattr(np.linalg, "vector_norm") else [])   # numpy >= 2.0
ROWS += [
    row("cumulative_sum-include_initial", R.cumulative_sum, ("vector", Arg((4,))),
        ("matrix", Arg((3, 4)))),
    row("cumulative_sum", R.cumulative_sum_1d, ("vector", Arg((4,))), ("vector-b", Arg((6,)))),
    row("cumulative_prod-include_initial", R.cumulative_prod,
        ("vector", Arg((4,), _pos_or_neg)), ("matrix-zeros", Arg((3, 4), _with_zeros))),
    row("cumulative_prod", R.cumulative_prod_1d, ("vector", Arg((5,), _pos_or_neg)),
        ("zeros", Arg((5,), _with_zeros))),
] if hasattr(np, "cumulative_sum") else []   # numpy >= 2.1
