"""Clean-up passes over generated code: folding, copy propagation, dead code.

``fold(expr)`` simplifies one expression (``1 * e`` -> ``e``, ``e + 0`` -> ``e``, ``2 - 1``
-> ``1``, ``e ** 1`` -> ``e``, ``-(-e)`` -> ``e``); it never changes a value, only drops
arithmetic by the identity elements.  Nor a dtype: ``1.0 * e`` stays unless ``e`` is
surely a float (``1.0 * w`` of integer or bool weights is an adjoint, a float array,
where ``w`` would truncate what is added into it in place).

``propagate_copies(body)`` and ``eliminate_dead(body)`` take a list of statements and
return a new list with copies propagated and dead assignments removed.  A statement is
live if it assigns a name read later, or has an effect (an expression statement, an
``assert``, an assignment into a subscript).

:func:`optimize` is the pass the pipeline runs after a transform: a
:class:`~s2sad.transform.common.Generated` in, a new one out whose function holds no
dead assignment and no comment left without its statement.
"""

import bisect
import copy
import dataclasses

import gast

from .syntax import anno, nodes
from .syntax.anno import COMMENT_ID

_NUMBER = (int, float)


def _num(node):
    if isinstance(node, gast.Constant) and type(node.value) in _NUMBER:
        return node.value
    return None


def fold(node):
    """Fold identities bottom-up in an expression tree.

    Works in place on ``node``, which the caller must own (a fresh tree), and returns
    the folded tree, which folds to itself (``a - -(-2.0 * b)``: ``a - 2.0 * b`` at once).
    """
    cls = node.__class__
    if cls is gast.Name or cls is gast.Constant:
        return node   # atoms: the commonest case
    if cls is gast.BinOp and isinstance(node.left, gast.AST) and isinstance(node.right, gast.AST):
        node.left, node.right = fold(node.left), fold(node.right)   # (as the loop below)
        return fold_binary(node)
    for field in nodes.child_fields(cls):
        value = getattr(node, field, None)
        if value.__class__ is list:
            value[:] = [fold(item) if isinstance(item, gast.AST) else item for item in value]
        elif isinstance(value, gast.AST):
            setattr(node, field, fold(value))
    if cls is gast.BinOp:
        return fold_binary(node)
    if cls is gast.UnaryOp:
        return _fold_unary(node)
    return node


def is_zero(node):
    return _num(node) == 0


def _fold_unary(node):
    """A unary operation whose operand is folded already."""
    value = _num(node.operand)
    if isinstance(node.op, gast.USub):
        if value is not None:
            return nodes.const(-value)
        if isinstance(node.operand, gast.UnaryOp) and isinstance(node.operand.op, gast.USub):
            return node.operand.operand
    if isinstance(node.op, gast.UAdd):
        return node.operand
    return node


def _negated(operand):
    """``-operand``, folded."""
    return fold(gast.UnaryOp(op=gast.USub(), operand=operand))


def fold_binary(node):
    """A binary operation whose operands are folded already, folded (what :func:`fold`
    gives: a tree it leaves as it is)."""
    left, right = _num(node.left), _num(node.right)
    op = node.op
    if left is not None and right is not None and isinstance(
            op, (gast.Add, gast.Sub, gast.Mult)):
        result = {gast.Add: left + right, gast.Sub: left - right,
                  gast.Mult: left * right}[type(op)]
        return nodes.const(result)
    if isinstance(op, gast.Mult):
        slope = _constant_power_slope(node.right)
        if slope is not None:
            return slope(node.left)
        if left in (1, -1) and _keeps_dtype(left, node.right):
            return node.right if left == 1 else _negated(node.right)
        if right in (1, -1) and _keeps_dtype(right, node.left):
            return node.left if right == 1 else _negated(node.left)
        if _is_neg(node.left):
            return _negated(gast.BinOp(left=node.left.operand, op=op, right=node.right))
        if right is not None and left is None:
            # e * 2 -> 2 * e, and (e * 2) * f -> 2 * e * f: factors read first
            return fold_binary(gast.BinOp(left=node.right, op=op, right=node.left))
        inner = node.left
        if isinstance(inner, gast.BinOp) and isinstance(inner.op, gast.Mult) \
                and _num(inner.right) is not None and _num(inner.left) is None:
            return fold_binary(gast.BinOp(left=fold_binary(gast.BinOp(
                left=inner.right, op=gast.Mult(), right=inner.left)), op=op, right=node.right))
    if isinstance(op, gast.Div):
        if right == 1 and _keeps_dtype(1.0, node.left):
            return node.left
        if _is_neg(node.left):
            return _negated(gast.BinOp(left=node.left.operand, op=op, right=node.right))
    if isinstance(op, gast.Add):
        if left == 0:
            return node.right
        if right == 0:
            return node.left
        if _is_neg(node.right):
            return fold_binary(gast.BinOp(left=node.left, op=gast.Sub(), right=node.right.operand))
        if _negative_factor(node.right):   # a + -2.0 * b -> a - 2.0 * b
            factor = node.right
            return fold_binary(gast.BinOp(left=node.left, op=gast.Sub(), right=fold_binary(
                gast.BinOp(left=nodes.const(-_num(factor.left)), op=factor.op,
                           right=factor.right))))
    if isinstance(op, gast.Sub):
        if right == 0:
            return node.left
        if left == 0:
            return _negated(node.right)
        if _is_neg(node.right):   # (a - -(-2.0 * b) -> a + -2.0 * b -> a - 2.0 * b)
            return fold_binary(gast.BinOp(left=node.left, op=gast.Add(), right=node.right.operand))
    if isinstance(op, gast.Pow) and right == 1:
        return node.left
    return node


def _constant_power_slope(node):
    """For ``power_slope(a, c)`` with a number ``c`` other than 0 (the rule of ``a ** c``):
    a function taking ``g`` to the folded ``g * c * a ** (c - 1)``, the formula as a
    reader writes it (``2.0 * x`` for ``x ** 2``); None otherwise.  At ``c == 0`` the
    call stays: it is 0 even at ``a == 0``, where ``0 * a ** -1`` is not; so it does for
    ``0 < c < 1`` (``x ** 0.5``): defined at ``a == 0`` where its slope is a pole, inf
    from the call, where ``0.0 ** -0.5`` of a Python float raises ZeroDivisionError.  (For
    ``c < 0`` the function itself raises there first.)"""
    if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
            and node.func.id == "power_slope" and len(node.args) == 2 and not node.keywords):
        return None
    base, exponent = node.args
    c = _num(exponent)
    if c is None or 0 <= c < 1:
        return None

    def build(g):
        scaled = fold(gast.BinOp(left=g, op=gast.Mult(), right=nodes.const(c)))
        power = fold(gast.BinOp(left=base, op=gast.Pow(), right=nodes.const(c - 1)))
        return fold(gast.BinOp(left=scaled, op=gast.Mult(), right=power))
    return build


#: numpy functions whose result is a float (or complex) array or number for any
#: number or array argument, integer or bool ones too
_FLOAT_FUNCTIONS = frozenset((
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh",
    "arcsinh", "arccosh", "arctanh", "exp", "exp2", "expm1", "log", "log2", "log10",
    "log1p", "sqrt", "cbrt", "hypot", "logaddexp", "logaddexp2", "deg2rad", "rad2deg",
    "true_divide", "divide", "mean", "average", "std", "var"))


def without_float_unit(node):
    """``node`` without a factor ``1.0`` (``-1.0``) that :func:`fold` kept for its dtype:
    for a term added to an adjoint, a float already, where the sum promotes anyway."""
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult) \
            and type(_num(node.left)) is float and _num(node.left) in (1.0, -1.0):
        return node.right if _num(node.left) == 1.0 else _negated(node.right)
    return node


def _keeps_dtype(factor, node):
    """Whether dropping the factor ``factor`` (1 or -1, or 1.0, -1.0) from ``factor * node``
    keeps its dtype: always for an int ``factor``; for a float one only when ``node`` is a
    float already (``1.0 * w`` of an integer or bool array ``w`` is a float array, an
    adjoint: never ``w`` itself, which in-place accumulation would truncate)."""
    return type(factor) is int or _surely_float(node)


def _surely_float(node):
    """Whether the expression ``node`` has a float (or complex) value whatever the
    dtypes of the names it reads: a float number, a true division, arithmetic with such
    an operand, a call of a numpy function whose result is a float."""
    if isinstance(node, gast.Constant):
        return isinstance(node.value, (float, complex))
    if isinstance(node, gast.UnaryOp):
        return _surely_float(node.operand)
    if isinstance(node, gast.BinOp):
        return isinstance(node.op, gast.Div) or _surely_float(node.left) \
            or _surely_float(node.right)
    if isinstance(node, gast.Call):
        func = node.func
        name = func.attr if isinstance(func, gast.Attribute) else getattr(func, "id", None)
        return name in _FLOAT_FUNCTIONS
    return False


def _is_neg(node):
    return isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub)


def _negative_factor(node):
    """``-2.0 * e``: a product whose first factor is a negative number."""
    value = _num(node.left) if isinstance(node, gast.BinOp) and isinstance(
        node.op, gast.Mult) else None
    return value is not None and value < 0   # (_num: an int or a float, never complex)


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
            reads_into(part, found)
    elif cls is gast.UnaryOp or cls is gast.Attribute or cls is gast.Expr:
        reads_into(node.operand if cls is gast.UnaryOp else node.value, found)
    elif cls is not gast.Constant and (cls is list or isinstance(node, gast.AST)):
        found |= nodes.loads(node)   # (a leaf value reads nothing)
    return found


_COMPOUND = (gast.If, gast.For, gast.While, gast.FunctionDef)


def _writes(stmt):
    """Names a statement binds (all stores inside a compound statement)."""
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


def _has_effect(stmt):
    if isinstance(stmt, _COMPOUND):
        return True
    if isinstance(stmt, gast.Assign):
        if any(not isinstance(t, (gast.Name, gast.Tuple)) for t in stmt.targets):
            return True
        # a method call (tape.pop()) changes its object
        return any(isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute)
                   and isinstance(n.func.value, gast.Name) and n.func.value.id != "np"
                   for n in nodes.walk(stmt.value))
    return not isinstance(stmt, gast.Pass)


def _stmt_reads(stmt):
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
    """Drop assignments whose names nobody reads later, inside blocks too.

    Loops are handled with a fixpoint: what the next iteration reads is live at
    the end of the body.  Statements with effects (calls of methods such as
    ``tape.pop()``, expression statements, stores into subscripts) always stay.
    ``reads``: ``{id(statement of body): the names it reads}``, where known.
    """
    kept, _ = _dead_block(body, set(live_out), reads or {})
    return kept


def _dead_block(body, live, known=None):
    live = set(live)
    kept = []
    for stmt in reversed(body):
        if isinstance(stmt, gast.If):
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
        elif stmt.__class__ is gast.Assign and len(stmt.targets) == 1 \
                and stmt.targets[0].__class__ is gast.Name:   # (the branch below, faster)
            if stmt.targets[0].id not in live and not _has_effect(stmt):
                continue
            live.discard(stmt.targets[0].id)
            if known and id(stmt) in known:   # (its reads, found before)
                live.update(known[id(stmt)])
            else:
                reads_into(stmt.value, live)   # (its reads: the value's)
        else:
            writes = _writes(stmt)
            if writes and not (writes & live) and not _has_effect(stmt):
                continue
            live -= writes if not isinstance(stmt, _COMPOUND) else set()
            live |= _stmt_reads(stmt)
        kept.append(stmt)
    kept.reverse()
    return kept, live


def _effective(block):
    return any(not isinstance(s, gast.Pass) and not is_comment(s) for s in block)


def is_comment(stmt):
    """A comment marker (see ``transform.common.comment``)."""
    call = stmt.value if stmt.__class__ is gast.Expr else None   # (gast: no subclasses)
    return call.__class__ is gast.Call and getattr(call.func, "id", None) == COMMENT_ID


def drop_orphan_comments(body):
    """Remove comment markers that no longer precede a statement of their block."""
    kept = []
    for stmt in body:
        if kept and is_comment(kept[-1]) and (
                is_comment(stmt) or isinstance(stmt, (gast.Return, gast.FunctionDef))):
            kept.pop()
        kept.append(stmt)
    while kept and is_comment(kept[-1]):
        kept.pop()
    return kept


def optimize(generated):
    """The optimize pass: ``generated`` (a transform's output) with the assignments
    nobody reads removed from its function, then the comments that precede no statement
    any more (:func:`tidy_blocks`); a new ``Generated`` (its statements shared)."""
    fn = copy.copy(generated.node)
    fn.body = added_in_place(tidy_blocks(eliminate_dead(generated.node.body)))
    return dataclasses.replace(generated, node=fn)


def added_in_place(body):
    """``body`` with each ``x_bar = x_bar + g`` the reverse sweep marked
    (``anno.ADD_IN_PLACE``) written ``x_bar += g``, at every depth: the last step, so
    no pass before has to know that ``+=`` may write into an array.  A marked
    statement some pass changed into another form stays as it is."""
    out = []
    for stmt in body:
        if isinstance(stmt, gast.If):
            stmt = copy.copy(stmt)
            stmt.body, stmt.orelse = added_in_place(stmt.body), added_in_place(stmt.orelse)
        elif isinstance(stmt, (gast.For, gast.While)):
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


def tidy_blocks(body):
    """``body`` without the comments that precede no statement of their block, at every
    depth; a block emptied by the clean-up holds ``pass``.  Returns new statements for
    the blocks it changes (the input is not changed)."""
    out = []
    for stmt in body:
        if isinstance(stmt, gast.If):
            stmt = copy.copy(stmt)
            stmt.body = tidy_blocks(stmt.body) or [gast.Pass()]
            stmt.orelse = tidy_blocks(stmt.orelse)
        elif isinstance(stmt, (gast.For, gast.While)):
            stmt = copy.copy(stmt)
            stmt.body = tidy_blocks(stmt.body) or [gast.Pass()]
        out.append(stmt)
    return drop_orphan_comments(out)


def propagate_copies(body, protected=(), reads=None):
    """Remove ``a = b`` copies between names (straight-line ``body``).

    When ``b`` is a temporary read only by the copy, its definition is renamed
    to ``a``; otherwise later reads of ``a`` are replaced by ``b`` while
    neither is reassigned.  Names in ``protected`` (parameters, returned
    names) are never renamed away.  Each pass looks at every statement's reads
    and writes once, and finds a name's next write or read through an index of
    where it is read and written, so the pass is linear in practice (a copy is
    never handled by scanning the statements after it).  ``reads``, a dict: gets
    ``{id(statement kept): the names it reads}``, read off the same table.
    """
    table = _Uses(list(body))
    changed = True
    while changed:
        changed = False
        body = table.body
        for i in range(len(body)):
            stmt = body[i]
            if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], gast.Name)
                    and isinstance(stmt.value, gast.Name)):
                continue
            a, b = stmt.targets[0].id, stmt.value.id
            if a == b or _rename_definition(table, i, a, b, protected) \
                    or (a not in protected and _forward_substitute(table, i, a, b)):
                table.remove(i)
                changed = True
        if changed:   # the next pass reads the table kept up to date, not the trees again
            table = table.compacted()
    if reads is not None:
        reads.update(zip(map(id, table.body), table.reads))
    return table.body


class _Uses:
    """The statements of a body (a removed one becomes None, keeping every position),
    with each one's reads and writes and, for each name, the sorted positions of the
    statements that read it and that write it.  ``total``: each name's reads in the
    whole body."""

    def __init__(self, body, reads=None, writes=None):
        self.body = body
        self.reads = [_read_counts(s) for s in body] if reads is None else reads
        self.writes = [_writes(s) for s in body] if writes is None else writes
        self.read_at, self.written_at, self.total = {}, {}, {}
        for k, counts in enumerate(self.reads):
            for name, count in counts.items():
                self.total[name] = self.total.get(name, 0) + count
                self.read_at.setdefault(name, []).append(k)
        for k, names in enumerate(self.writes):
            for name in names:
                self.written_at.setdefault(name, []).append(k)

    def compacted(self):
        """The table of the body without its removed statements, whose reads and writes
        are kept up to date as copies are removed (what ``_read_counts`` and ``_writes``
        give now): no statement is walked again."""
        kept = [k for k, stmt in enumerate(self.body) if stmt is not None]
        return _Uses([self.body[k] for k in kept], [self.reads[k] for k in kept],
                     [self.writes[k] for k in kept])

    def remove(self, i):
        for name, count in self.reads[i].items():
            self.total[name] -= count
            _drop(self.read_at[name], i)
        for name in self.writes[i]:
            _drop(self.written_at[name], i)
        self.body[i], self.reads[i], self.writes[i] = None, {}, set()

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
    if b in protected or table.total.get(b, 0) != 1:
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
    if any(_renamable_reads(body[k], a) != reads[k][a] for k in at[first:last]):
        return False  # a[k] = v, a += v: a write into a's object through a: keep the copy
    for k in at[first:last]:
        _rename_reads(body[k], a, b)
        moved = reads[k].pop(a)
        if b not in reads[k]:
            bisect.insort(table.read_at.setdefault(b, []), k)
        reads[k][b] = reads[k].get(b, 0) + moved
        table.total[a] -= moved
        table.total[b] = table.total.get(b, 0) + moved
    del at[first:last]
    return True


def _renamable_reads(stmt, name):
    """How many reads of ``name`` :func:`_rename_reads` would rename in ``stmt``."""
    root = stmt.value if isinstance(stmt, gast.Assign) else stmt
    return sum(1 for n in nodes.names(root)
               if n.id == name and not isinstance(n.ctx, gast.Store))


def _rename_reads(stmt, old, new):
    """Rename the reads of ``old`` in ``stmt`` (an assignment's value only) to ``new``."""
    root = stmt.value if isinstance(stmt, gast.Assign) else stmt
    for n in nodes.names(root):
        if n.id == old and not isinstance(n.ctx, gast.Store):
            n.id = new
