"""numba versions of the helpers forward-mode code imports from
:mod:`s2sad.runtime_forward`: ``broadcast_like``, ``writable_copy``, ``index_set`` and
``xdivy``.

Called from Python, each name runs the numpy helper.
"""

import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from ... import runtime_forward as _numpy
from .indexing import as_float, basic_index
from .kinds import elementwise_case, is_array, is_number, on_numbers
from .refusals import raiser, refusal
from .shapes import _accumulate, _lengths


def broadcast_like(t, like):
    """:func:`s2sad.runtime_forward.broadcast_like` (numba: see the module)."""
    return _numpy.broadcast_like(t, like)


def writable_copy(t):
    """:func:`s2sad.runtime_forward.writable_copy` (numba: see the module)."""
    return _numpy.writable_copy(t)


def index_set(x, index, value):
    """:func:`s2sad.runtime_forward.index_set` (numba: see the module)."""
    return _numpy.index_set(x, index, value)


def xdivy(x, y):
    """:func:`s2sad.runtime_forward.xdivy` (numba: see the module)."""
    return _numpy.xdivy(x, y)


@register_jitable
def spread_to(t, shape):
    """``t`` (an array) broadcast to ``shape`` as a new C-ordered float array; a ``t``
    that does not broadcast to ``shape`` is refused as numpy refuses it."""
    t_shape, target = _lengths(t.shape), _lengths(shape)
    extra = len(target) - len(t_shape)
    if extra < 0:
        raise ValueError("a tangent cannot be broadcast to the shape of its value")
    for k in range(len(t_shape)):
        if t_shape[k] != 1 and t_shape[k] != target[k + extra]:
            raise ValueError("a tangent cannot be broadcast to the shape of its value")
    out = np.zeros(shape, np.float64)
    _accumulate(np.ascontiguousarray(t).reshape(-1), out.reshape(-1), t_shape, target)
    return out


@overload(broadcast_like, inline="always")
def _broadcast_like(t, like):
    if is_number(like) and is_number(t):
        return lambda t, like: t
    if not is_array(like) or not (is_number(t) or is_array(t)):
        return None
    if is_number(t):
        return lambda t, like: np.full(like.shape, np.float64(t))
    if t.ndim == like.ndim and t.ndim:
        def same_dimension(t, like):
            if t.shape == like.shape:
                return t
            return spread_to(t, like.shape)
        return same_dimension
    if t.ndim == 0:
        return lambda t, like: np.full(like.shape, np.float64(t[()]))
    return lambda t, like: spread_to(t, like.shape)


@overload(writable_copy)
def _writable_copy(t):
    if is_number(t) or is_array(t):
        return lambda t: as_float(t)
    if isinstance(t, types.List):
        return lambda t: list(t)
    return None


@overload(index_set)
def _index_set(x, index, value):
    if not (is_array(x) and basic_index(index)):
        return None
    complex_value = isinstance(value, types.Complex) or (
        is_array(value) and isinstance(value.dtype, types.Complex))
    if complex_value and not isinstance(x.dtype, types.Complex):
        kind, constants = refusal(_numpy.index_set, np.zeros(1), 0, 1j)
        return raiser(kind, constants, "x, index, value") if kind is not None else None
    keep = isinstance(x.dtype, (types.Integer, types.Boolean))
    mutable = x.mutable

    def impl(x, index, value):
        if not mutable:
            raise ValueError("assignment destination is read-only")
        out = x.copy() if keep else as_float(x)
        out[index] = value
        return out
    return impl


@overload(xdivy, inline=on_numbers)
def _xdivy(x, y):
    case = elementwise_case(x, y)
    if case == "numbers":
        return lambda x, y: 0.0 if x == 0 else np.divide(x, y)
    if case == "arrays":
        def arrays(x, y):
            zero = np.equal(x, 0)
            return np.where(zero, 0.0, x / np.where(zero, 1.0, y))
        return arrays
    return None
