"""The transposes that the adjoint rules of s2sad's core runtime helpers call (see
:mod:`s2sad.rules.runtime_adjoints_core`): reverse mode over generated gradient code.

Each is linear in its first argument and is itself the adjoint of a helper
(``sum_bar_bar`` of ``sum_bar``, ``read_at`` of ``add_at``...), so its own adjoint is
that helper again: the pairs close, and derivatives of any order end in them.
Input: an adjoint and the shapes, axes and indices of the helper it transposes;
output: a new value (or the adjoint itself when nothing is to be done).
"""

import numpy as np

from ..rules.records import fact
from .indexing import stored_part
from .reductions import _keepdims_shape, _normalize_axes
from .shapes import unbroadcast_to


@fact(view=True, linear=("t",))
def sum_bar_bar(t, g_shape, axis=None, keepdims=False):
    """The adjoint of ``g`` in ``sum_bar(g, x, axis, keepdims)``: ``t`` (of ``x``'s
    shape) summed over ``axis`` back to ``g``'s shape ``g_shape``."""
    if axis is not None and not keepdims:
        kept = _keepdims_shape(np.shape(t), _normalize_axes(axis, np.ndim(t)))
        return np.reshape(unbroadcast_to(t, kept), g_shape)
    return unbroadcast_to(t, tuple(g_shape))



@fact(allocates=True, linear=("t",))
def mean_bar_bar(t, g_shape, axis=None, keepdims=False):
    """The adjoint of ``g`` in ``mean_bar(g, x, axis, keepdims)``: :func:`sum_bar_bar`
    divided by the number of elements each mean took."""
    shape = np.shape(t)
    count = 1
    for a in _normalize_axes(axis, len(shape)):
        count *= shape[a]
    return sum_bar_bar(t, g_shape, axis, keepdims) / count



@fact(view=True, linear=("g",))
def read_at(g, index, like):
    """``g[index]`` reduced to the shape of ``like``: the adjoint of a value added into
    an adjoint at ``index`` (``add_at``) or spread from it (``getitem_bar``); for a list,
    tuple or dict adjoint its item (a list of items for a slice)."""
    if isinstance(g, (list, tuple, dict)):
        part = g[index]
        return list(part) if isinstance(index, slice) else part
    return unbroadcast_to(np.asarray(g)[index], np.shape(like))



@fact(allocates=True, linear=("g",))
def written_bar(g, index, value):
    """The adjoint of ``value`` in ``index_set(x, index, value)``: the part of ``g`` the
    write kept (the last write of a position named twice), reduced to ``value``'s shape;
    for a list or dict adjoint its item."""
    if isinstance(g, (list, tuple, dict)):
        part = g[index]
        return list(part) if isinstance(index, slice) else part
    return unbroadcast_to(stored_part(g, index), np.shape(value))
