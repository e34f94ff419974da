"""Which calls always return a new object: a result the user may write into freely.

``allocates(obj)`` is the predicate :mod:`s2sad.analysis.aliases` takes (through
the transforms) to tell an allocation from a call that may hand back one of
its arguments or a view of it.  A callee missing here is only assumed to
possibly alias its arguments: the price is a run-time check, never a wrong
answer.
"""

import builtins

import numpy as np

from .. import runtime as rt
from .. import runtime_forward as rtf

#: runtime helpers whose every return path builds a new array or number
_HELPERS = (rt.zeros_like, rt.zero_at, rt.snapshot, rt.add_at, rt.getitem_bar, rt.item_bar,
            rt.add_items, rt.overwritten, rt.stored_part, rt.sum_bar, rt.mean_bar,
            rt.extremum_bar, rt.prod_bar,
            rt.dot_lhs_bar, rt.dot_rhs_bar, rt.matmul_lhs_bar, rt.matmul_rhs_bar,
            rt.outer_lhs_bar, rt.outer_rhs_bar, rt.xlogy, rt.power_slope, rt.power_log,
            rt.power_cross, rt.power_log_cross, rt.tie_mask, rt.clip_mask,
            rt.clip_lower_mask, rt.clip_upper_mask, rt.matmul_shape, rt.shape_of,
            rtf.writable_copy, rtf.index_set, rtf.xdivy, rtf.prod_bar_x_dot)

#: numpy functions that allocate their result (or return an immutable number or shape)
_NUMPY = (np.zeros, np.ones, np.full, np.zeros_like, np.ones_like, np.full_like, np.copy,
          np.outer, np.dot, np.matmul, np.tensordot, np.where, np.sum, np.mean, np.prod,
          np.max, np.min, np.cumsum, np.cumprod, np.concatenate, np.stack, np.shape,
          np.size, np.ndim)

_BUILTINS = (builtins.len, builtins.float, builtins.int, builtins.range)

_ALLOCATING = frozenset(id(f) for f in _HELPERS + _NUMPY + _BUILTINS)


def allocates(obj):
    """Whether calling ``obj`` (without an ``out=`` argument) always returns a new
    object that holds none of its arguments."""
    return id(obj) in _ALLOCATING or isinstance(obj, np.ufunc)
