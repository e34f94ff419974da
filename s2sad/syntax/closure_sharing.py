"""The memory a local function's closure or defaults may share with values changed in
place: a fence check.

s2sad inlines a local function where it is called and reads its free names there, so a
free name holds the value its SSA name has at the call; a default is evaluated where the
definition runs.  Both follow Python wherever the object a name holds is not changed in
place through another name: a closure reading ``v = d[0:2]`` after ``d[0] = ...``, or a
default ``w=ws`` of a list appended to later, would read the values from before the
change, where Python reads the changed object.  So a local function is refused where a
name it reads (free, or in a default) may share memory with a name the function changes
in place anywhere (an item or slice written, ``op=``, a list or dict method that changes
it): its values would be stale.  A change is left out where the changed name holds an
object no other name may hold there (bound to a new one, ``d = np.copy(d)``, on every
path before the change, and not shared since): it reaches no other name's memory.

Input: the function's tree and ``nodes.walk`` of it.  Output: None, or the first
(local function, name read, name changed, node) to refuse.
"""

import gast

from ..rules import registry
from . import nodes

#: methods that change a list, a dict or an array in place
_CHANGING = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "sort",
                       "reverse", "update", "setdefault", "popitem", "fill", "put",
                       "resize", "partition", "itemset"})


def _base(node):
    """The name at the root of ``a``, ``a[i]``, ``a.T``, ``a[i][j]``, or None."""
    while isinstance(node, (gast.Subscript, gast.Attribute)):
        node = node.value
    return node.id if isinstance(node, gast.Name) else None


def changed_in_place(everything, names_too=True):
    """The names whose object the function changes in place (nested functions too);
    without ``names_too``, not ``v op= e`` of a plain name: a number gets a new value
    there, and where ``v`` holds an array another name may share, the normalizer checks
    at run time that the update is not in place (``check_in_place``)."""
    return set(_changes(everything, names_too))


def _changes(everything, names_too=True):
    """name changed in place -> the nodes that change it."""
    found = {}
    for node in everything:
        if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store):
            base = _base(node)
        elif isinstance(node, gast.AugAssign):
            if not names_too and isinstance(node.target, gast.Name):
                continue
            base = _base(node.target)
        elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
                and node.func.attr in _CHANGING:
            base = _base(node.func.value)
        else:
            continue
        if base is not None:
            found.setdefault(base, []).append(node)
    return found


def _shared_names(value):
    """The names whose object ``value`` (a bound expression) may be, or be a view of:
    a name, an item or attribute of one, a view function's argument; a computed value
    (an operator's result, a display) is a new object."""
    if isinstance(value, (gast.Name, gast.Subscript, gast.Attribute)):
        base = _base(value)
        return {base} if base else set()
    if isinstance(value, gast.Call):
        func = value.func
        spelled = func.attr if isinstance(func, gast.Attribute) else getattr(func, "id", None)
        if spelled in registry.view_names():
            names = {_base(a) for a in value.args}
            if isinstance(func, gast.Attribute) and not isinstance(func.value, gast.Name) \
                    or isinstance(func, gast.Attribute) and func.value.id not in ("np", "numpy"):
                names.add(_base(func.value))
            return names - {None}
    if isinstance(value, gast.IfExp):
        return _shared_names(value.body) | _shared_names(value.orelse)
    if isinstance(value, gast.BoolOp):
        return set().union(*(_shared_names(v) for v in value.values))
    return set()


def _item(value):
    """Whether ``value`` is an item ``x[i]``, ``x[i, j]`` of a name (no slice among the
    indices), or ``x[:, [1]]`` (a list among them: a copy, sharing nothing): a number where the indices reach ``x``'s rank (the item of a 1-d array),
    a view where they do not (a row), which only the values tell; a write into ``x``
    then checks, when the code runs, every name read later that may share its memory,
    a local function's reads where it is called among them (normalize.writechecks), so
    this check leaves it to that one (a number shares nothing)."""
    if not (isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name)):
        return False
    parts = value.slice.elts if isinstance(value.slice, gast.Tuple) else [value.slice]
    if any(isinstance(p, (gast.List, gast.ListComp)) for p in parts):
        return True   # (x[:, [1]]: an array of indices, a new array whatever the others)
    return not any(isinstance(p, gast.Slice) or isinstance(p, gast.Constant) and (
        p.value is None or p.value is Ellipsis) for p in parts)   # (views.is_view_index)


def _sharing(everything):
    """name -> the names whose memory it may share (both ways, bindings and loop rows)."""
    pairs = {}
    for node in everything:
        if isinstance(node, gast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, gast.Name)]
            shared = set() if _item(node.value) else _shared_names(node.value)
        elif isinstance(node, gast.For) and isinstance(node.target, gast.Name):
            targets, shared = [node.target.id], _shared_names(node.iter)
        else:
            continue
        for t in targets:
            for s in shared:
                if s != t:
                    pairs.setdefault(t, set()).add(s)
                    pairs.setdefault(s, set()).add(t)
    return pairs


def _reads(fn):
    """The names the local function ``fn`` reads that it does not bind (its closure),
    each with its first read (breadth first)."""
    walked = nodes.walk(fn)
    bound = {a.id for a in fn.args.args} | {n.id for n in walked if isinstance(n, gast.Name)
                                            and not isinstance(n.ctx, gast.Load)}
    body = fn.body if isinstance(fn.body, list) else [fn.body]
    found = {}
    for stmt in body:
        for n in nodes.walk(stmt):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) \
                    and n.id not in bound:
                found.setdefault(n.id, n)
    return found


def stale_read(top, everything):
    """The first (local function node, name it reads, name changed in place, the read
    or default to point at) where a local function of ``top`` may read values from before a change in
    place (see the module docstring), or None."""
    if not changed_in_place(everything):
        return None
    for node in everything:
        if node is top or not isinstance(node, (gast.FunctionDef, gast.Lambda)):
            continue
        # (what the local function's own body binds and changes, inlined where it is
        # called, the normalizer follows as it follows straight-line code)
        own = {id(n) for n in nodes.walk(node)} - {id(d) for d in node.args.defaults}
        outside = [n for n in everything if id(n) not in own]
        sharing = _sharing(outside)
        # a free name is read where the function is called, as a read there would be:
        # 'v op= e' of a plain name is checked for it as for any read (changed_in_place)
        changed, read_changed = _changes(outside), _changes(outside, names_too=False)
        changed = _shared_changes(changed, top, everything)
        read_changed = _shared_changes(read_changed, top, everything)
        calls = None
        for default in node.args.defaults:
            for name in _shared_names(default):
                for hit in _changed_with(name, changed, sharing, itself=True):
                    calls = _calls(top, node, everything) if calls is None else calls
                    if not _all_before(calls, changed[hit], top, everything):
                        return node, name, hit, default
        reads = _reads(node)
        for name in sorted(reads):
            for hit in _changed_with(name, read_changed, sharing, itself=False):
                calls = _calls(top, node, everything) if calls is None else calls
                if not _all_before(calls, read_changed[hit], top, everything):
                    return node, name, hit, reads[name]
    return None


def _shared_changes(changes, top, everything):
    """``changes`` (name -> the nodes changing it in place) without the changes of an
    object no other name may hold there: the name was bound to a new object (``d =
    np.copy(d)``, ``d = d * 1.0``) by a statement every path to the change runs, and
    between the two (on a later trip of a loop around that statement too) it is not
    bound again nor shared (``w = d[0:2]``, ``xs.append(d)``, ``[d]``).  The sharing of
    names is by name; this follows which object the changed name holds at the change."""
    parents = None
    found = {}
    for name, nodes_ in changes.items():
        kept = []
        for change in nodes_:
            parents = _parents(top) if parents is None else parents
            if not _private(change, name, top, parents):
                kept.append(change)
        if kept:
            found[name] = kept
    return found


def _private(change, name, top, parents):
    """Whether ``change`` (a node changing ``name`` in place, in ``top``'s own body)
    changes an object only ``name`` holds (see ``_shared_changes``)."""
    if _function_of(change, parents, top) is not top:
        return False
    chain, node = [], change   # the statements around the change, innermost first
    while node is not None and node is not top:
        if isinstance(node, gast.stmt):
            chain.append(node)
        node = parents.get(id(node))
    for holder in chain:   # the statement holding it in each block around it
        block = _block_of(holder, parents)
        if block is None:
            continue
        at = next(i for i, stmt in enumerate(block) if stmt is holder)
        for k in range(at - 1, -1, -1):
            stmt = block[k]
            if not _binds(nodes.walk(stmt), name):
                continue
            if not _fresh_binding(stmt, name):
                return False
            fresh = {id(n) for n in nodes.walk(stmt)}
            region = [n for s in block[k + 1:at + 1] + _loops_around(stmt, parents, top)
                      for n in nodes.walk(s) if id(n) not in fresh]
            return not (_binds(region, name) or _shares(region, name))
    return False


def _block_of(stmt, parents):
    """The list of statements holding ``stmt`` (a body or an ``else``), or None."""
    parent = parents.get(id(stmt))
    for field in ("body", "orelse"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and any(s is stmt for s in block):
            return block
    return None


def _loops_around(stmt, parents, top):
    """The outermost loop around ``stmt`` inside ``top``, as a list (empty if none): its
    every statement may run after ``stmt``, on a later trip."""
    outer, node = [], parents.get(id(stmt))
    while node is not None and node is not top:
        if isinstance(node, (gast.For, gast.While)):
            outer = [node]
        node = parents.get(id(node))
    return outer


def _binds(found, name):
    """Whether one of the nodes ``found`` may bind ``name``."""
    return any(isinstance(n, gast.Name) and n.id == name and not isinstance(n.ctx, gast.Load)
               or isinstance(n, (gast.FunctionDef, gast.Global, gast.Nonlocal))
               and name in getattr(n, "names", [getattr(n, "name", None)])
               for n in found)


#: calls whose result is a new object, never one of their arguments
_COPIES = frozenset({"copy", "array", "list", "dict"})


def _fresh_binding(stmt, name):
    """Whether ``stmt`` is ``name = <a new object>``: an operator's result, a display, a
    comprehension, ``np.copy(...)``, ``np.array(...)``, ``list(...)``, ``dict(...)``,
    ``a.copy()``."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == name):
        return False
    value = stmt.value
    if isinstance(value, (gast.BinOp, gast.UnaryOp, gast.List, gast.Dict, gast.ListComp,
                          gast.DictComp)):
        return True
    if not isinstance(value, gast.Call) or value.keywords:
        return False
    func = value.func
    if isinstance(func, gast.Name):
        return func.id in ("list", "dict")
    if isinstance(func, gast.Attribute) and func.attr in _COPIES:
        if isinstance(func.value, gast.Name) and func.value.id in ("np", "numpy"):
            return func.attr in ("copy", "array")
        return func.attr == "copy" and not value.args
    return False


def _shares(found, name):
    """Whether one of the nodes ``found`` may give another name, or a container, the
    object ``name`` holds: a binding from it (``w = d``, ``w = d[0:2]``, a loop over
    it), a local function's default, a display holding it, or a method of a container
    given it."""
    for n in found:
        if isinstance(n, gast.Assign) and name in _shared_names(n.value):
            return True
        if isinstance(n, gast.For) and name in _shared_names(n.iter):
            return True
        if isinstance(n, (gast.FunctionDef, gast.Lambda)) and any(
                name in _shared_names(d) for d in n.args.defaults + n.args.kw_defaults
                if d is not None):
            return True   # a default keeps the object
        if isinstance(n, (gast.List, gast.Tuple, gast.Dict, gast.Set)):
            items = n.values if isinstance(n, gast.Dict) else n.elts
            if any(_base(i) == name for i in items):
                return True
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) \
                and n.func.attr in _CHANGING \
                and any(_base(a) == name for a in list(n.args) + [k.value for k in n.keywords]):
            return True
    return False


def _changed_with(name, changed, sharing, itself):
    """The names changed in place that may share memory with ``name``, through any
    chain of bindings (``name`` itself first where ``itself``: a default keeps the
    object, so its own change counts)."""
    own = [name] if itself and name in changed else []
    reach, todo = {name}, [name]   # (followed through every step: w = v, v = d[0:2])
    while todo:
        for other in sharing.get(todo.pop(), ()):
            if other not in reach:
                reach.add(other)
                todo.append(other)
    return own + [other for other in sorted(reach - {name}) if other in changed]


def _parents(top):
    """id(node) -> its parent node, for every node under ``top``."""
    parents, stack = {}, [top]
    while stack:
        node = stack.pop()
        for child in gast.iter_child_nodes(node):
            parents[id(child)] = node
            stack.append(child)
    return parents


def _calls(top, fn, everything):
    """The calls of the local function ``fn`` (a ``def``, or a lambda bound to a name
    once), each a ``Call`` in ``top``'s own body, or None where the function may be
    called elsewhere (passed on, stored, called from another local function, rebound)."""
    parents = _parents(top)
    if isinstance(fn, gast.FunctionDef):
        name = fn.name
    else:
        bound = parents.get(id(fn))
        if not (isinstance(bound, gast.Assign) and len(bound.targets) == 1
                and isinstance(bound.targets[0], gast.Name) and bound.value is fn):
            return None
        name = bound.targets[0].id
    own = {id(n) for n in nodes.walk(fn)}
    bindings = [n for n in everything if isinstance(n, gast.Name) and n.id == name
                and not isinstance(n.ctx, gast.Load)]
    bindings += [n for n in everything if isinstance(n, gast.FunctionDef) and n.name == name
                 and n is not top]
    if len(bindings) != 1 or any(isinstance(n, (gast.Global, gast.Nonlocal))
                                 for n in everything):
        return None
    calls = []
    for n in everything:
        if isinstance(n, gast.Name) and n.id == name and isinstance(n.ctx, gast.Load) \
                and id(n) not in own:
            call = parents.get(id(n))
            if not (isinstance(call, gast.Call) and call.func is n
                    and _function_of(call, parents, top) is top):
                return None
            calls.append(call)
    return calls


def _function_of(node, parents, top):
    """The innermost function or lambda around ``node`` (``top`` at the outside)."""
    node = parents.get(id(node))
    while node is not None and node is not top \
            and not isinstance(node, (gast.FunctionDef, gast.Lambda)):
        node = parents.get(id(node))
    return top if node is None else node


def _all_before(calls, changes, top, everything):
    """Whether every call runs before every change: each call's statement ends before
    the change's statement starts, the change is in ``top``'s own body, and no loop holds
    both (a later pass of it would call after the change)."""
    if calls is None:
        return False
    parents = _parents(top)

    def around(node):
        statement, loops = None, set()
        node = parents.get(id(node))
        while node is not None and node is not top:
            if statement is None and isinstance(node, gast.stmt):
                statement = node
            if isinstance(node, (gast.For, gast.While)):
                loops.add(id(node))
            node = parents.get(id(node))
        return statement, loops

    for change in changes:
        if _function_of(change, parents, top) is not top:
            return False
        changed_in, change_loops = around(change)
        for call in calls:
            called_in, call_loops = around(call)
            if called_in is None or changed_in is None or call_loops & change_loops \
                    or (called_in.end_lineno, called_in.end_col_offset) \
                    > (changed_in.lineno, changed_in.col_offset):
                return False
    return True
