"""Op-table rows of the container helpers generated gradient code calls (trees, lists,
dicts) and of the transposes their adjoint rules call (reverse over reverse): one row per
helper, its function mixing lists, tuples, dicts and arrays."""

import ops_runtime_structure as F
from optable import Arg, row

VECTOR, MATRIX = (3,), (2, 3)
#: the cases: two vectors or two matrices (a, b), with a number s where a function takes one
V, M = ("vector", Arg(VECTOR), Arg(VECTOR)), ("matrix", Arg(MATRIX), Arg(MATRIX))
VS, MS = V + (Arg(()),), M + (Arg(()),)
#: einsum's: three square matrices (g, a, b)
SQUARE = ("square", Arg((3, 3)), Arg((3, 3)), Arg((3, 3)))
DISTINCT = ("square", Arg((3, 3)), Arg((3, 3), "distinct"), Arg((3, 3), "distinct"))

ROWS = [
    row("item_bar", F.rt_item_bar, V, M),
    row("add_item", F.rt_add_item, V, M),
    row("add_items", F.rt_add_items, V, M),
    row("add_tree", F.rt_add_tree, VS, MS),
    row("adjoint_copy", F.rt_adjoint_copy, V, M),
    row("tree_like", F.rt_tree_like, V, M),
    row("times_bar", F.rt_times_bar, VS, MS),
    row("plus_bar", F.rt_plus_bar, VS, MS),
    row("iterable_bar", F.rt_iterable_bar, V, M),
    row("repetition_bar", F.rt_repetition_bar, V, M),
    row("repeat_bar", F.rt_repeat_bar, VS, MS),
    row("dict_bar", F.rt_dict_bar, V, M),
    row("list_push", F.rt_list_push, V, M),
    row("list_remove", F.rt_list_remove, V, M),
    row("list_bar", F.rt_list_bar, V, M),
    row("extend_bar", F.rt_extend_bar, V, M),
    row("insert_bar", F.rt_insert_bar, V, M),
    row("delete_bar", F.rt_delete_bar, V, M),
    row("set_bar", F.rt_set_bar, V, M),
    row("dict_set_bar", F.rt_dict_set_bar, V, M),
    row("dict_item_bar", F.rt_dict_item_bar, V, M),
    row("dict_get_bar", F.rt_dict_get_bar, V, M),
    row("dict_default_bar", F.rt_dict_default_bar, V, M),
    row("dict_entries_bar", F.rt_dict_entries_bar, V, M),
    row("dict_entries_dot", F.rt_dict_entries_dot, V, M),
    row("loop_items_bar", F.rt_loop_items_bar, V, M),
    row("loop_items_dot", F.rt_loop_items_dot, V, M),
    row("sorted_bar", F.rt_sorted_bar, V),
    row("sorted_dot", F.rt_sorted_dot, V),
    row("tree_part", F.rt_tree_part, VS, MS),
    row("item_pick", F.rt_item_pick, V, M),
    row("repetition_part", F.rt_repetition_part, V, M),
    row("times_part", F.rt_times_part, VS, MS),
    row("plus_part", F.rt_plus_part, VS, MS),
    row("repeat_part", F.rt_repeat_part, VS, MS),
    row("iterable_part", F.rt_iterable_part, V, M),
    row("dict_values_part", F.rt_dict_values_part, V, M),
    row("extend_part", F.rt_extend_part, V, M),
    row("insert_part", F.rt_insert_part, V, M),
    row("set_part", F.rt_set_part, V, M),
    row("dict_set_part", F.rt_dict_set_part, V, M),
    row("item_place", F.rt_item_place, V, M),
    row("dict_item_part", F.rt_dict_item_part, V, M),
    # np.einsum's: einsum_bar, einsum_of (the tangent's), einsum_part and its slots
    row("einsum_bar", F.rt_einsum_bar, SQUARE),
    row("einsum_of", F.rt_einsum_of, SQUARE),
    row("einsum_part", F.rt_einsum_part, SQUARE),
    row("operand_at", F.rt_operand_at, SQUARE),
    row("kept_if", F.rt_kept_if, SQUARE),
    # structure (np.diag... np.pad), and the tangent helpers pad_dot and flatten_dot
    row("diag_bar", F.rt_diag_bar, SQUARE),
    row("diagonal_bar", F.rt_diagonal_bar, SQUARE),
    row("tile_bar", F.rt_tile_bar, SQUARE),
    row("repeat_array_bar", F.rt_repeat_array_bar, SQUARE),
    row("roll_bar", F.rt_roll_bar, SQUARE),
    row("rollaxis_bar", F.rt_rollaxis_bar, SQUARE),
    row("pad_bar", F.rt_pad_bar, SQUARE),
    row("pad_constant_bar", F.rt_pad_constant_bar, SQUARE),
    row("pad_dot", F.rt_pad_dot, SQUARE),
    row("flatten_bar", F.rt_flatten_bar, SQUARE),
    row("flatten_dot", F.rt_flatten_dot, SQUARE),
    # np.kron's and np.cross's adjoints
    row("kron_lhs_bar", F.rt_kron_lhs_bar, SQUARE),
    row("kron_rhs_bar", F.rt_kron_rhs_bar, SQUARE),
    row("cross_lhs_bar", F.rt_cross_lhs_bar, SQUARE),
    row("cross_rhs_bar", F.rt_cross_rhs_bar, SQUARE),
    # quantiles (a's values distinct: the ranks are constant near them)
    row("quantile_bar", F.rt_quantile_bar, DISTINCT),
    row("quantile_dot", F.rt_quantile_dot, DISTINCT),
    # joining, splitting, selecting
    row("hstack_bar", F.rt_hstack_bar, SQUARE),
    row("vstack_bar", F.rt_vstack_bar, SQUARE),
    row("dstack_bar", F.rt_dstack_bar, SQUARE),
    row("column_stack_bar", F.rt_column_stack_bar, SQUARE),
    row("append_bar", F.rt_append_bar, SQUARE),
    row("block_bar", F.rt_block_bar, SQUARE),
    row("split_bar", F.rt_split_bar, SQUARE),
    row("hsplit_bar", F.rt_hsplit_bar, SQUARE),
    row("vsplit_bar", F.rt_vsplit_bar, SQUARE),
    row("dsplit_bar", F.rt_dsplit_bar, SQUARE),
    row("take_bar", F.rt_take_bar, SQUARE),
    row("take_along_axis_bar", F.rt_take_along_axis_bar, SQUARE),
    row("choose_bar", F.rt_choose_bar, SQUARE),
    row("select_bar", F.rt_select_bar, SQUARE),
    row("choose_of", F.rt_choose_of, SQUARE),
    row("select_of", F.rt_select_of, SQUARE),
    row("reorder_bar", F.rt_reorder_bar, SQUARE),
    row("reorder_dot", F.rt_reorder_dot, SQUARE),
    row("item_value_bar", F.rt_item_value_bar, SQUARE),
    row("item_value_dot", F.rt_item_value_dot, SQUARE),
    row("extract_bar", F.rt_extract_bar, SQUARE),
    row("scatter_add_bar", F.rt_scatter_add_bar, SQUARE),
    # the lazy spellings of np.hstack, np.split, np.take, np.take_along_axis (Dask)
    row("hstack_of", F.rt_hstack_of, SQUARE),
    row("split_of", F.rt_split_of, SQUARE),
    row("take_of", F.rt_take_of, SQUARE),
    row("take_along_of", F.rt_take_along_of, SQUARE),
]
