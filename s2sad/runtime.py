"""The small runtime that generated derivative code imports.

Everything here is plain numpy: a generated module needs ``numpy`` and this
file, never the code generator.  Helpers take the adjoint (``g``) first, then
the primal values they need, and return a value with the shape of the primal
argument whose adjoint they compute.
"""


import numpy as np

from .checks import (UNBOUND, check_bound, check_item_alone, check_not_inplace,  # noqa: F401
                     check_not_shared, check_unpacked)
from .checks import check_item_update  # noqa: F401
from .checks import source_location

__all__ = [
    "Stack", "unbroadcast", "zeros_like", "ensure_scalar_output", "sum_bar",
    "mean_bar", "extremum_bar", "prod_bar", "dot_lhs_bar", "dot_rhs_bar",
    "matmul_lhs_bar", "matmul_rhs_bar", "outer_lhs_bar", "outer_rhs_bar",
    "tie_mask", "clip_mask", "clip_lower_mask", "clip_upper_mask", "transpose_bar",
    "concatenate_bar", "stack_bar", "getitem_bar", "add_at", "add_at_key", "sequence_bar", "float_like",
    "xlogy", "item_bar", "add_item", "add_items", "overwritten", "zero_at", "list_append",
    "list_push", "list_remove", "list_bar", "list_extend", "list_insert",
    "list_delete", "list_set", "copy_container", "extend_bar", "insert_bar", "delete_bar", "set_bar", "repeat_bar",
    "dict_bar", "shape_of", "unbroadcast_to", "unshared", "snapshot", "power_slope",
    "power_log", "ensure_real_target", "ensure_same_kind", "ensure_unshared",
    "stored_part", "cast_bar", "zeros_tree", "add_tree", "tree_like", "repetition_bar",
    "adjoint_copy", "iterable_bar", "times_bar", "plus_bar",
    "dict_set", "dict_set_bar", "dict_item_bar", "dict_get",
    "dict_get_bar", "dict_default_bar", "dict_keys", "dict_size_kept",
    "loop_items", "loop_items_bar", "loop_items_dot", "sorted_bar", "sorted_dot",
    "dict_entries", "dict_entries_bar", "dict_entries_dot",
    "UNBOUND", "check_bound", "check_not_inplace", "check_not_shared", "check_unpacked",
    "check_item_alone", "check_item_update",
]


# --------------------------------------------------------------------- shapes

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
    return unbroadcast_to(g, np.shape(like))


_ndarray = np.ndarray

#: number types whose shape is () for certain
_SCALAR_TYPES = frozenset({float, int, np.float64, np.float32, np.int64, np.complex128})


def shape_of(*values):
    """The shape of the broadcast of ``values``: a temporary's shape, from its operands."""
    shapes = [np.shape(v) for v in values]
    first = shapes[0]
    if all(shape == first for shape in shapes):
        return first   # nothing was broadcast (the common case), without numpy's dispatch
    return np.broadcast_shapes(*shapes)


def unbroadcast_to(g, target):
    """:func:`unbroadcast` to a shape rather than to an array's shape."""
    shape = g.shape if g.__class__ is _ndarray else np.shape(g)
    if shape == target:
        return g
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
    if np.shape(g) != target:
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
    """The floating dtype an adjoint of ``x`` has: x's own if it is inexact."""
    dtype = np.result_type(x)
    if dtype.kind in "fc":
        return dtype
    return np.dtype(np.float64)


def zeros_like(x):
    """A zero adjoint for ``x``: ``0.0`` for a scalar, a writable float array otherwise."""
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape, dtype=float_like(x))
    if isinstance(x, (list, tuple)):
        return type(x)(zeros_like(item) for item in x)
    if isinstance(x, dict):
        return {k: zeros_like(v) for k, v in x.items()}
    if isinstance(x, complex):
        return 0j
    if np.ndim(x) == 0:
        return 0.0
    return np.zeros(np.shape(x), dtype=float_like(x))


def overwritten(x, index):
    """A copy of ``x[index]``, saved before a write overwrites it."""
    return np.copy(x[index])


def stored_part(g, index):
    """The adjoint of ``v`` in ``x[index] = v``: ``g[index]``, with zeros for the
    elements of ``v`` that numpy does not keep.

    With an integer index that names a position twice (``x[[0, 0, 1]] = v``,
    also ``x[[0, 0, 1]] += v``), numpy keeps one write per position, the last
    one: only that element of ``v`` reaches ``x``.  Which one numpy keeps is
    found by the same write of the element numbers, so the adjoint follows
    numpy whatever its order.
    """
    part = np.array(g[index], dtype=float_like(g), copy=True)
    if not _may_repeat(index):
        return part
    numbers = np.arange(part.size).reshape(part.shape)
    kept = np.full(np.shape(g), -1, dtype=np.intp)
    kept[index] = numbers
    part[kept[index] != numbers] = 0.0
    return part


def _may_repeat(index):
    """Whether ``index`` holds an integer array (or list) that names a position twice."""
    for part in (index if isinstance(index, tuple) else (index,)):
        if isinstance(part, (list, np.ndarray)) and np.asarray(part).dtype.kind in "iu" \
                and np.asarray(part).size > 1:
            return True
    return False


def cast_bar(g, y, x):
    """The adjoint of ``x`` in ``y = np.array(x, dtype)`` (``x.astype(dtype)``): ``g``
    in ``x``'s float dtype for a float ``y``, and zeros for an integer or bool ``y``
    (numpy truncates, or keeps only whether the value is nonzero: a constant)."""
    if np.result_type(y).kind in "fc":
        if isinstance(x, (list, tuple)):
            return g
        return np.asarray(g, dtype=float_like(x)) if np.ndim(g) else float_like(x).type(g)
    return zeros_like(x)


def cast_dot(t, y):
    """The tangent of ``y = np.array(x, dtype)``: ``t`` in ``y``'s dtype for a float
    ``y``, zeros for an integer or bool ``y``."""
    if np.result_type(y).kind in "fc":
        return np.array(t, dtype=np.result_type(y))
    return np.zeros(np.shape(y))


def snapshot(x):
    """A copy of the array ``x`` (a number as it is): its values now, before a write
    through another name that shares its memory changes them."""
    if isinstance(x, np.ndarray):
        return x.copy()
    return x


def zero_at(g, index):
    """A copy of the adjoint ``g`` with zeros at ``index`` (the overwritten part)."""
    out = np.array(g, dtype=float_like(g), copy=True)
    out[index] = 0.0
    return out


def item_bar(container, key, g):
    """Adjoint of ``container[key]`` for a tuple, list or dict: zeros but ``g`` at ``key``
    (of an array too, where generated code did not know which it is: ``getitem_bar``)."""
    if isinstance(container, np.ndarray):
        return getitem_bar(g, container, key)
    if isinstance(container, dict):
        parts = {k: zeros_like(v) for k, v in container.items()}
    else:
        parts = [zeros_like(item) for item in container]
    if isinstance(key, slice):
        for position, value in zip(range(*key.indices(len(parts))), g):
            parts[position] = add_tree(parts[position], value)
    else:
        parts[key] = add_tree(parts[key], g)
    return parts


def add_item(bar, key, g):
    """``bar[key] += g`` on an adjoint of a list or dict the backward sweep owns, in
    place (a new item, never a write into the old one); a tuple's adjoint becomes
    a list of its items first."""
    if isinstance(bar, tuple):
        bar = list(bar)
    bar[key] = add_tree(bar[key], g)
    return bar


def add_items(a, b):
    """Elementwise sum of two adjoints of the same tuple, list or dict."""
    if isinstance(a, dict):
        return {k: add_tree(a[k], b[k]) for k in a}
    return [add_tree(x, y) for x, y in zip(a, b)]


def add_tree(a, b):
    """The sum of two adjoints of one value: leaf by leaf for (nested) lists, tuples
    and dicts (never a concatenation), ``a + b`` for numbers and arrays; ``None``
    stands for zero.  A new container (a list for a list or tuple)."""
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, (list, tuple)):
        items = [add_tree(x, y) for x, y in zip(a, b)]
        # (a tuple's adjoint stays a tuple where both are: code made without the
        # arguments returns it as it is built)
        return tuple(items) if isinstance(a, tuple) and isinstance(b, tuple) else items
    if isinstance(a, dict):   # keys of both (a dict adjoint may lack a key)
        out = {k: add_tree(v, b.get(k)) for k, v in a.items()}
        out.update((k, v) for k, v in b.items() if k not in a)
        return out
    return a + b


def zeros_tree(x):
    """A zero adjoint for ``x`` that generated code may write into: lists for lists
    and tuples (at every depth), dicts for dicts, ``zeros_like`` for the leaves."""
    if isinstance(x, (list, tuple)):
        return [zeros_tree(item) for item in x]
    if isinstance(x, dict):
        return {k: zeros_tree(v) for k, v in x.items()}
    return zeros_like(x)


def adjoint_copy(g):
    """A shallow copy of a container adjoint (a list for a list or tuple), which
    generated code then writes items into; leaves are replaced, never changed in place."""
    if isinstance(g, dict):
        return dict(g)
    if isinstance(g, (list, tuple)):
        return list(g)
    return np.array(g, dtype=float_like(g), copy=True)


def tree_like(g, x):
    """The adjoint ``g`` in the structure of the value ``x``: tuples where ``x`` holds
    tuples (generated code builds container adjoints as lists), zeros where ``g`` holds
    ``None``."""
    if g is None:
        return zeros_like(x)
    if isinstance(x, (list, tuple)):
        return type(x)(tree_like(gi, xi) for gi, xi in zip(g, x)) \
            if type(x) in (list, tuple) else [tree_like(gi, xi) for gi, xi in zip(g, x)]
    if isinstance(x, dict):
        return {k: tree_like(g.get(k), v) for k, v in x.items()}
    return g


def times_bar(g, x, n):
    """The adjoint of ``x`` in ``x * n`` or ``n * x`` when the kind of ``x`` was not known
    where the code was made: for a list or tuple (``n`` an int), a repetition (each
    item gets the sum of its copies' adjoints); for a number or an array, ``g * n``
    reduced to ``x``'s shape."""
    if isinstance(x, (list, tuple)):
        return repetition_bar(g, x)
    return unbroadcast(g * n, x)


def plus_bar(g, a, b):
    """The adjoints ``(a_bar, b_bar)`` of ``a + b`` where the code did not know whether
    it concatenates (two lists, or two tuples: each gets its part of ``g``) or adds
    (numbers and arrays, numpy reading a list as an array: ``g`` reduced to each)."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        n = len(a)
        return list(g[:n]), list(g[n:])
    return _sum_part(g, a), _sum_part(g, b)


def _sum_part(g, x):
    """``x``'s part of the adjoint ``g`` of an elementwise sum (a list's as a list)."""
    if isinstance(x, (list, tuple)):
        return list(unbroadcast(g, np.asarray(x, dtype=float)))
    return unbroadcast(g, x)


def iterable_bar(g, items):
    """The adjoint of ``items`` in ``list(items)`` or ``tuple(items)``: ``g`` (a list of
    the items' adjoints) as a list, or stacked into an array shaped like ``items`` when
    it is an array (its rows); zeros for a dict (whose keys are listed)."""
    if isinstance(items, dict):
        return zeros_tree(items)
    if isinstance(items, np.ndarray):
        out = np.zeros(items.shape, dtype=float_like(items))
        for position, value in enumerate(g):
            if value is not None:
                out[position] = value
        return out
    return list(g)


def repetition_bar(g, items):
    """The adjoint of ``items`` in ``items * n`` (a list or tuple repeated ``n`` times):
    item ``i`` gets the sum of the adjoints of its ``n`` copies."""
    size = len(items)
    if size == 0:
        return []
    parts = [None] * size
    for position, value in enumerate(g):
        parts[position % size] = add_tree(parts[position % size], value)
    return [zeros_tree(x) if p is None else p for p, x in zip(parts, items)]


def list_append(items, item):
    """``items + [item]``: what ``items.append(item)`` means in generated code."""
    return list(items) + [item]


def list_push(items, item):
    """``items.append(item)``, returning ``items``: an append in place, where forward
    mode knows that no other name reads the list before it."""
    if items.__class__ is not list:   # (a tangent given as an array, say)
        return list(items) + [item]
    items.append(item)
    return items


def list_remove(items, index, item):
    """``del items[index]`` (``items[index]`` is ``item``), returning ``items``: a pop
    in place, where forward mode knows that no other name reads the list before it."""
    if items.__class__ is not list:
        items = list(items)
    del items[index]
    return items


def list_bar(g):
    """The adjoint of a list as a list of the backward sweep's own, which it pops the
    adjoints of appended items off and puts those of popped items back into (in
    place): a copy, and an array adjoint (of ``np.array(xs)``...) as its items."""
    return list(g)


def list_extend(items, more):
    """``items + list(more)``: what ``items.extend(more)`` (and ``items += more`` on a
    list) means in generated code."""
    return list(items) + list(more)


def list_insert(items, index, item):
    """A copy of ``items`` with ``item`` inserted at ``index``: ``items.insert(index, item)``."""
    new = list(items)
    new.insert(index, item)
    return new


def list_delete(items, index, item):
    """A copy of ``items`` without ``items[index]``, which is ``item``: what
    ``items.pop(index)`` leaves (the value popped is read as ``items[index]``)."""
    if isinstance(items, dict):
        raise TypeError("s2sad differentiates .pop() on a list only, not on a dict: "
                        "read d[key] and build the dict without the key")
    new = list(items)
    del new[index]
    return new


def list_set(items, index, item):
    """A copy of the list ``items`` with ``item`` at ``index``: ``items[index] = item``
    (of the array, for an array)."""
    if isinstance(items, np.ndarray):
        new = np.array(items, dtype=np.result_type(items, item), copy=True)
        new[index] = item
        return new
    new = list(items)
    new[index] = item
    return new


def copy_container(x):
    """A shallow copy of an argument the function changes by a container method
    (a list it appends to, a dict it writes a key of): the caller's value stays as it
    is.  An array is copied (``np.copy``), a tuple (immutable) is kept."""
    if isinstance(x, list):
        return list(x)
    if isinstance(x, dict):
        return dict(x)
    if isinstance(x, tuple):
        return x
    return np.copy(x)


def _position(index, length):
    """Where ``list.insert(index, ...)`` puts an item into a list of ``length``."""
    if index < 0:
        index += length
    return min(max(index, 0), length)


def extend_bar(g, more):
    """Adjoint of ``list_extend(items, more)``: ``(items_bar, more_bar)``, ``g`` split
    where ``more`` starts (``more_bar`` a tuple for a tuple, an array for an array)."""
    n = len(more)
    head, tail = list(g[:len(g) - n]), list(g[len(g) - n:])
    if isinstance(more, tuple):
        tail = tuple(tail)
    elif isinstance(more, np.ndarray):
        tail = np.array(tail, dtype=float_like(more)).reshape(more.shape)
    return head, tail


def insert_bar(g, index):
    """Adjoint of ``list_insert(items, index, item)``: ``(items_bar, item_bar)``."""
    g = list(g)
    item = g.pop(_position(index, len(g) - 1))
    return g, item


def delete_bar(g, index, item):
    """Adjoint of ``list_delete(items, index, item)``: ``g`` with a zero like the item
    popped (``item``) put back where it was."""
    g = list(g)
    position = index + len(g) + 1 if index < 0 else index
    g.insert(position, zeros_like(item))
    return g


def set_bar(g, items, index):
    """Adjoint of ``list_set(items, index, item)``: ``(items_bar, item_bar)``, the
    overwritten item getting zeros."""
    if isinstance(g, np.ndarray):
        item = np.array(g[index], copy=True)
        g = np.array(g, copy=True)
        g[index] = 0.0
        return g, item
    g = list(g)
    item = g[index]
    g[index] = zeros_like(items[index])
    return g, item


def dict_set(d, key, value):
    """``d`` with ``d[key] = value``, as a new dict (``d`` stays as it is): what the
    item write ``d[key] = value`` on a dict means in generated code.  A new key goes
    last, an existing one keeps its place, as in Python."""
    out = dict(d)
    out[key] = value
    return out


def dict_set_bar(g, d, key):
    """The part of the adjoint ``g`` of ``dict_set(d, key, value)`` that reaches ``d``:
    ``g``'s items for ``d``'s keys, with a zero at ``key`` (overwritten, or absent
    from ``d``)."""
    got = g if isinstance(g, dict) else {}
    out = {k: got[k] if k in got else zeros_like(v) for k, v in d.items()}
    if key in out:
        out[key] = zeros_like(d[key])
    return out


def dict_item_bar(g, key, value):
    """The part of the adjoint ``g`` of ``dict_set(d, key, value)`` that reaches
    ``value``: ``g[key]`` (a zero of ``value``'s kind where ``g`` has none)."""
    if isinstance(g, dict) and key in g:
        return g[key]
    return zeros_like(value)


def dict_get(d, key, default=None):
    """``d.get(key, default)``: a function of its own so that its adjoint knows which
    of the two the value came from."""
    return d.get(key, default)


def dict_get_bar(g, d, key):
    """Adjoint of ``d.get(key, default)`` for ``d``: zeros but ``g`` at ``key``
    (all zeros when ``key`` is absent: the value was the default)."""
    out = {k: zeros_like(v) for k, v in d.items()}
    if key in out:   # an item that is a list, tuple or dict gets its adjoint by leaf
        out[key] = add_tree(out[key], g)
    return out


def dict_default_bar(g, d, key, default):
    """Adjoint of ``d.get(key, default)`` for ``default``: ``g`` when ``key`` is absent."""
    return zeros_like(default) if key in d else g


def dict_keys(d):
    """``list(d)``: the keys a loop over a dict (``for k in d``, ``d.items()``,
    ``d.keys()``, ``d.values()``) visits, in insertion order."""
    if not isinstance(d, dict):
        from .errors import ValueTypeError
        raise ValueTypeError(f"s2sad reads this loop as a loop over the keys of a dict "
                             f"(.items(), .keys(), .values(), or 'for k in d' with d[k] in "
                             f"its body), but the value is a {type(d).__name__}",
                             hint="loop over range(len(xs)) to index a list by position")
    return list(d)


def dict_entries(source):
    """The ``(key, value)`` pairs ``dict(source)`` is built from, where the code did not
    show whether ``source`` is a dict (its items) or pairs (a list of tuples)."""
    if isinstance(source, dict):
        return list(source.items())
    return [tuple(pair) for pair in source]


def dict_entries_bar(g, source):
    """The adjoint of ``source`` in ``dict_entries(source)``: for a dict, each value's
    adjoint under its key; for pairs, the pairs' adjoints (zeros where none came)."""
    if isinstance(source, dict):
        out = zeros_tree(source)
        for key, pair in zip(source, g):
            if pair is not None and pair[1] is not None:
                out[key] = add_tree(out[key], pair[1])
        return out
    return [zeros_tree(tuple(x)) if p is None else p for p, x in zip(g, source)]


def dict_entries_dot(source, tangent):
    """The tangent of ``dict_entries(source)``: ``(0.0, value tangent)`` per key of a
    dict, else the pairs' tangents."""
    if isinstance(source, dict):
        return [(0.0, tangent[key]) for key in source]
    return [tuple(pair) for pair in tangent]


def _sorted_order(items):
    """The positions of ``items`` in the order ``sorted(items)`` gives them (stable)."""
    if isinstance(items, dict):
        items = list(items)
    return sorted(range(len(items)), key=items.__getitem__)


def sorted_bar(g, items):
    """The adjoint of ``items`` in ``sorted(items)``: the adjoint of the item sorted to
    position ``j`` goes back to the position it came from (zeros for a dict, whose
    keys were sorted)."""
    if isinstance(items, dict):
        return zeros_tree(items)
    parts = [None] * len(items)
    for position, origin in enumerate(_sorted_order(items)):
        parts[origin] = g[position]
    if isinstance(items, np.ndarray):
        out = np.zeros(items.shape, dtype=float_like(items))
        for position, value in enumerate(parts):
            if value is not None:
                out[position] = value
        return out
    return [zeros_tree(x) if p is None else p for p, x in zip(parts, items)]


def sorted_dot(items, tangent):
    """The tangent of ``sorted(items)``: the items' tangents in sorted order (zeros
    for the keys of a dict)."""
    if isinstance(items, dict):
        return [0.0] * len(items)
    return [tangent[origin] for origin in _sorted_order(items)]


def loop_items(sequence):
    """What a ``for`` loop over ``sequence`` visits, by position: the keys of a dict
    (in insertion order), ``sequence`` itself for anything else (a list, a tuple, an
    array's rows).  Generated code calls it where it cannot know whether the value
    is a dict (a parameter, an item of a container, a helper's result)."""
    if isinstance(sequence, dict):
        return list(sequence)
    return sequence


def loop_items_bar(g, sequence):
    """The adjoint of ``sequence`` in ``loop_items(sequence)``: ``g`` itself, or zeros
    for a dict (whose keys were listed: they carry no derivative)."""
    if isinstance(sequence, dict):
        return zeros_tree(sequence)
    return g


def loop_items_dot(sequence, tangent):
    """The tangent of ``loop_items(sequence)``: ``tangent`` itself, or a zero per key
    for a dict."""
    if isinstance(sequence, dict):
        return [0.0] * len(sequence)
    return tangent


def dict_size_kept(d, n):
    """After a trip of a loop over the dict ``d`` that had ``n`` keys: Python's loop
    raises at its next step when the trip added a key; so does generated code."""
    if len(d) != n:
        raise RuntimeError("dictionary changed size during iteration")
    return True


def _containers_in(value, found, depth=0):
    """The ids of the lists and dicts ``value`` is or holds (tuples looked into)."""
    if isinstance(value, (list, dict)):
        found.add(id(value))
    if depth < 6 and isinstance(value, (list, tuple)):
        for item in value:
            _containers_in(item, found, depth + 1)
    elif depth < 6 and isinstance(value, dict):
        for item in value.values():
            _containers_in(item, found, depth + 1)
    return found


def ensure_own_dicts(function_name, written, arguments, outside=None):
    """Refuse a dict argument the function writes items into (``p["b"] = ...``) when
    another argument is that dict or holds it (or a dict inside it).

    Generated code writes such items into new dicts (the caller's dict never
    changes), so the other argument would not see the write that Python's own call
    makes it see.  ``written``: the parameter's name -> the line of its first item
    write; ``arguments``: every parameter's value by name; ``outside``: the globals
    and closure values the function reads.
    """
    for name, line in written.items():
        mine = _containers_in(arguments[name], set())
        for other, given in list(arguments.items()) + list((outside or {}).items()):
            if (other != name or given is not arguments[name]) \
                    and mine & _containers_in(given, set()):
                from .errors import SharedArgumentsError
                raise SharedArgumentsError(
                    f"{function_name} writes items into its argument {name!r} (line {line}), "
                    f"and {other!r} is (or holds) that dict or one inside it: "
                    f"s2sad writes into a new dict (it never changes the caller's dicts), so "
                    f"{other!r} would not see the write that {function_name} makes it see",
                    hint=f"pass a copy of one of them, e.g. dict({name})")
    return None


def repeat_bar(g, items):
    """Adjoint of ``sum(items)``: ``g`` for every item, reduced to the item's shape."""
    if g.__class__ in _SCALAR_TYPES:   # a number for every number (a long list of them)
        return [g if item.__class__ in _SCALAR_TYPES else unbroadcast(g, item)
                for item in items]
    parts = []
    for item in items:   # each item its own array: never one array for two items
        part = unbroadcast(g, item)
        parts.append(part.copy() if parts and part is g else part)
    return parts


def dict_bar(keys, values):
    """Adjoint of a dict literal, as a dict of the values' adjoints."""
    return dict(zip(keys, values))


_REAL_SCALAR_TYPES = _SCALAR_TYPES - {np.complex128}


def ensure_scalar_output(value, function_name):
    """Refuse to seed a gradient from a non-scalar output (that would silently sum it)."""
    if value.__class__ in _REAL_SCALAR_TYPES:
        return   # the common case, without numpy's dispatch
    from .values import refuse_value
    refuse_value(value, "the output", function_name)   # None, a string, a complex value
    if isinstance(value, (list, tuple, dict)):
        raise ValueError(
            f"the gradient of {function_name} is only defined for a scalar output, "
            f"but it returned a {type(value).__name__}; use s2sad.vjp for non-scalar outputs")
    if np.ndim(value) != 0:
        raise ValueError(
            f"the gradient of {function_name} is only defined for a scalar output, "
            f"but it returned an array of shape {np.shape(value)}; "
            f"use s2sad.vjp for non-scalar outputs")


def ensure_unshared(function_name, written, arguments, outside=None, dicts=None):
    """Refuse arguments that share memory with an argument the function writes into.

    ``written``: the parameters the function writes into (the generated code
    writes into copies of them, or computes ``x op= v`` into a new value), each
    with the line of its first write; ``arguments``: every parameter's value by
    name; ``outside``: the module globals and closure values the function reads,
    by name.  Python's own call would let the other arguments (and those globals)
    see the writes; the copies would not, so the two would compute different things.
    Arrays inside tuples, lists and dicts count too.  ``dicts``: the parameters
    the function writes dict items into, each with its first line (see
    :func:`ensure_own_dicts`).
    """
    if dicts:
        ensure_own_dicts(function_name, dicts, arguments, outside)
    for name, line in written.items():
        value = arguments[name]
        if value.__class__ in _SCALAR_TYPES:
            continue   # a number: op= makes a new one, as in Python
        if isinstance(value, dict):
            from .errors import ValueTypeError
            raise ValueTypeError(
                f"{function_name} writes items into its argument {name!r} (line {line}) "
                f"with keys its code does not show to be a dict's, so s2sad read {name!r} "
                f"as an array; it is a dict",
                hint=f"write into a dict made in the function ({name} = dict({name}) "
                     f"first), or read it once with a string key or {name}.get(k)")
        for other, given in arguments.items():
            if other != name and _shares(value, given):
                from .errors import SharedArgumentsError
                raise SharedArgumentsError(
                    f"{function_name} writes into its argument {name!r} (line {line}), and "
                    f"{name!r} shares memory with its argument {other!r}: s2sad writes into a copy of "
                    f"{name!r} (it never changes the caller's arrays), so {other!r} would "
                    f"not see the write that {function_name} itself makes it see",
                    hint=f"pass a copy of one of them, e.g. {name}.copy()")
        for other, given in (outside or {}).items():
            if _shares(value, given):
                from .errors import SharedArgumentsError
                raise SharedArgumentsError(
                    f"{function_name} writes into its argument {name!r} (line {line}), and "
                    f"{name!r} shares memory with {other!r}, a global or closure value "
                    f"{function_name} (or a function it calls) reads: s2sad writes into a copy of {name!r} (it never "
                    f"changes the caller's arrays), so {other!r} would not see the write "
                    f"that {function_name} itself makes it see",
                    hint=f"pass a copy: {function_name}({other}.copy()), or have "
                         f"{function_name} write into a copy of {name!r}")


def _shares(written, other, depth=0):
    """May writing into ``written`` change ``other`` (or an array inside it)?"""
    if written is other and isinstance(written, (_ndarray, list, dict)):
        return True
    if isinstance(other, _ndarray):
        return (isinstance(written, _ndarray) and np.may_share_memory(written, other)
                and np.shares_memory(written, other))
    if depth < 4 and isinstance(other, (tuple, list)):
        return any(_shares(written, item, depth + 1) for item in other)
    if depth < 4 and isinstance(other, dict):
        return any(_shares(written, item, depth + 1) for item in other.values())
    return False


def ensure_real_target(array, filename, line, column, tangent=0.0):
    """Refuse a differentiated value written into an integer or bool array.

    numpy truncates (or tests for nonzero) what such a write stores, so the
    derivative the adjoint would carry is not the function's.  The dtype is
    known only now: ``filename:line:column`` is where the write stands.
    Returns ``array`` (second-order code keeps the check as ``x = check(x, ...)``).
    Forward mode passes the ``tangent`` it writes next: a complex one would lose its
    imaginary part in the real tangent array.
    """
    if array.__class__ is _ndarray and array.dtype.kind == "f":
        if tangent.__class__ is float or not _is_complex(tangent):
            return array   # the common case
        from .errors import ValueTypeError
        raise ValueTypeError(
            "a complex value reached the derivative here (its imaginary part would be "
            "dropped in a real array); s2sad does not differentiate complex values",
            source_location(filename, line, column),
            hint="compute with real arrays only")
    if not isinstance(array, np.ndarray) or array.dtype.kind in "fc":
        return array   # a list, or a complex array (refused where it is made)
    from .errors import ValueTypeError
    if array.dtype.kind == "O" and array.ndim == 0 and isinstance(array[()], dict):
        # a dict argument the code does not show to be a dict, copied as an array
        raise ValueTypeError(
            "this item write reads its target as an array, but the value is a dict: the "
            "function's code shows no string key or dict method on it",
            source_location(filename, line, column),
            hint="write into a dict made in the function (d = dict(d) first), or read it "
                 "once with a string key or d.get(k)")
    kind = "a bool" if array.dtype.kind == "b" else "an integer"
    raise ValueTypeError(
        f"a differentiated value is written into {kind} array (dtype {array.dtype}): numpy "
        f"{'keeps only whether it is nonzero' if kind == 'a bool' else 'truncates it'}, "
        f"so it has no useful derivative",
        source_location(filename, line, column),
        hint="make the array a float array (np.zeros(n) or dtype=float), or write a value "
             "that does not depend on the differentiated inputs (np.floor(v) is still "
             "differentiated: use int(v) outside, or s2sad.nondifferentiable)")


def _is_complex(value):
    return value.__class__ is complex or isinstance(value, np.complexfloating) or (
        isinstance(value, np.ndarray) and value.dtype.kind == "c")


def ensure_same_kind(array, value, filename, line, column):
    """Before ``x += v`` (``x = x + v`` in generated code): for an integer or bool
    array ``x``, numpy works in place and refuses a float result (Python raises
    UFuncTypeError), so s2sad refuses too, at the statement.  Returns ``array``."""
    if array.__class__ is not _ndarray or array.dtype.kind in "fc":
        return array   # numbers and float arrays (the common case)
    if np.can_cast(np.result_type(array, value), array.dtype, "same_kind"):
        return array
    from .errors import ValueTypeError
    raise ValueTypeError(
        f"an augmented assignment updates an array of dtype {array.dtype} in place, and "
        f"numpy refuses to store its result ({np.result_type(array, value)}) there: Python "
        f"raises here too (UFuncTypeError)",
        source_location(filename, line, column),
        hint="make the array a float array (np.zeros(n) or dtype=float), or write "
             "'x = x + v' for a new array")


# ----------------------------------------------------------------- reductions

def _normalize_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (tuple, list)):
        return tuple(sorted(a % ndim for a in axis))
    return (axis % ndim,)


def _keepdims_shape(shape, axes):
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def sum_bar(g, x, axis=None, keepdims=False):
    """Adjoint of ``np.sum(x, axis, keepdims)``: spread ``g`` back over the summed axes."""
    shape = np.shape(x)
    if axis is not None and not keepdims:
        g = np.reshape(g, _keepdims_shape(shape, _normalize_axes(axis, len(shape))))
    # a fresh array, not a broadcast view: the adjoint may reach the user, who may
    # write into it
    return np.full(shape, g)


def mean_bar(g, x, axis=None, keepdims=False):
    """Adjoint of ``np.mean(x, axis, keepdims)``."""
    shape = np.shape(x)
    axes = _normalize_axes(axis, len(shape))
    count = 1
    for a in axes:
        count *= shape[a]
    return sum_bar(g, x, axis, keepdims) / count


def extremum_bar(g, y, x, axis=None, keepdims=False):
    """Adjoint of ``np.max``/``np.min``: ``g`` shared equally among the tied extrema."""
    shape = np.shape(x)
    axes = _normalize_axes(axis, len(shape))
    if not keepdims:
        y = np.reshape(y, _keepdims_shape(shape, axes))
        g = np.reshape(g, _keepdims_shape(shape, axes))
    mask = np.asarray(x) == y
    if np.count_nonzero(mask) == np.size(y) and not np.isnan(y).any():
        # every slot holds its extremum at least once, so exactly once: no ties to share
        return g * mask
    return g * mask / np.sum(mask, axis=axes, keepdims=True)


def prod_bar(g, x, axis=None, keepdims=False):
    """Adjoint of ``np.prod``: the product of all *other* elements, exact with zeros."""
    x = np.asarray(x)
    shape = x.shape
    if axis is None:
        flat = x.reshape(-1)
        others = _exclusive_products(flat, 0).reshape(shape)
        return np.reshape(g, ()) * others
    axes = _normalize_axes(axis, x.ndim)
    if not keepdims:
        g = np.reshape(g, _keepdims_shape(shape, axes))
    moved = np.moveaxis(x, axes, tuple(range(len(axes))))
    lead = moved.shape[:len(axes)]
    flat = moved.reshape((-1,) + moved.shape[len(axes):])
    others = _exclusive_products(flat, 0).reshape(lead + moved.shape[len(axes):])
    others = np.moveaxis(others, tuple(range(len(axes))), axes)
    return g * others


def _exclusive_products(x, axis):
    """Product of every element but the one at each position, along ``axis``."""
    n = x.shape[axis]
    if n == 0:
        return np.ones_like(x)  # empty: nothing to multiply
    ones = np.ones_like(np.take(x, [0], axis=axis))
    left = np.cumprod(np.concatenate([ones, np.take(x, range(n - 1), axis=axis)], axis=axis), axis=axis)
    rev = np.flip(x, axis=axis)
    right = np.cumprod(np.concatenate([ones, np.take(rev, range(n - 1), axis=axis)], axis=axis), axis=axis)
    return left * np.flip(right, axis=axis)


# ---------------------------------------------------------- products of arrays

def dot_lhs_bar(g, a, b):
    """Adjoint of ``np.dot(a, b)`` with respect to ``a``."""
    if a.__class__ is _ndarray and b.__class__ is _ndarray:
        a_nd, b_nd = a.ndim, b.ndim   # the common cases, without the dispatch below
        if a_nd == 1 and b_nd == 1:
            return g * b   # an inner product: g is a number
        if a_nd == 2 and b_nd == 2:
            return g @ b.T
        if a_nd == 2 and b_nd == 1:
            return np.outer(g, b)
    a, b = np.asarray(a), np.asarray(b)  # list literals too: np.dot([x, y], w)
    a_nd, b_nd = a.ndim, b.ndim
    if a_nd == 0 or b_nd == 0:
        return unbroadcast(g * b, a)
    if b_nd == 1:
        return np.multiply.outer(g, b) if a_nd > 1 else g * b
    if a_nd == 2 and b_nd == 2:
        return np.dot(g, np.transpose(b))
    # dot(a, b)[i.., j.., k] = sum_m a[i.., m] b[j.., m, k]
    b_axes = list(range(b_nd - 2)) + [b_nd - 1]
    g_axes = list(range(a_nd - 1, a_nd - 1 + b_nd - 1))
    return np.tensordot(g, b, axes=(g_axes, b_axes))


def dot_rhs_bar(g, a, b):
    """Adjoint of ``np.dot(a, b)`` with respect to ``b``."""
    if a.__class__ is _ndarray and b.__class__ is _ndarray:
        a_nd, b_nd = a.ndim, b.ndim   # the common cases, without the dispatch below
        if a_nd == 1 and b_nd == 1:
            return g * a   # an inner product: g is a number
        if a_nd == 2 and (b_nd == 2 or b_nd == 1):
            return a.T @ g
    a, b = np.asarray(a), np.asarray(b)  # list literals too: np.dot([x, y], w)
    a_nd, b_nd = a.ndim, b.ndim
    if a_nd == 0 or b_nd == 0:
        return unbroadcast(g * a, b)
    if a_nd == 1 and b_nd == 1:
        return g * a
    if a_nd == 2 and b_nd == 2:
        return np.dot(np.transpose(a), g)
    if b_nd == 1:
        # g has a's leading axes; contract them away.
        return np.tensordot(a, g, axes=(list(range(a_nd - 1)), list(range(a_nd - 1))))
    # g[i.., j.., k]; b[j.., m, k] = sum_i a[i.., m] g[i.., j.., k]
    lead = list(range(a_nd - 1))
    out = np.tensordot(a, g, axes=(lead, lead))  # shape (m, j.., k)
    return np.moveaxis(out, 0, b_nd - 2)


def matmul_shape(a, b):
    """The shape of ``a @ b``, from the operands' shapes alone."""
    a_shape, b_shape = np.shape(a), np.shape(b)
    if len(a_shape) == 1 and len(b_shape) == 1:
        return ()
    if len(b_shape) == 1:
        return a_shape[:-1]
    if len(a_shape) == 1:
        return b_shape[:-2] + b_shape[-1:]
    return np.broadcast_shapes(a_shape[:-2], b_shape[:-2]) + (a_shape[-2], b_shape[-1])


def matmul_lhs_bar(g, a, b):
    """Adjoint of ``a @ b`` with respect to ``a`` (numpy matmul semantics).

    ``g`` may be larger than ``a @ b`` (the product was broadcast in a sum): it is
    reduced to the product's shape first.
    """
    if a.__class__ is _ndarray and b.__class__ is _ndarray and g.__class__ is _ndarray:
        a_nd, b_nd = a.ndim, b.ndim   # the common cases, without the dispatch below
        if a_nd == 2 and b_nd == 2 and g.shape == (a.shape[0], b.shape[1]):
            return g @ b.T
        if a_nd == 2 and b_nd == 1 and g.shape == a.shape[:1]:
            return np.outer(g, b)
        if a_nd == 1 and b_nd == 2 and g.shape == b.shape[1:]:
            return b @ g
    a, b = np.asarray(a), np.asarray(b)  # list literals too: np.dot([x, y], w)
    g = unbroadcast_to(g, matmul_shape(a, b))
    a_nd, b_nd = a.ndim, b.ndim
    if a_nd == 1 and b_nd == 1:
        return g * b
    if b_nd == 1:
        return np.multiply.outer(g, b) if a_nd > 1 else g * b
    if a_nd == 1:
        return unbroadcast(np.matmul(b, np.expand_dims(g, -1))[..., 0], a)
    return unbroadcast(np.matmul(g, np.swapaxes(b, -1, -2)), a)


def matmul_rhs_bar(g, a, b):
    """Adjoint of ``a @ b`` with respect to ``b`` (numpy matmul semantics).

    ``g`` may be larger than ``a @ b``, as for :func:`matmul_lhs_bar`.
    """
    if a.__class__ is _ndarray and b.__class__ is _ndarray and g.__class__ is _ndarray:
        a_nd, b_nd = a.ndim, b.ndim   # the common cases, without the dispatch below
        if a_nd == 2 and b_nd == 2 and g.shape == (a.shape[0], b.shape[1]):
            return a.T @ g
        if a_nd == 2 and b_nd == 1 and g.shape == a.shape[:1]:
            return a.T @ g
        if a_nd == 1 and b_nd == 2 and g.shape == b.shape[1:]:
            return np.outer(a, g)
    a, b = np.asarray(a), np.asarray(b)  # list literals too: np.dot([x, y], w)
    g = unbroadcast_to(g, matmul_shape(a, b))
    a_nd, b_nd = a.ndim, b.ndim
    if a_nd == 1 and b_nd == 1:
        return g * a
    if b_nd == 1:
        return unbroadcast(np.matmul(np.expand_dims(g, -2), a)[..., 0, :], b)
    if a_nd == 1:
        return unbroadcast(np.expand_dims(a, -1) * np.expand_dims(g, -2), b)
    return unbroadcast(np.matmul(np.swapaxes(a, -1, -2), g), b)


def outer_lhs_bar(g, a, b):
    """Adjoint of ``np.outer(a, b)`` with respect to ``a``."""
    return np.reshape(np.dot(g, np.ravel(b)), np.shape(a))


def outer_rhs_bar(g, a, b):
    """Adjoint of ``np.outer(a, b)`` with respect to ``b``."""
    return np.reshape(np.dot(np.ravel(a), g), np.shape(b))


# ----------------------------------------------------------- elementwise

def xlogy(x, y):
    """``x * log(y)``, and 0 where ``x`` is 0 (even where ``y`` is 0 too).

    The adjoint of ``a ** b`` with respect to ``b`` is ``a ** b * log(a)``:
    at ``a == 0`` (``b > 0``) the power is 0 whatever ``b``, so its
    derivative is 0, not ``0 * -inf``.
    """
    x, y = np.asarray(x), np.asarray(y)
    zero = x == 0
    out = np.where(zero, 0.0, x * np.log(np.where(zero, 1.0, y)))
    return out[()] if out.ndim == 0 else out


def power_slope(a, b, c=1.0):
    """``c * b * a ** (b - 1)``: the derivative of ``a ** b`` in ``a`` (times ``c``).

    0 wherever ``c * b`` is 0: ``a ** 0`` is the constant 1, so its slope is 0
    even at ``a == 0``, where the formula would give ``0 * inf`` (nan) or, for
    Python floats, a ZeroDivisionError.  Elsewhere a pole stays a pole (the
    slope of ``a ** 0.5`` at 0 is inf).
    """
    scale = c * b
    if a.__class__ is float and scale.__class__ in (float, int):
        if scale == 0:
            return 0.0
        if a > 0.0:
            return scale * a ** (b - 1)
    base = np.asarray(a)
    if base.dtype.kind not in "fc":
        base = base.astype(np.float64)
    scale = np.asarray(scale)
    zero = scale == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(zero, 0.0, scale * np.power(np.where(zero, 1.0, base), np.asarray(b) - 1))
    return out[()] if out.ndim == 0 else out


def power_log(y, a, b=None):
    """``y * log(a)`` for ``y = a ** b``: the derivative of ``a ** b`` in ``b``.

    Taken as 0 wherever ``a == 0`` (the convention of numpy-based AD systems):
    ``0 ** b`` is 0 for every ``b > 0``, so the derivative there is exactly 0;
    at ``b == 0`` (where ``0 ** b`` jumps from 1 to 0) and ``b < 0`` (a pole)
    the value 0 is a convention, not a limit.  ``b`` does not change the
    value; it tells the tangent rule (second order) which mixed partial
    derivative ``y`` stands for at ``a == 0`` (see :func:`power_cross`).
    """
    y, a = np.asarray(y), np.asarray(a)
    zero = a == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(zero, 0.0, y * np.log(np.where(zero, 1.0, a)))
    return out[()] if out.ndim == 0 else out


def _power_diverges(a, b, where):
    """Raise: the mixed partial derivative of ``a ** b`` diverges at ``a == 0``."""
    from .values import PowerDivergesError
    index = tuple(int(i) for i in np.argwhere(where)[0]) if np.ndim(where) else ()
    at = f" (at index {index})" if index else ""
    b_value = np.broadcast_to(b, np.shape(where))[index] if np.ndim(where) else b
    raise PowerDivergesError(
        f"the second derivative of 'a ** b' in a and b is infinite where a == 0 and "
        f"b <= 1{at}: a == 0, b == {float(b_value)!r}; the mixed partial derivative "
        f"a ** (b - 1) * (1 + b * log(a)) has no finite value there",
        hint="differentiate the exponent only at bases a > 0 (or a == 0 with b > 1), "
             "or keep the exponent constant (leave it out of wrt)")


def power_cross(a, b, w):
    """``w * a ** (b - 1) * (1 + b log a)``: the mixed second derivative of ``a ** b``
    (in ``a`` and ``b``, times the weight ``w``, a tangent times a factor).

    0 wherever ``w`` is 0 (no step in that direction: the partial derivative is
    not needed).  At ``a == 0`` it is the limit, 0, for ``b > 1``; for ``b <= 1``
    it diverges (``1 + log a`` at ``b == 1``, ``1 / a`` at ``b == 0``), and a
    step in that direction is refused with an s2sad error rather than given an
    arbitrary number.  This one function gives both orders of the mixed partial
    (``power_slope`` differentiated in ``b``, ``power_log`` in ``a``), so the
    Hessian is symmetric.  Only second-order code calls it (never differentiated
    again), so it has no tangent rule and stays out of ``__all__``.
    """
    base = np.asarray(a)
    if base.dtype.kind not in "fc":
        base = base.astype(np.float64)
    b, w = np.asarray(b), np.asarray(w)
    quiet = w == 0
    at_zero = (base == 0) & ~quiet
    if np.any(at_zero & (b <= 1)):
        _power_diverges(base, b, np.broadcast_to(at_zero & (b <= 1),
                                                 np.broadcast_shapes(base.shape, b.shape,
                                                                     w.shape)))
    skip = quiet | (base == 0)
    safe = np.where(skip, 1.0, base)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(skip, 0.0, w * np.power(safe, b - 1) * (1 + b * np.log(safe)))
    return out[()] if out.ndim == 0 else out


def power_log_cross(y, a, a_dot, b=None):
    """``y * a_dot / a`` for ``y = a ** b``: the ``a``-part of the tangent of
    :func:`power_log`.  Where ``a == 0`` it is the mixed partial of
    :func:`power_cross` times ``a_dot`` (0 for ``b > 1``, refused for ``b <= 1``
    when ``a_dot`` is not 0).  Without ``b`` (``None``) 0 where ``y * a_dot`` is 0."""
    if b is None:
        from .runtime_forward import xdivy
        return xdivy(y * a_dot, a)
    base, b = np.asarray(a), np.asarray(b)
    a_dot, y = np.asarray(a_dot), np.asarray(y)
    at_zero = (base == 0) & (a_dot != 0)
    if np.any(at_zero & (b <= 1)):
        _power_diverges(base, b, np.broadcast_to(at_zero & (b <= 1), np.broadcast_shapes(
            base.shape, b.shape, a_dot.shape, y.shape)))
    skip = (base == 0) | (a_dot == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(skip, 0.0, y * a_dot / np.where(skip, 1.0, base))
    return out[()] if out.ndim == 0 else out


# ------------------------------------------------------------- selections

def tie_mask(a, b):
    """1 where ``a > b``, 1/2 where they tie, 0 elsewhere (adjoint of maximum/minimum)."""
    return (np.greater(a, b) + 0.5 * np.equal(a, b))


def clip_mask(a, a_min, a_max):
    """1.0 where ``np.clip`` passed ``a`` through unchanged, 0.0 where it clipped.

    The clip masks are numbers, not booleans: an adjoint may negate them
    (``-clip_mask(...)`` when the clipped value is subtracted).
    """
    inside = np.ones(np.shape(a), dtype=bool)
    # not in place: the bounds may broadcast ``a`` to a larger shape
    if a_min is not None:
        inside = inside & np.greater_equal(a, a_min)
    if a_max is not None:
        inside = inside & np.less_equal(a, a_max)
    return inside * 1.0


def clip_lower_mask(a, a_min, a_max):
    """1 where ``np.clip`` returned ``a_min``: ``a`` below it, and ``a_min`` not above ``a_max``."""
    below = np.less(a, a_min)
    if a_max is not None:
        below = below & np.less_equal(a_min, a_max)
    return below * 1.0


def clip_upper_mask(a, a_min, a_max):
    """1 where ``np.clip`` returned ``a_max``: ``max(a, a_min)`` above it (numpy's order)."""
    if a_min is not None:
        a = np.maximum(a, a_min)
    return np.greater(a, a_max) * 1.0


def transpose_bar(g, axes=None):
    """Adjoint of ``np.transpose(x, axes)``."""
    if axes is None:
        return np.transpose(g)
    ndim = np.ndim(g)
    return np.transpose(g, np.argsort([a % ndim for a in axes]))  # axes may be negative


def concatenate_bar(g, arrays, axis=0):
    """Adjoint of ``np.concatenate(arrays, axis)``: one slice of ``g`` per input."""
    if axis is None:
        sizes = [np.size(a) for a in arrays]
        pieces = np.split(np.ravel(g), np.cumsum(sizes)[:-1])
        return [np.reshape(p, np.shape(a)) for p, a in zip(pieces, arrays)]
    sizes = [np.shape(a)[axis] for a in arrays]
    return np.split(g, np.cumsum(sizes)[:-1], axis=axis)


def stack_bar(g, arrays, axis=0):
    """Adjoint of ``np.stack(arrays, axis)``: the slices of ``g`` along ``axis``."""
    moved = np.moveaxis(g, axis, 0)
    return [moved[i] for i in range(len(arrays))]


def getitem_bar(g, x, index):
    """Adjoint of ``x[index]`` as a fresh array (repeated integer indices accumulate)."""
    out = zeros_like(x)
    np.add.at(out, index, g)
    return out


def add_at(x_bar, index, g):
    """``x_bar`` with ``g`` added at ``index``, without touching ``x_bar`` itself (a
    list, tuple or dict adjoint item by item: see ``runtime_forward.container_add_at``)."""
    if isinstance(x_bar, (list, tuple, dict)):
        from .runtime_forward import container_add_at
        return container_add_at(x_bar, index, g)
    out = np.array(x_bar, dtype=float_like(x_bar), copy=True)
    np.add.at(out, index, g)
    return out


def add_at_key(x_bar, index, g):
    """``x_bar`` (an adjoint the backward sweep owns) with ``g`` added at ``index``,
    where the code did not show whether ``x`` is an array or a container: a list,
    tuple or dict adjoint gets a new container (``index`` a position or a key), an
    array gets ``g`` added in place (``np.add.at``, repeated indices summed)."""
    if isinstance(x_bar, (list, tuple, dict)):
        from .runtime_forward import container_add_at
        return container_add_at(x_bar, index, g)
    np.add.at(x_bar, index, g)
    return x_bar


def sequence_bar(items):
    """Adjoint of a tuple or list literal, turned back into a list of adjoints."""
    return list(items)


# ------------------------------------------------------------- results

def unshared(g, others):
    """``g``, or a copy of it if it shares memory with one of ``others``.

    A generated derivative returns arrays the caller owns and may write into
    (``g *= 0.5``): never an argument, a global, a returned value or another
    derivative it returns.  The generator wraps a result in this call where it
    cannot prove that; lists, tuples and dicts of arrays are checked item by
    item, and their items against each other.
    """
    if g.__class__ is _ndarray:   # the common case: one array, a few others
        # two arrays whose owners hold their own memory share it only if the owners are
        # one array; any other pair (a view of a view of a buffer...) asks numpy
        owner = g if g.base is None else g.base
        plain = owner.__class__ is _ndarray and owner.base is None
        for other in others:
            if other.__class__ is not _ndarray:
                if isinstance(other, (np.ndarray, list, tuple, dict)):
                    break   # array subclasses and containers: the general case below
                continue    # a number, None: nothing to share
            theirs = other.base
            if theirs is None:
                theirs = other
            elif theirs.__class__ is not _ndarray or theirs.base is not None:
                theirs = None   # not an array holding its own memory: ask numpy
            if (theirs is owner or theirs is None or not plain) \
                    and np.may_share_memory(g, other):
                return g.copy()
        else:
            return g
    held = []
    _arrays_in(others, held)
    return _own(g, held)


def _arrays_in(value, found):
    if isinstance(value, np.ndarray):
        found.append(value)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _arrays_in(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            _arrays_in(item, found)


def _own(g, held):
    """``g`` with every array in it sharing memory with none of ``held`` (nor with
    another of its own items); the arrays kept are added to ``held``."""
    if isinstance(g, np.ndarray):
        if any(np.may_share_memory(g, other) for other in held):
            g = g.copy()
        held.append(g)
        return g
    if type(g) in (list, tuple):
        return type(g)([_own(item, held) for item in g])
    if type(g) is dict:
        return {key: _own(item, held) for key, item in g.items()}
    return g


# ------------------------------------------------------------------- the tape

class Stack(list):
    """The tape: values the forward sweep saves for the backward sweep.

    One instance lives inside one call of a generated function, so two calls
    (in two threads, or a gradient inside a gradient) never share a tape.
    ``push`` is ``list.append`` and ``pop`` is ``list.pop``, both in C: they
    run once per saved value, so the tape of a scalar loop costs no more than
    the list a hand-written gradient would keep.
    """

    __slots__ = ()
    push = list.append

    def copy(self):
        """A second tape with the same values, so a pullback can run more than once."""
        return Stack(self)
