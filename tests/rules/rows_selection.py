"""Op-table rows for joining, splitting, selecting and sorting (issue 14); the functions
are in ``tests/fixtures/ops_selection.py``."""

import warnings

import numpy as np

import ops_selection as F
from optable import Arg, row

# np.row_stack (vstack's old name) warns that it is deprecated in numpy 2: its row checks
# the alias still works
warnings.filterwarnings("ignore", "`row_stack` alias is deprecated", DeprecationWarning)

ROWS = [
    # joining: lists and tuples of arrays, items differentiable
    row("hstack", F.hstack_pair, ("vector", Arg((3,)), Arg((4,))),
        ("matrix", Arg((3, 2)), Arg((3, 4))), ("scalars", Arg(()), Arg(())),
        ("tensor3", Arg((2, 1, 2)), Arg((2, 3, 2)))),
    row("hstack-constant", F.hstack_with_constant, ("vector", Arg((3,))),
        ("scalar", Arg(()))),
    row("vstack", F.vstack_pair, ("vectors", Arg((3,)), Arg((3,))),
        ("matrix-vector", Arg((2, 3)), Arg((3,))), ("scalars", Arg(()), Arg(())),
        ("tensor3", Arg((1, 2, 2)), Arg((3, 2, 2)))),
    *([row("row_stack", F.row_stack_pair, ("vectors", Arg((3,)), Arg((3,))),
           ("matrix-vector", Arg((2, 3)), Arg((3,))))] if hasattr(np, "row_stack") else []),
    row("dstack", F.dstack_pair, ("vectors", Arg((3,)), Arg((3,))),
        ("matrices", Arg((2, 3)), Arg((2, 3))), ("tensor3", Arg((2, 3, 1)), Arg((2, 3, 2)))),
    row("column_stack", F.column_stack_pair, ("vectors", Arg((3,)), Arg((3,))),
        ("vector-matrix", Arg((3,)), Arg((3, 2))), ("matrices", Arg((3, 1)), Arg((3, 2)))),
    row("append", F.append_flat, ("vectors", Arg((3,)), Arg((2,))),
        ("matrix-vector", Arg((2, 3)), Arg((3,))), ("scalars", Arg(()), Arg(()))),
    row("append-axis", F.append_axis, ("vectors", Arg((3,)), Arg((2,))),
        ("matrices", Arg((2, 3)), Arg((1, 3)))),
    row("append-axis-last", F.append_axis_last, ("matrices", Arg((2, 3)), Arg((2, 2))),
        ("tensor3", Arg((2, 2, 1)), Arg((2, 2, 3)))),
    # splitting: several outputs (a list), unused pieces have zero adjoints
    row("split", F.split_halves, ("vector", Arg((4,))), ("matrix", Arg((4, 3))),
        ("tensor3", Arg((2, 3, 2)))),
    row("split-indices", F.split_indices_axis, ("vector", Arg((5,))), ("matrix", Arg((3, 4))),
        ("tensor3", Arg((2, 2, 4)))),
    row("split-restacked", F.split_restacked, ("vector", Arg((4,))), ("matrix", Arg((2, 3)))),
    row("array_split", F.array_split_uneven, ("vector", Arg((7,))), ("matrix", Arg((4, 2)))),
    row("array_split-axis", F.array_split_axis, ("matrix", Arg((3, 4))),
        ("tensor3", Arg((2, 5, 2)))),
    row("hsplit", F.hsplit_part, ("vector", Arg((4,))), ("matrix", Arg((3, 4))),
        ("tensor3", Arg((2, 2, 3)))),
    row("vsplit", F.vsplit_part, ("matrix", Arg((3, 4))), ("tensor3", Arg((2, 2, 3)))),
    row("dsplit", F.dsplit_part, ("tensor3", Arg((2, 3, 4))), ("tensor4", Arg((2, 1, 2, 3)))),
]
