"""Op-table rows of the keyword arguments taken since issue 16: where= of the sums and
means (masks computed from the values, constant masks that broadcast), initial= with
them, and the runtime helpers' where= (functions in ``tests/fixtures/ops_keywords_more.py``;
second order reads each row's second case)."""

import numpy as np

import ops_keywords_more as K
from optable import Arg, Const, row
from rows_keywords import _wide, _with_nans


def S(*shape):
    """An argument read for its shape only."""
    return Const(np.zeros(shape, dtype=np.int64))


def _wide_nans(rng, shape):
    """:func:`_wide` values with a NaN (never the result: NaN entries are left out)."""
    x = _wide(rng, shape)
    x[0, -1] = float("nan")
    return x


#: a (3, 4) array with a NaN, ties, and slots whose extremum is the initial value 0.1
TIED = np.array([[0.5, 0.1, -0.2, np.nan], [-1.0, -0.4, -0.3, -0.6], [0.7, 0.7, 0.2, 0.1]])
TIED_MAX = np.nanmax(TIED, axis=1, initial=0.1)


ROWS = [
    row("sum-where", K.sum_where, ("matrix", Arg((3, 4), _wide)),
        ("matrix-b", Arg((4, 3), _wide))),
    row("x.sum(where=row)", K.sum_method_where_row, ("matrix", Arg((3, 4))),
        ("matrix-b", Arg((2, 4)))),
    row("sum-keepdims-where-initial", K.sum_keepdims_where_initial,
        ("tensor3", Arg((2, 3, 4), _wide)), ("tensor3-b", Arg((3, 2, 4), _wide))),
    row("sum-where-all", K.sum_where_all, ("matrix", Arg((3, 4))), ("matrix-b", Arg((3, 4)))),
    row("mean-where-row", K.mean_where_row, ("matrix", Arg((3, 4))), ("matrix-b", Arg((5, 4)))),
    row("x.mean(where=column, keepdims)", K.mean_method_where_keepdims,
        ("matrix", Arg((3, 4))), ("matrix-b", Arg((3, 5)))),
    row("mean-where-all", K.mean_where_all, ("matrix", Arg((3, 4))), ("matrix-b", Arg((3, 4)))),
    row("nansum-where-initial", K.nansum_where_initial, ("matrix", Arg((3, 4), _with_nans)),
        ("matrix-b", Arg((4, 3), _with_nans))),
    row("prod-where-initial", K.prod_where_initial, ("matrix", Arg((3, 4), _wide)),
        ("matrix-b", Arg((4, 3), _wide))),
    row("x.prod(where=column, keepdims)", K.prod_method_where_row_keepdims,
        ("matrix", Arg((3, 4), "nonzero")), ("matrix-b", Arg((3, 2), "nonzero"))),
    row("prod-initial-where-all", K.prod_initial_all, ("matrix", Arg((3, 4), "nonzero")),
        ("matrix-b", Arg((3, 4), "nonzero"))),
    row("var-where", K.var_where, ("matrix", Arg((3, 4))), ("matrix-b", Arg((3, 4)))),
    row("std-where-ddof-keepdims", K.std_where_ddof_keepdims, ("matrix", Arg((3, 4), _wide)),
        ("matrix-b", Arg((3, 5), _wide))),
    row("x.var(where=)-std-where", K.var_method_where_all, ("matrix", Arg((3, 4), _wide)),
        ("matrix-b", Arg((5, 4), _wide))),
    row("nanmax-initial", K.nanmax_initial, ("matrix", Arg((3, 4), _wide_nans)),
        ("matrix-b", Arg((4, 3), _wide_nans))),
    row("nanmin-initial-where-keepdims", K.nanmin_initial_where_keepdims,
        ("matrix", Arg((3, 4), _wide_nans)), ("matrix-b", Arg((4, 3), _wide_nans))),
    row("array-ndmin", K.array_ndmin, ("scalar", Arg(())), ("vector", Arg((4,))),
        ("matrix", Arg((3, 4)))),
    row("array-ndmin-list", K.array_ndmin_list, ("vector", Arg((4,))),
        ("matrix", Arg((3, 2)))),
    row("np.add.reduce", K.add_reduce_axis, ("matrix", Arg((3, 4))),
        ("tensor3", Arg((2, 3, 2)))),
    row("np.add.reduce-axis0", K.add_reduce_default_axis, ("vector", Arg((4,))),
        ("matrix", Arg((3, 4)))),
    row("np.add.reduce-where-keepdims-initial", K.add_reduce_all_where_keepdims,
        ("matrix", Arg((3, 4), _wide)), ("tensor3", Arg((2, 3, 2), _wide))),
    row("np.multiply.reduce", K.multiply_reduce, ("matrix", Arg((3, 4), "nonzero")),
        ("tensor3", Arg((2, 3, 2), "nonzero"))),
    row("np.maximum.reduce", K.maximum_reduce, ("matrix", Arg((3, 4), _wide)),
        ("vector", Arg((5,), _wide))),
    row("np.minimum.reduce-initial-where", K.minimum_reduce_initial_where,
        ("matrix", Arg((3, 4), _wide)), ("matrix-b", Arg((4, 3), _wide))),
    row("np.multiply.reduce-where-initial", K.multiply_reduce_where_initial,
        ("matrix", Arg((3, 4), "nonzero")), ("matrix-b", Arg((2, 4), "nonzero"))),
    row("np.add.accumulate", K.add_accumulate, ("matrix", Arg((3, 4))),
        ("tensor3", Arg((2, 3, 2)))),
    row("np.multiply.accumulate", K.multiply_accumulate, ("vector", Arg((4,), "nonzero")),
        ("matrix", Arg((3, 4), "nonzero"))),
    row("np.multiply.outer", K.multiply_outer, ("vec-vec", Arg((4,)), Arg((3,))),
        ("mat-vec", Arg((2, 3)), Arg((2,))), ("scalar-mat", Arg(()), Arg((2, 2)))),
    row("np.add.outer", K.add_outer, ("vec-vec", Arg((4,)), Arg((3,))),
        ("vec-mat", Arg((2,)), Arg((2, 3))), ("mat-scalar", Arg((2, 2)), Arg(()))),
    row("outer-of-a-constant", K.outer_of_a_constant, ("vector", Arg((3,))),
        ("matrix", Arg((2, 3)))),
    row("concatenate-dtype", K.concatenate_dtype, ("vector", Arg((4,)), Arg((3,))),
        ("matrix", Arg((2, 3)), Arg((3, 3)))),
    row("einsum-dtype", K.einsum_dtype, ("matrix", Arg((2, 3)), Arg((4, 3))),
        ("matrix-b", Arg((3, 2)), Arg((2, 2)))),
    row("rt.sum_bar-where", K.sum_bar_where_call,
        ("axis1", Arg((3,)), S(3, 4), Const(1), Const(False), Const(K.CHECKER)),
        ("all-row", Arg(()), S(3, 4), Const(None), Const(False), Const(K.ROW_MASK)),
        ("keepdims", Arg((3, 1)), S(3, 4), Const(1), Const(True), Const(K.COLUMN_MASK))),
    row("rt.sum_bar_bar-where", K.sum_bar_bar_where_call,
        ("axis1", Arg((3, 4)), S(3), Const(1), Const(False), Const(K.CHECKER)),
        ("all-row", Arg((3, 4)), S(), Const(None), Const(False), Const(K.ROW_MASK))),
    row("rt.mean_bar-where", K.mean_bar_where_call,
        ("axis1", Arg((3,)), S(3, 4), Const(1), Const(False), Const(K.CHECKER)),
        ("all-row", Arg(()), S(3, 4), Const(None), Const(False), Const(K.ROW_MASK))),
    row("rt.mean_bar_bar-where", K.mean_bar_bar_where_call,
        ("axis0-keepdims", Arg((3, 4)), S(1, 4), Const(0), Const(True), Const(K.CHECKER)),
        ("all-row", Arg((3, 4)), S(), Const(None), Const(False), Const(K.ROW_MASK))),
    row("rt.nan_extremum_bar-initial", K.nan_extremum_bar_initial_call,
        ("axis1", Arg((3,)), Const(TIED_MAX), Const(TIED), Const(1), Const(False),
         Const(0.1), Const(True)),
        ("axis1-where", Arg((3,)), Const(np.nanmax(TIED, axis=1, initial=0.1, where=K.CHECKER)),
         Const(TIED), Const(1), Const(False), Const(0.1), Const(K.CHECKER))),
    row("rt.prod_bar-where-initial", K.prod_bar_where_call,
        ("axis1", Arg((3,)), Arg((3, 4), "nonzero"), Const(1), Const(False), Const(K.CHECKER)),
        ("all-row", Arg(()), Arg((3, 4), "nonzero"), Const(None), Const(False),
         Const(K.ROW_MASK)),
        ("keepdims", Arg((1, 4)), Arg((3, 4), "nonzero"), Const(0), Const(True),
         Const(True))),
    row("rt.prod_bar_x_dot-where-initial", K.prod_bar_x_dot_where_call,
        ("axis1", Arg((3,)), Arg((3, 4)), Const(1), Const(False), Const(K.CHECKER)),
        ("all-row", Arg(()), Arg((3, 4)), Const(None), Const(False), Const(K.ROW_MASK))),
    row("rt.prod_bar_x_dot2-where-initial", K.prod_bar_x_dot2_where_call,
        ("axis1", Arg((3,)), Arg((3, 4)), Arg((3, 4)), Const(1), Const(False),
         Const(K.CHECKER)),
        ("all-row", Arg(()), Arg((3, 4)), Arg((4,)), Const(None), Const(False),
         Const(K.ROW_MASK))),
    row("rt.deviations", K.deviations_call,
        ("all", Arg((3, 4)), Const(None), Const(True)),
        ("axis1-where", Arg((3, 4)), Const(1), Const(K.CHECKER)),
        ("axis0-row", Arg((3, 4)), Const(0), Const(K.ROW_MASK)),
        ("axes-where", Arg((2, 3, 4)), Const((0, 2)), Const(K.ROW_MASK))),
]

# dtype= of np.stack, np.hstack and np.vstack: numpy >= 1.24
if np.lib.NumpyVersion(np.__version__) >= "1.24.0":
    ROWS += [
        row("stack-dtype", K.stack_dtype, ("vector", Arg((4,)), Arg((4,))),
            ("matrix", Arg((2, 3)), Arg((2, 3)))),
        row("hstack-vstack-dtype", K.hstack_vstack_dtype, ("vector", Arg((3,)), Arg((3,))),
            ("vector-b", Arg((2,)), Arg((2,)))),
    ]
