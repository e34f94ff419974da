"""numba versions of the list helpers of :mod:`s2sad.runtime.lists`, ``trees`` and
``indexing`` that gradients of list-building code call: ``list_bar``, ``repeat_bar``,
``adjoint_copy`` (of a list's adjoint, or a float array's),
``stack_bar``, ``extend_bar``, ``list_extend``, and forward code's ``list_push``,
``list_append``, ``list_remove`` and ``list_put``; and the numba target's own
``list_sum``, ``list_stack`` and ``list_array``, which it writes for ``sum(xs)``,
``np.stack(xs)`` and ``np.array(xs)`` (numba has no version of these for a list of
arrays; for anything else each runs what numba runs for the call as written).

Ported for lists of numbers and of arrays of one type (numba's lists hold one type);
other containers are not, and numba's error names the helper.  Every list of adjoints
made here holds arrays of its own (never one array for two items, never the cotangent
given), as the numpy helpers' do.  Called from Python, each name runs the numpy helper
(the target's own: the call they replace).
"""

import numpy as np
from numba import types
from numba.extending import overload

from ...runtime import indexing as _numpy_indexing
from ...runtime import lists as _numpy_lists
from ...runtime import trees as _numpy_trees
from .kinds import is_array, is_leaf, is_number
from .shapes import unbroadcast, zeros_like


def list_bar(g):
    """:func:`s2sad.runtime.list_bar` (numba: see the module)."""
    return _numpy_lists.list_bar(g)


def adjoint_copy(g):
    """:func:`s2sad.runtime.adjoint_copy` (numba: see the module)."""
    return _numpy_trees.adjoint_copy(g)


def repeat_bar(g, items):
    """:func:`s2sad.runtime.repeat_bar` (numba: see the module)."""
    return _numpy_trees.repeat_bar(g, items)


def stack_bar(g, arrays, axis=0):
    """:func:`s2sad.runtime.stack_bar` (numba: along axis 0 only)."""
    return _numpy_indexing.stack_bar(g, arrays, axis)


def extend_bar(g, more):
    """:func:`s2sad.runtime.extend_bar` (numba: see the module)."""
    return _numpy_lists.extend_bar(g, more)


def list_extend(items, more):
    """:func:`s2sad.runtime.list_extend` (numba: see the module)."""
    return _numpy_lists.list_extend(items, more)


def list_push(items, item):
    """:func:`s2sad.runtime.list_push` (numba: a list's append in place)."""
    return _numpy_lists.list_push(items, item)


def list_remove(items, index, item):
    """:func:`s2sad.runtime.list_remove` (numba: a list's pop in place)."""
    return _numpy_lists.list_remove(items, index, item)


def list_put(items, index, item):
    """:func:`s2sad.runtime.list_put` (numba: a list's item set in place)."""
    return _numpy_lists.list_put(items, index, item)


def list_append(items, item):
    """:func:`s2sad.runtime.list_append` (numba: see the module)."""
    return _numpy_lists.list_append(items, item)


def list_sum(items, start=0):
    """``sum(items, start)``, as the numba target writes it (numba's ``sum`` adds no
    arrays)."""
    return sum(items, start)


def cast_dot(t, y):
    """:func:`s2sad.runtime.cast_dot` (numba: of an array, or of a list's tangents)."""
    return _numpy_indexing.cast_dot(t, y)


def list_stack(items):
    """``np.stack(items)``, as the numba target writes it (numba's stacks no list)."""
    return np.stack(items)


def list_array(items):
    """``np.array(items)``, as the numba target writes it (numba's makes no array of a
    list of arrays)."""
    return np.array(items)


def _list_of(t, leaf=is_leaf):
    """A (reflected) list type whose items are numbers or arrays."""
    return isinstance(t, types.List) and leaf(t.dtype)


def _array_list(t):
    return _list_of(t, is_array)


@overload(list_bar, inline="always")
def _list_bar(g):
    # (a list of the backward sweep's own; an array's items: its numbers or its rows)
    if _list_of(g):
        return lambda g: list(g)
    if is_array(g) and g.ndim >= 1:
        return lambda g: [g[i] for i in range(len(g))]
    return None


@overload(adjoint_copy, inline="always")
def _adjoint_copy(g):
    # (a shallow copy the backward sweep writes items into: leaves replaced, not changed)
    if _list_of(g):
        return lambda g: list(g)
    if isinstance(g, types.UniTuple) and is_leaf(g.dtype):   # (a list for a tuple)
        return lambda g: [item for item in g]
    if is_array(g) and g.ndim >= 1 and isinstance(g.dtype, types.Float):
        return lambda g: g.copy()
    return None   # (a dict's, a number's 0-d array, an integer array's: not ported)


@overload(repeat_bar, inline="always")
def _repeat_bar(g, items):
    if not is_leaf(g):
        return None
    if _list_of(items, is_number) and is_number(g):
        return lambda g, items: [g for _ in range(len(items))]
    if _array_list(items):
        def arrays(g, items):   # (each item an array of its own, g reduced to its shape)
            parts = []
            for item in items:
                part = zeros_like(item)
                part += unbroadcast(g, item)
                parts.append(part)
            return parts
        return arrays
    if is_array(items) and items.ndim >= 1:
        def rows(g, items):
            out = zeros_like(items)
            out += g
            return out
        return rows
    return None


@overload(stack_bar, inline="always")
def _stack_bar(g, arrays, axis=0):
    # (along the first axis only: its items; of arrays, each a copy of its own)
    if isinstance(axis, int):   # (left out: numba passes the default, or Omitted)
        along = axis
    elif isinstance(axis, types.Omitted):
        along = axis.value
    elif isinstance(axis, types.IntegerLiteral):
        along = axis.literal_value
    else:
        along = None   # (an axis numba does not know when it compiles: not ported)
    if not (along == 0 and is_array(g) and g.ndim >= 1 and _list_of(arrays)):
        return None
    if g.ndim == 1:
        return lambda g, arrays, axis=0: [g[i] for i in range(len(arrays))]
    return lambda g, arrays, axis=0: [g[i].copy() for i in range(len(arrays))]


@overload(extend_bar, inline="always")
def _extend_bar(g, more):
    if not _list_of(g):
        return None
    if _list_of(more):
        def lists(g, more):
            head = len(g) - len(more)
            return g[:head], g[head:]
        return lists
    if isinstance(more, types.UniTuple) and is_leaf(more.dtype):
        count = len(more)
        items = "".join(f"g[head + {i}], " for i in range(count))
        scope = {}
        exec(f"def impl(g, more):\n    head = len(g) - {count}\n"
             f"    return g[:head], ({items})\n", scope)
        return scope["impl"]
    if is_array(more, 1) and is_number(g.dtype):
        def vector(g, more):
            head = len(g) - len(more)
            tail = np.empty(len(more))
            for i in range(len(more)):
                tail[i] = g[head + i]
            return g[:head], tail
        return vector
    return None


@overload(list_extend, inline="always")
def _list_extend(items, more):
    if not (_list_of(items) and (_list_of(more) or isinstance(more, types.UniTuple)
                                 and is_leaf(more.dtype))):
        return None

    def extended(items, more):
        out = list(items)
        for item in more:
            out.append(item)
        return out
    return extended


@overload(list_push, inline="always")
def _list_push(items, item):
    if not (_list_of(items) and is_leaf(item)):
        return None

    def pushed(items, item):
        items.append(item)
        return items
    return pushed


@overload(list_remove, inline="always")
def _list_remove(items, index, item):
    if not (_list_of(items) and isinstance(index, types.Integer)):
        return None

    def removed(items, index, item):
        items.pop(index)
        return items
    return removed


@overload(list_put, inline="always")
def _list_put(items, index, item):
    if not (_list_of(items) and isinstance(index, types.Integer) and is_leaf(item)):
        return None

    def put(items, index, item):
        items[index] = item
        return items
    return put


@overload(list_append, inline="always")
def _list_append(items, item):
    if not (_list_of(items) and is_leaf(item)):
        return None

    def appended(items, item):
        out = list(items)
        out.append(item)
        return out
    return appended


@overload(list_sum, inline="always")
def _list_sum(items, start=0):
    if not _array_list(items):
        return lambda items, start=0: sum(items, start)

    def arrays(items, start=0):   # (start + items[0] + ...: a new array, broadcast)
        if len(items) == 0:
            raise ValueError("sum() of an empty list of arrays is a number in Python, "
                             "which numba cannot give where it types an array")
        total = start + items[0]
        for i in range(1, len(items)):
            total = total + items[i]
        return total
    return arrays


@overload(cast_dot, inline="always")
def _cast_dot(t, y):
    if not (is_array(y) and isinstance(y.dtype, (types.Float, types.Integer, types.Boolean))):
        return None
    if not isinstance(y.dtype, types.Float):
        return lambda t, y: np.zeros(y.shape)
    if _array_list(t) and t.dtype.ndim + 1 == y.ndim:
        return lambda t, y: _stacked(t).astype(y.dtype)
    if _list_of(t, is_number) and y.ndim == 1:
        return lambda t, y: np.array(t).astype(y.dtype)
    if is_array(t) and t.ndim == y.ndim:
        return lambda t, y: t.astype(y.dtype)
    return None


def _stacked(items):
    """The arrays of the list ``items`` stacked along a new first axis (numpy's
    ValueError where their shapes differ or there are none)."""


@overload(_stacked, inline="always")
def _stacked_impl(items):
    def impl(items):
        if len(items) == 0:
            raise ValueError("need at least one array to stack")
        first = items[0]
        out = np.empty((len(items),) + first.shape, dtype=first.dtype)
        for i in range(len(items)):
            if items[i].shape != first.shape:
                raise ValueError("all input arrays must have the same shape")
            out[i] = items[i]
        return out
    return impl


@overload(list_stack, inline="always")
def _list_stack(items):
    if _array_list(items):
        return lambda items: _stacked(items)
    if _list_of(items, is_number):
        return lambda items: np.array(items)
    return lambda items: np.stack(items)


@overload(list_array, inline="always")
def _list_array(items):
    if _array_list(items):
        return lambda items: _stacked(items)
    return lambda items: np.array(items)
