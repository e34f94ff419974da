"""The items of dicts that the code or the arguments show to be dicts themselves.

Plain functions of gast trees: :func:`dict_paths` finds ``name["m"]`` (string keys)
the code shows to hold a dict, as :func:`.dicts.dict_names` does for names;
:func:`param_item_dicts` the dict parameters whose every item is a dict and stays
one.  An item write ``state["m"][k] = v`` or ``p[k]["W"] = v`` and a copy
``state["m"].copy()`` of such an item are a dict's, never an array's.
"""

import ast

import gast

from ...analysis.kind_lattice import element
from ...errors import SharedWriteError, UnsupportedSyntaxError
from .. import nodes

#: the methods only a dict has, among those the code may call
DICT_METHODS = frozenset({"items", "keys", "values", "get", "update", "setdefault",
                           "popitem"})


def dict_owner(node):
    """The value ``node`` reads as a dict (``v`` of ``v.items()``, ``v["key"]``), or None."""
    if node.__class__ is gast.Call and isinstance(node.func, gast.Attribute) \
            and node.func.attr in DICT_METHODS:
        return node.func.value
    if node.__class__ is gast.Subscript and isinstance(node.slice, gast.Constant) \
            and isinstance(node.slice.value, str):
        return node.value
    return None


def key_path(node):
    """``(name, keys)`` for ``name["a"]["b"]`` (string constant keys only), else None."""
    keys = []
    while isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Constant) \
            and isinstance(node.slice.value, str):
        keys.append(node.slice.value)
        node = node.value
    return (node.id, tuple(reversed(keys))) if isinstance(node, gast.Name) else None


def dict_paths(walked):
    """The items ``(name, keys)`` the code shows to be dicts, as :func:`.dicts.dict_names`
    does for names: ``name["m"]`` indexed by a string or with a dict method called, or a dict
    display or comprehension put there (``name = {"m": {...}}``, ``name["m"] = {}``),
    but for an item the code also gives a value of another form (``name["m"] = x *
    2``; a name or a call may be a dict: ``dict_set`` refuses what is not, when it runs)."""
    found, other = set(), set()   # other: items something else may be put in
    for node in walked:
        owner = dict_owner(node)
        if owner is not None and isinstance(owner, gast.Subscript):
            found.add(key_path(owner))
        if node.__class__ is gast.Assign and len(node.targets) == 1:
            todo = [(key_path(node.targets[0]), node.value)]
            while todo:
                path, value = todo.pop()
                if path is not None and not isinstance(
                        value, (gast.Dict, gast.DictComp, gast.Name, gast.Call)):
                    other.add(path)   # (a name or a call: dict_set refuses a non-dict)
                if path is None or not isinstance(value, (gast.Dict, gast.DictComp)):
                    continue
                if path[1]:
                    found.add(path)
                if isinstance(value, gast.Dict):
                    todo += [((path[0], path[1] + (key.value,)), item)
                             for key, item in zip(value.keys, value.values)
                             if isinstance(key, gast.Constant) and isinstance(key.value, str)]
    return found - other - {None}


def param_item_dicts(walked, param_dicts, kinds):
    """The dict parameters (never rebound) whose argument's items are all dicts (its
    kind's element a dict) and whose items the code never replaces (no ``p[k] = v``,
    ``p[k] op= v``, ``p.update``, ``p.setdefault``): ``p[k]`` is a dict wherever it is
    read."""
    found = {p for p in param_dicts if isinstance(element(kinds.get(p)), tuple)
             and element(kinds.get(p))[:1] == ("dict",)}
    for node in walked:
        targets = node.targets if node.__class__ is gast.Assign else [node.target] \
            if node.__class__ in (gast.AugAssign, gast.AnnAssign, gast.For) else []
        for target in targets:
            for sub in gast.walk(target):   # (p[k] = v; not p[k]["W"] = v)
                if isinstance(sub, gast.Subscript) and isinstance(sub.value, gast.Name) \
                        and not isinstance(sub.ctx, gast.Load):
                    found.discard(sub.value.id)
        if node.__class__ is gast.Call and isinstance(node.func, gast.Attribute) \
                and isinstance(node.func.value, gast.Name) \
                and node.func.attr not in ("items", "keys", "values", "get"):
            found.discard(node.func.value.id)
    return found


def item_dicts(writes):
    """Of a function's ``DictWrites`` ``writes`` (cached there), the items ``(name,
    keys)`` certain to be dicts (see :func:`dict_paths`), and ``(name, None)`` for a
    dict parameter whose items are all dicts (see :func:`param_item_dicts`)."""
    node = writes.walk.parsed.node
    found = writes.dict_names_cache.get(("paths", id(node)))
    if found is None:
        walked = nodes.walk(node)
        found = writes.dict_names_cache[("paths", id(node))] = dict_paths(walked) | {
            (p, None) for p in param_item_dicts(walked, writes.param_dicts, writes.kinds)
        } | argument_paths(writes.param_dicts, writes.kinds)
    return found


def argument_paths(param_dicts, kinds):
    """``(p, keys)`` for the items under constant keys of the dict arguments (``p``
    never rebound) that are dicts (``state["m"]`` of ``state={"m": {...}}``): what an
    item write puts there later is checked by ``dict_set`` when it runs."""
    found, todo = set(), [(p, (), kinds.get(p)) for p in sorted(param_dicts)]
    while todo:
        p, keys, kind = todo.pop()
        if not (isinstance(kind, tuple) and kind[:1] == ("dict",) and kind[1]):
            continue
        if keys:
            found.add((p, keys))
        todo += [(p, keys + (k,), v) for k, v in kind[1] if isinstance(k, str)]
    return found


def waits_for_arguments(norm, base):
    """The error class of a refused write into ``base``'s item (``d["m"][k] = v``):
    ``SharedWriteError`` where ``d`` is a parameter never rebound in code made for
    arguments of unknown kinds (a dict argument holding a dict there is written as a
    dict: the refusal waits for the arguments), else ``UnsupportedSyntaxError``."""
    path = key_path(base)
    waits = path is not None and path[0] in norm.root_params \
        and path[0] not in norm.dict_writes.kinds and path[0] not in norm.locals
    return SharedWriteError if waits else UnsupportedSyntaxError


def refuse_unknown_holder(walk, kinds, target, root):
    """Refuse ``d[a][b] = value`` (the walk ``walk``, the arguments' ``kinds``) where
    ``d[a]`` is not known to be a dict's item: ``d`` may be a list, a tuple or an
    array.  Where ``d`` is a parameter never rebound and the code is made for
    arguments of unknown kinds, the refusal waits for the arguments (a dict of dicts
    is written as dicts)."""
    base = target.value
    label = ast.unparse(gast.gast_to_ast(nodes.clone(base)))
    outer = ast.unparse(gast.gast_to_ast(nodes.clone(base.value)))
    waits = root.id in walk.root_params and root.id not in kinds \
        and root.id not in walk.locals
    raise walk.error(
        f"writing an item into {label} needs {outer} to be a dict, which the code "
        f"does not show (no string key or dict method on it) and its argument does "
        f"not either: s2sad does not follow an item write into a dict held by a "
        f"list, tuple or array", target,
        hint="write into a copy (inner = dict(xs[i]); inner[k] = v) and build a new "
             "list or tuple holding it",
        kind=SharedWriteError if waits else UnsupportedSyntaxError)
