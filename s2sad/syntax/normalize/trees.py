"""Plain facts read off the user's tree and off atoms, shared by the pieces of
normalize (loop lowering, merges, list and dict handling).

Input: gast trees (never changed here) and atoms.  Output: sets of names and
booleans; nothing here keeps state.
"""

import gast

from .. import nodes


def list_mutation(node):
    """``xs.append(v)``, ``xs.extend(ys)``, ``xs.insert(i, v)``, ``xs.pop()`` or
    ``xs.pop(i)`` on a plain name, with positional arguments."""
    return (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)
            and isinstance(node.func.value, gast.Name) and not node.keywords
            and (node.func.attr, len(node.args)) in LIST_METHOD_ARITY)


LIST_METHOD_ARITY = {("append", 1), ("extend", 1), ("insert", 2), ("pop", 0), ("pop", 1)}


def list_extensions(tree):
    """User names ``tree`` updates by ``name += ...``."""
    return {n.target.id for n in nodes.walk(tree) if isinstance(n, gast.AugAssign)
            and isinstance(n.op, gast.Add) and isinstance(n.target, gast.Name)}


def mutated_lists(tree, extra=()):
    """User names a list method changes in ``tree`` (and ``extra``), and the names
    copied to or from them (``b = a``), which hold the same list."""
    found = {n.func.value.id for n in nodes.walk(tree) if list_mutation(n)} | set(extra)
    copies = [(t.id, n.value.id) for n in nodes.walk(tree) if isinstance(n, gast.Assign)
              and isinstance(n.value, gast.Name) for t in n.targets if isinstance(t, gast.Name)]
    return closed_under_copies(found, copies)


def closed_under_copies(names, copies):
    """``names`` with every name a copy ``a = b`` (a pair of ``copies``) joins to one of
    them, in either direction, until nothing more joins."""
    found = set(names)
    changed = bool(found)
    while changed:
        changed = False
        for a, b in copies:
            if (a in found) != (b in found):
                found |= {a, b}
                changed = True
    return found


def atom_key(atom):
    """A hashable stand-in for a Name atom (None for anything else)."""
    return atom.id if isinstance(atom, gast.Name) else None


def same_atom(a, b):
    """Whether the atoms ``a`` and ``b`` (or None) denote one value: one name, or equal
    constants of one type."""
    if a is None or b is None:
        return a is b
    if isinstance(a, gast.Name) and isinstance(b, gast.Name):
        return a.id == b.id
    if isinstance(a, gast.Constant) and isinstance(b, gast.Constant):
        return type(a.value) is type(b.value) and a.value == b.value
    return False


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


def user_names(fn_node):
    """Every identifier the function mentions (parameters, locals, globals)."""
    return {node.id for node in nodes.names(fn_node)}


def containers_and_loops(fn):
    """(name -> the lines where a list or tuple takes it, the (first, last) lines of
    each loop) in the function ``fn``: what in-place updates are checked against."""
    held = {}
    everything = nodes.walk(fn)
    for node in everything:
        items = []
        if isinstance(node, gast.Call) and list_mutation(node) and node.func.attr != "pop":
            items = node.args[-1:]
        elif isinstance(node, gast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], gast.Name) \
                and isinstance(node.value, (gast.List, gast.Tuple)):
            items = node.value.elts
        for item in items:
            for name in held_names(item):
                held.setdefault(name, []).append(node.lineno)
    loops = [(n.lineno, getattr(n, "end_lineno", n.lineno))
             for n in everything if isinstance(n, (gast.For, gast.While))]
    return held, loops


def held_names(expr):
    """The names whose array a list may hold after taking ``expr``: the value itself,
    or a view of it (``v[::2]``, ``v.T``, ``np.reshape(v, ...)``, either arm of
    ``a if c else b``); arithmetic makes a new array.  A call of anything else but a
    numpy function may hand back any of its arguments."""
    if isinstance(expr, gast.Name):
        return {expr.id}
    if isinstance(expr, (gast.Subscript, gast.Attribute, gast.Starred)):
        return held_names(expr.value)
    if isinstance(expr, gast.IfExp):
        return held_names(expr.body) | held_names(expr.orelse)
    if isinstance(expr, gast.BoolOp):
        return set().union(*(held_names(v) for v in expr.values))
    if isinstance(expr, (gast.Tuple, gast.List)):
        return set().union(set(), *(held_names(e) for e in expr.elts))
    if isinstance(expr, gast.Call):
        func = expr.func
        if isinstance(func, gast.Attribute) and func.attr in VIEW_FUNCTIONS:
            if isinstance(func.value, gast.Name) and func.value.id in ("np", "numpy"):
                return set().union(set(), *(held_names(a) for a in expr.args[:1]))
            return held_names(func.value)   # v.reshape(...), v.ravel()
        if isinstance(func, gast.Attribute):
            return set()   # np.sin(v), np.concatenate(...): a new array
        return set().union(set(), *(held_names(a) for a in expr.args))
    return set()


#: calls whose result may share memory with their first argument
VIEW_FUNCTIONS = frozenset({"transpose", "reshape", "ravel", "expand_dims", "squeeze",
                             "swapaxes", "moveaxis", "asarray", "broadcast_to", "atleast_1d",
                             "atleast_2d", "diagonal", "real", "imag"})


def is_atomic(node):
    """A name, a constant, or a signed numeric constant (``-1.0``)."""
    if isinstance(node, (gast.Name, gast.Constant)):
        return True
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)) \
            and isinstance(node.operand, gast.Constant):
        return True
    return False


def op_symbol(op):
    """How Python spells the binary operator ``op`` (``"?"`` for another one)."""
    return {gast.Add: "+", gast.Sub: "-", gast.Mult: "*", gast.Div: "/", gast.Pow: "**",
            gast.MatMult: "@", gast.FloorDiv: "//", gast.Mod: "%"}.get(type(op), "?")


def constant_key(key):
    """A dict display's key written as a string or integer constant."""
    return isinstance(key, gast.Constant) and (
        isinstance(key.value, str)
        or isinstance(key.value, int) and not isinstance(key.value, bool))
