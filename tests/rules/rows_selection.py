"""Op-table rows for joining, splitting, selecting and sorting (issue 14); the functions
are in ``tests/fixtures/ops_selection.py``."""

import warnings

import numpy as np

import ops_selection as F
from optable import Arg, row

# np.row_stack (vstack's old name) warns that it is deprecated in numpy 2: its row checks
# the alias still works


def _away(x, level, gap=0.05):
    """``x`` away from the conditions' edges ``x == level`` and ``x == -level``."""
    return bool(np.all(np.abs(np.abs(np.asarray(x)) - level) > gap))


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
    # np.r_[...] and np.c_[...]: calls of r_joined and c_joined (syntax.item_calls)
    row("r_", F.r_pieces, ("vectors", Arg((3,)), Arg((3,))), ("scalars", Arg(()), Arg(()))),
    row("r_-rows", F.r_rows, ("matrices", Arg((2, 3)), Arg((2, 3))),
        ("tensor3", Arg((1, 2, 2)), Arg((1, 2, 2)))),
    row("c_", F.c_pieces, ("vectors", Arg((3,)), Arg((3,))),
        ("matrices", Arg((3, 2)), Arg((3, 2)))),
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

ROWS += [
    # selecting: the indices, index arrays and conditions are constants
    row("take", F.take_flat, ("vector", Arg((4,))), ("matrix", Arg((2, 3)))),
    row("take-axis", F.take_axis, ("matrix", Arg((2, 3))), ("tensor3", Arg((2, 3, 2)))),
    row("take-scalar-index", F.take_axis_first, ("vector", Arg((3,))), ("matrix", Arg((2, 3)))),
    row("take-wrap", F.take_wrap, ("vector", Arg((4,))), ("matrix", Arg((2, 3)))),
    row("take-clip", F.take_clip, ("vector", Arg((4,))), ("matrix", Arg((2, 3)))),
    row("take-method", F.take_method, ("vector", Arg((3,))), ("matrix", Arg((2, 3)))),
    row("take_along_axis", F.take_along_last, ("matrix", Arg((2, 3))),
        ("bcast-rows", Arg((1, 3)))),
    row("take_along_axis-first", F.take_along_first, ("matrix", Arg((2, 3))),
        ("column", Arg((2, 1)))),
    row("take_along_axis-flat", F.take_along_flat, ("vector", Arg((4,))), ("matrix", Arg((2, 3)))),
    row("choose", F.choose_list, ("matrices", Arg((2, 3)), Arg((2, 3))),
        ("bcast", Arg((2, 3)), Arg((3,))), ("scalar-choice", Arg((2, 3)), Arg(()))),
    row("choose-wrap", F.choose_wrap, ("matrices", Arg((2, 3)), Arg((2, 3))),
        ("bcast", Arg((2, 1)), Arg((3,)))),
    row("choose-method", F.choose_method, ("vectors", Arg((3,)), Arg((3,))),
        ("scalar", Arg((3,)), Arg(()))),
    row("select", F.select_choices, ("matrices", Arg((2, 3)), Arg((2, 3))),
        ("bcast", Arg((2, 3)), Arg((3,))), valid=lambda x, y: _away(x, 0.5)),
    row("select-default", F.select_default, ("scalar-default", Arg((2, 3)), Arg(())),
        ("array-default", Arg((2, 3)), Arg((3,))), valid=lambda x, y: _away(x, 0.5)),
    # sorting: the values (distinct: at ties the derivative is a convention)
    row("sort", F.sort_last, ("vector", Arg((5,), "distinct")),
        ("matrix", Arg((3, 4), "distinct")), ("tensor3", Arg((2, 3, 2), "distinct"))),
    row("sort-axis0", F.sort_first, ("matrix", Arg((3, 4), "distinct")),
        ("tensor3", Arg((2, 3, 2), "distinct"))),
    row("sort-flat", F.sort_flat, ("vector", Arg((5,), "distinct")),
        ("matrix", Arg((3, 4), "distinct"))),
    row("partition", F.partition_kth, ("vector", Arg((5,), "distinct")),
        ("matrix", Arg((3, 4), "distinct"))),
    row("partition-axis", F.partition_axis, ("matrix", Arg((4, 3), "distinct")),
        ("tensor3", Arg((3, 2, 2), "distinct"))),
]

ROWS += [
    # array methods: x.item(...) is a number, x.clip(...) is np.clip, x.round() constant
    row("item", F.item_position, ("vector", Arg((4,))), ("matrix", Arg((2, 3)))),
    # (np.sum gives a numpy number, whose .item() np.ndarray.item refuses)
    row("item-of-number", F.item_of_number, ("vector", Arg((4,))), ("matrix", Arg((2, 3)))),
    row("item-indices", F.item_indices, ("matrix", Arg((2, 3))), ("tall", Arg((3, 4)))),
    row("item-only", F.item_only, ("vector", Arg((3,))), ("one", Arg((1,)))),
    row("clip-method", F.clip_method, ("vector", Arg((4,))), ("matrix", Arg((2, 3))),
        valid=lambda x: _away(x, 0.5)),
    # (numpy 2.1's names of the bounds)
    *([row("clip-keywords", F.clip_keywords, ("vector", Arg((4,))), ("matrix", Arg((2, 3))),
           valid=lambda x: _away(x, 0.5) and _away(x, -0.5))] if F.CLIP_KEYWORDS else []),
    row("round-method", F.round_method, ("vector", Arg((4,))), ("matrix", Arg((2, 3))),
        valid=lambda x: bool(np.all(np.abs(np.asarray(x) * 10 % 1 - 0.5) < 0.45))),
]

ROWS += [
    # np.add.at's form without a write: the weights carry the derivative (repeats add)
    row("bincount", F.bincount_weights, ("vectors", Arg((5,)), Arg((4,))),
        ("scalar-x", Arg(()), Arg((4,)))),
    row("bincount-positional", F.bincount_positional, ("vector", Arg((4,))),
        ("again", Arg((4,)))),
]

ROWS += [
    # np.extract and np.compress: the condition is a constant
    row("extract", F.extract_mask, ("matrix", Arg((2, 3))), ("again", Arg((2, 3)))),
    row("compress", F.compress_flat, ("vector", Arg((4,))), ("matrix", Arg((2, 3)))),
    row("compress-axis", F.compress_axis, ("matrix", Arg((2, 3))), ("tensor3", Arg((2, 3, 2)))),
    row("compress-short", F.compress_short, ("vector", Arg((3,))), ("matrix", Arg((3, 2)))),
]


def _distinct3(a, b):
    values = np.array([a, b, a * b])
    return bool(np.all(np.abs(values[:, None] - values[None, :]) + np.eye(3) > 0.1))


ROWS += [
    # a list of numbers as the array; numpy's sort kinds
    row("sort-list", F.sort_of_list, ("scalars", Arg(()), Arg(())),
        ("again", Arg(()), Arg(())), valid=_distinct3),
    row("sort-kind", F.sort_stable_kind, ("vector", Arg((5,), "distinct")),
        ("matrix", Arg((3, 4), "distinct"))),
    row("take-list", F.take_from_list, ("scalars", Arg(()), Arg(())), ("again", Arg(()), Arg(()))),
]

ROWS += [
    # np.block: nested lists, the innermost joined along the last axis
    row("block", F.block_grid, ("matrices", Arg((2, 2)), Arg((2, 1)), Arg((1, 2)), Arg((1, 1))),
        ("vectors", Arg((2,)), Arg((1,)), Arg((2,)), Arg((1,))),
        ("scalars", Arg(()), Arg(()), Arg(()), Arg(()))),
    row("block-row", F.block_row, ("vectors", Arg((2,)), Arg((3,))),
        ("matrices", Arg((2, 2)), Arg((2, 1)))),
    row("block-constants", F.block_with_constants, ("matrices", Arg((2, 2)), Arg((1, 2))),
        ("again", Arg((2, 2)), Arg((1, 2)))),
    row("block-deep", F.block_deep, ("matrices", Arg((2, 2)), Arg((2, 2))),
        ("vectors", Arg((3,)), Arg((3,)))),
]

ROWS += [
    # np.add.at / np.subtract.at: writes (a's adjoint passes through, v's gathers)
    row("add.at", F.add_at_write, ("vectors", Arg((4,)), Arg((3,))),
        ("scalar-value", Arg((4,)), Arg(()))),
    row("subtract.at", F.subtract_at_write, ("matrix", Arg((3, 2)), Arg((3,))),
        ("bcast-value", Arg((3, 2)), Arg((1,)))),
    # the values np.add.at adds, as a value (one line, so second order takes it)
    row("scatter_add", F.scatter_values, ("vectors", Arg((4,)), Arg((3,))),
        ("scalar-value", Arg((4,)), Arg(()))),
]
