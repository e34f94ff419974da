"""``map(f, xs)``, ``zip``, ``enumerate`` and ``reversed`` read whole, as the list
comprehensions they compute.

Input: a user call, before it is flattened.
Output: the same call where each ``map(f, a, ...)`` (the builtin) given as the one
iterable of a builtin that reads it whole (``list``, ``tuple``, ``sum``, ``sorted``,
``min``, ``max``, ``any``, ``all``) is ``[f(v) for v in a]`` (of several sequences,
``[f(v, w) for v, w in zip(a, b)]``); of ``f`` a lambda, its body with its parameters
as the comprehension's names (``map(lambda v: v * v, xs)`` -> ``[v * v for v in xs]``).
``zip(...)``, ``enumerate(...)`` and ``reversed(...)`` given so are ``[item for item in
zip(...)]`` (``list(zip(a, b))``, ``sum(reversed(xs))``): a loop header over them is
one s2sad differentiates.  An iterator read elsewhere (bound to a name, then iterated
twice) is one Python empties once: it is left as it is, and refused with a hint naming
this form.
"""

import builtins

import gast

from .. import anno, nodes

#: the builtins whose first argument, an iterable, is read whole, once
READ_WHOLE = (builtins.list, builtins.tuple, builtins.sum, builtins.sorted, builtins.min,
               builtins.max, builtins.any, builtins.all)

#: the builtins making an iterator a loop header takes as it is (see .sequences)
_LOOPED = (builtins.zip, builtins.enumerate, builtins.reversed)


def _builtin(norm, func, expected):
    """Whether the callee ``func`` is one of the builtins ``expected``, by its value
    (``map``, ``builtins.map``, ``from builtins import map as bmap``); a local never."""
    head = func
    while isinstance(head, gast.Attribute):
        head = head.value
    if getattr(func, anno.HELPER_NAME, False):   # s2sad's own (see syntax.own_builtins)
        return any(norm.parsed.resolve_callee(func) is obj for obj in expected)
    if not isinstance(head, gast.Name) or head.id in norm.env or head.id in norm.locals:
        return False
    found = norm.parsed.resolve_callee(func)
    return any(found is obj for obj in expected)


def maps_read_whole(norm, node, otherwise):
    """``node`` with a ``map(...)`` it reads whole as its first argument made the list
    comprehension (see the module docstring); any other call ``otherwise(node)``."""
    if not (isinstance(node, gast.Call) and node.args
            and _builtin(norm, node.func, READ_WHOLE)):
        return otherwise(node)
    comprehension = iterator_read_whole(norm, node.args[0])
    if comprehension is None:
        return otherwise(node)
    args = list(node.args)
    if _builtin(norm, node.func, (builtins.list,)) and len(args) == 1 and not node.keywords:
        return comprehension
    args[0] = comprehension
    return gast.copy_location(gast.Call(func=node.func, args=args, keywords=node.keywords),
                              node)


def iterator_read_whole(norm, node):
    """The list comprehension computing the items of ``node`` where it is ``map(f, a,
    ...)``, ``zip(...)``, ``enumerate(...)`` or ``reversed(...)`` of the builtins, read
    whole where it stands (given to a builtin of :data:`READ_WHOLE`, unpacked by a tuple
    target); else None."""
    if not (isinstance(node, gast.Call) and node.args
            and not any(isinstance(a, gast.Starred) for a in node.args)):
        return None
    if len(node.args) >= 2 and not node.keywords \
            and _builtin(norm, node.func, (builtins.map,)):
        return _comprehension(norm, node)
    if _builtin(norm, node.func, _LOOPED):
        return _items(norm, node)
    return None


def _comprehension(norm, call):
    """``[f(v, ...) for v, ... in zip(a, ...)]`` of ``map(f, a, ...)``, or None where
    ``f`` is a lambda taking other than as many plain parameters as sequences."""
    fn, sequences = call.args[0], call.args[1:]
    if isinstance(fn, gast.Lambda):
        params = fn.args
        if params.vararg or params.kwarg or params.kwonlyargs or params.defaults \
                or getattr(params, "posonlyargs", None) \
                or len(params.args) != len(sequences):
            return None
        names = [a.id for a in params.args]
        element = fn.body
    else:
        names = [norm.namer.fresh("item") for _ in sequences]
        element = gast.Call(func=fn, args=[nodes.name(n) for n in names], keywords=[])
        for new in [element] + element.args:
            _place(new, call)
    stores = [gast.Name(id=n, ctx=gast.Store(), annotation=None, type_comment=None)
              for n in names]
    if len(sequences) == 1:
        target, iterable = stores[0], sequences[0]
    else:
        target = gast.Tuple(elts=stores, ctx=gast.Store())
        # (s2sad's own zip, the builtin whatever the user's code binds to the name:
        # see syntax.own_builtins)
        iterable = gast.Call(func=nodes.builtin("zip"), args=list(sequences), keywords=[])
    generator = gast.comprehension(target=target, iter=iterable, ifs=[], is_async=0)
    made = gast.ListComp(elt=element, generators=[generator])
    for new in (made, generator, target, *stores) + ((iterable,) if len(sequences) > 1
                                                     else ()):
        _place(new, call)
    if len(sequences) > 1:
        _place(iterable.func, call)
    return made


def _items(norm, call):
    """``[item for item in call]`` of ``call``, a ``zip``, ``enumerate`` or ``reversed``."""
    item = norm.namer.fresh("item")
    target = gast.Name(id=item, ctx=gast.Store(), annotation=None, type_comment=None)
    generator = gast.comprehension(target=target, iter=call, ifs=[], is_async=0)
    made = gast.ListComp(elt=nodes.name(item), generators=[generator])
    for new in (made, generator, target, made.elt):
        _place(new, call)
    return made


def _place(new, call):
    """Put the node ``new`` (not its children) at ``call``'s place."""
    gast.copy_location(new, call)
    new.end_lineno, new.end_col_offset = call.end_lineno, call.end_col_offset
