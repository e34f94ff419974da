"""Joining, splitting, selecting and sorting (issue 14): the adjoints of ``np.hstack``,
``np.vstack``, ``np.dstack``, ``np.column_stack``, ``np.append``, ``np.split`` and its
kin, ``np.take``, ``np.take_along_axis``, ``np.choose``, ``np.select``, ``np.sort``,
``np.partition`` and ``np.add.at``.  Every helper returns a new value (or a view of the
adjoint) and leaves its inputs as they are; each is linear in the adjoint ``g``.
"""

from .numpy_view import np
from .duck import as_array, as_like, duck_among, is_duck, shape_meta, size_of
from .scatter import added_at

from ..rules.records import fact
from .shapes import float_like


def _float(x):
    """The float dtype of ``x``'s adjoint (``x`` an array, a number or a list of them)."""
    return float_like(x if isinstance(x, np.ndarray) else as_array(x))


def _pieces(g, arrays, axis, promote):
    """The slices of ``g`` along ``axis`` that the items of ``arrays`` (each promoted by
    ``promote``, as the stacking function does) became, each in its item's own shape."""
    sizes = [np.shape(promote(a))[axis] for a in arrays]
    parts = np.split(g, np.cumsum(sizes)[:-1], axis=axis)
    return [np.reshape(p, np.shape(a)) for p, a in zip(parts, arrays)]


@fact(view=True, linear=("g",))
def hstack_bar(g, tup):
    """Adjoint of ``np.hstack(tup)``: 1-d items are joined along axis 0, others along 1."""
    axis = 0 if np.ndim(np.atleast_1d(tup[0])) == 1 else 1
    return _pieces(g, tup, axis, np.atleast_1d)


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
    first, second = np.split(g, [size], axis=axis)
    return first, second


# ----------------------------------------------------------------- splitting

@fact(allocates=True, linear=("g",))
def split_bar(g, ary, indices_or_sections, axis=0):
    """Adjoint of ``np.split(ary, indices_or_sections, axis)`` (also ``np.array_split``):
    the pieces' adjoints ``g`` joined back along ``axis``; a piece nothing used has a
    zero adjoint (a number 0.0, or zeros), made the piece's shape here."""
    pieces = np.array_split(np.zeros(np.shape(ary)), indices_or_sections, axis=axis)
    out = [np.broadcast_to(as_array(p_bar, dtype=_float(ary)), np.shape(p))
           for p_bar, p in zip(g, pieces)]
    return np.concatenate(out, axis=axis) if out else np.zeros(np.shape(ary))


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
    element was taken from; an element taken twice receives both adjoints."""
    out = _zeros(a, g)
    g = as_array(g)
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
    out = np.zeros(size_of(a) if axis is None else np.shape(a), dtype=_float(a))
    np.put_along_axis(out, order, g, -1 if axis is None else axis)
    return out.reshape(np.shape(a))


@fact(allocates=True, linear=("t",))
def reorder_dot(t, order, axis):
    """Tangent of the reordering ``y = np.take_along_axis(a, order, axis)`` (see
    :func:`sort_order`): ``t`` reordered the same way."""
    if axis is None:
        return np.take_along_axis(np.ravel(t), order, -1)
    return np.take_along_axis(as_array(t), order, axis)


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
    pieces = np.split(g, np.cumsum(sizes)[:-1], axis=axis)
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
    part = as_array(g)[indices]
    shape = np.shape(values)
    return np.reshape(_unbroadcast_to(part, shape), shape)
