"""numba versions of the runtime helpers generated code calls (issue 16).

The numba backend imports its helpers from here instead of :mod:`s2sad.runtime`: each
name is a plain Python function with the numpy helper's name and signature (it runs the
numpy helper when called from Python) and a numba overload that ``numba.njit`` code
compiles, chosen by the argument types.  ``__all__`` lists the helpers ported: a helper
generated code needs that is not listed makes the backend keep numpy for that function.

numba is an optional extra: only the numba backend imports this package.
"""

import numba  # noqa: F401  (this package is numba's: without it, the import fails here)

from .bounds import check_index, check_index_in_loop, check_indexes  # noqa: F401 (written
# by the numba target where it proves a function's indexes: not runtime helpers of numpy's)
from .checks import (check_bound, check_integers, check_not_shared,  # noqa: F401
                     ensure_plain_item, ensure_same_kind,
                     float64_arguments, written_back)   # (the CLI's
# module wrappers call them; not runtime helpers generated code calls)
from .calls import run_compiled  # noqa: F401 (the CLI's module wrappers call it, as those)
from ...runtime.guards import check_globals, ensure_unshared  # noqa: F401 (the CLI's module
# wrappers call them, in Python, as check_integers)
from ...values import refuse_complex_arguments  # noqa: F401 (the CLI's module wrappers
# call it, in Python, as the API does)
from ...runtime.given import as_tangent  # noqa: F401 (a forward module's wrapper checks its
# tangents with it, in Python, as the API does: cli.tangent_checks)
from ...runtime.guards import closure_value, taken_code  # noqa: F401 (the CLI's modules call them at
# module level, in Python)
from .elementwise import (clip_lower_mask, clip_mask, clip_upper_mask, finite_mask, power_log,
                          power_slope, quotient_slope, sinc_slope, tie_mask, xlogy)
from .forward import broadcast_like, index_set, writable_copy, xdivy
from .guards import add_item, ensure_scalar_output, first_extreme, loop_items
from .inplace import check_in_place, check_not_inplace
from .indexing import (add_at, add_at_key, add_into, cast_bar, copy_of, ensure_real_target,
                       getitem_bar,
                       mT, overwritten, snapshot, stored_part, transpose_bar, unshared, zero_at)
from .lists import (adjoint_copy, cast_dot, extend_bar, list_append, list_array, list_bar, list_extend, list_push,
                    list_put, list_remove, list_stack, list_sum, repeat_bar, stack_bar)
from .positions import integer_position, slice_position  # noqa: F401 (written by the
# numba target at a range's bounds, a slice's, round's digits: numba_positions)
from .products import dot_lhs_bar, dot_rhs_bar, matmul_lhs_bar, matmul_rhs_bar
from .reductions import (expand_summed, extremum_bar, mean_bar, nonzero_checked, prod_bar,
                         reduced_count, sum_bar)
from .scans import cumsum_bar
from .shapes import (mean_count, range_item, shape_of, size_of, unbroadcast, unbroadcast_to,
                     zeros_like)
from .trees import (add_items, add_tree, item_bar, iterable_bar, loop_items_bar, loop_items_dot,
                    scalar_checked, times_bar, tree_like, unpacked_bar, zeros_tree)

__all__ = [
    "check_bound", "check_not_shared", "ensure_same_kind", "ensure_plain_item", "check_in_place", "check_not_inplace",
    "clip_lower_mask", "clip_mask", "clip_upper_mask", "power_log", "power_slope", "tie_mask",
    "xlogy", "quotient_slope",
    "add_at", "add_at_key", "add_into", "cast_bar", "copy_of", "ensure_real_target", "getitem_bar", "mT",
    "overwritten", "snapshot", "stored_part", "transpose_bar", "unshared", "zero_at",
    "broadcast_like", "index_set", "writable_copy", "xdivy",
    "add_tree", "loop_items_bar", "loop_items_dot", "scalar_checked", "times_bar", "zeros_tree",
    "unpacked_bar", "add_items", "item_bar", "iterable_bar", "tree_like",
    "expand_summed", "extremum_bar", "mean_bar", "nonzero_checked", "prod_bar", "reduced_count", "sum_bar",
    "finite_mask", "sinc_slope",
    "add_item", "first_extreme", "dot_lhs_bar", "dot_rhs_bar", "ensure_scalar_output", "loop_items", "matmul_lhs_bar", "matmul_rhs_bar",
    "shape_of", "size_of", "mean_count", "unbroadcast", "unbroadcast_to", "zeros_like",
    "cumsum_bar",
    "adjoint_copy", "cast_dot", "extend_bar", "list_append", "list_bar", "list_extend", "list_push", "list_put", "list_remove",
    "repeat_bar",
    "stack_bar",
]
# (not in __all__, the ports of s2sad.runtime's helpers: range_item is the numba target's
# own, written where numpy code indexes a range, which numba cannot: numba_target; list_sum,
# list_stack and list_array, written for sum(xs), np.stack(xs) and np.array(xs): numba_lists)
NUMBA_ONLY = ("range_item", "integer_position", "slice_position", "list_sum", "list_stack",
              "list_array")


def _quiet_own_closures():
    """numba's pedantic ``NumbaIRAssumptionWarning`` about a variable of a closure of these
    helpers (``tie_mask.<locals>.<lambda>``, named ``_tie_mask__locals___lambda__...``) is
    about s2sad's code, not the user's: ignored, for the modules ``--target numba`` writes
    too (``api.numba_messages.runtime_ir_filter``: under the API's own filters)."""
    import re
    import warnings
    from numba.core.errors import NumbaIRAssumptionWarning
    names = "|".join(sorted(map(re.escape, __all__)))
    warnings.filterwarnings("ignore", rf"(?s)(\x1b\[[0-9;]*m|\s)*variable '_({names})"
                                      rf"__locals__\w*(\.\d+)?' is not in scope",
                            NumbaIRAssumptionWarning)


_quiet_own_closures()
