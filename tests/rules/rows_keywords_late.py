"""Op-table rows of keyword forms refused before (functions in
``tests/fixtures/ops_keywords_late.py``; second order reads each row's second case)."""

import numpy as np
from rows_keywords import _wide, _with_nans

import ops_keywords_late as K
from optable import Arg, row

ROWS = [
    row("nanmean-where", K.nanmean_where, ("matrix", Arg((3, 4), _with_nans)),
        ("matrix-b", Arg((3, 4), _with_nans))),
    row("nanvar-nanstd-where", K.nanvar_nanstd_where, ("matrix", Arg((3, 4), _with_nans)),
        ("matrix-b", Arg((3, 4), _with_nans))),
    row("nanprod-where", K.nanprod_where, ("matrix", Arg((3, 4), _with_nans)),
        ("matrix-b", Arg((3, 4), _with_nans))),
    row("nanstd-nanmean-where-all", K.nanstd_where_all, ("matrix", Arg((3, 4), _with_nans)),
        ("matrix-b", Arg((3, 4), _with_nans))),
    row("std-where-one-value", K.std_where_one_value, ("matrix", Arg((3, 4), _wide)),
        ("matrix-b", Arg((3, 4), _wide))),
    row("x.std(where=)-one-value-keepdims", K.std_method_where_one_value_keepdims,
        ("matrix", Arg((3, 4), _wide)), ("matrix-b", Arg((3, 4), _wide))),
    row("x.astype(casting=)", K.astype_castings, ("matrix", Arg((3, 4))),
        ("vector", Arg((5,)))),
    row("x.astype(int, casting=)", K.astype_casting_int_and_back, ("matrix", Arg((3, 4), _wide)),
        ("vector", Arg((5,), _wide))),
    row("x.reshape(order='A')", K.reshape_order_a, ("matrix", Arg((3, 4))),
        ("matrix-b", Arg((4, 3)))),
    row("np.reshape(order='A')-fortran", K.reshape_order_a_of_fortran, ("matrix", Arg((3, 4))),
        ("matrix-b", Arg((6, 2)))),
    row("np.reshape(order=o)", K.reshape_order_held, ("matrix", Arg((3, 4))),
        ("matrix-b", Arg((6, 2)))),
]

# the spread helpers the rows above generate, by themselves (their adjoints: reverse over
# reverse)
ROWS += [
    row("rt.deviations_from", K.deviations_from_call, ("rows", Arg((3, 4)), Arg((3, 1)))),
    row("rt.deviations_from_dot", K.deviations_from_dot_call,
        ("rows", Arg((3, 4)), Arg((3, 1)))),
    row("rt.given_mean_bar", K.given_mean_bar_call, ("rows", Arg((3, 4)))),
    row("rt.selected_or_nan", K.selected_or_nan_call, ("matrix", Arg((3, 4)))),
]

# mean= of np.var and np.std: numpy >= 2.0
if np.lib.NumpyVersion(np.__version__) >= "2.0.0":
    ROWS += [
        row("var-mean-own-where", K.var_mean_own, ("matrix", Arg((3, 4))),
            ("matrix-b", Arg((3, 4)))),
        row("x.var(mean=)-ddof-keepdims", K.var_mean_other, ("matrix", Arg((3, 4))),
            ("matrix-b", Arg((2, 5)))),
        row("std-mean-where-one-value", K.std_mean_other, ("matrix", Arg((3, 4), _wide)),
            ("matrix-b", Arg((3, 4), _wide))),
    ]
