"""What a ``vjp`` pullback reads, kept as it was when ``vjp`` was called.

A pullback is a closure over its forward sweep: the arguments, the views of them the
function took (``row = W[0]``) and the values it made, the output among them.  The
caller may change an argument in place between ``vjp`` and a pullback call (an
optimizer step ``x -= lr * g``), or change the output it was given; the pullback would
then read new values beside old ones and return a gradient of no point at all.

So the forward sweep runs on a snapshot of the arguments: every numpy array among them
(in lists, tuples and dicts too) copied once, the same object given twice copied once
(so ``f(a, a)`` still passes one array twice), each container rebuilt once.  Where two
different arrays among them share memory (``f(W, W[0])``), copies would part them, and
a write through one would no longer show through the other as it does in Python: the
arguments are then used as given (so they are where an array sits in a container of
another class than list, tuple and dict, and where the function writes into an argument:
s2sad's own copy of it is what the pullback reads, and a global array the function
reads may be the argument itself, which its run-time check must see), and a copy of each is kept to tell, at each
pullback call, whether the caller changed one since (:class:`ChangedSinceError` then, never a
gradient of no point).  The output handed to the caller is a copy of the one the
pullback reads.
"""

import numpy as np

from ..errors import ChangedSinceError

_ndarray = np.ndarray
_CONTAINERS = (list, tuple, dict)


def snapshot(args, kwargs, writes):
    """``(args, kwargs, kept)``: the arguments the forward sweep should run on, and None,
    or the arguments themselves and ``kept`` (the copies a pullback compares them with)
    where arrays among them share memory, or where the function ``writes`` into one (it
    works on its own copy then, but a global or closure array may be the argument
    itself, and its run-time check must see that)."""
    arrays = {}
    plain = _arrays_in((args, kwargs), arrays, set())
    if not arrays:
        return args, kwargs, None
    if writes or not plain or (len(arrays) > 1 and _overlapping(list(arrays.values()))):
        return args, kwargs, [(array, array.copy()) for array in arrays.values()]
    memo = {key: array.copy() for key, array in arrays.items()}
    return (tuple(_copied(a, memo) for a in args),
            {k: _copied(v, memo) for k, v in kwargs.items()}, None)


def check_unchanged(kept, func_name):
    """Raise :class:`ChangedSinceError` where an argument differs from its copy ``kept``
    at ``vjp``'s call (None: nothing to check)."""
    if kept is None:
        return
    for array, copy in kept:
        if array.shape != copy.shape or not _same(array, copy):
            raise ChangedSinceError(
                f"an argument of {func_name} was changed in place after s2sad.vjp was called "
                f"and before its pullback: the pullback would mix the old values with the new",
                hint="call s2sad.vjp again at the new values, or pass copies of the arrays")


def output_copy(value):
    """``value`` with each numpy array in it copied (the caller's own, where the
    pullback keeps reading the original)."""
    return _copied(value, {}, copy_new=True)


def _arrays_in(tree, found, seen):
    """Gather the arrays in ``tree`` into ``found`` (id -> array); whether each
    container holding one is a list, tuple or dict itself (one :func:`_copied` rebuilds)."""
    cls = tree.__class__
    if cls is _ndarray or isinstance(tree, _ndarray):
        found.setdefault(id(tree), tree)
        return True
    if isinstance(tree, _CONTAINERS) and id(tree) not in seen:
        seen.add(id(tree))
        before, plain = len(found), True
        for item in (tree.values() if isinstance(tree, dict) else tree):
            plain = _arrays_in(item, found, seen) and plain
        return plain and (cls in _CONTAINERS or len(found) == before)
    return True


def _overlapping(arrays):
    """Whether the memory of two of ``arrays`` (distinct objects) may overlap."""
    spans = sorted(_span(a) for a in arrays if a.size)
    reach = None
    for low, high in spans:
        if reach is not None and low < reach:
            return True
        reach = high if reach is None else max(reach, high)
    return False


def _span(array):
    """``(first byte, one past the last byte)`` of ``array``'s memory."""
    start = array.__array_interface__["data"][0]
    low = high = start
    for n, step in zip(array.shape, array.strides):
        if step < 0:
            low += (n - 1) * step
        else:
            high += (n - 1) * step
    return low, high + array.itemsize


def _copied(tree, memo, copy_new=False):
    """``tree`` with its arrays replaced by ``memo``'s copies (each container rebuilt
    once, by identity; ``copy_new``: arrays not in ``memo`` copied into it)."""
    key = id(tree)
    if key in memo:
        return memo[key]
    if isinstance(tree, _ndarray):
        if not copy_new:
            return tree
        made = memo[key] = tree.copy()
        return made
    cls = tree.__class__
    if cls is list:
        made = memo[key] = []
        made.extend(_copied(item, memo, copy_new) for item in tree)
        return made
    if cls is dict:
        made = memo[key] = {}
        made.update((k, _copied(v, memo, copy_new)) for k, v in tree.items())
        return made
    if cls is tuple:
        made = memo[key] = tuple(_copied(item, memo, copy_new) for item in tree)
        return made
    return tree   # (a namedtuple, another container class, any other value: as given)


def _same(array, copy):
    try:
        return np.array_equal(array, copy, equal_nan=array.dtype.kind in "fc")
    except TypeError:   # (an object array)
        return bool(np.all(array == copy))
