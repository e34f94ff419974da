"""numba versions of the adjoints of ``np.sum``, ``np.mean``, ``np.max``/``np.min`` and
``np.prod`` (:mod:`s2sad.runtime.reductions`).

``axis`` may be None, an int or a tuple of ints (known when the code runs), and
``keepdims`` either way: the adjoint is spread back over the reduced axes by the one
loop :func:`.shapes.reduce_to` uses, compiled once for any dimension.  ``np.prod``'s
adjoint is ported for ``axis=None`` only.  Called from Python, each name runs the
numpy helper.
"""

import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from ...runtime import reductions as _numpy
from ...runtime import scans as _numpy_scans
from .kinds import default_type, is_array, is_none, is_number
from .refusals import literal, raiser, refusal, refusal_unknown
from .shapes import _accumulate, _lengths


def sum_bar(g, x, axis=None, keepdims=False, where=True):
    """:func:`s2sad.runtime.sum_bar` (numba: see the module)."""
    return _numpy.sum_bar(g, x, axis, keepdims, where)


def mean_bar(g, x, axis=None, keepdims=False, where=True):
    """:func:`s2sad.runtime.mean_bar` (numba: see the module)."""
    return _numpy.mean_bar(g, x, axis, keepdims, where)


def extremum_bar(g, y, x, axis=None, keepdims=False, initial=None, where=True):
    """:func:`s2sad.runtime.extremum_bar` (numba: see the module)."""
    return _numpy.extremum_bar(g, y, x, axis, keepdims, initial, where)


def prod_bar(g, x, axis=None, keepdims=False, where=True, initial=None):
    """:func:`s2sad.runtime.prod_bar` (numba: see the module)."""
    return _numpy.prod_bar(g, x, axis, keepdims, where, initial)


def expand_summed(g, axis):
    """:func:`s2sad.runtime.expand_summed` (numba: see the module)."""
    return _numpy.expand_summed(g, axis)


@overload(expand_summed)
def _expand_summed(g, axis):
    if is_number(g) or is_array(g, 0):   # as it is: it broadcasts against any shape
        return lambda g, axis: g
    if is_array(g) and isinstance(default_type(axis), types.Integer):   # (one axis only)
        return lambda g, axis: np.expand_dims(g, axis)
    return None


def _axis_ok(axis):
    """None, an int, or a tuple of ints."""
    axis = default_type(axis)
    return is_none(axis) or isinstance(axis, types.Integer) or (
        isinstance(axis, types.BaseTuple) and all(isinstance(a, types.Integer) for a in axis))


def _operands_ok(g, x, axis):
    return (is_number(g) or is_array(g)) and (is_number(x) or is_array(x)) and _axis_ok(axis)


@register_jitable
def _kept(shape, axis):
    """``shape`` with length 1 at the reduced axes (``axis``: None for all), as an array."""
    kept = _lengths(shape)
    nd = len(shape)
    if nd == 0:   # a 0-d array, reduced over axis 0 or -1 as over no axis (numpy's reading)
        return kept
    if axis is None:
        kept[:] = 1
    elif isinstance(axis, int):
        kept[axis % nd] = 1
    else:
        for a in axis:
            kept[a % nd] = 1
    return kept


@register_jitable
def _count(shape, axis):
    """How many elements each reduction over ``axis`` took."""
    kept = _kept(shape, axis)
    count = 1
    for k in range(len(shape)):
        if kept[k] != shape[k]:
            count *= shape[k]
    return count


@register_jitable
def spread(g, kept, shape):
    """``g`` (of the shape ``kept`` with or without its length-1 axes) spread over
    ``shape``: a new C-ordered array."""
    out = np.zeros(shape, g.dtype)
    if g.size != np.prod(kept):
        raise ValueError("an adjoint does not have the shape of the reduction's result")
    _accumulate(np.ascontiguousarray(g).reshape(-1), out.reshape(-1), kept, _lengths(shape))
    return out


# (where= not ported: numba compiles no np.sum(x, where=m), so code taking it runs numpy's)
@overload(sum_bar)
def _sum_bar(g, x, axis=None, keepdims=False, where=True):
    if not (_operands_ok(g, x, axis) and _omitted_or(where, True)):
        return None
    if is_number(x):
        return lambda g, x, axis=None, keepdims=False, where=True: g
    if is_number(g):
        return lambda g, x, axis=None, keepdims=False, where=True: np.full(x.shape, g)
    if g.ndim == 0:
        return lambda g, x, axis=None, keepdims=False, where=True: np.full(x.shape, g[()])
    return lambda g, x, axis=None, keepdims=False, where=True: spread(
        g, _kept(x.shape, axis), x.shape)


@overload(mean_bar)
def _mean_bar(g, x, axis=None, keepdims=False, where=True):
    if not (_operands_ok(g, x, axis) and _omitted_or(where, True)):
        return None
    if is_number(x):
        return lambda g, x, axis=None, keepdims=False, where=True: g / 1
    return lambda g, x, axis=None, keepdims=False, where=True: (
        sum_bar(g, x, axis, keepdims) / _count(x.shape, axis))


@overload(extremum_bar)
def _extremum_bar(g, y, x, axis=None, keepdims=False, initial=None, where=True):
    # (initial= and where= not ported: np.max(x, initial=v) runs numpy's code)
    if not (_operands_ok(g, x, axis) and (is_number(y) or is_array(y))
            and _omitted_or_none(initial) and _omitted_or(where, True)):
        return None
    if is_number(x):
        def number(g, y, x, axis=None, keepdims=False, initial=None, where=True):
            return g * 1.0 if x == y else np.nan
        return number

    def array(g, y, x, axis=None, keepdims=False, initial=None, where=True):
        kept = _kept(x.shape, axis)
        mask = x == _spread_any(y, kept, x.shape)
        counts = np.zeros(np.prod(kept))
        _accumulate(mask.astype(np.float64).reshape(-1), counts, _lengths(x.shape), kept)
        return _spread_any(g, kept, x.shape) * mask / spread(counts, kept, x.shape)
    return array


def _omitted_or_none(t):
    return t is None or isinstance(t, (types.Omitted, types.NoneType)) and \
        getattr(t, "value", None) is None


def _omitted_or(t, value):
    """An argument left out (numba's Omitted of its default) or the literal ``value``."""
    return t is value or isinstance(t, types.Omitted) and t.value is value or \
        getattr(t, "literal_value", None) is value


def _spread_any(v, kept, shape):
    """:func:`spread` for a number too (spread everywhere)."""


@overload(_spread_any)
def _spread_any_overload(v, kept, shape):
    if is_number(v):
        return lambda v, kept, shape: np.full(shape, v)
    if is_array(v, 0):
        return lambda v, kept, shape: np.full(shape, v[()])
    if is_array(v):
        return lambda v, kept, shape: spread(v, kept, shape)
    return None


# (where= and initial= not ported: numba compiles no np.prod(x, where=m, initial=v))
@overload(prod_bar)
def _prod_bar(g, x, axis=None, keepdims=False, where=True, initial=None):
    if not (_operands_ok(g, x, axis) and is_none(axis) and _omitted_or(where, True)
            and _omitted_or_none(initial)):
        return None
    if is_number(x):
        return lambda g, x, axis=None, keepdims=False, where=True, initial=None: g * 1.0
    if is_array(g) and g.ndim:
        return lambda g, x, axis=None, keepdims=False, where=True, initial=None: (
            g.reshape(-1)[0] * _exclusive_products(x))
    return lambda g, x, axis=None, keepdims=False, where=True, initial=None: (
        g * _exclusive_products(x))


@register_jitable
def _exclusive_products(x):
    """The product of every element of ``x`` but the one at each position (exact with
    zeros: prefix and suffix products), in ``x``'s shape."""
    flat = x.reshape(-1) if x.flags.c_contiguous else x.copy().reshape(-1)
    n = flat.size
    out = np.empty(n, flat.dtype)
    acc = 1
    for i in range(n):
        out[i] = acc
        acc = acc * flat[i]
    acc = 1
    for i in range(n - 1, -1, -1):
        out[i] = out[i] * acc
        acc = acc * flat[i]
    return out.reshape(x.shape)


def reduced_count(a, axis=None, ddof=0, where=True):
    """:func:`s2sad.runtime.reduced_count` (numba: see the module)."""
    return _numpy_scans.reduced_count(a, axis, ddof, where)


def nonzero_checked(y, what, needed=None):
    """:func:`s2sad.runtime.nonzero_checked` (numba: see the module)."""
    return _numpy_scans.nonzero_checked(y, what, needed)


# (where= not ported: numba compiles no np.var(x, where=m))
@overload(reduced_count, inline="always")
def _reduced_count(a, axis=None, ddof=0, where=True):
    if not (_axis_ok(axis) and isinstance(default_type(ddof), types.Number)
            and _omitted_or(where, True)):
        return None
    if is_number(a):
        return lambda a, axis=None, ddof=0, where=True: np.float64(1 - ddof)
    if is_array(a):
        return lambda a, axis=None, ddof=0, where=True: np.float64(_count(a.shape, axis) - ddof)
    return None


@overload(nonzero_checked, prefer_literal=True)
def _nonzero_checked(y, what, needed=None):
    name = literal(what)
    floats = is_number(y) or (is_array(y) and isinstance(y.dtype, types.Float))
    if name is refusal_unknown or not floats or not (is_none(needed) or is_number(needed)
                                                      or is_array(needed)):
        return None
    kind, constants = refusal(_numpy_scans.nonzero_checked, 0.0, name)
    parameters = "y, what, needed=None"
    if kind is None:
        return None
    refuse = register_jitable(raiser(kind, constants, parameters))
    given = not is_none(needed)
    if is_number(y):
        if is_array(needed):
            return None

        def number(y, what, needed=None):
            if y != 0:
                return y
            if given and needed == 0:
                return 1.0
            refuse(y, what, needed)
            return y
        return number

    def array(y, what, needed=None):
        zero = y == 0
        if not zero.any():
            return y
        if given and not (zero & (needed != 0)).any():
            return np.where(zero, 1.0, y)
        refuse(y, what, needed)
        return y
    return array
