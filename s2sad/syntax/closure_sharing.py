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
it): its values would be stale.

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


def changed_in_place(everything):
    """The names whose object the function changes in place (nested functions too)."""
    found = set()
    for node in everything:
        if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store):
            found.add(_base(node))
        elif isinstance(node, gast.AugAssign):
            found.add(_base(node.target))
        elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
                and node.func.attr in _CHANGING:
            found.add(_base(node.func.value))
    found.discard(None)
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


def _sharing(everything):
    """name -> the names whose memory it may share (both ways, bindings and loop rows)."""
    pairs = {}
    for node in everything:
        if isinstance(node, gast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, gast.Name)]
            shared = _shared_names(node.value)
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
        changed, sharing = changed_in_place(outside), _sharing(outside)
        for default in node.args.defaults:
            for name in _shared_names(default):
                hit = _changed_with(name, changed, sharing, itself=True)
                if hit:
                    return node, name, hit, default
        reads = _reads(node)
        for name in sorted(reads):
            hit = _changed_with(name, changed, sharing, itself=False)
            if hit:
                return node, name, hit, reads[name]
    return None


def _changed_with(name, changed, sharing, itself):
    """A name changed in place that shares memory with ``name`` (``name`` itself where
    ``itself``: a default keeps the object, so its own change counts), or None."""
    if itself and name in changed:
        return name
    return next((other for other in sorted(sharing.get(name, ())) if other in changed), None)
