"""What the reverse sweep needs to know about loops and blocks, as plain functions.

Each takes statements of the primal body (or of the backward sweep) and returns
a set, a list or a bool; none changes its input.
"""

import gast

from ...analysis import ops
from ...analysis.ops import assigned_in, flatten
from ...rules import registry
from ...syntax import anno, nodes
from ...syntax.source import is_user_function


def same(a, b):
    """Whether two adjoint expressions (or None) are the same."""
    if a is None or b is None:
        return a is b
    return gast.dump(a) == gast.dump(b)

def loads(stmts):
    """Names the statements ``stmts`` load."""
    return {n.id for n in nodes.names(stmts) if isinstance(n.ctx, gast.Load)}

def carried_copies_start(body, carried):
    """Index where the trailing copies into carried names begin."""
    index = len(body)
    while index > 0:
        stmt = body[index - 1]
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and stmt.targets[0].id in carried \
                and isinstance(stmt.value, (gast.Name, gast.Constant)):
            index -= 1
        else:
            break
    return index

def top_level_targets(stmts):
    """Names assigned by the simple statements of ``stmts`` itself (not nested blocks)."""
    return {t for s in stmts if not isinstance(s, (gast.If, gast.For, gast.While))
            for t in ops.targets(s)}

def written_or_indexed(stmts):
    """Arrays written into or read by subscript in ``stmts`` (their adjoints change in place)."""
    names = set()
    for stmt in flatten(stmts):
        if ops.is_store(stmt):
            names.add(stmt.targets[0].value.id)
        elif isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Subscript) \
                and isinstance(stmt.value.value, gast.Name):
            names.add(stmt.value.value.id)
    return names

def loop_invariants(loop, carried):
    """Names a loop body computes only from values the loop never changes (the same
    value on every trip, so the backward sweep can read the last one)."""
    changed = set(carried) | assigned_in([loop.target] if isinstance(loop, gast.For) else [])
    changed |= {s.targets[0].value.id for s in flatten(loop.body) if ops.is_store(s)}
    simple = [s for s in flatten(loop.body)]
    assigned = assigned_in(loop.body)
    counts = {}
    for stmt in simple:
        for t in ops.targets(stmt):
            counts[t] = counts.get(t, 0) + 1
    # a name assigned twice in the body (branches, nested loops) is not one value
    changed |= {n for n, c in counts.items() if c != 1}
    # an object's attribute may change between trips where a call may write it (a
    # helper of the user's given the object: ``bump(c)`` writing ``c.n``)
    calls_write = any(isinstance(node, gast.Call) and not _writes_no_attribute(node)
                      for stmt in simple for node in gast.walk(stmt))
    invariant = set()
    grew = True
    while grew:
        grew = False
        for stmt in simple:
            if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
                continue
            name = stmt.targets[0].id
            if name in invariant or name in changed:
                continue
            reads = ops.names_in(stmt.value)
            if calls_write and any(isinstance(node, gast.Attribute)
                                   for node in gast.walk(stmt.value)):
                continue
            if all(r in invariant or r not in assigned and r not in changed for r in reads) \
                    and pure(stmt.value):
                invariant.add(name)
                grew = True
    return invariant

def pure(value):
    """Gives the same value for the same inputs: no calls but to functions with rules
    that give one value for the same arguments (np.random.normal, a generator's draw,
    next(it), a function of the user's declared without derivative and method calls
    such as tape.pop() do not: see ``registry.fresh``)."""
    for node in gast.walk(value):
        if isinstance(node, gast.Call):
            target = anno.get(node, anno.CALLEE)
            if registry.lookup(target) is None or registry.fresh(target):
                return False
    return True

def _writes_no_attribute(call):
    """Whether the call ``call`` writes no object's attribute: a call of a library's
    function with a rule (a function of the user's may write any object it is given)."""
    target = anno.get(call, anno.CALLEE)
    return pure(call) and not is_user_function(target)

def upward_exposed(body):
    """Names a block reads before assigning them (their values come from outside)."""
    assigned, exposed = set(), set()
    for stmt in body:
        exposed |= loads([stmt]) - assigned
        assigned |= {n.id for n in gast.walk(stmt)
                     if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
    return exposed

def read_before_assigned(body):
    """Names ``body`` may read, on some path, before it assigns them (their values come
    from before it).  Sure to be assigned after a statement: its targets; after an
    ``if``, what both branches assign; after a loop, nothing (it may run no trip), and
    each trip starts from what was assigned before the loop.  Anything else (a nested
    function, ``try``, ``with``, a loop's ``else``) counts every name it reads."""
    exposed = set()
    _reads_before(body, exposed, set())
    return exposed

def _reads_before(body, exposed, assigned):
    """Add to ``exposed`` the names ``body`` may read before assigning them, given the
    names ``assigned`` before it; add to ``assigned`` what ``body`` surely assigns."""
    for stmt in body:
        if isinstance(stmt, gast.If):
            exposed |= nodes.loads(stmt.test) - assigned
            then, other = set(assigned), set(assigned)
            _reads_before(stmt.body, exposed, then)
            _reads_before(stmt.orelse, exposed, other)
            assigned |= then & other
        elif isinstance(stmt, (gast.For, gast.While)) and not stmt.orelse:
            head = stmt.iter if isinstance(stmt, gast.For) else stmt.test
            exposed |= nodes.loads(head) - assigned
            trip = set(assigned)
            if isinstance(stmt, gast.For):
                trip |= {n.id for n in nodes.names(stmt.target)
                         if isinstance(n.ctx, gast.Store)}
            _reads_before(stmt.body, exposed, trip)
        elif isinstance(stmt, (gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr,
                               gast.Return)):
            exposed |= nodes.loads(stmt) - assigned
            if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name) \
                    and stmt.target.id not in assigned:
                exposed.add(stmt.target.id)   # (x += 1 reads x)
            assigned |= {n.id for n in nodes.names(stmt)
                         if isinstance(n.ctx, gast.Store)}
        else:
            exposed |= nodes.loads(stmt) - assigned

def carried_copies(loop):
    """``(carried, value)`` for the copies ``carried = value`` that end a loop body."""
    carried = set(anno.get(loop, anno.CARRIED, ()))
    pairs = []
    for stmt in reversed(loop.body):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and stmt.targets[0].id in carried and isinstance(stmt.value, gast.Name):
            pairs.append((stmt.targets[0].id, stmt.value.id))
        elif not (isinstance(stmt, gast.Expr)):   # comment markers may sit among them
            break
    sources = [v for _, v in pairs]
    # only when the value is not itself carried (a swap needs the tape)
    return [(c, v) for c, v in pairs if v not in carried and sources.count(v) == 1]

def recomputable(stmt, loop, written):
    """``x = a[i]`` where ``a`` never changes in the loop (nor anywhere by a write) and
    ``i`` is the loop counter, a constant, or a name the loop does not assign."""
    if stmt is None or not isinstance(stmt.value, gast.Subscript):
        return False
    base = stmt.value.value
    if not isinstance(base, gast.Name) or base.id in written:
        return False
    changed = assigned_in(loop.body) | set(anno.get(loop, anno.CARRIED, ()))
    if base.id in changed:
        return False
    counter = loop.target.id if isinstance(loop, gast.For) else None
    for node in gast.walk(stmt.value.slice):
        if isinstance(node, gast.Name) and node.id != counter and node.id in changed:
            return False
    return stmt in list(flatten(loop.body)) and stmt in loop.body

