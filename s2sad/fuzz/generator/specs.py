"""Container specs: the structure the generator knows of every container it writes."""

import numpy as np

from s2sad.fuzz.ops import S, SHAPES
from s2sad.fuzz.program import Layer

#
# The generator knows the structure of every container it writes (a "spec"):
# ("leaf", shape), ("list", items), ("tuple", items), ("dict", ((key, spec), ...)),
# ("fields", (("W", spec), ("b", spec))): a namedtuple (program.Layer) read by its fields.

#: keys of generated dicts (a new key is one of these not yet in the dict)
KEYS = ("a", "b", "w", "u", "pos", "vel", "W", "bias")


def _leaf_spec(shape):
    return ("leaf", shape)


def _spec_items(spec):
    """(accessor source, item spec) of a container spec: ``[0]``, ``['W']``, ``.W``."""
    if spec[0] == "dict":
        return [(f"[{k!r}]", s) for k, s in spec[1]]
    if spec[0] == "fields":
        return [(f".{k}", s) for k, s in spec[1]]
    if spec[0] in ("list", "tuple"):
        return [(f"[{i}]", s) for i, s in enumerate(spec[1])]
    return []


def _spec_paths(spec, prefix=""):
    """(accessor path, shape) of every leaf of ``spec``."""
    if spec[0] == "leaf":
        return [(prefix, spec[1])]
    return [p for acc, s in _spec_items(spec) for p in _spec_paths(s, prefix + acc)]


def _item_spec(spec):
    """The spec all the items of ``spec`` share (None if they differ or there are none)."""
    items = [s for _, s in _spec_items(spec)]
    if items and all(s == items[0] for s in items):
        return items[0]
    return None


def _spec_value(spec, r):
    """A random value of ``spec`` (leaves in -1.5 .. 1.5)."""
    if spec[0] == "leaf":
        shape = spec[1]
        values = [round(r.uniform(-1.5, 1.5), 3) for _ in range(int(np.prod(shape, dtype=int)))]
        return float(values[0]) if shape == S else np.array(values).reshape(shape)
    if spec[0] == "dict":
        return {k: _spec_value(s, r) for k, s in spec[1]}
    if spec[0] == "fields":
        return Layer(*[_spec_value(s, r) for _, s in spec[1]])
    items = [_spec_value(s, r) for s in spec[1]]
    return items if spec[0] == "list" else tuple(items)


def _flat_leaves(spec):
    """Whether ``spec`` is a container of leaves only."""
    return spec[0] != "leaf" and all(s[0] == "leaf" for _, s in _spec_items(spec))


def _unpackable(spec):
    """A leaf, or a list or tuple of leaves (a target ``a`` or ``(a, b)`` takes it)."""
    return spec is not None and (spec[0] == "leaf" or spec[0] in ("list", "tuple")
                                 and _flat_leaves(spec))


def random_spec(r, kind, n=None, same=None):
    """A random spec of ``kind`` holding 2-3 leaves (of one shape, mostly), drawn from ``r``."""
    n = n or r.randint(2, 3)
    shape = r.choice(SHAPES)
    same = r.random() < 0.7 if same is None else same
    leaves = tuple(_leaf_spec(shape if same else r.choice(SHAPES)) for _ in range(n))
    if kind == "dict":
        return ("dict", tuple(zip(r.sample(KEYS, n), leaves)))
    return (kind, leaves)
