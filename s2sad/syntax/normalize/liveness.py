"""May a name be read later?  Liveness questions over the user's function tree.

Input: the (desugared) gast tree of the function, a statement in it, a name.
Output: plain answers (True / False / None for "not in this tree", or a set of
names); nothing here changes the tree.  The write checks use them to find the
names a write could change that are still read; the loop lowering to find the
names a loop body reads before it assigns them.
"""

import gast

from .. import nodes


def live_after(root, node, name, cache):
    """Whether the statement of ``root`` holding ``node`` may be followed, on some path,
    by a read of ``name`` before an assignment to it (None: ``node`` is not in
    ``root``)."""
    key = ("parents", id(root))
    parents = cache.get(key)
    if parents is None:
        parents = {}
        for parent in nodes.walk(root):
            for child in gast.iter_child_nodes(parent):
                parents[id(child)] = parent
        cache[key] = parents
    # the chain of (block, position) from the statement out to the function's body
    chain, current = [], node
    while current is not root:
        parent = parents.get(id(current))
        if parent is None:
            return None
        for field in ("body", "orelse"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and any(s is current for s in block):
                index = next(i for i, s in enumerate(block) if s is current)
                chain.append((parent, field, block, index))
        current = parent
    if not chain:
        return None
    for parent, field, block, index in chain:
        state = scan(block[index + 1:], name)
        if state == "read":
            return True
        if state == "bound":
            return False
        if isinstance(parent, (gast.For, gast.While)) and field == "body":
            # the next trip: the loop's test, then its body from the top
            if isinstance(parent, gast.While) and _reads(parent.test, name):
                return True
            bound = isinstance(parent, gast.For) and any(
                n.id == name for n in nodes.names(parent.target))
            if not bound and scan(parent.body, name) == "read":
                return True
        if isinstance(parent, gast.FunctionDef) and parent is not root:
            return None   # a local function's body: inlined where it is called
    return False


def closure_reads(root, cache):
    """name -> how a local function or lambda of ``root`` that reads it from around it
    (not as its own parameter) may be called: the name it is bound to where every use
    of that name is a call in ``root``'s own code (a call after a write reads the
    name's value then, wherever the ``def`` or the lambda stands), or None where it may
    be called from anywhere (passed on, stored, unnamed, called by another closure)."""
    key = ("closure reads", id(root))
    found = cache.get(key)
    if found is not None:
        return found
    found, parents, inside = {}, {}, set()
    for parent in nodes.walk(root):
        for child in gast.iter_child_nodes(parent):
            parents[id(child)] = parent
    closures = [n for n in nodes.walk(root)
                if n is not root and isinstance(n, (gast.FunctionDef, gast.Lambda))]
    for closure in closures:
        inside.update(id(n) for n in nodes.walk(closure) if n is not closure)
    for closure in closures:
        own = {n.id for n in nodes.names(closure.args)}
        body = closure.body if isinstance(closure, gast.FunctionDef) else [closure.body]
        read = {n.id for part in body for n in nodes.names(part)
                if isinstance(n.ctx, gast.Load) and n.id not in own}
        called = _called_as(closure, root, parents, inside)
        for name in read:
            found.setdefault(name, set()).add(called)
    cache[key] = found
    return found


def _called_as(closure, root, parents, inside):
    """The name the local function or lambda ``closure`` is called by, where each use of
    it in ``root`` is a call in ``root``'s own code; else None."""
    if isinstance(closure, gast.FunctionDef):
        name = closure.name
    else:
        bound = parents.get(id(closure))
        if not (isinstance(bound, gast.Assign) and len(bound.targets) == 1
                and isinstance(bound.targets[0], gast.Name) and bound.value is closure):
            return None
        name = bound.targets[0].id
    for n in nodes.names(root):
        if n.id != name or not isinstance(n.ctx, gast.Load):
            continue
        call = parents.get(id(n))
        if id(n) in inside or not (isinstance(call, gast.Call) and call.func is n):
            return None
    return name


def _reads(node, name):
    return any(n.id == name and isinstance(n.ctx, gast.Load) for n in nodes.names(node))


def scan(stmts, name):
    """"read" when running ``stmts`` may read ``name`` before binding it, "bound" when
    every path binds it first (or leaves the function), else "open"."""
    for stmt in stmts:
        if isinstance(stmt, gast.If):
            if _reads(stmt.test, name):
                return "read"
            states = {scan(stmt.body, name), scan(stmt.orelse, name)}
            if "read" in states:
                return "read"
            if states == {"bound"}:
                return "bound"
        elif isinstance(stmt, (gast.For, gast.While)):
            header = stmt.iter if isinstance(stmt, gast.For) else stmt.test
            if _reads(header, name):
                return "read"
            if scan(stmt.body, name) == "read" or scan(stmt.orelse, name) == "read":
                return "read"   # a loop may run no trip: it binds nothing for certain
        elif isinstance(stmt, gast.Assign):
            if _reads(stmt.value, name) or any(_reads(t, name) for t in stmt.targets):
                return "read"   # x[i] = v reads x
            if any(isinstance(t, gast.Name) and t.id == name or isinstance(
                    t, (gast.Tuple, gast.List)) and any(
                    isinstance(e, gast.Name) and e.id == name for e in t.elts)
                    for t in stmt.targets):
                return "bound"
        elif isinstance(stmt, gast.AnnAssign):
            if stmt.value is not None and _reads(stmt.value, name):
                return "read"
            if isinstance(stmt.target, gast.Name) and stmt.target.id == name \
                    and stmt.value is not None:
                return "bound"
        elif isinstance(stmt, gast.AugAssign):
            if any(n.id == name for n in nodes.names(stmt)):
                return "read"
        elif isinstance(stmt, gast.Return):
            return "read" if stmt.value is not None and _reads(stmt.value, name) else "bound"
        elif any(n.id == name for n in nodes.names(stmt)):
            return "read"   # anything else that mentions the name (a local def, a call)
    return "open"


def exposed_reads(loop, candidates):
    """The names of ``candidates`` that one trip of ``loop`` may read before it
    assigns them (on some path through the body: the value of the trip before)."""
    exposed = set()

    def reads(node, bound):
        for n in nodes.names(node):
            if isinstance(n.ctx, gast.Load) and n.id in candidates and n.id not in bound:
                exposed.add(n.id)

    def stores(target):
        return {n.id for n in nodes.names(target) if isinstance(n.ctx, gast.Store)}

    def block(stmts, bound):
        bound = set(bound)
        for stmt in stmts:
            if isinstance(stmt, gast.If):
                reads(stmt.test, bound)
                bound = block(stmt.body, bound) & block(stmt.orelse, bound)
            elif isinstance(stmt, gast.For):
                reads(stmt.iter, bound)
                block(stmt.body, bound | stores(stmt.target))
            elif isinstance(stmt, gast.While):
                reads(stmt.test, bound)
                block(stmt.body, bound)
            elif isinstance(stmt, (gast.FunctionDef, gast.Lambda)):
                continue
            elif isinstance(stmt, gast.AugAssign):
                reads(stmt.target, bound)
                for n in nodes.names(stmt.target):
                    if n.id in candidates and n.id not in bound:
                        exposed.add(n.id)
                reads(stmt.value, bound)
                bound |= stores(stmt.target)
            elif isinstance(stmt, (gast.Assign, gast.AnnAssign)):
                reads(stmt.value, bound)
                targets = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]
                for target in targets:
                    reads(target, bound)   # x[i] = v reads x
                    bound |= stores(target) if not isinstance(target, gast.Subscript) \
                        else set()
            else:
                reads(stmt, bound)
        return bound

    if isinstance(loop, gast.While):
        reads(loop.test, set())
        block(loop.body, set())
    else:
        block(loop.body, stores(loop.target))
    return exposed
