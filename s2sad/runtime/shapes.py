"""Shapes and zeros: reduce a broadcast adjoint to its argument's shape, the float
dtype adjoints take, zeros like a value.  Input: arrays and numbers; output: new
arrays (or the input itself when it already has the shape asked for).
"""

from ..rules.records import fact
from .numpy_view import np
from .duck import as_like, filled, is_duck, like_the_call, same_shape, zeros_for



@fact(view=True, linear=("g",))
def unbroadcast(g, like):
    """Sum ``g`` over the axes along which ``like`` was broadcast.

    Returns ``g`` itself when the shapes already match.  A ``g`` smaller
    than ``like`` (a contribution that is the same for every element) is
    spread over ``like``'s shape as a fresh, writable array.
    """
    kind = g.__class__
    if kind is like.__class__:
        if kind in _SCALAR_TYPES:
            return g   # two numbers: nothing was broadcast (the hot path of scalar code)
        if kind is _ndarray and g.shape == like.shape:
            return g   # two arrays of one shape (the hot path of array code)
    if like.__class__ is not _ndarray and is_duck(like):
        # a Dask like: g spread lazily in like's blocks (not one block of it all, nor a
        # numpy array of its size), or reduced lazily, as Dask
        shape = tuple(like.shape)
        if np.shape(g) != shape and _spreads_to(np.shape(g), shape):
            return filled(shape, g, like)
        if kind is not _ndarray:
            return unbroadcast_to(as_like(g, like), shape)
    return unbroadcast_to(g, np.shape(like))



_ndarray = np.ndarray



_SCALAR_TYPES = frozenset({float, int, np.float64, np.float32, np.int64, np.complex128})



def _spreads_to(shape, target):
    """Whether an array of ``shape`` broadcasts to ``target`` (nothing to sum)."""
    extra = len(target) - len(shape)
    return extra >= 0 and all(n == 1 or n == t for n, t in zip(shape, target[extra:]))



@fact(allocates=True)
def shape_of(*values):
    """The shape of the broadcast of ``values``: a temporary's shape, from its operands."""
    shapes = [np.shape(v) for v in values]
    first = shapes[0]
    if all(shape == first for shape in shapes):
        return first   # nothing was broadcast (the common case), without numpy's dispatch
    return np.broadcast_shapes(*shapes)



@fact(view=True, linear=("g",))
def unbroadcast_to(g, target):
    """:func:`unbroadcast` to a shape rather than to an array's shape."""
    shape = g.shape if g.__class__ is _ndarray else np.shape(g)
    if shape == target or same_shape(shape, target):   # (a lazy array's unknown length
        return g                                         # is nan: it matches its own kind)
    extra = len(shape) - len(target)
    if extra >= 0 and g.__class__ is _ndarray and g.size and g.dtype.kind in "fc" \
            and g.flags.c_contiguous:
        # the common reductions, each one call (see _sum_axes for the products)
        if not target:
            return g.sum()   # everything, to one number
        if extra and shape[extra:] == target:   # leading axes only (a bias's adjoint)
            rows = g.size // _product(target)
            return (_ones(rows, g.dtype) @ g.reshape(rows, -1)).reshape(target)
        if not extra:   # trailing axes only, kept with length 1 (keepdims)
            kept = len(target)
            while kept and target[kept - 1] == 1 and shape[kept - 1] != 1:
                kept -= 1
            if shape[:kept] == target[:kept]:
                columns = g.size // _product(shape[:kept])
                return (g.reshape(-1, columns) @ _ones(columns, g.dtype)).reshape(target)
    if len(shape) < len(target) or any(
            n != t and n == 1 for n, t in zip(shape[len(shape) - len(target):], target)):
        # g lacks some of like's axes or has size 1 where like does not: spread it first
        g = np.broadcast_to(g, np.broadcast_shapes(shape, target))
        shape = np.shape(g)
    extra = len(shape) - len(target)
    if extra > 0:
        g = _sum_axes(g, tuple(range(extra)), keepdims=False)
    axes = tuple(i for i, n in enumerate(target) if n == 1 and np.shape(g)[i] != 1)
    if axes:
        g = _sum_axes(g, axes, keepdims=True)
    if not same_shape(np.shape(g), target):
        raise ValueError(f"an adjoint of shape {shape} cannot be reduced to shape {target}")
    if isinstance(g, np.ndarray) and not g.flags.writeable:
        g = g.copy()  # a broadcast view: never hand out a read-only adjoint
    return g



def _sum_axes(g, axes, keepdims):
    """``np.sum(g, axis=axes, keepdims=keepdims)``.

    When ``axes`` are the leading or the trailing axes of a contiguous float
    array (and leave some behind), the sum is a matrix-vector product with a
    vector of ones: numpy reduces across short rows several times slower than
    BLAS multiplies (a (1000, 8) array: 17 µs against 3 µs).
    """
    if g.__class__ is _ndarray and g.dtype.kind in "fc" and g.flags.c_contiguous \
            and g.size and len(axes) < g.ndim:
        shape, count = g.shape, len(axes)
        if axes == tuple(range(count)):
            kept = shape[count:]
            rows = g.size // _product(kept)
            out = _ones(rows, g.dtype) @ g.reshape(rows, -1)
            return out.reshape(((1,) * count if keepdims else ()) + kept)
        if axes == tuple(range(g.ndim - count, g.ndim)):
            kept = shape[:g.ndim - count]
            columns = g.size // _product(kept)
            out = g.reshape(-1, columns) @ _ones(columns, g.dtype)
            return out.reshape(kept + ((1,) * count if keepdims else ()))
    return np.sum(g, axis=axes, keepdims=keepdims)



_ONES = {}



def _ones(n, dtype):
    """A read-only vector of ``n`` ones, made once per size (the sums above reuse it)."""
    key = (n, dtype)
    ones = _ONES.get(key)
    if ones is None:
        if len(_ONES) >= 64:
            _ONES.clear()
        ones = np.ones(n, dtype=dtype)
        ones.flags.writeable = False
        _ONES[key] = ones
    return ones



def _product(sizes):
    out = 1
    for n in sizes:
        out *= n
    return out



def float_like(x):
    """The floating dtype an adjoint of ``x`` has: x's own if it is inexact; float64 for
    a string or bytes (a leaf that carries no derivative: numpy would read "1.5" or
    "f4" as the name of a dtype)."""
    if x.__class__ is _ndarray:
        dtype = x.dtype
    elif x.__class__ in _STRINGS:
        return _FLOAT64
    else:
        dtype = np.result_type(x)
    if dtype.kind in "fc":
        return dtype
    return _FLOAT64


_FLOAT64 = np.dtype(np.float64)
#: (asked by class: isinstance costs more than float_like's own work)
_STRINGS = frozenset({str, bytes, np.str_, np.bytes_})



@fact(allocates=True)
def zeros_like(x):
    """A zero adjoint for ``x``: ``0.0`` for a scalar, a writable float array otherwise,
    a list or a plain tuple of those for a list or a tuple (a named tuple too: the
    result of ``np.linalg.slogdet``)."""
    if isinstance(x, np.ndarray):   # (of Dask's library for an argument given with
        # Dask data: duck.called_with)
        return zeros_for(x, np.zeros(x.shape, dtype=float_like(x)))
    if is_duck(x):   # a Dask array...: lazy zeros of its library
        return np.zeros_like(x, dtype=float_like(x.dtype))
    if isinstance(x, (list, tuple)):
        items = [zeros_like(item) for item in x]
        return items if isinstance(x, list) else tuple(items)
    if isinstance(x, dict):
        return {k: zeros_like(v) for k, v in x.items()}
    if isinstance(x, complex):
        return 0j
    if np.ndim(x) == 0:
        return 0.0
    return np.zeros(np.shape(x), dtype=float_like(x))



@fact(view=True, linear=("t",))
def broadcast_like(t, like):
    """The tangent ``t`` spread to the shape of ``like`` (``t`` itself when it matches).

    A tangent of ``a + b`` with ``b`` constant is ``a_dot``, which is smaller
    than the sum when ``b`` broadcasts ``a``; this gives it the sum's shape,
    as a fresh writable array.
    """
    shape = np.shape(like)
    if np.shape(t) == shape:
        return t
    if is_duck(t) or is_duck(like):   # lazily, in the duck array's library (and blocks)
        t = filled(shape, t, like)
        return t.astype(float_like(t.dtype))
    return np.array(np.broadcast_to(t, shape), dtype=float_like(t))



@fact(allocates=True, linear=("t",))
def writable_copy(t):
    """A fresh float array holding ``t`` (before the tangent is written in place); for
    the tangent of a list, tuple or dict (a value of unknown kind where the code was
    made: a helper's result), a new list or dict of its items."""
    if isinstance(t, (list, tuple)):
        return list(t)
    if isinstance(t, dict):
        return dict(t)
    if is_duck(t):   # its own library's copy (lazy for Dask)
        return t.astype(float_like(t.dtype), copy=True)
    copy = np.array(t, dtype=float_like(t), copy=True)
    # (a number's tangent stays numpy's: written into a numpy array, a Dask one would
    # compute; it takes the Dask library where it meets Dask data, broadcast_like)
    return copy if copy.ndim == 0 else like_the_call(copy)


def split_at(g, sizes, axis=0):
    """The consecutive slices of ``g`` along ``axis``, of lengths ``sizes``: what
    ``np.split(g, np.cumsum(sizes)[:-1], axis)`` gives, by slicing (views of a numpy
    ``g``, and lazy on a Dask array, which has no ``np.split``)."""
    bounds, start = [], 0
    for size in sizes:
        bounds.append((start, start + int(size)))
        start += int(size)
    return slices_at(g, bounds, axis)


def slices_at(g, bounds, axis=0):
    """``g[..., start:stop]`` along ``axis`` for each ``(start, stop)`` of ``bounds``."""
    before = (slice(None),) * (axis % np.ndim(g))
    return [g[before + (slice(start, stop),)] for start, stop in bounds]


def split_bounds(length, indices_or_sections):
    """The ``(start, stop)`` of each piece ``np.array_split`` (and ``np.split``) makes of
    an axis of ``length`` (``indices_or_sections`` a number of sections or the indices
    to split at, which may be negative, past the end or out of order)."""
    if np.ndim(indices_or_sections) == 0:
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.")
        each, extras = divmod(length, sections)
        sizes = [each + 1] * extras + [each] * (sections - extras)
        starts = [sum(sizes[:k]) for k in range(sections)]
        return [(a, a + n) for a, n in zip(starts, sizes)]
    points = [0] + [int(i) for i in indices_or_sections] + [length]
    return [(_clamped(a, length), max(_clamped(a, length), _clamped(b, length)))
            for a, b in zip(points[:-1], points[1:])]


def _clamped(i, length):
    """Where a slice bound ``i`` falls on an axis of ``length``."""
    return min(max(i + length if i < 0 else i, 0), length)
