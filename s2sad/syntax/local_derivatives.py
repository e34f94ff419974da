"""A derivative bound to a local name and called by it: written as made where it is called.

``gr = s2sad.grad(energy)`` at the top of a function, then ``gr(x)`` (in a loop, say):
each call becomes ``s2sad.grad(energy)(x)``, which the normalizer composes (see
``normalize.derivatives``), and the assignment goes (making a derivative computes
nothing).  Only where that is the same program: the name is bound once, by a statement
of the function's own body (not in a loop or a branch), is no parameter, and is read
only as the callee of calls after it; the transform is one of s2sad's, called with
names and constants.  Anything else is left as written (and refused where the local
value is called, as before).

Input and output: a :class:`ParsedFunction` whose tree is rewritten in place (the
calls' callees are copies of the assignment's value, keeping its location).
"""

import copy

import gast

from . import nodes


def inline_local_derivatives(parsed):
    """Rewrite ``parsed.node`` as the module doc says; returns nothing."""
    fn = parsed.node
    if not any(_is_made_derivative(parsed, stmt) for stmt in fn.body):
        return
    everything = list(nodes.walk(fn))
    params = {a.id for a in fn.args.args + fn.args.kwonlyargs + fn.args.posonlyargs
              if isinstance(a, gast.Name)}
    declared = {name for n in everything if isinstance(n, (gast.Global, gast.Nonlocal))
                for name in n.names}
    for index, stmt in enumerate(list(fn.body)):
        if not _is_made_derivative(parsed, stmt):
            continue
        name = stmt.targets[0].id
        if name in params or name in declared:
            continue
        calls = _calls_only(everything, name, stmt)
        if calls is None or not all(_after(fn.body, stmt, call) for call in calls):
            continue
        for call in calls:
            call.func = copy.deepcopy(stmt.value)
        fn.body = [s for s in fn.body if s is not stmt]
        everything = list(nodes.walk(fn))


def _is_made_derivative(parsed, stmt):
    """Whether ``stmt`` is ``name = <one of s2sad's transforms>(<names, constants>...)``."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Call)):
        return False
    call = stmt.value
    spelled = nodes.dotted_parts(call.func)
    if spelled is None:
        return False
    obj = parsed.resolve(spelled[0], None)
    for part in spelled[1]:
        obj = getattr(obj, part, None)
    return bool(getattr(obj, "_s2sad_transform", False)) and call.args and all(
        _plain(a) for a in call.args + [k.value for k in call.keywords if k.arg])


def _plain(node):
    return isinstance(node, (gast.Name, gast.Constant)) or nodes.dotted_parts(node) \
        is not None or (isinstance(node, gast.Tuple) and all(_plain(e) for e in node.elts)) \
        or (isinstance(node, gast.Call) and nodes.dotted_parts(node.func) is not None
            and all(_plain(a) for a in node.args) and not node.keywords)


def _calls_only(everything, name, binding):
    """The calls whose callee is ``name``, if that is every other use of it, else None."""
    calls, callees = [], set()
    for node in everything:
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
                and node.func.id == name:
            calls.append(node)
            callees.add(id(node.func))
    for node in everything:
        if isinstance(node, gast.Name) and node.id == name and id(node) not in callees \
                and node is not binding.targets[0]:
            return None
        if isinstance(node, (gast.FunctionDef, gast.Lambda)) and name in _parameters(node):
            return None
    return calls


def _parameters(fn):
    a = fn.args
    return {p.id for p in a.args + a.kwonlyargs + a.posonlyargs + [a.vararg, a.kwarg]
            if isinstance(p, gast.Name)}


def _after(body, binding, call):
    """Whether ``call`` is in a statement of ``body`` after ``binding``."""
    start = next(i for i, s in enumerate(body) if s is binding)
    return any(call is n for stmt in body[start + 1:] for n in nodes.walk(stmt))
