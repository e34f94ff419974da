"""numba versions of :mod:`s2sad.runtime.shapes`: ``unbroadcast``, ``unbroadcast_to``,
``shape_of`` and ``zeros_like`` (and ``size_of``, of :mod:`s2sad.runtime.duck`).

Which case applies is decided when numba types the call (a number or an array, of
which dimension), so ``unbroadcast(g, x)`` on two numbers compiles to ``return g`` and
on two arrays of one dimension to a shape comparison; only a real broadcast runs the
general reduction (:func:`reduce_to`).  Called from Python, each name runs the numpy
helper.
"""

import numpy as np
from numba import types
from numba.extending import overload, register_jitable
from numba.np.numpy_support import as_dtype
from numba.typed import List

from ...runtime import duck as _duck
from ...runtime import shapes as _numpy
from .kinds import is_array, is_number, is_scalar_like, tuple_length


def unbroadcast(g, like):
    """:func:`s2sad.runtime.unbroadcast` (numba: see the module)."""
    return _numpy.unbroadcast(g, like)


def unbroadcast_to(g, target):
    """:func:`s2sad.runtime.unbroadcast_to` (numba: see the module)."""
    return _numpy.unbroadcast_to(g, target)


def shape_of(*values):
    """:func:`s2sad.runtime.shape_of` (numba: see the module)."""
    return _numpy.shape_of(*values)


def zeros_like(x):
    """:func:`s2sad.runtime.zeros_like` (numba: see the module)."""
    return _numpy.zeros_like(x)


def mean_count(x):
    """:func:`s2sad.runtime.mean_count` (numba: an array's size, 1 for a number)."""
    return _duck.mean_count(x)


@overload(mean_count, inline="always")
def _mean_count(x):
    if is_array(x):
        return lambda x: x.size
    if is_number(x):
        return lambda x: 1
    return None


def size_of(x):
    """:func:`s2sad.runtime.size_of` (numba: an array's size, 1 for a number)."""
    return _duck.size_of(x)


@overload(size_of, inline="always")
def _size_of(x):
    if is_array(x):
        return lambda x: x.size
    if is_number(x):
        return lambda x: 1
    return None


@overload(unbroadcast, inline="always")
def _unbroadcast(g, like):
    if is_number(g) and is_number(like):
        return lambda g, like: g   # two numbers: nothing was broadcast
    if is_array(g) and is_array(like) and g.ndim == like.ndim and g.ndim:
        def same_dimension(g, like):
            if g.shape == like.shape:
                return g
            return reduce_to(g, like.shape)
        return same_dimension
    if is_array(like):
        return lambda g, like: unbroadcast_to(g, like.shape)
    if is_number(like):
        return lambda g, like: unbroadcast_to(g, ())
    return None


@overload(unbroadcast_to, inline="always")
def _unbroadcast_to(g, target):
    count = tuple_length(target)
    if count is None or not (is_number(g) or is_array(g)):
        return None
    if count == 0:
        if is_scalar_like(g):
            return lambda g, target: g
        return lambda g, target: g.sum()   # everything, to one number
    if is_number(g):
        return lambda g, target: np.full(target, g)
    if g.ndim == 0:
        return lambda g, target: np.full(target, g.item())
    if g.ndim == count:
        def same_dimension(g, target):
            if g.shape == target:
                return g
            return reduce_to(g, target)
        return same_dimension
    return lambda g, target: reduce_to(g, target)


@register_jitable
def reduce_to(g, target):
    """``g`` (an array of at least one dimension) summed over the axes along which
    ``target`` was broadcast and spread over those it lacks: a new C-ordered array of
    shape ``target`` (a tuple of at least one length) and ``g``'s dtype."""
    out = np.zeros(target, g.dtype)
    _accumulate(np.ascontiguousarray(g).reshape(-1), out.reshape(-1),
                _lengths(g.shape), _lengths(target))
    return out


@register_jitable
def _lengths(shape):
    """A shape as an array (so that :func:`_accumulate` compiles once, for any dimension)."""
    out = np.empty(len(shape), np.intp)
    for k in range(len(shape)):
        out[k] = shape[k]
    return out


@register_jitable
def _accumulate(flat_g, flat_out, g_shape, target):
    """``flat_out[o(i)] += flat_g[g(i)]`` over every index ``i`` of the shape both
    shapes broadcast to (an odometer over the outer axes, a strided loop along the
    last); ``o`` and ``g`` drop the axes of length 1 and those a shape lacks."""
    g_nd, t_nd = len(g_shape), len(target)
    nd = max(g_nd, t_nd)
    full = np.empty(nd, np.intp)     # the shape both broadcast to
    g_step = np.zeros(nd, np.intp)   # element strides of g and of the result in it
    out_step = np.zeros(nd, np.intp)
    g_stride, out_stride = 1, 1
    for k in range(nd - 1, -1, -1):
        n = g_shape[k - nd + g_nd] if k >= nd - g_nd else 1
        t = target[k - nd + t_nd] if k >= nd - t_nd else 1
        if n == t or t == 1:
            full[k] = n
        elif n == 1:
            full[k] = t
        else:
            raise ValueError("an adjoint cannot be reduced to the shape of its value "
                             "(the shapes do not broadcast)")
        if n != 1:
            g_step[k] = g_stride
        if t != 1:
            out_step[k] = out_stride
        g_stride *= n
        out_stride *= t
    for n in full:
        if n == 0:
            return
    last, g_last, out_last = full[nd - 1], g_step[nd - 1], out_step[nd - 1]
    index = np.zeros(nd, np.intp)
    g_at, out_at = 0, 0
    while True:
        gi, oi = g_at, out_at
        for _ in range(last):
            flat_out[oi] += flat_g[gi]
            gi += g_last
            oi += out_last
        k = nd - 2
        while k >= 0:
            index[k] += 1
            g_at += g_step[k]
            out_at += out_step[k]
            if index[k] < full[k]:
                break
            g_at -= g_step[k] * full[k]
            out_at -= out_step[k] * full[k]
            index[k] = 0
            k -= 1
        if k < 0:
            return


@overload(shape_of)   # (numba inlines no call with *args)
def _shape_of(*values):
    if len(values) == 1 and isinstance(values[0], types.StarArgTuple):
        values = values[0].types
    if not all(is_number(v) or is_array(v) for v in values):
        return None
    arrays = [i for i, v in enumerate(values) if is_array(v) and v.ndim]
    if not arrays:
        return lambda *values: ()
    if len(arrays) == 1:
        only = arrays[0]
        return lambda *values: values[only].shape
    dims = {values[i].ndim for i in arrays}
    shapes = ", ".join(f"values[{i}].shape" for i in arrays)
    same = " and ".join(f"values[{arrays[0]}].shape == values[{i}].shape"
                        for i in arrays[1:])
    source = (f"def impl(*values):\n"
              + (f"    if {same}:\n        return values[{arrays[0]}].shape\n"
                 if len(dims) == 1 else "")
              + f"    return np.broadcast_shapes({shapes})\n")
    scope = {"np": np}
    exec(source, scope)   # one line per count of arrays: numba unrolls no tuple loop
    return scope["impl"]


@overload(zeros_like, inline="always")
def _zeros_like(x):
    if isinstance(x, types.Complex):
        return lambda x: 0j
    if is_number(x):
        return lambda x: 0.0
    if is_array(x):
        dtype = as_dtype(x.dtype).type if isinstance(x.dtype, (types.Float, types.Complex)) \
            else np.float64
        return lambda x: np.zeros(x.shape, dtype)
    if isinstance(x, types.List) and (is_number(x.dtype) or is_array(x.dtype)):
        return lambda x: [zeros_like(item) for item in x]
    if isinstance(x, types.ListType) and (is_number(x.dtype) or is_array(x.dtype)):
        def typed_list(x):
            items = List()
            for item in x:
                items.append(zeros_like(item))
            return items
        return typed_list
    if isinstance(x, types.BaseTuple) and all(is_number(t) or is_array(t) for t in x):
        items = ", ".join(f"zeros_like(x[{i}])" for i in range(len(x)))
        scope = {"zeros_like": zeros_like}
        exec(f"def impl(x):\n    return ({items}{',' if len(x) == 1 else ''})\n", scope)
        return scope["impl"]
    return None


def range_item(r, position):
    """``r[position]`` of a range (the normalizer's ``reversed()`` of a range object reads
    ``r[last - index]``; numba cannot index a range).  Called from Python: ``r[position]``."""
    return r[position]


@overload(range_item, inline="always")
def _range_item(r, position):
    if isinstance(r, types.RangeType) and isinstance(position, types.Integer):
        # (a product inside the range's own bounds: numba's int64 holds it as it holds them)
        return lambda r, position: r.start + position * r.step
    return None
