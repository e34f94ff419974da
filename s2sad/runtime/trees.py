"""Adjoints of containers taken as a whole (pytrees): item adjoints, sums of trees,
zeros shaped like a tree, adjoints of ``xs * n``, ``xs + ys``, literals.  Each helper
returns a new list, tuple, dict or array and never changes its arguments.
"""

from .numpy_view import np
from .duck import as_array, fresh, is_duck

from ..errors import UnsupportedSyntaxError
from ..rules.records import fact

from .indexing import getitem_bar
from .scatter import added_at
from .shapes import _SCALAR_TYPES, _STRINGS, float_like, unbroadcast, zeros_like


@fact(allocates=True, linear=("g",))
def item_bar(container, key, g):
    """Adjoint of ``container[key]`` for a tuple, list or dict: zeros but ``g`` at ``key``
    (of an array too, where generated code did not know which it is: ``getitem_bar``)."""
    if isinstance(container, np.ndarray) or is_duck(container):   # (a Dask array: lazily)
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



@fact(linear=("bar", "g"), spelling="rt.add_item")
def add_item(bar, key, g):
    """``bar[key] += g`` on an adjoint of a list or dict the backward sweep owns, in
    place (a new item, never a write into the old one); a tuple's adjoint becomes
    a list of its items first."""
    if isinstance(bar, tuple):
        bar = list(bar)
    elif not isinstance(bar, (list, dict)) and (is_duck(bar) or is_duck(g)):
        return added_at(bar, key, g)   # an array's, lazily: a new Dask array
    elif bar.__class__ in _SCALAR_TYPES:   # a numpy number's (x[()]): a 0-d array
        bar = np.array(bar, dtype=float_like(bar))
    bar[key] = add_tree(bar[key], g)
    return bar



@fact(allocates=True, linear=("a", "b"))
def add_items(a, b):
    """Elementwise sum of two adjoints of the same tuple, list or dict (of an array,
    where generated code did not know which it is: their sum)."""
    if not isinstance(a, (list, tuple, dict)):
        return add_tree(a, b)
    if isinstance(a, dict):
        return {k: add_tree(a[k], b[k]) for k in a}
    return [add_tree(x, y) for x, y in zip(a, b)]



@fact(linear=("a", "b"), spelling="rt.add_tree")
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



@fact(linear=("g",), spelling="rt.adjoint_copy")
def adjoint_copy(g):
    """A shallow copy of a container adjoint (a list for a list or tuple), which
    generated code then writes items into; leaves are replaced, never changed in place."""
    if isinstance(g, dict):
        return dict(g)
    if isinstance(g, (list, tuple)):
        return list(g)
    if is_duck(g):   # its library's copy (lazy for Dask), never a numpy one
        return fresh(g, float_like(g.dtype))
    return np.array(g, dtype=float_like(g), copy=True)



@fact(linear=("g",), spelling="rt.tree_like")
def tree_like(g, x):
    """The adjoint ``g`` in the structure of the value ``x``: tuples where ``x`` holds
    tuples, a namedtuple of ``x``'s class where ``x`` holds one (as the API gives it;
    generated code builds container adjoints as lists), zeros where ``g`` holds ``None``."""
    if g is None:
        return zeros_like(x)
    if isinstance(x, (list, tuple)):
        items = (tree_like(gi, xi) for gi, xi in zip(g, x))
        if type(x) in (list, tuple):
            return type(x)(items)
        if isinstance(x, tuple) and hasattr(type(x), "_fields"):   # a namedtuple: its class
            return type(x)(*items)
        return list(items)
    if isinstance(x, dict):
        return {k: tree_like(g.get(k), v) for k, v in x.items()}
    if x.__class__ in _STRINGS:   # no number carries no derivative (float(s) read it)
        return 0.0
    return g



@fact(spelling="rt.times_bar")   # (linear in g and in n apart: rules/runtime_adjoints_structure)
def times_bar(g, x, n):
    """The adjoint of ``x`` in ``x * n`` or ``n * x`` when the kind of ``x`` was not known
    where the code was made: for a list or tuple (``n`` an int), a repetition (each
    item gets the sum of its copies' adjoints); for a number or an array, ``g * n``
    reduced to ``x``'s shape."""
    if isinstance(x, (list, tuple)):
        return repetition_bar(g, x)
    return unbroadcast(g * n, x)



@fact(linear=("g",), spelling="rt.plus_bar")
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
        return list(unbroadcast(g, as_array(x, dtype=float)))
    return unbroadcast(g, x)



@fact(linear=("g",), spelling="rt.iterable_bar")
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



@fact(linear=("g",), spelling="rt.repetition_bar")
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



@fact(view=True, linear=("g",))
def repeat_bar(g, items):
    """Adjoint of ``sum(items)``: ``g`` for every item, reduced to the item's shape (of
    an array, whose rows are the items: an array of its shape, ``g`` in every row)."""
    if isinstance(items, np.ndarray) or is_duck(items):
        return np.array(np.broadcast_to(g, np.shape(items)))
    if g.__class__ in _SCALAR_TYPES:   # a number for every number (a long list of them)
        return [g if item.__class__ in _SCALAR_TYPES else unbroadcast(g, item)
                for item in items]
    if isinstance(g, (list, tuple)):   # (a number or array start never sums to a list)
        raise UnsupportedSyntaxError(
            "sum(groups, start) concatenating lists or tuples is differentiated only with "
            "its start [], (), list(), tuple() or a name bound only to list (tuple) displays: "
            "with this start it was read as a sum of numbers",
            hint="write sum(groups, []) (or the comprehension [v for g in groups for v in g])")
    parts = []
    for item in items:   # each item its own array: never one array for two items
        part = unbroadcast(g, item)
        parts.append(part.copy() if parts and part is g else part)
    return parts



@fact(linear=("values",))
def dict_bar(keys, values):
    """Adjoint of a dict literal, as a dict of the values' adjoints."""
    return dict(zip(keys, values))
