"""Rules for joining, splitting, selecting and sorting (issue 14): ``np.hstack``,
``np.vstack``, ``np.dstack``, ``np.column_stack``, ``np.append``, the splits, ``np.take``,
``np.take_along_axis``, ``np.choose``, ``np.select``, ``np.sort``, ``np.partition``, and
the ``np.add.at`` writes.

Each adjoint is a runtime helper of :mod:`s2sad.runtime.selection` (or numpy itself),
linear in the adjoint, so second order needs nothing more.
"""

import numpy as np

from ..runtime.selection import (append_bar, column_stack_bar, dsplit_bar, dstack_bar,
                                 hsplit_bar, hstack_bar, split_bar, vsplit_bar, vstack_bar)
from .registry import adjoint

# ------------------------------------------------------------------- joining


@adjoint(np.hstack, linear=True, allocates=True)
def hstack_adjoint(y, y_bar, tup):
    return hstack_bar(y_bar, tup)


# np.row_stack is vstack under its old name (deprecated in numpy 2.0, gone later)
_ROW_STACK = tuple(f for f in (getattr(np, "row_stack", None),) if f is not None)


@adjoint(np.vstack, linear=True, allocates=True, aliases=_ROW_STACK)
def vstack_adjoint(y, y_bar, tup):
    return vstack_bar(y_bar, tup)


@adjoint(np.dstack, linear=True, allocates=True)
def dstack_adjoint(y, y_bar, tup):
    return dstack_bar(y_bar, tup)


@adjoint(np.column_stack, linear=True, allocates=True)
def column_stack_adjoint(y, y_bar, tup):
    return column_stack_bar(y_bar, tup)


@adjoint(np.append, nondiff=("axis",), linear=True, allocates=True)
def append_adjoint(y, y_bar, arr, values, axis=None):
    parts = append_bar(y_bar, arr, values, axis)
    return parts[0], parts[1]


# ----------------------------------------------------------------- splitting
# several outputs (a list of arrays): y_bar is a sequence, one adjoint per piece


@adjoint(np.split, nondiff=("indices_or_sections", "axis"), linear=True)
def split_adjoint(y, y_bar, ary, indices_or_sections, axis=0):
    return split_bar(y_bar, ary, indices_or_sections, axis)


@adjoint(np.array_split, nondiff=("indices_or_sections", "axis"), linear=True)
def array_split_adjoint(y, y_bar, ary, indices_or_sections, axis=0):
    return split_bar(y_bar, ary, indices_or_sections, axis)


@adjoint(np.hsplit, nondiff=("indices_or_sections",), linear=True)
def hsplit_adjoint(y, y_bar, ary, indices_or_sections):
    return hsplit_bar(y_bar, ary, indices_or_sections)


@adjoint(np.vsplit, nondiff=("indices_or_sections",), linear=True)
def vsplit_adjoint(y, y_bar, ary, indices_or_sections):
    return vsplit_bar(y_bar, ary, indices_or_sections)


@adjoint(np.dsplit, nondiff=("indices_or_sections",), linear=True)
def dsplit_adjoint(y, y_bar, ary, indices_or_sections):
    return dsplit_bar(y_bar, ary, indices_or_sections)
