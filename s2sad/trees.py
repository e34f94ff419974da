"""Pytrees: lists, tuples and dicts of leaves (numbers, arrays), nested to any depth.

A derivative of a container is a container of the same structure: a gradient,
tangent or cotangent of a list is a list, of a tuple a tuple, of a dict a dict
with the same keys in the same order.  The API uses these helpers where values
cross it (arguments, tangents, cotangents, gradients); generated code never
imports them.

* :func:`leaves`, :func:`flatten`, :func:`unflatten`: a tree's leaves in order
  (a dict's in its insertion order) and back.
* :func:`structure`: a hashable description of a tree's containers.
* :func:`tree_map`: a function applied leaf by leaf, over trees of one structure.
* :func:`zeros_like`: a zero of each leaf's type and shape (``0.0``, a float array).
* :func:`match`: a tree checked against the tree it must look like, with an
  error naming the path where it differs:
  ``params[1]["W"]: expected shape (3, 2), got (2,)``.
* :func:`complete`: a derivative computed by generated code, where ``None``,
  a missing key or a zero number may stand for a zero, given the structure of the
  value it belongs to.
"""

import copy
import json

import numpy as np

from .runtime.duck import is_duck

__all__ = ["is_container", "leaves", "flatten", "unflatten", "structure", "tree_map",
           "zeros_like", "match", "complete", "describe", "path_text", "Mismatch"]

_CONTAINERS = (list, tuple, dict)


def is_container(x):
    """Whether ``x`` is a list, tuple or dict (a tree node, not a leaf)."""
    return isinstance(x, _CONTAINERS)


def _items(tree):
    """(key, child) of a container: positions for a list or tuple, keys for a dict."""
    if isinstance(tree, dict):
        return list(tree.items())
    return list(enumerate(tree))


def _rebuild(like, children):
    """A container of ``like``'s type holding ``children`` (in ``like``'s key order)."""
    cls = like.__class__
    if isinstance(like, dict):
        pairs = list(zip(like.keys(), children))
        if cls is dict:
            return dict(pairs)
        try:   # OrderedDict, defaultdict (with its factory) and the like keep their type
            out = copy.copy(like)
            out.clear()
            out.update(pairs)
            return out
        except Exception:   # a mapping that cannot be copied and emptied: a plain dict
            return dict(pairs)
    if cls is list:
        return list(children)
    if cls is tuple:
        return tuple(children)
    if hasattr(cls, "_fields"):   # a namedtuple takes its fields as arguments
        return cls(*children)
    try:
        return cls(children)
    except TypeError:
        return list(children) if isinstance(like, list) else tuple(children)


def leaves(tree):
    """The leaves of ``tree`` in order (a dict's values in its insertion order)."""
    out = []
    _collect(tree, out)
    return out


def _collect(tree, out):
    if isinstance(tree, _CONTAINERS):
        for _, child in _items(tree):
            _collect(child, out)
    else:
        out.append(tree)


def flatten(tree):
    """``(leaves, like)``: :func:`unflatten` ``(like, leaves)`` gives the tree back."""
    return leaves(tree), tree


def unflatten(like, new_leaves):
    """A tree with ``like``'s structure whose leaves are ``new_leaves``, in order (a
    new leaf is placed as it is, even when it is itself a container)."""
    it = iter(new_leaves)
    out = _place(like, it)
    for _ in it:
        raise ValueError("unflatten was given more leaves than the tree has")
    return out


def _place(like, it):
    if isinstance(like, _CONTAINERS):
        return _rebuild(like, [_place(child, it) for _, child in _items(like)])
    try:
        return next(it)
    except StopIteration:
        raise ValueError("unflatten was given fewer leaves than the tree has") from None


def structure(tree):
    """A hashable description of ``tree``'s containers (leaves are ``"*"``):
    ``("tuple", ("*", ("dict", ("W", "b"), ("*", "*"))))``."""
    if isinstance(tree, dict):
        return ("dict", tuple(tree.keys()), tuple(structure(v) for v in tree.values()))
    if isinstance(tree, (list, tuple)):
        return (type(tree).__name__, tuple(structure(v) for v in tree))
    return "*"


def tree_map(f, tree, *rest):
    """``f`` applied to each leaf of ``tree`` (and the leaves at the same place in
    ``rest``, which must have ``tree``'s structure); the result has ``tree``'s."""
    if isinstance(tree, _CONTAINERS):
        if isinstance(tree, dict):
            return _rebuild(tree, [tree_map(f, v, *[r[k] for r in rest])
                                   for k, v in tree.items()])
        return _rebuild(tree, [tree_map(f, v, *[r[i] for r in rest])
                               for i, v in enumerate(tree)])
    return f(tree, *rest)


_STRINGS = frozenset({str, bytes, np.str_, np.bytes_})


def _float_like(x):
    if x.__class__ in _STRINGS:   # (numpy reads "f4" as a dtype's name)
        return np.dtype(np.float64)
    dtype = np.result_type(x)
    return dtype if dtype.kind in "fc" else np.dtype(np.float64)


def zero(like):
    """A zero derivative for the leaf ``like``: ``0.0`` for a Python number, a scalar
    of its float type for a numpy scalar, a float array of its shape for an array."""
    if isinstance(like, np.ndarray):
        return np.zeros(like.shape, dtype=_float_like(like))
    if is_duck(like):   # a Dask array...: lazy zeros of its kind (no compute)
        return np.zeros_like(like, dtype=_float_like(like.dtype))
    if isinstance(like, np.generic):
        return _float_like(like).type(0)
    if isinstance(like, complex):
        return 0j
    if isinstance(like, (bool, int, float)) or np.ndim(like) == 0:
        return 0.0
    return np.zeros(np.shape(like), dtype=_float_like(like))


def is_numeric(leaf):
    """Whether the leaf ``leaf`` is a number or an array of numbers (bools and ints
    included): what carries a derivative.  A string, ``None`` or another object (a
    setting such as ``{"mode": "relu"}``) carries none."""
    if isinstance(leaf, np.ndarray) or is_duck(leaf):
        return leaf.dtype.kind in "biufc"
    return isinstance(leaf, (bool, int, float, complex, np.number, np.bool_))


def zeros_like(tree):
    """Zeros of ``tree``'s structure: each leaf a zero of its type and shape."""
    return tree_map(zero, tree)


# ------------------------------------------------------------ paths, messages

def path_text(root, keys):
    """``root`` followed by its subscripts: ``params[1]["W"]``."""
    parts = [root]
    for key in keys:
        parts.append(f"[{json.dumps(key)}]" if isinstance(key, str) else f"[{key!r}]")
    return "".join(parts)


def describe(x, depth=0):
    """How a value looks, for messages: ``a tuple of 2 (a number, an array of shape
    (3,))``, ``a dict with keys ['W', 'b']``, ``an array of shape (2,)``."""
    if isinstance(x, (list, tuple)):
        head = f"a {type(x).__name__} of {len(x)}"
        if depth >= 1 or len(x) > 6 or not x:
            return head
        return f"{head} ({', '.join(describe(v, depth + 1) for v in x)})"
    if isinstance(x, dict):
        return f"a dict with keys {list(x)!r}"
    if x is None:
        return "None"
    if isinstance(x, (str, bytes)):
        return "a string"
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape}"
    try:
        shape = np.shape(x)
    except Exception:   # an object numpy cannot read as an array
        return f"a {type(x).__name__}"
    return f"an array of shape {shape}" if shape else "a number"


class Mismatch(Exception):
    """Where a tree differs from the one it must look like: ``path`` (keys from the
    root) and ``detail`` (``expected ..., got ...``); :meth:`text` renders both."""

    def __init__(self, keys, detail):
        super().__init__(detail)
        self.keys = tuple(keys)
        self.detail = detail

    def text(self, root):
        return f"{path_text(root, self.keys)}: {self.detail}"


def match(value, like, leaf, keys=(), swap_sequences=True):
    """``value`` checked against ``like`` and rebuilt with ``like``'s containers:
    the same kind of container at each level (a list and a tuple stand for each
    other when ``swap_sequences``), the same length, the same keys (a dict's in
    ``like``'s order); at each leaf ``leaf(v, l)`` converts (it raises
    :class:`Mismatch` with an empty path for a leaf that does not fit).  Raises
    :class:`Mismatch` naming the first place that differs."""
    if isinstance(like, _CONTAINERS):
        if isinstance(like, dict):
            if not isinstance(value, dict):
                raise Mismatch(keys, f"expected {describe(like)}, got {describe(value)}")
            if value.keys() != like.keys():
                missing = [k for k in like if k not in value]
                extra = [k for k in value if k not in like]
                raise Mismatch(keys, f"expected {describe(like)}, got {describe(value)}"
                                     + (f", missing {missing!r}" if missing else "")
                                     + (f", with unknown {extra!r}" if extra else ""))
            return _rebuild(like, [match(value[k], v, leaf, keys + (k,), swap_sequences)
                                   for k, v in like.items()])
        kinds = (list, tuple) if swap_sequences else type(like)
        if not isinstance(value, kinds) or len(value) != len(like):
            raise Mismatch(keys, f"expected {describe(like)}, got {describe(value)}")
        _same_fields(value, like, keys)
        return _rebuild(like, [match(v, l, leaf, keys + (i,), swap_sequences)
                               for i, (v, l) in enumerate(zip(value, like))])
    if isinstance(value, _CONTAINERS):
        raise Mismatch(keys, f"expected {describe(like)}, got {describe(value)}")
    try:
        return leaf(value, like)
    except Mismatch as exc:
        raise type(exc)(keys + exc.keys, exc.detail) from None


def _same_fields(value, like, keys):
    """Raise :class:`Mismatch` where ``value`` and ``like`` are namedtuples whose fields
    differ (``S2(c, a)`` given for ``S1(a, c)``): items are read by position, so a
    direction along ``a`` would be taken along ``c`` (a plain tuple is read by position,
    as it says)."""
    given, wanted = getattr(value, "_fields", None), getattr(like, "_fields", None)
    if isinstance(given, tuple) and isinstance(wanted, tuple) and given != wanted:
        raise Mismatch(keys, f"expected a {type(like).__name__} with the fields "
                             f"{', '.join(wanted)}, got a {type(value).__name__} with the "
                             f"fields {', '.join(given)} (items are read by position)")


def _is_zero_number(x):
    """A plain zero number (how generated code may spell the zero derivative of a
    value it did not know was a container)."""
    return x.__class__ in (float, int) and x == 0 or \
        isinstance(x, np.generic) and np.ndim(x) == 0 and x == 0


def complete(value, like, leaf, keys=()):
    """The derivative ``value`` that generated code computed for ``like``, with
    ``like``'s containers: ``None``, a missing dict key or a zero number where a
    container belongs stand for zeros (:func:`zero` for each leaf), an array where
    a list or tuple belongs stands for its rows, a key ``like`` does not have is
    left out; each leaf is ``leaf(v, l)``.  A structure that differs otherwise (a
    list of another length) is an internal error: :class:`Mismatch`."""
    if value is None:
        return zeros_like(like)
    if isinstance(like, _CONTAINERS):
        if not isinstance(value, _CONTAINERS) and _is_zero_number(value):
            return zeros_like(like)
        if isinstance(like, dict):   # (a key ``like`` does not have carries nothing to it)
            if not isinstance(value, dict):
                raise Mismatch(keys, f"expected {describe(like)}, got {describe(value)}")
            return _rebuild(like, [complete(value.get(k), v, leaf, keys + (k,))
                                   for k, v in like.items()])
        # numpy reads a list of numbers (or of arrays of one shape) as an array: the
        # derivative generated code computes for it may be that array, row by row
        array = isinstance(value, np.ndarray) and value.ndim >= 1
        if not (isinstance(value, (list, tuple)) or array) or len(value) != len(like):
            raise Mismatch(keys, f"expected {describe(like)}, got {describe(value)}")
        return _rebuild(like, [complete(v, l, leaf, keys + (i,))
                               for i, (v, l) in enumerate(zip(value, like))])
    if isinstance(value, _CONTAINERS):
        raise Mismatch(keys, f"expected {describe(like)}, got {describe(value)}")
    try:
        return leaf(value, like)
    except Mismatch as exc:
        raise type(exc)(keys + exc.keys, exc.detail) from None
