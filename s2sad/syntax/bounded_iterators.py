"""Endless iterators given an end: ``itertools.islice(itertools.cycle(s), n)`` as a list.

s2sad takes the items of an iterator as a list before the loop that runs over it
(``normalize.iterables``), so an endless one (``itertools.cycle(s)``, ``count()``,
``repeat(v)`` without a count) is refused.  Bounded by ``itertools.islice`` it has a last
item: before the fence, each ``islice(endless, stop)`` (or ``islice(endless, start, stop
[, step])``, ``None`` for a default) that is read whole, as the iterable of a ``for``
loop or a comprehension or the argument of ``list``, ``tuple``, ``zip``, ``enumerate``,
``sorted`` or ``sum`` (by their values), becomes the list of the same items, which is
differentiated as any list (``range`` for ``islice(count(), ...)``)::

    islice(cycle(s), a, b, c)   ->  [cy[k % len(cy)] for cy in [list(s)] for k in range(a, b, c)]
    islice(count(x0, dx), n)    ->  [x0 + dx * k for k in range(n)]
    islice(repeat(v), n)        ->  [rv for rv in [v] for k in range(n)]

(each function by its value; ``s`` and ``v`` evaluated once, as Python does; the names
fresh).  An islice read otherwise (``next(it)`` of it) is left as written, and refused.

Input and output: a :class:`ParsedFunction` whose tree is rewritten in place.
"""

import builtins
import itertools

import gast

from . import nodes

#: the builtins whose argument is read whole (where an islice becomes its list)
_WHOLE_READERS = (builtins.list, builtins.tuple, builtins.zip, builtins.enumerate,
                  builtins.sorted, builtins.sum)


def bound_endless_iterators(parsed):
    """Rewrite ``parsed`` as the module docstring says; returns nothing."""
    fn = parsed.node
    walked = list(nodes.walk(fn))
    calls = [n for n in walked if n.__class__ is gast.Call]
    if not any(_resolved(parsed, c.func) is itertools.islice for c in calls):
        return
    taken = {n.id for n in walked if n.__class__ is gast.Name}
    for node in reversed(walked):   # (an inner islice first)
        if node.__class__ in (gast.For, gast.comprehension):
            new = _bounded(node.iter, parsed, taken)
            if new is not None:
                node.iter = new
        elif node.__class__ is gast.Call and _resolved(parsed, node.func) in _WHOLE_READERS:
            for k, arg in enumerate(node.args):
                new = _bounded(arg, parsed, taken)
                if new is not None:
                    node.args[k] = new


def _resolved(parsed, func):
    if func.__class__ is gast.Name and func.id in _local(parsed):
        return None
    try:
        return parsed.resolve_callee(func)
    except Exception:   # pragma: no cover - a name bound nowhere: Python's error later
        return None


def _local(parsed):
    found = parsed.__dict__.get("_bounded_locals")
    if found is None or found[0] is not parsed.node:
        args = parsed.node.args
        names = {a.id for a in list(args.posonlyargs) + list(args.args) + list(args.kwonlyargs)
                 + [a for a in (args.vararg, args.kwarg) if a is not None]}
        names |= {n.id for n in nodes.walk(parsed.node) if n.__class__ is gast.Name
                  and isinstance(n.ctx, (gast.Store, gast.Del, gast.Param))}
        found = parsed.__dict__["_bounded_locals"] = (parsed.node, names)
    return found[1]


def _bounded(node, parsed, taken):
    """The list expression the islice ``node`` is, or None (no bounded endless one)."""
    if node.__class__ is not gast.Call or node.keywords or not 2 <= len(node.args) <= 4 \
            or _resolved(parsed, node.func) is not itertools.islice:
        return None
    inner, *bounds = node.args
    if inner.__class__ is not gast.Call:
        return None
    fn = _resolved(parsed, inner.func)
    if _is_none(bounds[0] if len(bounds) == 1 else bounds[1]):
        return None   # (no stop: still endless)
    if len(bounds) == 1:
        positions = [bounds[0]]
    else:
        start = gast.Constant(value=0, kind=None) if _is_none(bounds[0]) else bounds[0]
        positions = [start, bounds[1]]
        if len(bounds) == 3 and not _is_none(bounds[2]):
            positions.append(bounds[2])
    span = gast.copy_location(nodes.call("range", positions), node)
    k = _fresh("k", taken)
    if fn is itertools.cycle and len(inner.args) == 1 and not inner.keywords:
        cy = _fresh("cy", taken)
        item = gast.Subscript(value=_name(cy), slice=gast.BinOp(
            left=_name(k), op=gast.Mod(), right=nodes.call("len", [_name(cy)])),
            ctx=gast.Load())
        made = _comprehension(item, [(cy, gast.List(elts=[nodes.call("list", inner.args)],
                                                    ctx=gast.Load())), (k, span)])
    elif fn is itertools.count and len(inner.args) + len(inner.keywords) <= 2:
        given = dict(zip(("start", "step"), inner.args))
        given.update({kw.arg: kw.value for kw in inner.keywords})
        if set(given) - {"start", "step"}:
            return None
        if not given:
            return span
        item = _name(k)
        if "step" in given:
            item = gast.BinOp(left=given["step"], op=gast.Mult(), right=item)
        if "start" in given:
            item = gast.BinOp(left=given["start"], op=gast.Add(), right=item)
        made = _comprehension(item, [(k, span)])
    elif fn is itertools.repeat and len(inner.args) == 1 and not inner.keywords:
        rv = _fresh("rv", taken)
        made = _comprehension(_name(rv), [(rv, gast.List(elts=[inner.args[0]],
                                                         ctx=gast.Load())), (k, span)])
    else:
        return None
    for part in gast.walk(made):
        if hasattr(part, "lineno") or part.__class__ in (gast.comprehension,):
            continue
        gast.copy_location(part, node)
    return made


def _comprehension(item, clauses):
    return gast.ListComp(elt=item, generators=[
        gast.comprehension(target=gast.Name(id=name, ctx=gast.Store(), annotation=None,
                                            type_comment=None),
                           iter=source, ifs=[], is_async=0) for name, source in clauses])


def _name(name):
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def _is_none(node):
    return node.__class__ is gast.Constant and node.value is None


def _fresh(base, taken):
    name, n = f"islice_{base}", 0
    while name in taken:
        n += 1
        name = f"islice_{base}_{n}"
    taken.add(name)
    return name
