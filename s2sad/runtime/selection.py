"""Joining, splitting, selecting and sorting (issue 14): the adjoints of ``np.hstack``,
``np.vstack``, ``np.dstack``, ``np.column_stack``, ``np.append``, ``np.split`` and its
kin, ``np.take``, ``np.take_along_axis``, ``np.choose``, ``np.select``, ``np.sort``,
``np.partition`` and ``np.add.at``.  Every helper returns a new value (or a view of the
adjoint) and leaves its inputs as they are; each is linear in the adjoint ``g``.
"""

import numpy as np

from ..rules.records import fact
from .shapes import float_like


def _pieces(g, arrays, axis, promote):
    """The slices of ``g`` along ``axis`` that the items of ``arrays`` (each promoted by
    ``promote``, as the stacking function does) became, each in its item's own shape."""
    sizes = [np.shape(promote(a))[axis] for a in arrays]
    parts = np.split(g, np.cumsum(sizes)[:-1], axis=axis)
    return [np.reshape(p, np.shape(a)) for p, a in zip(parts, arrays)]


@fact(linear=("g",))
def hstack_bar(g, tup):
    """Adjoint of ``np.hstack(tup)``: 1-d items are joined along axis 0, others along 1."""
    axis = 0 if np.ndim(np.atleast_1d(tup[0])) == 1 else 1
    return _pieces(g, tup, axis, np.atleast_1d)


@fact(linear=("g",))
def vstack_bar(g, tup):
    """Adjoint of ``np.vstack(tup)`` (items made 2-d, joined along axis 0)."""
    return _pieces(g, tup, 0, np.atleast_2d)


@fact(linear=("g",))
def dstack_bar(g, tup):
    """Adjoint of ``np.dstack(tup)`` (items made 3-d, joined along axis 2)."""
    return _pieces(g, tup, 2, np.atleast_3d)


def _as_column(a):
    a = np.asarray(a)
    return a.reshape(-1, 1) if a.ndim < 2 else a


@fact(linear=("g",))
def column_stack_bar(g, tup):
    """Adjoint of ``np.column_stack(tup)`` (1-d items become columns, joined along 1)."""
    return _pieces(g, tup, 1, _as_column)


@fact(linear=("g",))
def append_bar(g, arr, values, axis=None):
    """Adjoint of ``np.append(arr, values, axis)``: the pair (arr's part, values' part)."""
    if axis is None:
        size = np.size(arr)
        flat = np.ravel(g)
        return np.reshape(flat[:size], np.shape(arr)), np.reshape(flat[size:], np.shape(values))
    size = np.shape(arr)[axis]
    first, second = np.split(g, [size], axis=axis)
    return first, second


# ----------------------------------------------------------------- splitting

@fact(linear=("g",))
def split_bar(g, ary, indices_or_sections, axis=0):
    """Adjoint of ``np.split(ary, indices_or_sections, axis)`` (also ``np.array_split``):
    the pieces' adjoints ``g`` joined back along ``axis``; a piece nothing used has a
    zero adjoint (a number 0.0, or zeros), made the piece's shape here."""
    pieces = np.array_split(np.zeros(np.shape(ary)), indices_or_sections, axis=axis)
    out = [np.broadcast_to(np.asarray(p_bar, dtype=float_like(ary)), np.shape(p))
           for p_bar, p in zip(g, pieces)]
    return np.concatenate(out, axis=axis) if out else np.zeros(np.shape(ary))


@fact(linear=("g",))
def hsplit_bar(g, ary, indices_or_sections):
    """Adjoint of ``np.hsplit``: a split along axis 1 (axis 0 for a 1-d array)."""
    return split_bar(g, ary, indices_or_sections, 1 if np.ndim(ary) > 1 else 0)


@fact(linear=("g",))
def vsplit_bar(g, ary, indices_or_sections):
    """Adjoint of ``np.vsplit``: a split along axis 0."""
    return split_bar(g, ary, indices_or_sections, 0)


@fact(linear=("g",))
def dsplit_bar(g, ary, indices_or_sections):
    """Adjoint of ``np.dsplit``: a split along axis 2."""
    return split_bar(g, ary, indices_or_sections, 2)
