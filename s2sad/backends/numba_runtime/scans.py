"""numba version of the adjoint of ``np.cumsum`` (:mod:`s2sad.runtime.scans`).

``cumsum_bar``: ``axis`` None (the flattened scan) or an int known when the code runs;
the sums of ``g`` from each position to the end along the axis, as a new float array of
``a``'s shape (numba's ``np.cumsum`` takes no axis: the scan is a loop over the array
seen as (before, along, after) blocks).  Called from Python, the name runs the numpy
helper.
"""

import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from ...runtime import scans as _numpy
from .kinds import default_type, is_array, is_none, is_number


def cumsum_bar(g, a, axis=None):
    """:func:`s2sad.runtime.cumsum_bar` (numba: see the module)."""
    return _numpy.cumsum_bar(g, a, axis)


@register_jitable
def _suffix_sums(g, before, along, after):
    """The sums from each position to the end along the middle axis of ``g`` (flat,
    C-ordered) seen as (before, along, after): a new float64 array, flat."""
    blocks = g.reshape((before, along, after))
    out = np.empty((before, along, after))
    for i in range(before):
        for k in range(after):
            total = 0.0
            for j in range(along - 1, -1, -1):
                total += blocks[i, j, k]
                out[i, j, k] = total
    return out.reshape(-1)


@register_jitable
def _blocks(shape, axis):
    nd = len(shape)
    if axis < -nd or axis >= nd:
        raise ValueError("cumsum: axis out of bounds for the array's dimensions")
    k = axis % nd
    before, after = 1, 1
    for i in range(k):
        before *= shape[i]
    for i in range(k + 1, nd):
        after *= shape[i]
    return before, shape[k], after


@overload(cumsum_bar)
def _cumsum_bar(g, a, axis=None):
    axis_type = default_type(axis)
    if not ((is_array(g) or is_number(g)) and (is_array(a) or is_number(a))
            and (is_none(axis_type) or isinstance(axis_type, types.Integer))):
        return None
    scalar_a = is_number(a) or a.ndim == 0
    if is_number(g):   # (the adjoint of a one-element scan, given as a number)
        if not scalar_a:
            return None
        if is_number(a):
            return lambda g, a, axis=None: np.float64(g)
        return lambda g, a, axis=None: np.full(a.shape, np.float64(g))
    if scalar_a:   # (one element, scanned whatever the axis: g is (1,))
        if is_number(a):
            return lambda g, a, axis=None: np.float64(g.reshape(-1)[0])
        return lambda g, a, axis=None: np.full(a.shape, np.float64(g.reshape(-1)[0]))
    if is_none(axis_type):
        def flat(g, a, axis=None):
            scanned = _suffix_sums(np.ascontiguousarray(g).reshape(-1), 1, g.size, 1)
            return scanned.reshape(a.shape)
        return flat

    def along(g, a, axis=None):
        before, length, after = _blocks(a.shape, axis)
        scanned = _suffix_sums(np.ascontiguousarray(g).reshape(-1), before, length, after)
        return scanned.reshape(a.shape)
    return along
