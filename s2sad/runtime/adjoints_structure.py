"""The transposes the adjoint rules of the container helpers need (reverse over reverse:
generated gradient code differentiated again).  Each is linear in its first argument and
reads the others for their structure only; each is the transpose of a helper of
:mod:`.trees`, :mod:`.lists` or :mod:`.dicts` and has that helper as its own transpose,
so the rules close on themselves (see :mod:`s2sad.rules.runtime_adjoints_structure`).
Each returns a new container and never changes its arguments.
"""

from .numpy_view import np
from .duck import as_array, as_like, fresh, is_duck, ndim_of

from ..rules.records import fact

from .shapes import float_like, unbroadcast, zeros_like
from .contractions import einsum_bar, einsum_check, einsum_of
from .trees import item_bar

__all__ = ["tree_part", "item_pick", "item_place", "repetition_part", "times_part", "plus_part",
           "repeat_part", "iterable_part", "dict_values_part", "extend_part", "insert_part",
           "set_part", "dict_set_part", "dict_item_part", "einsum_part", "operand_at", "kept_if"]

#: the slot of g in einsum_part
EINSUM_G = 8


def _at(items, position):
    """``items[position]``, or None (a zero) past its end or when ``items`` holds none
    (an adjoint of a list may be an array of its items: numpy read the list as one)."""
    if isinstance(items, (list, tuple)) or (
            (isinstance(items, np.ndarray) or is_duck(items)) and items.ndim):
        return items[position] if position < len(items) else None
    return None


@fact(linear=("g",))
def tree_part(g, x):
    """``g`` in the structure of ``x``: a list for a list or tuple, a dict for a dict
    (zeros for items ``g`` lacks or holds as None), leaves summed down to (or spread
    over) the shapes of ``x``'s leaves.  The adjoint of a leafwise sum's operand
    (``add_tree``), of a copy, of ``tree_like``; its own transpose (``tree_part(p, g)``)."""
    if isinstance(x, (list, tuple)):
        return [tree_part(_at(g, position), item) for position, item in enumerate(x)]
    if isinstance(x, dict):
        got = g if isinstance(g, dict) else {}
        return {k: tree_part(got.get(k), v) for k, v in x.items()}
    if x is None:
        return None
    if g is None:
        return zeros_like(x)
    if isinstance(g, (list, tuple)):   # (numpy read a list as an array)
        g = as_array(g, dtype=float)
    return unbroadcast(g, x)


@fact(linear=("h",))
def item_pick(h, key, like):
    """``h[key]`` (an adjoint of a container, or of an array) in the structure of
    ``like``: zeros where ``h`` has no such item.  The transpose of
    ``item_bar(container, key, g)`` in ``g`` (``like`` being ``g``)."""
    if isinstance(h, np.ndarray) or is_duck(h):   # (a Dask array's part: lazily)
        return tree_part(fresh(h[key]), like)
    if isinstance(h, dict):
        return tree_part(h.get(key), like)
    if isinstance(h, (list, tuple)):
        return tree_part(h[key], like)
    return tree_part(None, like)


@fact(linear=("p",))
def item_place(p, key, h):
    """The transpose of ``item_pick(h, key, like)`` in ``h``: zeros in the structure of
    ``h`` but ``p`` at ``key`` (all zeros where ``h``, a dict, lacks ``key``)."""
    if isinstance(h, dict):
        return dict_item_part(p, h, key)
    return item_bar(h, key, p)


@fact(linear=("h",))
def repetition_part(h, g):
    """The transpose of ``repetition_bar(g, items)`` in ``g``: item ``p`` of a list as
    long as ``g`` is ``h[p % len(h)]`` (``items * n`` repeats every item ``n`` times)."""
    size = len(h)
    return [tree_part(h[position % size] if size else None, item)
            for position, item in enumerate(g)]


@fact()   # (linear in h and in n apart: rules/runtime_adjoints_structure)
def times_part(h, g, x, n):
    """The transpose of ``times_bar(g, x, n)`` in ``g``: the repetition's for a list or
    tuple ``x``, else ``h * n`` spread over ``g``'s shape."""
    if isinstance(x, (list, tuple)):
        return repetition_part(h, g)
    return unbroadcast(h * n, g)


@fact(linear=("h",))
def plus_part(h, g, a, b):
    """The transpose of ``plus_bar(g, a, b)`` in ``g`` (``h`` the pair of adjoints of
    ``(a_bar, b_bar)``): the two parts one after the other for a concatenation, else
    both spread over ``g``'s shape and added."""
    first, second = _at(h, 0), _at(h, 1)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return tree_part(_items(first, len(a)) + _items(second, len(b)), g)
    return tree_part(_as_array(first, a), g) + tree_part(_as_array(second, b), g)


def _items(part, n):
    """The ``n`` items of an adjoint of a list (None for each where ``part`` is None)."""
    return [None] * n if part is None else list(part)


def _as_array(part, x):
    """An operand's adjoint part as an array (zeros like ``x`` for None)."""
    if part is None:
        return np.zeros(np.shape(x), dtype=float_like(x))
    return as_array(part, dtype=float) if isinstance(part, (list, tuple)) else part


@fact(linear=("h",))
def repeat_part(h, g):
    """The transpose of ``repeat_bar(g, items)`` in ``g``: the items of ``h`` (adjoints
    shaped like the items) summed down to (or spread over) ``g``'s shape."""
    total = zeros_like(g)
    for part in h:
        if part is not None:
            total = total + unbroadcast(part, g)
    return total


@fact(linear=("h",))
def iterable_part(h, items):
    """The transpose of ``iterable_bar(g, items)`` in ``g``: ``h`` as a list of items
    (an array's rows), zeros for the keys of a dict."""
    if isinstance(items, dict):
        return [0.0] * len(items)
    if isinstance(h, np.ndarray) or is_duck(h):
        return [fresh(row) if ndim_of(row) else row for row in h]
    return [zeros_like(x) if part is None else part for part, x in zip(h, items)] \
        if isinstance(items, (list, tuple)) and len(items) == len(h) else list(h)


@fact(linear=("h",))
def dict_values_part(h, keys, values):
    """The transpose of ``dict_bar(keys, values)`` in ``values``: ``h``'s items of
    ``keys``, in order (zeros where ``h`` lacks one)."""
    got = h if isinstance(h, dict) else {}
    return [tree_part(got.get(k), v) for k, v in zip(keys, values)]


@fact(linear=("h",))
def extend_part(h, g, more):
    """The transpose of ``extend_bar(g, more)`` in ``g`` (``h`` the pair of adjoints of
    ``(head, tail)``): the head's items, then the tail's (an array's rows)."""
    head, tail = _at(h, 0), _at(h, 1)
    n = len(more)
    size = len(g) - n
    head, tail = _items(head, size), _items(tail, n)
    return tree_part(head + tail, g)


@fact(linear=("h",))
def insert_part(h, g, index):
    """The transpose of ``insert_bar(g, index)`` in ``g`` (``h`` the pair of adjoints of
    ``(items_bar, item_bar)``): the item put back where ``list.insert`` put it."""
    items, item = _at(h, 0), _at(h, 1)
    size = len(g) - 1
    items = _items(items, size)
    position = index + size if index < 0 else index
    items.insert(min(max(position, 0), size), item)
    return tree_part(items, g)


@fact(linear=("h",))
def set_part(h, g, index):
    """The transpose of ``set_bar(g, items, index)`` in ``g`` (``h`` the pair of adjoints
    of ``(g with a zero at index, g[index])``): the first with the second at ``index``."""
    rest, item = _at(h, 0), _at(h, 1)
    if isinstance(g, np.ndarray) or is_duck(g):
        out = fresh(as_array(tree_part(rest, g)), float_like(g))
        if is_duck(item) and not is_duck(out):   # (a Dask item: written into a Dask copy)
            out = as_like(out, item)
        out[index] = 0.0 if item is None else item
        return out
    out = tree_part(rest, g)
    out[index] = tree_part(item, g[index])
    return out


@fact(linear=("h",))
def dict_set_part(h, g, key):
    """The transpose of ``dict_set_bar(g, d, key)`` in ``g``: ``h``'s items (adjoints of
    ``d``'s) in ``g``'s structure, a zero at ``key`` (zeros for a ``g`` not a dict)."""
    if not isinstance(g, dict):
        return tree_part(None, g)
    out = tree_part(h, g)
    if key in out:
        out[key] = tree_part(None, g[key])
    return out


@fact(linear=("h",))
def dict_item_part(h, g, key):
    """The transpose of ``dict_item_bar(g, key, value)`` in ``g``: zeros in ``g``'s
    structure but ``h`` at ``key`` (zeros for a ``g`` not a dict or without ``key``)."""
    if not isinstance(g, dict):
        return tree_part(None, g)
    out = tree_part(None, g)
    if key in out:
        out[key] = tree_part(h, g[key])
    return out


# ------------------------------------------------------------------ np.einsum
# Every derivative of np.einsum, at any order, is a partial derivative of one multilinear
# form, <g, np.einsum(subscripts, op0...op7)>, in one of its nine slots (the operands,
# then g): einsum_part.  The adjoint of einsum_part in slot i is einsum_part in slot i
# with the cotangent in the slot it differentiated; operand_at puts it there.


@fact(allocates=True)
def einsum_part(subscripts, target, op0=None, op1=None, op2=None, op3=None, op4=None,
                op5=None, op6=None, op7=None, g=None, optimize=False):
    """The derivative of ``<g, np.einsum(subscripts, op0, op1...)>`` in slot ``target``
    (0 to 7: an operand, whose slot holds its shape; 8: ``g``, whose slot holds its
    shape): ``einsum_bar`` of ``g``, or the einsum itself.  An operand slot past the
    ones the subscripts name holds None; anything else there is the tangent of a slot
    that is not one (a term of a derived rule), whose derivative is zero."""
    subscripts, count = _einsum_count(subscripts)
    operands = (op0, op1, op2, op3, op4, op5, op6, op7)
    if target != EINSUM_G and target >= count:
        return 0.0
    if any(o is not None for o in operands[count:]):
        shape = g if target == EINSUM_G else operands[target]
        return np.zeros(shape if isinstance(shape, tuple) else np.shape(shape))
    if target == EINSUM_G:
        return einsum_of(subscripts, *operands, optimize=optimize)
    operands = operands[:target] + (_shape_of(operands[target]),) + operands[target + 1:]
    return einsum_bar(g, subscripts, target, *operands, optimize=optimize)


def _einsum_count(subscripts):
    subscripts = einsum_check(subscripts)
    return subscripts, subscripts.split("->")[0].count(",") + 1


def _shape_of(x):
    return x if isinstance(x, tuple) else np.shape(x)


@fact(linear=("x", "value"))
def operand_at(x, slot, target, value):
    """``value`` where ``slot`` is ``target``, else ``x``: the cotangent put into the slot a
    derivative of ``einsum_part`` was taken in."""
    return value if slot == target else x


@fact(linear=("z",))
def kept_if(z, keep, like):
    """``z`` where ``keep`` holds, else zeros like ``like``: the adjoints of ``operand_at``."""
    if keep:
        return z
    return tree_part(None, like)
