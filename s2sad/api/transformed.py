"""The functions the API returns: where they are kept and what they carry.

A transformed function is kept on the user's function (``_s2sad_transforms``),
one per (transform, wrt), so ``grad(f)`` twice is a plain dict lookup; it carries
``f``'s name, docstring and attributes, and the generated code as ``.source``.
"""

import functools

from ..syntax import anno

#: the attribute of a function holding its :class:`_Transforms`.  Kept on the function
#: itself, not in a global table: a transformed function refers to its function, so a
#: global table would keep every function given to grad alive, with its closure data;
#: on the function, both go when neither is used any more.
TRANSFORMS = anno.TRANSFORMS


class _Transforms:
    """A function's transformed functions: ``{(kind, wrt): transformed}``.

    ``owner`` tells the function's own table from a copy of another's
    (``functools.wraps`` copies ``__dict__``); pickling or copying the function
    carries an empty table, never the generated code.
    """

    __slots__ = ("owner", "table", "__weakref__")

    def __init__(self, owner=None):
        self.owner = owner
        self.table = {}

    def __reduce__(self):
        return _Transforms, ()

    def __copy__(self):
        return _Transforms()

    def __deepcopy__(self, memo):
        return _Transforms()


def cached_transform(func, kind, wrt, make):
    """The function ``make()`` builds for ``func`` (a plain dict lookup once built).

    A transformed function reads the user's globals and closure cells when it is
    called, and checks that its code still fits the function, so reusing it for
    the same function object is always right.
    """
    try:
        # (each item with its type: wrt=True, refused, or 1.0 is no hit for wrt=1)
        key = (kind, tuple((type(w), w) for w in wrt) if isinstance(wrt, (tuple, list))
               else (type(wrt), wrt))
        hash(key)
        store = func.__dict__.get(TRANSFORMS)
    except (TypeError, AttributeError):   # an unhashable wrt, no __dict__: no caching
        return make()
    if store is not None and store.owner is func:
        made = store.table.get(key)
        if made is not None:
            return made
    made = make()
    try:
        if store is None or store.owner is not func:
            store = _Transforms(func)
            func.__dict__[TRANSFORMS] = store
        store.table[key] = made
    except (TypeError, AttributeError):
        pass
    return made


def wrapped_like(wrapper, func):
    """``wrapper`` given ``func``'s name, docstring and attributes (not ``func``'s
    table of transforms, nor a ``__wrapped__`` pointing at ``func``)."""
    functools.update_wrapper(wrapper, func)
    wrapper.__wrapped__ = None
    del wrapper.__wrapped__
    wrapper.__dict__.pop(TRANSFORMS, None)   # func's cache, copied with its __dict__
    for key in (anno.COMPOSE, anno.PREPARE, anno.FREE_SOURCES):   # (func's own, not ours)
        wrapper.__dict__.pop(key, None)
    return wrapper


def with_source(wrapper, func, bound):
    """``wrapper`` like ``func`` (see :func:`wrapped_like`), with ``bound``'s generated
    code as ``.source`` (kept up to date when the code is made again)."""
    wrapped_like(wrapper, func)
    return bound.show_source(wrapper)
