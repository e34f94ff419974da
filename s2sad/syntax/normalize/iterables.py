"""Calls whose result is an iterator: no len(), no items by position.

A loop over such a result (``for i, j in itertools.combinations(range(n), 2)``) runs
over the list of its items, taken once before the loop as Python's loop takes them
(``sequences.LoopHeaders.dict_keys_of``); :func:`makes_iterator` tells the flattener
which calls those are: the builtins that make iterators (``zip``, ``map``, ``iter``...)
and any class whose instances are iterators (``itertools.product``, a generator
class of the user's).  An endless one (``itertools.count()``, ``cycle``, ``repeat``
without a count) has no list of items: :func:`refuse_endless` refuses it, located.
"""

import builtins
import itertools

import gast

#: builtins whose result is an iterator (no len(), no items by position)
ITERATOR_BUILTINS = (builtins.zip, builtins.enumerate, builtins.map, builtins.filter,
                     builtins.iter, builtins.reversed)

#: the iterators that never end (whatever their arguments)
_COUNT, _CYCLE = itertools.count, itertools.cycle


def makes_iterator(fn):
    """Whether a call of ``fn`` (the object a callee names) returns an iterator."""
    if fn is None:
        return False
    for made in ITERATOR_BUILTINS:   # (a loop: asked of every call the normalizer makes)
        if fn is made:
            return True
    return isinstance(fn, type) and hasattr(fn, "__next__") and hasattr(fn, "__iter__") \
        and not hasattr(fn, "__len__") and not hasattr(fn, "__getitem__")


def refuse_endless(norm, call, fn, where):
    """Refuse ``itertools.count()``, ``itertools.cycle(...)`` and ``itertools.repeat(v)``
    (no count): the iterator never ends, so no list of its items is taken."""
    endless = fn is _COUNT or fn is _CYCLE or (
        fn is itertools.repeat and len(call.args) < 2
        and not any(k.arg == "times" for k in call.keywords))
    if endless:
        name = getattr(fn, "__name__", "iterator")
        raise norm.error(
            f"itertools.{name}(...) never ends: s2sad takes the items of an iterator as "
            f"a list before the loop that runs over it, and this one has no last item",
            where, hint=f"give it an end: itertools.islice(itertools.{name}(...), n) "
                       f"read whole (the iterable of a for loop or a comprehension, or "
                       f"given to list, tuple, zip, enumerate, sorted or sum) is the list "
                       f"of its n items; in place of next() of it, index: s[k % len(s)] "
                       f"(cycle), start + step * k (count) for k in range(n); "
                       f"zip(x, cycle(s)) is zip(x, [s[k % len(s)] for k in "
                       f"range(len(x))]); zip(itertools.count(), x) is enumerate(x); "
                       f"itertools.repeat(v, n) has an end")
