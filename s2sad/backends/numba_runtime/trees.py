"""numba versions of the helpers that add and make adjoints of values whose kind the
generated code did not know (:mod:`s2sad.runtime.trees` and ``dicts``): ``add_tree``,
``zeros_tree``, ``times_bar``, ``loop_items_bar``, ``loop_items_dot``, ``scalar_checked``,
``unpacked_bar``, ``add_items``, ``item_bar``, ``iterable_bar``, ``tree_like``.

numba knows the kind when it types the call: for numbers and arrays each compiles to
the arithmetic alone (``a + b``, ``g * n`` reduced to ``x``'s shape).  Lists and tuples
of numbers or arrays are added item by item; deeper containers and dicts are not
ported.  Called from Python, each name runs the numpy helper.
"""

import numpy as np
from numba import types
from numba.extending import overload
from numba.typed import List

from ...runtime import dicts as _numpy_dicts
from ...runtime import guards as _numpy_guards
from ...runtime import indexing as _numpy_indexing
from ...runtime import trees as _numpy
from .guards import ensure_scalar_output
from .kinds import is_leaf, is_none
from .shapes import unbroadcast, zeros_like


def add_tree(a, b):
    """:func:`s2sad.runtime.add_tree` (numba: see the module)."""
    return _numpy.add_tree(a, b)


def zeros_tree(x):
    """:func:`s2sad.runtime.zeros_tree` (numba: see the module)."""
    return _numpy.zeros_tree(x)


def times_bar(g, x, n):
    """:func:`s2sad.runtime.times_bar` (numba: see the module)."""
    return _numpy.times_bar(g, x, n)


def item_bar(container, key, g):
    """:func:`s2sad.runtime.item_bar` (numba: see the module)."""
    return _numpy.item_bar(container, key, g)


def iterable_bar(g, items):
    """:func:`s2sad.runtime.iterable_bar` (numba: see the module)."""
    return _numpy.iterable_bar(g, items)


def loop_items_bar(g, sequence):
    """:func:`s2sad.runtime.loop_items_bar` (numba: see the module)."""
    return _numpy_dicts.loop_items_bar(g, sequence)


def loop_items_dot(sequence, tangent):
    """:func:`s2sad.runtime.loop_items_dot` (numba: see the module)."""
    return _numpy_dicts.loop_items_dot(sequence, tangent)


def scalar_checked(value, function_name):
    """:func:`s2sad.runtime.scalar_checked` (numba: see the module)."""
    return _numpy_guards.scalar_checked(value, function_name)


def _leaves(t):
    """A list or tuple type whose items are numbers or arrays."""
    if isinstance(t, (types.List, types.ListType)):
        return is_leaf(t.dtype)
    return isinstance(t, types.BaseTuple) and all(is_leaf(item) for item in t)


@overload(add_tree, inline="always")
def _add_tree(a, b):
    if is_none(a):
        return lambda a, b: b
    if is_none(b):
        return lambda a, b: a
    if is_leaf(a) and is_leaf(b):
        return lambda a, b: a + b
    if not (_leaves(a) and _leaves(b)):
        return None
    if isinstance(a, types.ListType):
        def typed_list(a, b):
            out = List()
            for i in range(min(len(a), len(b))):
                out.append(a[i] + b[i])
            return out
        return typed_list
    if isinstance(a, types.List) or not isinstance(b, types.BaseTuple):
        return lambda a, b: [a[i] + b[i] for i in range(min(len(a), len(b)))]
    count = min(len(a), len(b))
    items = "".join(f"a[{i}] + b[{i}], " for i in range(count))
    scope = {}
    exec(f"def impl(a, b):\n    return ({items})\n", scope)
    return scope["impl"]


@overload(zeros_tree)
def _zeros_tree(x):
    if is_leaf(x):
        return lambda x: zeros_like(x)
    if isinstance(x, types.List) and is_leaf(x.dtype):
        return lambda x: [zeros_like(item) for item in x]
    if isinstance(x, types.UniTuple) and is_leaf(x.dtype):
        return lambda x: [zeros_like(item) for item in x]
    return None


@overload(times_bar, inline="always")
def _times_bar(g, x, n):
    if is_leaf(g) and is_leaf(x) and isinstance(n, (types.Number, types.Boolean)):
        return lambda g, x, n: unbroadcast(g * n, x)
    return None


def tree_like(g, x):
    """:func:`s2sad.runtime.tree_like` (numba: see the module)."""
    return _numpy.tree_like(g, x)


@overload(tree_like, inline="always")
def _tree_like(g, x):
    # (numba's adjoint of a list or tuple is its list: the API gives it the argument's
    # structure, as the numpy helper would)
    if is_leaf(x) or isinstance(x, (types.List, types.ListType, types.BaseTuple)):
        return lambda g, x: g
    return None


@overload(loop_items_bar, inline="always")
def _loop_items_bar(g, sequence):
    if isinstance(sequence, (types.Array, types.List, types.ListType, types.BaseTuple)):
        return lambda g, sequence: g
    return None


@overload(loop_items_dot, inline="always")
def _loop_items_dot(sequence, tangent):
    if isinstance(sequence, (types.Array, types.List, types.ListType, types.BaseTuple)):
        return lambda sequence, tangent: tangent
    return None


@overload(scalar_checked, prefer_literal=True, inline="always")
def _scalar_checked(value, function_name):
    def impl(value, function_name):
        ensure_scalar_output(value, function_name)
        return value
    return impl


def unpacked_bar(parts, source):
    """:func:`s2sad.runtime.unpacked_bar` (numba: see the module)."""
    return _numpy_indexing.unpacked_bar(parts, source)


@overload(unpacked_bar, inline="always")
def _unpacked_bar(parts, source):
    # (an array unpacked into numbers or into rows: its adjoint, an array; a tuple's
    # adjoint, the tuple of the parts)
    if isinstance(source, types.BaseTuple) or isinstance(source, types.List):
        return lambda parts, source: parts
    if not isinstance(source, types.Array) or not isinstance(parts, types.UniTuple):
        return None
    if isinstance(parts.dtype, types.Number):
        def numbers(parts, source):
            out = np.empty(len(parts))
            for i in range(len(parts)):
                out[i] = parts[i]
            return out
        return numbers
    if isinstance(parts.dtype, types.Array) and parts.dtype.ndim == source.ndim - 1:
        return lambda parts, source: np.stack(parts)
    return None


def add_items(a, b):
    """:func:`s2sad.runtime.add_items` (numba: see the module)."""
    return _numpy.add_items(a, b)


@overload(add_items, inline="always")
def _add_items(a, b):
    # (two adjoints of one tuple or list, or of an array where the code did not know
    # which: added as add_tree adds them)
    return _add_tree(a, b)


@overload(item_bar, inline="always")
def _item_bar(container, key, g):
    # (a list or a tuple of numbers or of one kind of arrays, at an integer position: a
    # list of zeros with g at key; slices, dicts and nested containers are not ported)
    if not (isinstance(container, (types.List, types.UniTuple)) and is_leaf(container.dtype)
            and isinstance(key, types.Integer) and is_leaf(g)):
        return None

    def at_key(container, key, g):
        parts = [zeros_like(item) for item in container]
        parts[key] = parts[key] + g
        return parts
    return at_key


@overload(iterable_bar, inline="always")
def _iterable_bar(g, items):
    # (the items' adjoints of list(items): a list, or the rows of an array stacked)
    if not (isinstance(g, types.List) and is_leaf(g.dtype)):
        return None
    if isinstance(items, (types.List, types.UniTuple)):
        return lambda g, items: g
    if isinstance(items, types.Array) and items.ndim == 1 and isinstance(g.dtype, types.Number):
        def rows(g, items):
            out = np.zeros(items.shape)
            for i in range(len(g)):
                out[i] = g[i]
            return out
        return rows
    return None
