"""Joining, splitting, selecting and sorting (issue 14): the adjoints of ``np.hstack``,
``np.vstack``, ``np.dstack``, ``np.column_stack``, ``np.append``, ``np.split`` and its
kin, ``np.take``, ``np.take_along_axis``, ``np.choose``, ``np.select``, ``np.sort``,
``np.partition`` and ``np.add.at``.  Every helper returns a new value (or a view of the
adjoint) and leaves its inputs as they are; each is linear in the adjoint ``g``.
"""

from .numpy_view import np
from .duck import (as_array, as_like, duck_among, is_duck, shape_meta, size_of,
                   unknown_shape)
from .scatter import added_at

from ..rules.records import fact
from .shapes import float_like, slices_at, split_at, split_bounds


def _float(x):
    """The float dtype of ``x``'s adjoint (``x`` an array, a number or a list of them)."""
    return float_like(x if isinstance(x, np.ndarray) else as_array(x))


def _pieces(g, arrays, axis, promote):
    """The slices of ``g`` along ``axis`` that the items of ``arrays`` (each promoted by
    ``promote``, as the stacking function does) became, each in its item's own shape."""
    sizes = [np.shape(promote(a))[axis] for a in arrays]
    parts = split_at(g, sizes, axis)   # (slices: Dask has no np.split)
    return [np.reshape(p, np.shape(a)) for p, a in zip(parts, arrays)]


@fact(view=True, linear=("g",))
def hstack_bar(g, tup):
    """Adjoint of ``np.hstack(tup)``: 1-d items are joined along axis 0, others along 1."""
    axis = 0 if np.ndim(np.atleast_1d(tup[0])) == 1 else 1
    return _pieces(g, tup, axis, np.atleast_1d)


@fact(allocates=True, linear=("tup",))
def hstack_of(tup):
    """``np.hstack(tup)`` whose items may be 0-d Dask arrays (the tangents or adjoints of
    numbers), which Dask's ``hstack`` refuses: each item made 1-d first, as numpy does."""
    if any(is_duck(t) for t in tup):
        return np.hstack([np.atleast_1d(t) for t in tup])
    return np.hstack(tup)


@fact(view=True, linear=("g",))
def vstack_bar(g, tup):
    """Adjoint of ``np.vstack(tup)`` (items made 2-d, joined along axis 0)."""
    return _pieces(g, tup, 0, np.atleast_2d)


@fact(view=True, linear=("g",))
def dstack_bar(g, tup):
    """Adjoint of ``np.dstack(tup)`` (items made 3-d, joined along axis 2)."""
    return _pieces(g, tup, 2, np.atleast_3d)


def _as_column(a):
    a = as_array(a)
    return a.reshape(-1, 1) if a.ndim < 2 else a


@fact(view=True, linear=("g",))
def column_stack_bar(g, tup):
    """Adjoint of ``np.column_stack(tup)`` (1-d items become columns, joined along 1)."""
    return _pieces(g, tup, 1, _as_column)


@fact(view=True, linear=("g",))
def append_bar(g, arr, values, axis=None):
    """Adjoint of ``np.append(arr, values, axis)``: the pair (arr's part, values' part)."""
    if axis is None:
        size = size_of(arr)
        flat = np.ravel(g)
        return np.reshape(flat[:size], np.shape(arr)), np.reshape(flat[size:], np.shape(values))
    size = np.shape(arr)[axis]
    first, second = split_at(g, (size, np.shape(g)[axis] - size), axis)
    return first, second


# ----------------------------------------------------------------- splitting

@fact(allocates=True, linear=("g",))
def split_bar(g, ary, indices_or_sections, axis=0):
    """Adjoint of ``np.split(ary, indices_or_sections, axis)`` (also ``np.array_split``):
    the pieces' adjoints ``g`` joined back along ``axis``; a piece nothing used has a
    zero adjoint (a number 0.0, or zeros), made the piece's shape here."""
    shape = np.shape(ary)
    axis = axis % len(shape)
    bounds = split_bounds(shape[axis], indices_or_sections)
    out = [np.broadcast_to(as_array(p_bar, dtype=_float(ary)),
                           shape[:axis] + (stop - start,) + shape[axis + 1:])
           for p_bar, (start, stop) in zip(g, bounds)]
    if not out:
        return np.zeros(shape)
    if all(b[0] == a[1] for a, b in zip(bounds[:-1], bounds[1:])) \
            and bounds[-1][1] == shape[axis]:
        return np.concatenate(out, axis=axis)
    # split at indices out of order: pieces overlap (or leave a gap), each adds its part
    widths = [(0, 0)] * len(shape)
    total = 0.0
    for part, (start, stop) in zip(out, bounds):
        if start == stop:
            continue   # (an empty piece; Dask cannot pad one)
        widths[axis] = (start, shape[axis] - stop)
        total = total + np.pad(part, widths)
    return np.zeros(shape) if isinstance(total, float) else total


@fact(view=True, linear=("ary",))
def split_of(ary, indices_or_sections, axis=0):
    """``np.array_split(ary, indices_or_sections, axis)`` (``np.split``'s pieces where it
    splits evenly) by slicing: lazy on a Dask array, which has no ``np.split``."""
    axis = axis % np.ndim(ary)
    return slices_at(ary, split_bounds(np.shape(ary)[axis], indices_or_sections), axis)


@fact(allocates=True, linear=("g",))
def hsplit_bar(g, ary, indices_or_sections):
    """Adjoint of ``np.hsplit``: a split along axis 1 (axis 0 for a 1-d array)."""
    return split_bar(g, ary, indices_or_sections, 1 if np.ndim(ary) > 1 else 0)


@fact(allocates=True, linear=("g",))
def vsplit_bar(g, ary, indices_or_sections):
    """Adjoint of ``np.vsplit``: a split along axis 0."""
    return split_bar(g, ary, indices_or_sections, 0)


@fact(allocates=True, linear=("g",))
def dsplit_bar(g, ary, indices_or_sections):
    """Adjoint of ``np.dsplit``: a split along axis 2."""
    return split_bar(g, ary, indices_or_sections, 2)


# ----------------------------------------------------------------- selecting

def _wrapped(indices, n, mode):
    """``indices`` as ``np.take``/``np.choose`` read them under ``mode``."""
    indices = as_array(indices)
    if mode == "wrap":
        return indices % n
    if mode == "clip":
        return np.clip(indices, 0, n - 1)
    return indices


@fact(allocates=True, linear=("g",))
def take_bar(g, a, indices, axis=None, mode="raise"):
    """Adjoint of ``np.take(a, indices, axis, mode=mode)``: ``g`` added back where each
    element was taken from; an element taken twice receives both adjoints (a 0-d ``a``
    is read as one element whatever ``axis``, as numpy reads it)."""
    out = _zeros(a, g)
    g = as_array(g)
    if not np.ndim(out):
        axis = None
    if is_duck(out):   # (no ufunc.at on a Dask array: runtime.scatter, lazily)
        if axis is None:
            return np.reshape(added_at(np.ravel(out), _wrapped(indices, size_of(out), mode),
                                       g), np.shape(out))
        axis = axis % out.ndim
        index = _wrapped(indices, out.shape[axis], mode)
        return added_at(out, (slice(None),) * axis + (index,), g)
    if axis is None:
        flat = out.reshape(-1)
        np.add.at(flat, _wrapped(indices, flat.size, mode), g)
        return out
    axis = axis % out.ndim
    index = _wrapped(indices, out.shape[axis], mode)
    k = index.ndim
    moved = np.moveaxis(g, list(range(axis, axis + k)), list(range(k)))
    np.add.at(np.moveaxis(out, axis, 0), index, moved)
    return out


@fact(allocates=True, linear=("a",))
def take_of(a, indices, axis=None, mode="raise"):
    """``np.take(a, indices, axis, mode=mode)``, lazily on a Dask ``a`` too (Dask's take
    has no ``mode`` and no index of more than one axis): the index brought into range
    as ``mode`` says, then one integer array read along ``axis``."""
    if not is_duck(a):
        return np.take(a, indices, axis, mode=mode)
    if axis is None:
        a, axis = np.ravel(a), 0
    axis = axis % a.ndim
    index = _wrapped(indices, a.shape[axis], mode)
    return gathered(a, (slice(None),) * axis + (index,))


def _along_axis_index(indices, shape, axis):
    """The tuple of integer arrays that reads ``np.take_along_axis(a, indices, axis)`` as
    ``a[index]`` (``a`` of ``shape``)."""
    indices = as_array(indices)
    full = np.broadcast_shapes(indices.shape, tuple(
        1 if d == axis else n for d, n in enumerate(shape)))
    index = []
    for d in range(len(shape)):
        if d == axis:
            index.append(np.broadcast_to(indices, full))
        else:
            step = [1] * len(shape)
            step[d] = shape[d]
            index.append(np.broadcast_to(np.arange(shape[d]).reshape(step), full))
    return tuple(index)


@fact(allocates=True, linear=("arr",))
def take_along_of(arr, indices, axis=-1):
    """``np.take_along_axis(arr, indices, axis)``, lazily on a Dask ``arr`` too (Dask
    lacks it): ``arr`` read at the integer arrays it stands for."""
    if not is_duck(arr):
        return np.take_along_axis(arr, indices, axis)
    if axis is None:
        return gathered(np.ravel(arr), (as_array(indices),))
    return gathered(arr, _along_axis_index(indices, tuple(arr.shape), axis % arr.ndim))


def gathered(a, index):
    """``a[index]`` for an ``index`` of integers, integer arrays and slices, lazily on a
    Dask ``a`` whose own indexing refuses integer arrays of more than one axis or on more
    than one axis: the axes read by arrays made one, read by one 1-d array of flat
    positions, and the result shaped as numpy shapes it."""
    index = index if isinstance(index, tuple) else (index,)
    if not is_duck(a) or not _fancy_beyond_dask(index):
        return a[index]
    if any(p is None or p is Ellipsis or isinstance(p, (bool, np.bool_)) or (
            not isinstance(p, slice) and as_array(p).dtype.kind not in "iu") for p in index):
        from ..errors import LazyShapeError
        raise LazyShapeError(
            "the derivative reads a Dask array at an index mixing integer arrays on "
            "several axes with None, ... or a boolean array, which Dask cannot read "
            "lazily (it raises on such fancy indexing)",
            hint="index with integer arrays and slices only (np.flatnonzero(mask) for a "
                 "mask), or compute the Dask array first")
    ndim = a.ndim
    index = index + (slice(None),) * (ndim - len(index))
    arrays = [d for d, p in enumerate(index) if not isinstance(p, slice)]
    rest = [d for d in range(ndim) if d not in arrays]
    moved = np.transpose(a, arrays + rest)[(slice(None),) * len(arrays)
                                          + tuple(index[d] for d in rest)]
    sizes = tuple(a.shape[d] for d in arrays)
    parts = np.broadcast_arrays(*[as_array(index[d]) for d in arrays])
    parts = [np.where(p < 0, p + n, p) for p, n in zip(parts, sizes)]
    flat = np.ravel_multi_index(parts, sizes) if parts[0].ndim else \
        np.ravel_multi_index(tuple(np.atleast_1d(p) for p in parts), sizes)
    joined = np.reshape(moved, (int(np.prod(sizes, dtype=int)),) + tuple(moved.shape[len(arrays):]))
    out = np.reshape(joined[np.ravel(flat)], parts[0].shape + tuple(moved.shape[len(arrays):]))
    if arrays == list(range(arrays[0], arrays[-1] + 1)) and arrays[0]:
        # arrays side by side: numpy puts their axes where they were
        k = parts[0].ndim
        out = np.moveaxis(out, list(range(k)), list(range(arrays[0], arrays[0] + k)))
    return out


def _fancy_beyond_dask(index):
    """Whether Dask's own indexing refuses ``index``: an integer array of more than one
    axis, or integer arrays (or lists) on more than one axis."""
    arrays = [p for p in index if isinstance(p, (list, tuple, np.ndarray))]
    return len(arrays) > 1 or any(np.ndim(p) > 1 for p in arrays)


@fact(allocates=True, linear=("g",))
def take_along_axis_bar(g, arr, indices, axis=-1):
    """Adjoint of ``np.take_along_axis(arr, indices, axis)``: ``g`` added back where each
    element was taken from (repeats add up)."""
    out = _zeros(arr, g)
    if axis is None:
        if is_duck(out):
            return np.reshape(added_at(np.ravel(out), as_array(indices), g), np.shape(out))
        np.add.at(out.reshape(-1), as_array(indices), g)
        return out
    g = as_array(g)
    axis = axis % out.ndim
    index = []
    for d in range(out.ndim):
        if d == axis:
            index.append(np.broadcast_to(indices, g.shape))
        else:
            shape = [1] * out.ndim
            shape[d] = out.shape[d]
            index.append(np.broadcast_to(np.arange(out.shape[d]).reshape(shape), g.shape))
    if is_duck(out):
        return added_at(out, tuple(index), g)
    np.add.at(out, tuple(index), g)
    return out


def _zeros(a, g):
    """Zeros in the shape of ``a`` and its adjoint's float dtype: a lazy Dask (duck)
    array when ``a`` or ``g`` is one (never a numpy array of a Dask array's size)."""
    if is_duck(a):
        return np.zeros_like(a, dtype=_float(a))
    out = np.zeros(np.shape(a), dtype=_float(a))
    return as_like(out, g)


def _unbroadcast_to(g, shape):
    """``g`` summed over the axes along which an argument of ``shape`` was broadcast."""
    g = as_array(g)
    lead = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(lead))) if lead > 0 else g
    axes = tuple(d for d, n in enumerate(shape) if n == 1 and g.shape[d] != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g


def _like(parts, choices):
    """``parts`` (one adjoint per choice) as ``choices`` came: a list, or one array."""
    if isinstance(choices, np.ndarray) or is_duck(choices):
        return np.stack(parts) if parts else np.zeros(shape_meta(choices))
    return type(choices)(parts) if isinstance(choices, tuple) else list(parts)


@fact(allocates=True, linear=("g",))
def choose_bar(g, a, choices, mode="raise"):
    """Adjoint of the choices in ``np.choose(a, choices, mode=mode)``: choice ``j`` gets
    ``g`` where ``a`` picked it (summed over the axes it was broadcast along)."""
    n = len(choices)
    index = _wrapped(a, n, mode)
    g = as_array(g)
    parts = []
    for j in range(n):
        shape = np.shape(choices[j])
        part = np.where(index == j, g, 0.0)
        parts.append(np.reshape(_unbroadcast_to(part, shape), shape).astype(_float(g)))
    return _like(parts, choices)


@fact(allocates=True, linear=("choices",))
def choose_of(a, choices, mode="raise"):
    """``np.choose(a, choices, mode=mode)``; with a duck array among them (Dask's
    np.choose takes no ``mode``) the indices are read under ``mode`` first."""
    if duck_among(a, *choices) is None:
        return np.choose(a, choices, mode=mode)
    return np.choose(_wrapped(a, len(choices), mode), list(choices))


@fact(allocates=True, linear=("choicelist", "default"))
def select_of(condlist, choicelist, default=0):
    """``np.select(condlist, choicelist, default)``; with a duck array among them, as
    ``np.where`` from the last condition to the first (the first that holds wins), which
    broadcasts as numpy does (Dask's np.select does not broadcast choices of fewer axes)."""
    if duck_among(default, *condlist, *choicelist) is None:
        return np.select(condlist, choicelist, default)
    out = default
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = np.where(cond, choice, out)
    return out


@fact(allocates=True, linear=("g",))
def select_bar(g, condlist, choicelist, default=0):
    """Adjoint of ``np.select(condlist, choicelist, default)``: the pair (the choices'
    adjoints, the default's).  Choice ``j`` gets ``g`` where ``condlist[j]`` is the first
    condition that holds; the default where none holds."""
    g = as_array(g)
    taken = np.zeros(g.shape, dtype=bool)
    parts = []
    for cond, choice in zip(condlist, choicelist):
        here = np.broadcast_to(cond, g.shape) & ~taken
        shape = np.shape(choice)
        parts.append(np.reshape(_unbroadcast_to(np.where(here, g, 0.0), shape), shape))
        taken = taken | here
    shape = np.shape(default)
    rest = np.reshape(_unbroadcast_to(np.where(taken, 0.0, g), shape), shape)
    return _like(parts, choicelist), rest if shape or is_duck(rest) else float(rest)


# ------------------------------------------------------------------- sorting

def sort_order(y, a, axis):
    """The indices ``order`` with ``y == np.take_along_axis(a, order, axis)`` for ``y`` a
    reordering of ``a`` along ``axis`` (of the flattened ``a`` for ``axis=None``): the
    sorted ``np.sort``, the partitioned ``np.partition``.  Equal values are matched in
    the order they come in (a stable sort of each), the convention at ties."""
    a = np.ravel(a) if axis is None else as_array(a)
    axis = -1 if axis is None else axis
    by_y = np.argsort(y, axis=axis, kind="stable")
    by_a = np.argsort(a, axis=axis, kind="stable")
    order = np.empty_like(by_a)
    np.put_along_axis(order, by_y, by_a, axis)
    return order


@fact(allocates=True, linear=("g",))
def reorder_bar(g, a, order, axis):
    """Adjoint of ``y = np.take_along_axis(a, order, axis)`` for a reordering ``order``
    (no repeats; the flattened ``a`` for ``axis=None``): ``g`` put back in place."""
    if is_duck(g) and not is_duck(order) and np.shape(order) == (
            (size_of(a),) if axis is None else np.shape(a)):
        # (Dask has no np.put_along_axis: a reordering is undone by reading g in the
        # inverse order, lazily)
        inverse = np.argsort(order, axis=-1 if axis is None else axis)
        back = take_along_of(g, inverse, -1 if axis is None else axis)
        return np.reshape(back, np.shape(a))
    out = np.zeros(size_of(a) if axis is None else np.shape(a), dtype=_float(a))
    np.put_along_axis(out, order, g, -1 if axis is None else axis)
    return out.reshape(np.shape(a))


@fact(allocates=True, linear=("t",))
def reorder_dot(t, order, axis):
    """Tangent of the reordering ``y = np.take_along_axis(a, order, axis)`` (see
    :func:`sort_order`): ``t`` reordered the same way."""
    if axis is None:
        return take_along_of(np.ravel(t), order, -1)
    return take_along_of(as_array(t), order, axis)   # (lazily on Dask, which lacks it)


# ----------------------------------------------------------------- x.item()

def _flat_position(shape, index):
    if index is None:
        if int(np.prod(shape, dtype=int)) != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return 0
    if isinstance(index, tuple):
        return int(np.ravel_multi_index(index, shape)) if len(index) != 1 else \
            _flat_position(shape, index[0])
    size = int(np.prod(shape, dtype=int))
    return int(index) % size if -size <= int(index) < size else int(index)


def item_of(a, index=None):
    """``a.item(index)`` of an array or of a numpy number (``np.float64`` has ``.item``
    but is no ndarray): the element as a Python number."""
    a = as_array(a)
    return a.item() if index is None else a.item(index)


@fact(allocates=True, linear=("g",))
def item_value_bar(g, a, index=None):
    """Adjoint of ``a.item(index)``: ``g`` at the element read (a flat position, a tuple
    of indices, or the only element), zeros elsewhere."""
    shape = shape_meta(a)
    out = np.zeros(shape, dtype=_float(a))
    duck = duck_among(g, a)
    if duck is None:
        out.reshape(-1)[_flat_position(shape, index)] = g
        return out
    out.reshape(-1)[_flat_position(shape, index)] = 1.0   # a lazy g: g times the one-hot
    return as_like(out, duck) * g


@fact(allocates=True, linear=("t",))
def item_value_dot(t, index=None):
    """Tangent of ``a.item(index)``: the same element of the tangent ``t``."""
    t = as_array(t)
    if is_duck(t):   # (no .item on a lazy array) the element as a 0-d array, lazily
        return np.reshape(t, (-1,))[_flat_position(tuple(t.shape), index)]
    return t.item() if index is None else t.item(index)


@fact(allocates=True, linear=("g",))
def extract_bar(g, condition, arr):
    """Adjoint of ``np.extract(condition, arr)``: ``g`` back at the places the (flattened)
    condition holds, zeros elsewhere."""
    out = np.zeros(size_of(arr), dtype=_float(arr))
    if is_duck(g) and not is_duck(condition) and not unknown_shape(g):
        # (a Dask g written into numpy would compute)
        out = as_like(out, g)
    out[np.flatnonzero(np.ravel(condition))] = g
    return out.reshape(np.shape(arr))


# -------------------------------------------------------------------- np.block

def _depth(node):
    return 1 + _depth(node[0]) if isinstance(node, list) else 0


def _leaves_ndim(node):
    if isinstance(node, list):
        return max(_leaves_ndim(n) for n in node)
    return np.ndim(node)


def _extent(node, axis, level, depth, ndim):
    """How far the block ``node`` (at nesting ``level``) reaches along ``axis``."""
    if not isinstance(node, list):
        return ((1,) * (ndim - np.ndim(node)) + np.shape(node))[axis]
    if axis == ndim - depth + level:
        return sum(_extent(n, axis, level + 1, depth, ndim) for n in node)
    return _extent(node[0], axis, level + 1, depth, ndim)


def _block_parts(g, node, level, depth, ndim):
    if not isinstance(node, list):
        return np.reshape(g, np.shape(node))
    axis = ndim - depth + level
    sizes = [_extent(n, axis, level + 1, depth, ndim) for n in node]
    pieces = split_at(g, sizes, axis)
    return [_block_parts(p, n, level + 1, depth, ndim) for p, n in zip(pieces, node)]


@fact(view=True, linear=("g",))
def block_bar(g, arrays):
    """Adjoint of ``np.block(arrays)``: the nested lists of the blocks' adjoints (the
    innermost lists joined along the last axis, the next along the one before...)."""
    if not isinstance(arrays, list):
        return np.reshape(g, np.shape(arrays))
    depth = _depth(arrays)
    ndim = max(depth, _leaves_ndim(arrays))
    return _block_parts(as_array(g), arrays, 0, depth, ndim)


# ------------------------------------------------------------ np.add.at writes

@fact(allocates=True)
def scatter_add(like, indices, values):
    """The values ``np.add.at(a, indices, values)`` adds to ``a`` (``like``), as a new
    array of ``a``'s shape: zeros, with every value added at its index (repeats add)."""
    dtype = np.result_type(_float(like), _float(values))
    if duck_among(like, values) is not None:   # (lazily, np.add.at's sums: see scatter)
        zeros = np.zeros_like(like, dtype=dtype) if duck_among(like) is not None \
            else np.zeros(np.shape(like), dtype=dtype)
        return added_at(zeros, indices, values)
    out = np.zeros(np.shape(like), dtype=dtype)
    np.add.at(out, indices, values)
    return out


@fact(view=True, linear=("g",))
def scatter_add_bar(g, indices, values):
    """Adjoint of the values in :func:`scatter_add`: ``g`` read at each value's index (a
    value broadcast over several places gets their sum)."""
    part = gathered(as_array(g), indices)   # (lazily on Dask, of several axes too)
    shape = np.shape(values)
    return np.reshape(_unbroadcast_to(part, shape), shape)
