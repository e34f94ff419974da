"""Shape facts that hold whatever the inputs: plain data for the transforms.

``known_scalars(stmts)`` names values that are certainly Python numbers (sizes,
lengths, range() counters and arithmetic on them); ``shape_classes(stmts,
scalars)`` gives a predicate telling which names certainly share a shape.
The reverse transform uses both to leave out ``unbroadcast`` where nothing can
have been broadcast.  Input: normalized simple statements (and loop headers).
"""

import gast

from ..syntax import anno


def _defined_once(stmts):
    """Names assigned by exactly one statement: only they have one shape to speak of
    (a loop-carried name may change its shape from one trip to the next)."""
    counts = {}
    for stmt in stmts:
        if isinstance(stmt, gast.Assign):
            for target in stmt.targets:
                for node in gast.walk(target):
                    if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
                        counts[node.id] = counts.get(node.id, 0) + 1
    return {n for n, c in counts.items() if c == 1}


_WHOLE_REDUCTIONS = ("sum", "mean", "max", "min", "prod", "amax", "amin")


def _reduces_to_scalar(value):
    """``np.sum(x)`` and friends without ``axis`` or ``keepdims``: one number."""
    import builtins
    callee = anno.get(value, anno.CALLEE)
    if callee is builtins.len or callee is builtins.float:
        return True
    name = getattr(callee, "__name__", "")
    module = getattr(callee, "__module__", "") or ""
    return (name in _WHOLE_REDUCTIONS and module.startswith("numpy") and len(value.args) == 1
            and not value.keywords)


def known_scalars(primal):
    """Names that certainly hold a single number (shape ``()``): sizes, lengths,
    range() counters, whole-array reductions, arithmetic on those, and carried
    names (accumulators) every one of whose definitions is such a number."""
    once = _defined_once(primal)
    defs = {}
    for stmt in primal:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            defs.setdefault(stmt.targets[0].id, []).append(stmt.value)
    shape_names = shapes_of(primal)

    def number(value, known):
        if isinstance(value, gast.Constant):
            return type(value.value) in (int, float, bool)
        if isinstance(value, gast.Name):
            return value.id in known
        if isinstance(value, gast.Attribute):
            return value.attr in ("ndim", "size")
        if isinstance(value, gast.Subscript):
            return isinstance(value.value, gast.Name) and value.value.id in shape_names \
                and isinstance(value.slice, gast.Constant)
        if isinstance(value, gast.BinOp):
            return number(value.left, known) and number(value.right, known)
        if isinstance(value, gast.UnaryOp):
            return number(value.operand, known)
        if isinstance(value, gast.Call):
            return _reduces_to_scalar(value)
        return False

    # names assigned several times (loop-carried accumulators): assume numbers, then
    # drop any with a definition that is not one, until nothing changes
    loop_targets = {s.target.id for s in primal
                    if isinstance(s, gast.For) and isinstance(s.target, gast.Name)}
    candidates = {n for n in defs if n not in once}
    while True:
        known = set(loop_targets) | candidates
        for _ in range(len(defs) + 1):   # single definitions, in dependency order
            grew = {n for n in once & set(defs) if n not in known
                    and number(defs[n][0], known)}
            if not grew:
                break
            known |= grew
        bad = {n for n in candidates if not all(number(v, known) for v in defs[n])}
        if not bad:
            return known
        candidates -= bad


def shapes_of(primal):
    return {stmt.targets[0].id for stmt in primal
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.Attribute) and stmt.value.attr == "shape"}


def shape_classes(simple, scalars):
    """A predicate ``same(a, b)``: names certain to have equal shapes.

    Elementwise functions of one array (ufuncs with one input) and arithmetic
    with a literal or a Python scalar keep their operand's shape; so does
    arithmetic between two names already known to share a shape, and a plain
    copy.  Everything else starts a class of its own.
    """
    parent = {}

    def find(n):
        while parent.get(n, n) != n:
            n = parent[n]
        return n

    def union(a, b):
        parent[find(a)] = find(b)

    def scalar_like(atom):
        return isinstance(atom, gast.Constant) or (
            isinstance(atom, gast.Name) and atom.id in scalars)

    once = _defined_once(simple)
    assigned = {n.id for s in simple if isinstance(s, gast.Assign) for t in s.targets
                for n in gast.walk(t) if isinstance(n, gast.Name)}

    def once_or_input(name):
        # a parameter or global (never assigned) keeps its one shape too
        return once | ({name} - assigned)

    for stmt in simple:
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
            continue
        name, value = stmt.targets[0].id, stmt.value
        if name not in once:
            continue
        operands = None
        if isinstance(value, gast.Name):
            operands = [value]
        elif isinstance(value, gast.UnaryOp):
            operands = [value.operand]
        elif isinstance(value, gast.BinOp) and not isinstance(value.op, gast.MatMult):
            operands = [value.left, value.right]
        elif isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords \
                and getattr(anno.get(value, anno.CALLEE), "nin", None) == 1:
            operands = [value.args[0]]
        if not operands:
            continue
        arrays = [a for a in operands if not scalar_like(a)]
        if not arrays or not all(isinstance(a, gast.Name) and a.id in once_or_input(a.id)
                                 for a in arrays):
            continue
        roots = {find(a.id) for a in arrays}
        if len(roots) == 1:
            union(name, arrays[0].id)
    return lambda a, b: a == b or find(a) == find(b)


