"""Shape facts that hold whatever the inputs: plain data for the transforms.

``known_scalars(stmts)`` names values that are certainly Python numbers (sizes,
lengths, range() counters and arithmetic on them); ``shape_classes(stmts,
scalars)`` gives a predicate telling which names certainly share a shape.
The reverse transform uses both to leave out ``unbroadcast`` where nothing can
have been broadcast.  Input: normalized simple statements (and loop headers).
"""

import gast

from ..syntax import anno, nodes


def _defined_once(stmts):
    """Names assigned by exactly one statement: only they have one shape to speak of
    (a loop-carried name may change its shape from one trip to the next)."""
    counts = {}
    for stmt in stmts:
        if isinstance(stmt, gast.Assign):
            for target in stmt.targets:
                for node in nodes.names(target):
                    if isinstance(node.ctx, gast.Store):
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

    A name assigned several times (a loop-carried name) is trusted by
    induction: its first value has some shape, and if every later assignment
    provably keeps the shape the name has, every value has that shape.  Names
    for which that cannot be shown are left out, and the classes computed again.
    """
    once = _defined_once(simple)
    assigned = {n.id for s in simple if isinstance(s, gast.Assign) for t in s.targets
                for n in nodes.names(t)}
    defs = {}
    for stmt in simple:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            defs.setdefault(stmt.targets[0].id, []).append(stmt.value)
    candidates = {n for n in defs if n not in once}
    while True:
        find, same_as_name = _classes(simple, scalars, once | candidates, assigned, defs,
                                      candidates)
        broken = {c for c in candidates
                  if not all(same_as_name(c, value) for value in defs[c][1:])}
        if not broken:
            return lambda a, b: a == b or find(a) == find(b)
        candidates -= broken


def _classes(simple, scalars, trusted, assigned, defs, carried):
    """Union-find over ``simple`` using only ``trusted`` names (and never-assigned inputs);
    a carried name is joined with its first value only."""
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

    def usable(name):
        return name in trusted or name not in assigned

    def operands_of(value):
        if isinstance(value, gast.Name):
            return [value]
        if isinstance(value, gast.UnaryOp):
            return [value.operand]
        if isinstance(value, gast.BinOp) and not isinstance(value.op, gast.MatMult):
            return [value.left, value.right]
        if isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords \
                and getattr(anno.get(value, anno.CALLEE), "nin", None) == 1:
            return [value.args[0]]
        return None

    def shape_root(value):
        """The class a value's shape is that of, or None when unknown."""
        operands = operands_of(value)
        if operands is None:
            return None
        arrays = [a for a in operands if not scalar_like(a)]
        if not arrays or not all(isinstance(a, gast.Name) and usable(a.id) for a in arrays):
            return None
        roots = {find(a.id) for a in arrays}
        return roots.pop() if len(roots) == 1 else None

    seen_first = set()
    for stmt in simple:
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
            continue
        name = stmt.targets[0].id
        if name not in trusted:
            continue
        if name in carried:
            if name in seen_first:
                continue            # later values: checked, not joined
            seen_first.add(name)
        root = shape_root(stmt.value)
        if root is not None:
            union(name, root)

    def same_as_name(name, value):
        if scalar_like(value):
            return name in scalars
        root = shape_root(value)
        return root is not None and root == find(name)

    return find, same_as_name
