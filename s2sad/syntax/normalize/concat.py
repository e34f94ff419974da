"""``sum(groups, [])`` and ``sum(pairs, ())``: concatenation, lowered to a comprehension.

Python's ``sum`` with a list (tuple) start joins the sequences it is given; s2sad's
rule for ``sum`` adds numbers and arrays, so before the walk ``sum(groups, start)``
(``sum`` the builtin by its value: ``builtins.sum`` or a name bound to it too) whose
start is a list or tuple display, ``list()`` or ``tuple()`` (or a name the function binds
only to list displays, only to tuple displays) becomes ``start + [item for group in groups for
item in group]`` (``start + tuple([...])`` for a tuple), which the comprehension's
lowering differentiates in every mode.  (Any other start is left to the rule, which refuses a
concatenation when it runs: ``runtime.trees.repeat_bar``.)
"""

import builtins

import gast

from .. import nodes


def lower_concatenating_sums(tree, parsed):
    """Rewrite, in place, each ``sum(iterable, start)`` of ``tree`` (the builtin, its
    start a list or tuple display, positional or ``start=``); returns whether any was."""
    walked = nodes.walk(tree)
    taken = {n.id for n in walked if n.__class__ is gast.Name}
    displays = _display_names(walked)
    changed = False
    for node in walked:
        for field, value in gast.iter_fields(node):
            values = value if isinstance(value, list) else [value]
            for k, child in enumerate(values):
                new = _lowered(child, parsed, taken, displays)
                if new is None:
                    continue
                changed = True
                if isinstance(value, list):
                    value[k] = new
                else:
                    setattr(node, field, new)
    return changed


def _fresh(base, taken):
    name, k = base, 0
    while name in taken:
        k += 1
        name = f"{base}_{k}"
    taken.add(name)
    return name


def _display_names(walked):
    """``{name: gast.List or gast.Tuple}`` of the names the function binds only by
    ``name = [...]`` (only by ``name = (...)``): certain to hold a list (a tuple)."""
    stores, displays = {}, {}
    for node in walked:
        if node.__class__ is gast.Name and isinstance(node.ctx, gast.Store):
            stores[node.id] = stores.get(node.id, 0) + 1
        elif node.__class__ is gast.Assign and len(node.targets) == 1 \
                and isinstance(node.targets[0], gast.Name) \
                and isinstance(node.value, (gast.List, gast.Tuple)):
            displays.setdefault(node.targets[0].id, []).append(node.value.__class__)
    return {name: found[0] for name, found in displays.items()
            if len(set(found)) == 1 and len(found) == stores.get(name)}


def concatenates_maybe(call, parsed):
    """Whether the call ``call`` may be a ``sum(groups, start)`` this module rewrites: two
    arguments, the callee the builtin ``sum`` by its value (``sum``, ``builtins.sum``,
    ``from builtins import sum as total``)."""
    if len(call.args) + len(call.keywords) != 2:
        return False
    func = call.func
    if func.__class__ is gast.Name:
        return parsed.resolve(func.id, None, compose=False) is builtins.sum
    return getattr(func, "attr", None) == "sum" and parsed.resolve_callee(func) is builtins.sum


def _empty_made(start, parsed):
    """``gast.List`` (``gast.Tuple``) for the start ``list()`` (``tuple()``), else None."""
    if start.__class__ is gast.Call and not start.args and not start.keywords \
            and start.func.__class__ is gast.Name:
        made = parsed.resolve(start.func.id, None, compose=False)
        return gast.List if made is list else gast.Tuple if made is tuple else None
    return None


def _lowered(call, parsed, taken, displays):
    if not (isinstance(call, gast.Call) and concatenates_maybe(call, parsed)):
        return None
    start = call.args[1:2] + [k.value for k in call.keywords if k.arg == "start"]
    if len(call.args) + len(call.keywords) != 2 or len(call.args) < 1 or not start:
        return None
    start = start[0]
    kind = start.__class__ if isinstance(start, (gast.List, gast.Tuple)) else \
        displays.get(start.id) if isinstance(start, gast.Name) else _empty_made(start, parsed)
    if kind is None:
        return None
    group, item = _fresh("group", taken), _fresh("item", taken)
    joined = gast.ListComp(
        elt=nodes.name(item),
        generators=[gast.comprehension(target=nodes.name(group, store=True),
                                       iter=call.args[0], ifs=[], is_async=0),
                    gast.comprehension(target=nodes.name(item, store=True),
                                       iter=nodes.name(group), ifs=[], is_async=0)])
    if kind is gast.Tuple:
        joined = gast.Call(func=nodes.builtin("tuple"), args=[joined], keywords=[])
    new = gast.BinOp(left=start, op=gast.Add(), right=joined)
    for n in nodes.walk(new):
        if n is not start and n is not call.args[0] and isinstance(n, (gast.expr,
                                                                       gast.comprehension)):
            gast.copy_location(n, call) if isinstance(n, gast.expr) else None
    return gast.copy_location(new, call)
