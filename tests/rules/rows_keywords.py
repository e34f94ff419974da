"""Op-table rows of keyword arguments once refused: dtype= of the reductions and scans,
initial= / where= of np.max and np.min, np.sum's initial=, memory orders, contiguous
copies and x.astype(t, copy=False).  Functions in ``tests/fixtures/ops_keywords.py``;
second order reads each row's second case."""

import ops_keywords as K
from optable import Arg, row


def _wide(rng, shape):
    """Values 0.2 apart or more (no ties), some below and some above the initial values
    and where= bounds of the rows (so both sides of each are exercised)."""
    n = 1
    for s in shape:
        n *= s
    values = (rng.permutation(n) - n / 2.0) * 0.21 + rng.uniform(0.0, 0.05, n)
    return values.reshape(shape)


def _with_nans(rng, shape):
    x = rng.standard_normal(shape)
    x[0, -1] = float("nan")
    return x


ROWS = [
    row("sum-dtype", K.sum_dtype, ("matrix", Arg((3, 4))), ("tensor3", Arg((2, 3, 2)))),
    row("x.sum(dtype=float)", K.sum_method_dtype, ("vector", Arg((4,))),
        ("matrix", Arg((3, 4)))),
    row("mean-dtype-keepdims", K.mean_dtype, ("vector", Arg((4,))), ("matrix", Arg((3, 4)))),
    row("prod-dtype", K.prod_dtype, ("matrix", Arg((3, 4), "nonzero")),
        ("matrix-b", Arg((2, 3), "nonzero"))),
    row("cumsum-dtype", K.cumsum_dtype, ("vector", Arg((4,))), ("matrix", Arg((3, 4)))),
    row("x.cumprod(dtype=)", K.cumprod_method_dtype, ("vector", Arg((4,), "nonzero")),
        ("matrix", Arg((3, 4), "nonzero"))),
    row("var-std-dtype", K.var_std_dtype, ("matrix", Arg((3, 4))),
        ("matrix-b", Arg((4, 3)))),
    row("nansum-nanmean-dtype", K.nansum_nanmean_dtype, ("matrix", Arg((3, 4), _with_nans)),
        ("matrix-b", Arg((4, 3), _with_nans))),
    row("trace-dtype", K.trace_dtype, ("matrix", Arg((3, 3))), ("matrix-wide", Arg((3, 4)))),
    row("asarray-dtype-order", K.asarray_dtype, ("vector", Arg((4,))),
        ("matrix", Arg((3, 4)))),
    row("max-initial", K.max_initial, ("matrix", Arg((3, 4), _wide)),
        ("matrix-b", Arg((4, 3), _wide))),
    row("amin-initial-keepdims", K.min_initial_keepdims, ("matrix", Arg((3, 4), _wide)),
        ("matrix-b", Arg((4, 3), _wide))),
    row("x.max(initial=)", K.max_method_initial_all, ("vector", Arg((4,), _wide)),
        ("matrix", Arg((3, 4), _wide))),
    row("max-where-initial", K.max_where_initial, ("matrix", Arg((3, 4), _wide)),
        ("matrix-b", Arg((4, 3), _wide))),
    row("sum-initial", K.sum_initial, ("matrix", Arg((3, 4))), ("tensor3", Arg((2, 3, 2)))),
    row("reshape-order-F", K.reshape_fortran, ("matrix", Arg((3, 4))),
        ("tensor3", Arg((2, 3, 2)))),
    row("x.reshape(order='F')", K.reshape_method_fortran, ("matrix", Arg((6, 2))),
        ("tensor3", Arg((2, 3, 2)))),
    row("x.copy('F')", K.copy_fortran, ("matrix", Arg((3, 4))), ("tensor3", Arg((2, 3, 2)))),
    row("np.copy-order", K.np_copy_fortran, ("matrix", Arg((3, 4))),
        ("tensor3", Arg((2, 3, 2)))),
    row("ascontiguousarray-asfortranarray", K.contiguous, ("matrix", Arg((3, 4))),
        ("matrix-b", Arg((4, 2)))),
    row("astype-copy=False", K.astype_no_copy, ("vector", Arg((4,))), ("matrix", Arg((3, 4)))),
    row("ufunc-dtype", K.ufuncs_dtype, ("vector", Arg((4,)), Arg((4,))),
        ("bcast-row", Arg((3, 4)), Arg((4,)))),
    row("nanvar-nanstd-dtype", K.nan_spread_dtype, ("matrix", Arg((4, 3), _with_nans)),
        ("matrix-b", Arg((5, 3), _with_nans))),
    row("nanprod-nancumsum-dtype", K.nan_products_dtype,
        ("matrix", Arg((3, 4), _with_nans)), ("matrix-b", Arg((2, 4), _with_nans))),
    row("nancumprod-dtype", K.nancumprod_dtype, ("matrix", Arg((3, 4), _with_nans)),
        ("matrix-b", Arg((4, 2), _with_nans))),
    row("median-overwrite_input=False-array-copy", K.median_kept_array_copy,
        ("matrix", Arg((3, 4), _wide)), ("matrix-b", Arg((5, 4), _wide))),
    row("power-maximum-dtype", K.ufunc_power_maximum_dtype, ("vector", Arg((4,), _wide)),
        ("matrix", Arg((3, 4), _wide))),
]
