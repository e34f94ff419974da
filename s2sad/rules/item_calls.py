"""Objects whose items are calls: ``np.r_[a, u, b]`` is ``r_joined([a, u, b])``.

A module's object with a ``__getitem__`` of its own computes its item from the key;
for the few such objects s2sad knows (numpy's ``np.r_`` and ``np.c_``), the numeric
layer declares here the runtime helper that computes the same from the key's pieces
(``declare_item_call``), and ``syntax.item_calls`` writes the item as a call of it.
Keyed by the object's identity; no numpy here.
"""

_ITEM_CALLS = {}   # id(object) -> (object, helper)


def declare_item_call(obj, helper):
    """``obj[a, b, ...]`` is computed as ``helper([a, b, ...])`` (no slice or string
    among the pieces: those items stay items)."""
    _ITEM_CALLS[id(obj)] = (obj, helper)


def item_call(obj):
    """The helper declared for ``obj``, or None."""
    found = _ITEM_CALLS.get(id(obj))
    return found[1] if found is not None and found[0] is obj else None
