"""Clean-up passes over generated code: folding, copy propagation, dead code.

``fold(expr)`` simplifies one expression (:mod:`s2sad.optimize_fold`, whose names this
module gives too).

``propagate_copies(body)`` and ``eliminate_dead(body)`` take a list of statements and
return a new list with copies propagated and dead assignments removed.  A statement is
live if it assigns a name read later, or has an effect (an expression statement, an
``assert``, an assignment into a subscript, an assignment of the user's whose result
is unused: :func:`mark_unused_results`).

:func:`optimize` is the pass the pipeline runs after a transform: a
:class:`~s2sad.transform.common.Generated` in, a new one out whose function holds no
dead assignment and no comment left without its statement.
"""

import bisect
import copy
import dataclasses

import gast

from .optimize_fold import fold, fold_binary, is_zero, without_float_unit  # noqa: F401
from .optimize_tapes import without_unread_tangents
from .syntax import anno, nodes
from .syntax.anno import COMMENT_ID

# --------------------------------------------------------------- liveness
def reads_into(node, found):
    """``found`` (a set) with ``nodes.loads(node)`` added: the commonest nodes of generated
    code (names, numbers, arithmetic, calls, attributes, expression statements) read
    through the very fields ``nodes.loads`` walks, any other node by ``nodes.loads``."""
    cls = node.__class__
    if cls is gast.Name and getattr(node, "annotation", None) is None:
        if not isinstance(node.ctx, gast.Store):
            found.add(node.id)
    elif cls is gast.BinOp:
        for part in (node.left, node.right):   # (a name read off here, as above)
            if part.__class__ is not gast.Name or getattr(part, "annotation", None) is not None:
                reads_into(part, found)
            elif not isinstance(part.ctx, gast.Store):
                found.add(part.id)
    elif cls is gast.Call:
        for part in [node.func] + node.args + [k.value for k in node.keywords]:
            kind = part.__class__   # (a name read off here, a literal passed over)
            if kind is gast.Attribute:   # (np.tanh: its name, read off here too)
                part = part.value
                kind = part.__class__
            if kind is gast.Name and getattr(part, "annotation", None) is None:
                if not isinstance(part.ctx, gast.Store):
                    found.add(part.id)
            elif kind is not gast.Constant:
                reads_into(part, found)
    elif cls is gast.UnaryOp or cls is gast.Attribute or cls is gast.Expr:
        reads_into(node.operand if cls is gast.UnaryOp else node.value, found)
    elif cls is not gast.Constant and (cls is list or isinstance(node, gast.AST)):
        found |= nodes.loads(node)   # (a leaf value reads nothing)
    return found


_COMPOUND = (gast.If, gast.For, gast.While, gast.FunctionDef)


def _writes(stmt):
    """Names a statement binds (all stores inside a compound statement)."""
    if stmt.__class__ is gast.Assign and len(stmt.targets) == 1 \
            and stmt.targets[0].__class__ is gast.Name:   # (the commonest: name = value)
        return {stmt.targets[0].id}
    if isinstance(stmt, _COMPOUND):
        return {n.id for n in nodes.names(stmt) if isinstance(n.ctx, gast.Store)}
    if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name):
        return {stmt.target.id}
    if isinstance(stmt, gast.Assign):
        out = set()
        for target in stmt.targets:
            if isinstance(target, gast.Name):
                out.add(target.id)
            elif isinstance(target, gast.Tuple):
                out.update(e.id for e in target.elts if isinstance(e, gast.Name))
        return out
    return set()


#: the modules whose functions s2sad's own code calls as ``module.f(...)`` and that
#: change nothing (the names generated code gives them)
_PURE_MODULES = frozenset({"np", "builtins", "math"})


def _has_effect(stmt):
    if isinstance(stmt, _COMPOUND):
        return True
    if isinstance(stmt, gast.Assign):
        if getattr(stmt, anno.RUN_UNUSED, False):
            return True   # the user's statement, its result unused: Python runs it
        if any(not isinstance(t, (gast.Name, gast.Tuple)) for t in stmt.targets):
            return True
        # a method call (tape.pop()) changes its object; numpy's, math's and the
        # builtins' functions (builtins.sum of tangents in forward code) do not
        return any(isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute)
                   and isinstance(n.func.value, gast.Name)
                   and n.func.value.id not in _PURE_MODULES
                   for n in nodes.walk(stmt.value))
    return not isinstance(stmt, gast.Pass)


def _stmt_reads(stmt):
    if stmt.__class__ is gast.Assign and len(stmt.targets) == 1 \
            and stmt.targets[0].__class__ is gast.Name:   # (the commonest: name = value)
        return reads_into(stmt.value, set())
    if isinstance(stmt, gast.Assign):
        reads = reads_into(stmt.value, set())
        for target in stmt.targets:
            if not isinstance(target, (gast.Name, gast.Tuple)):
                reads_into(target, reads)
        return reads
    if isinstance(stmt, gast.AugAssign):
        return reads_into(stmt.value, set()) | reads_into(stmt.target, set()) | (
            {stmt.target.id} if isinstance(stmt.target, gast.Name) else set())
    return reads_into(stmt, set())


def eliminate_dead(body, live_out=(), reads=None):
    """Drop assignments whose names nobody reads later, inside blocks too, and the
    comments left before no statement of their block (before another comment, a
    ``return``, a ``def`` or the block's end).

    Loops are handled with a fixpoint: what the next iteration reads is live at
    the end of the body.  Statements with effects (calls of methods such as
    ``tape.pop()``, expression statements, stores into subscripts) always stay.
    ``reads``: ``{id(statement of body): (the statement, the names it reads)}``, where
    known (an entry of another statement, or of one whose value is no longer the one
    read, is passed over).
    """
    kept, _ = _dead_block(body, set(live_out), reads or {})
    return kept


def mark_unused_results(body):
    """Mark (``anno.RUN_UNUSED``) the assignments of the normalized user's function
    ``body`` whose names nothing reads after them, so that no clean-up drops them: the
    derivative raises where the user's function raises (``L = np.linalg.cholesky(A)`` as
    a check of ``A``, ``r = 1.0 / x``, ``t = x[5]``, ``checked = validate(x)``), since
    its forward sweep runs what the user's code runs, in order.  A name bound to a name
    or a literal runs nothing (not marked).  The transforms' own dead code (adjoints and
    tangents nobody reads, temporaries they made) still goes: only these statements
    carry the mark.  ``body`` changes in place (its statements get the mark)."""
    if any(stmt.__class__ in _BLOCKS for stmt in body):
        kept, _ = _dead_block(body, set())   # (a statement of a block: kept or not, by id)
        alive = {id(stmt) for stmt in _simple_statements(kept)}
        dropped = [stmt for stmt in _simple_statements(body) if id(stmt) not in alive]
    else:   # (no block: the statements the pass drops are the ones it does not keep)
        dropped = []
        _dead_block(body, set(), dropped=dropped)
    for stmt in dropped:
        if stmt.__class__ is gast.Assign and stmt.value.__class__ not in (gast.Name,
                                                                          gast.Constant):
            setattr(stmt, anno.RUN_UNUSED, True)


_BLOCKS = frozenset((gast.If, gast.For, gast.While))


def _simple_statements(body):
    """The statements of ``body`` that are no ``if`` or loop, at every depth."""
    todo = [body]
    while todo:
        for stmt in todo.pop():
            if isinstance(stmt, (gast.If, gast.For, gast.While)):
                todo.append(stmt.body)
                todo.append(stmt.orelse)
            else:
                yield stmt


def _dead_block(body, live, known=None, dropped=None):
    """``(the statements of body kept, the names live before them)`` (see
    :func:`eliminate_dead`); ``dropped``, a list: gets the assignments of ``body`` itself
    (not of its blocks) that are not kept."""
    live = set(live)
    kept = []
    for stmt in reversed(body):
        if stmt.__class__ is gast.Assign and len(stmt.targets) == 1 \
                and stmt.targets[0].__class__ is gast.Name:   # (the commonest statement)
            if stmt.targets[0].id not in live and not _has_effect(stmt):
                if dropped is not None:
                    dropped.append(stmt)
                continue
            live.discard(stmt.targets[0].id)
            entry = known.get(id(stmt)) if known else None
            if entry is not None and entry[0] is stmt and entry[1] is stmt.value:
                live.update(entry[2])   # (its reads, found before)
            else:
                reads_into(stmt.value, live)   # (its reads: the value's)
        elif isinstance(stmt, gast.If):
            then, live_then = _dead_block(stmt.body, live)
            orelse, live_else = _dead_block(stmt.orelse, live)
            if not _effective(then) and not _effective(orelse):
                continue
            stmt = copy.copy(stmt)
            stmt.body, stmt.orelse = then or [gast.Pass()], orelse
            live = live_then | live_else | reads_into(stmt.test, set())
        elif isinstance(stmt, (gast.For, gast.While)):
            header = reads_into(stmt.iter if isinstance(stmt, gast.For) else stmt.test, set())
            at_end = live | header
            while True:
                body_kept, live_in = _dead_block(stmt.body, at_end)
                if live_in <= at_end:
                    break
                at_end |= live_in
            if not _effective(body_kept):
                continue   # a loop whose body does nothing that matters
            stmt = copy.copy(stmt)
            stmt.body = body_kept
            live = at_end | live_in
        elif stmt.__class__ is gast.Expr:   # (a comment, a call: kept, writes nothing)
            if not is_comment(stmt):
                reads_into(stmt.value, live)
            elif not kept or _ends_comment(kept[-1]):
                continue   # (a comment before no statement of its block: dropped)
        else:
            writes = _writes(stmt)
            if writes and not (writes & live) and not _has_effect(stmt):
                if dropped is not None:
                    dropped.append(stmt)
                continue
            live -= writes if not isinstance(stmt, _COMPOUND) else set()
            live |= _stmt_reads(stmt)
        kept.append(stmt)
    kept.reverse()
    return kept, live


def _ends_comment(stmt):
    """Whether a comment just before ``stmt`` (in its block) is left before no statement:
    ``stmt`` is another comment, a ``return`` or a ``def``."""
    cls = stmt.__class__
    return cls is gast.Return or cls is gast.FunctionDef or (cls is gast.Expr
                                                             and is_comment(stmt))


def _effective(block):
    return any(not isinstance(s, gast.Pass) and not is_comment(s) for s in block)


def is_comment(stmt):
    """A comment marker (see ``transform.common.comment``)."""
    call = stmt.value if stmt.__class__ is gast.Expr else None   # (gast: no subclasses)
    return call.__class__ is gast.Call and getattr(call.func, "id", None) == COMMENT_ID


def optimize(generated):
    """The optimize pass: ``generated`` (a transform's output) with the assignments
    nobody reads removed from its function, then the comments that precede no statement
    any more (both by :func:`eliminate_dead`), and in second-order code the tangents
    pushed on the tape that nothing reads back (``optimize_tapes``); a new ``Generated``
    (its statements shared)."""
    fn = copy.copy(generated.node)
    reads = generated.reads
    body = without_unread_tangents(eliminate_dead(generated.node.body, reads=reads),
                                   lambda body: eliminate_dead(body, reads=reads))
    fn.body = added_in_place(body)
    return dataclasses.replace(generated, node=fn, reads={})


def added_in_place(body):
    """``body`` with each ``x_bar = x_bar + g`` the reverse sweep marked
    (``anno.ADD_IN_PLACE``) written ``x_bar += g``, at every depth: the last step, so
    no pass before has to know that ``+=`` may write into an array.  A marked
    statement some pass changed into another form stays as it is."""
    out = []
    for stmt in body:
        cls = stmt.__class__
        if cls is gast.Assign and not getattr(stmt, anno.ADD_IN_PLACE, None) \
                or cls is gast.Expr:   # (the commonest statements: nothing to write)
            pass
        elif cls is gast.If:
            stmt = copy.copy(stmt)
            stmt.body, stmt.orelse = added_in_place(stmt.body), added_in_place(stmt.orelse)
        elif cls is gast.For or cls is gast.While:
            stmt = copy.copy(stmt)
            stmt.body = added_in_place(stmt.body)
        elif anno.get(stmt, anno.ADD_IN_PLACE) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], gast.Name) \
                and isinstance(stmt.value, gast.BinOp) and isinstance(stmt.value.op, gast.Add) \
                and isinstance(stmt.value.left, gast.Name) \
                and stmt.value.left.id == stmt.targets[0].id:
            stmt = anno.copy(stmt, gast.AugAssign(
                target=nodes.name(stmt.targets[0].id, store=True), op=gast.Add(),
                value=stmt.value.right), anno.SOURCE)
        out.append(stmt)
    return out


def propagate_copies(body, protected=(), reads=None):
    """Remove ``a = b`` copies between names (straight-line ``body``).

    When ``b`` is a temporary read only by the copy, its definition is renamed
    to ``a``; otherwise later reads of ``a`` are replaced by ``b`` while
    neither is reassigned.  Names in ``protected`` (parameters, returned
    names) are never renamed away.  Each pass looks at every statement's reads
    and writes once, and finds a name's next write or read through an index of
    where it is read and written, so the pass is linear in practice (a copy is
    never handled by scanning the statements after it).  ``reads``, a dict: gets
    ``{id(statement kept): (it, its value, the names it reads)}``, read off the same
    table (see :func:`eliminate_dead`).
    """
    table = _Uses(list(body))
    body = table.body
    # (no pass makes a copy of a statement that is none, or the reverse: each pass looks
    # at the copies the one before kept, in order; a removed statement leaves None)
    copies = [i for i, stmt in enumerate(body) if _copied(stmt) is not None]
    changed = True
    while changed:
        changed = False
        kept = []
        for i in copies:
            a, b = _copied(body[i])
            if a == b or _rename_definition(table, i, a, b, protected) \
                    or (a not in protected and _forward_substitute(table, i, a, b)):
                table.remove(i)
                changed = True
            else:
                kept.append(i)
        copies = kept
    kept = [k for k, stmt in enumerate(body) if stmt is not None]
    if reads is not None:
        reads.update((id(body[k]), (body[k], getattr(body[k], "value", None), table.reads[k]))
                     for k in kept)
    return [body[k] for k in kept]


class _Uses:
    """The statements of a body (a removed one becomes None, keeping every position),
    with the names each one reads (:func:`_stmt_reads`) and writes and, for each name,
    the sorted positions of the statements that read it and that write it."""

    def __init__(self, body):
        self.body = body
        self.reads = [_stmt_reads(s) for s in body]
        self.writes = [_writes(s) for s in body]
        self.read_at, self.written_at = {}, {}
        for positions, of_statement in ((self.read_at, self.reads),
                                        (self.written_at, self.writes)):
            for k, names in enumerate(of_statement):
                for name in names:
                    at = positions.get(name)
                    if at is None:
                        positions[name] = [k]
                    else:
                        at.append(k)

    def remove(self, i):
        for name in self.reads[i]:
            _drop(self.read_at[name], i)
        for name in self.writes[i]:
            _drop(self.written_at[name], i)
        self.body[i], self.reads[i], self.writes[i] = None, set(), set()

    def read_once(self, name):
        """Whether the body reads ``name`` exactly once: one statement reads it (the
        statements are kept as the table says), once."""
        at = self.read_at.get(name, ())
        return len(at) == 1 and _read_counts(self.body[at[0]]).get(name) == 1

    def next_write(self, names, i):
        """The first position after ``i`` writing one of ``names`` (None: none does)."""
        found = [_after(self.written_at.get(name, ()), i) for name in names]
        found = [k for k in found if k is not None]
        return min(found) if found else None

    def last_write_before(self, name, i):
        at = self.written_at.get(name, ())
        j = bisect.bisect_left(at, i)
        return at[j - 1] if j else None

    def used_between(self, name, low, high):
        """Does a statement strictly between positions ``low`` and ``high`` read or
        write ``name``?"""
        return any(_after(at, low) is not None and _after(at, low) < high
                   for at in (self.read_at.get(name, ()), self.written_at.get(name, ())))

    def read_after(self, name, i):
        at = self.read_at.get(name, ())
        return bool(at) and at[-1] > i


def _copied(stmt):
    """``(a, b)`` of the copy ``a = b`` between names ``stmt`` is, else None."""
    if stmt is None or stmt.__class__ is not gast.Assign or len(stmt.targets) != 1:
        return None
    target, value = stmt.targets[0], stmt.value
    if target.__class__ is gast.Name and value.__class__ is gast.Name:
        return target.id, value.id
    return None


def _after(positions, i):
    """The first of the sorted ``positions`` greater than ``i``, or None."""
    j = bisect.bisect_right(positions, i)
    return positions[j] if j < len(positions) else None


def _drop(positions, i):
    del positions[bisect.bisect_left(positions, i)]


def _read_counts(stmt):
    """{name: how many times ``stmt`` reads it} (an assignment's plain targets excluded)."""
    roots = [stmt]
    if isinstance(stmt, gast.Assign):
        roots = [stmt.value] + [t for t in stmt.targets
                                if not isinstance(t, (gast.Name, gast.Tuple))]
    counts, store = {}, gast.Store
    for name in nodes.names(roots):
        if not isinstance(name.ctx, store):
            counts[name.id] = counts.get(name.id, 0) + 1
    if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name):
        counts[stmt.target.id] = counts.get(stmt.target.id, 0) + 1   # (x += v reads x)
    return counts


def _rename_definition(table, i, a, b, protected):
    """``t = <op>; ...; a = t`` with t read only here -> ``a = <op>; ...``."""
    if b in protected or not table.read_once(b):
        return False
    j = table.last_write_before(b, i)
    if j is None:
        return False
    prev = table.body[j]
    if not (isinstance(prev, gast.Assign) and len(prev.targets) == 1
            and isinstance(prev.targets[0], gast.Name)):
        return False
    if table.used_between(a, j, i):
        return False
    prev.targets[0].id = a
    for name in table.writes[j]:
        _drop(table.written_at[name], j)
    table.writes[j] = {a}
    bisect.insort(table.written_at.setdefault(a, []), j)
    return True


def _forward_substitute(table, i, a, b):
    """Later reads of ``a`` become reads of ``b`` while neither is rebound (``table``
    follows)."""
    body, reads, writes = table.body, table.reads, table.writes
    end = table.next_write((a, b), i)
    if end is not None and a not in writes[end] and table.read_after(a, end):
        return False  # b is rebound while a still holds the old value
    if end is not None and isinstance(body[end], _COMPOUND) and a in reads[end]:
        return False  # a block that rebinds a or b: its reads may follow the rebinding
    if end is not None and isinstance(body[end], _COMPOUND) and a in writes[end] \
            and table.read_after(a, end):
        return False  # a loop may run no trip, a branch may not be taken: a survives
    at = table.read_at.get(a, [])
    first = bisect.bisect_right(at, i)
    last = len(at) if end is None else bisect.bisect_right(at, end)
    if any(_reads_beside_value(body[k], a) for k in at[first:last]):
        return False  # a[k] = v, a += v: a write into a's object through a: keep the copy
    read_at_b = table.read_at.setdefault(b, [])
    for k in at[first:last]:
        _rename_reads(body[k], a, b)
        names = reads[k]
        names.discard(a)
        if b not in names:
            names.add(b)
            bisect.insort(read_at_b, k)
    del at[first:last]
    return True


def _reads_beside_value(stmt, name):
    """Whether ``stmt`` reads ``name`` where :func:`_rename_reads` would not rename it: in
    an assignment's item or attribute target, or as the name ``+=`` updates."""
    if stmt.__class__ is gast.Assign:
        return any(name in nodes.loads(t) for t in stmt.targets
                   if not isinstance(t, (gast.Name, gast.Tuple)))
    return isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name) \
        and stmt.target.id == name


def _rename_reads(stmt, old, new):
    """Rename the reads of ``old`` in ``stmt`` (an assignment's value only) to ``new``."""
    root = stmt.value if isinstance(stmt, gast.Assign) else stmt
    for n in nodes.names(root):
        if n.id == old and not isinstance(n.ctx, gast.Store):
            n.id = new
