"""Dict operations as generated code spells them (item writes, ``.get()``, loops over
items, ``sorted``) and their adjoints and tangents.  Each returns a new value.
"""

from ..errors import ValueTypeError
from ..rules.records import fact
from .numpy_view import np
from .duck import duck_among
from .shapes import float_like, zeros_like
from .trees import add_tree, zeros_tree


def dict_set(d, key, value):
    """``d`` with ``d[key] = value``, as a new dict (``d`` stays as it is): what the
    item write ``d[key] = value`` on a dict means in generated code.  A new key goes
    last, an existing one keeps its place, as in Python."""
    if not isinstance(d, dict):   # (an item the code showed to be a dict elsewhere)
        raise ValueTypeError(f"s2sad reads the target of this item write as a dict (the "
                             f"code indexes it by a string or fills it with a dict "
                             f"elsewhere), but the value is a {type(d).__name__}",
                             hint="keep one kind of value under a dict's key, or give the "
                                  "array another key or name")
    out = dict(d)
    out[key] = value
    return out



def dict_delete(d, key, missing_ok=False):
    """``d`` without ``key``, as a new dict (``d`` stays as it is): what ``del d[key]``
    and ``d.pop(key)`` leave (Python's KeyError where ``key`` is missing, unless
    ``missing_ok``: ``d.pop(key, default)``)."""
    if not isinstance(d, dict):
        raise ValueTypeError(f"s2sad reads the value changed by .pop(key) as a dict, but it "
                             f"is a {type(d).__name__}",
                             hint="pop items of a list by position, of a dict by key")
    out = dict(d)
    if missing_ok:
        out.pop(key, None)
    else:
        del out[key]
    return out



@fact(linear=("g",), spelling="rt.dict_set_bar")
def dict_set_bar(g, d, key):
    """The part of the adjoint ``g`` of ``dict_set(d, key, value)`` that reaches ``d``:
    ``g``'s items for ``d``'s keys, with a zero at ``key`` (overwritten, or absent
    from ``d``)."""
    got = g if isinstance(g, dict) else {}
    out = {k: got[k] if k in got else zeros_like(v) for k, v in d.items()}
    if key in out:
        out[key] = zeros_like(d[key])
    return out



@fact(linear=("g",), spelling="rt.dict_item_bar")
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



@fact(linear=("g",), spelling="rt.dict_get_bar")
def dict_get_bar(g, d, key):
    """Adjoint of ``d.get(key, default)`` for ``d``: zeros but ``g`` at ``key``
    (all zeros when ``key`` is absent: the value was the default)."""
    out = {k: zeros_like(v) for k, v in d.items()}
    if key in out:   # an item that is a list, tuple or dict gets its adjoint by leaf
        out[key] = add_tree(out[key], g)
    return out



@fact(linear=("g",), spelling="rt.dict_default_bar")
def dict_default_bar(g, d, key, default):
    """Adjoint of ``d.get(key, default)`` for ``default``: ``g`` when ``key`` is absent."""
    return zeros_like(default) if key in d else g



def dict_keys(d):
    """``list(d)``: the keys a loop over a dict (``for k in d``, ``d.items()``,
    ``d.keys()``, ``d.values()``) visits, in insertion order."""
    if not isinstance(d, dict):
        raise ValueTypeError(f"s2sad reads this value as a dict, whose keys it visits "
                             f"(a loop over .items(), .keys(), .values(), 'for k in d' with "
                             f"d[k] in its body, or d.update(it)), but the value is a "
                             f"{type(d).__name__}",
                             hint="loop over range(len(xs)) to index a list by position; "
                                  "update a dict with pairs as d.update(dict(pairs))")
    return list(d)



def dict_entries(source):
    """The ``(key, value)`` pairs ``dict(source)`` is built from, where the code did not
    show whether ``source`` is a dict (its items) or pairs (a list of tuples)."""
    if isinstance(source, dict):
        return list(source.items())
    return [tuple(pair) for pair in source]



@fact(linear=("g",), spelling="rt.dict_entries_bar")
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



@fact(linear=("tangent",), spelling="rt.dict_entries_dot")
def dict_entries_dot(source, tangent):
    """The tangent of ``dict_entries(source)``: ``(0.0, value tangent)`` per key of a
    dict, else the pairs' tangents."""
    if isinstance(source, dict):
        return [(0.0, tangent[key]) for key in source]
    return [tuple(pair) for pair in tangent]



def _sorted_order(items, key=None, reverse=False):
    """The positions of ``items`` in the order ``sorted(items, key=key, reverse=reverse)``
    gives them: Python's own sort of the positions by the same keys, so equal keys keep
    their order (with ``reverse`` too, as Python keeps it)."""
    if isinstance(items, dict):
        items = list(items)
    by = items.__getitem__ if key is None else (lambda i: key(items[i]))
    return sorted(range(len(items)), key=by, reverse=reverse)



@fact(linear=("g",), spelling="rt.sorted_bar")
def sorted_bar(g, items, key=None, reverse=False):
    """The adjoint of ``items`` in ``sorted(items, key=key, reverse=reverse)``: the
    adjoint of the item sorted to position ``j`` goes back to the position it came from
    (zeros for a dict, whose keys were sorted)."""
    if isinstance(items, dict):
        return zeros_tree(items)
    parts = [None] * len(items)
    for position, origin in enumerate(_sorted_order(items, key, reverse)):
        parts[origin] = g[position]
    if isinstance(items, np.ndarray) and duck_among(*parts) is not None:
        return np.stack(parts).astype(float_like(items))   # (every row: a permutation)
    if isinstance(items, np.ndarray):
        out = np.zeros(items.shape, dtype=float_like(items))
        for position, value in enumerate(parts):
            if value is not None:
                out[position] = value
        return out
    return [zeros_tree(x) if p is None else p for p, x in zip(parts, items)]



@fact(linear=("tangent",), spelling="rt.sorted_dot")
def sorted_dot(items, tangent, key=None, reverse=False):
    """The tangent of ``sorted(items, key=key, reverse=reverse)``: the items' tangents
    in sorted order (zeros for the keys of a dict)."""
    if isinstance(items, dict):
        return [0.0] * len(items)
    return [tangent[origin] for origin in _sorted_order(items, key, reverse)]



def first_extreme(items, largest):
    """The position of the item ``max(items)`` (``largest``) or ``min(items)`` keeps, as
    Python compares them: the first one no later item is strictly greater (less) than
    (a NaN first is kept, as Python keeps it); Python's own error for no items."""
    return (max if largest else min)(range(len(items)), key=items.__getitem__)


def loop_items(sequence):
    """What a ``for`` loop over ``sequence`` visits, by position: the keys of a dict
    (in insertion order), ``sequence`` itself for anything else (a list, a tuple, an
    array's rows).  Generated code calls it where it cannot know whether the value
    is a dict (a parameter, an item of a container, a helper's result)."""
    if isinstance(sequence, dict):
        return list(sequence)
    return sequence



@fact(linear=("g",), spelling="rt.loop_items_bar")
def loop_items_bar(g, sequence):
    """The adjoint of ``sequence`` in ``loop_items(sequence)``: ``g`` itself, or zeros
    for a dict (whose keys were listed: they carry no derivative)."""
    if isinstance(sequence, dict):
        return zeros_tree(sequence)
    return g



@fact(linear=("tangent",), spelling="rt.loop_items_dot")
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

