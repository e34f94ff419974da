"""Clean-up passes over generated code: folding, copy propagation, dead code.

``fold(expr)`` simplifies one expression (``1.0 * e`` -> ``e``, ``e + 0`` ->
``e``, ``2 - 1`` -> ``1``, ``e ** 1`` -> ``e``, ``-(-e)`` -> ``e``); it never
changes a value, only drops arithmetic by the identity elements.

``clean(body, keep)`` takes a straight-line list of statements and returns a
new list with copies propagated and dead assignments removed.  A statement is
live if it assigns a name read later, or has an effect (an expression
statement, an ``assert``, an assignment into a subscript).
"""

import copy

import gast

from .syntax import nodes

_NUMBER = (int, float)


def _num(node):
    if isinstance(node, gast.Constant) and type(node.value) in _NUMBER:
        return node.value
    return None


def fold(node):
    """Fold identities bottom-up in an expression tree; returns a new tree."""
    return _Folder().visit(copy.deepcopy(node))


def is_zero(node):
    return _num(node) == 0


class _Folder(gast.NodeTransformer):
    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        value = _num(node.operand)
        if isinstance(node.op, gast.USub):
            if value is not None:
                return nodes.const(-value)
            if isinstance(node.operand, gast.UnaryOp) and isinstance(node.operand.op, gast.USub):
                return node.operand.operand
        if isinstance(node.op, gast.UAdd):
            return node.operand
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        left, right = _num(node.left), _num(node.right)
        op = node.op
        if left is not None and right is not None and isinstance(
                op, (gast.Add, gast.Sub, gast.Mult)):
            result = {gast.Add: left + right, gast.Sub: left - right,
                      gast.Mult: left * right}[type(op)]
            return nodes.const(result)
        if isinstance(op, gast.Mult):
            if left == 1:
                return node.right
            if right == 1:
                return node.left
            if left == -1:
                return self.visit(gast.UnaryOp(op=gast.USub(), operand=node.right))
            if right == -1:
                return self.visit(gast.UnaryOp(op=gast.USub(), operand=node.left))
            if _is_neg(node.left):
                return self.visit(gast.UnaryOp(op=gast.USub(), operand=gast.BinOp(
                    left=node.left.operand, op=op, right=node.right)))
            if right is not None and left is None:
                # e * 2 -> 2 * e, and (e * 2) * f -> 2 * e * f: factors read first
                return gast.BinOp(left=node.right, op=op, right=node.left)
            inner = node.left
            if isinstance(inner, gast.BinOp) and isinstance(inner.op, gast.Mult) \
                    and _num(inner.right) is not None and _num(inner.left) is None:
                return gast.BinOp(left=gast.BinOp(left=inner.right, op=gast.Mult(),
                                                  right=inner.left), op=op, right=node.right)
        if isinstance(op, gast.Div):
            if right == 1:
                return node.left
            if _is_neg(node.left):
                return self.visit(gast.UnaryOp(op=gast.USub(), operand=gast.BinOp(
                    left=node.left.operand, op=op, right=node.right)))
        if isinstance(op, gast.Add):
            if left == 0:
                return node.right
            if right == 0:
                return node.left
            if _is_neg(node.right):
                return gast.BinOp(left=node.left, op=gast.Sub(), right=node.right.operand)
        if isinstance(op, gast.Sub):
            if right == 0:
                return node.left
            if left == 0:
                return self.visit(gast.UnaryOp(op=gast.USub(), operand=node.right))
            if _is_neg(node.right):
                return gast.BinOp(left=node.left, op=gast.Add(), right=node.right.operand)
        if isinstance(op, gast.Pow) and right == 1:
            return node.left
        return node


def _is_neg(node):
    return isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub)


# --------------------------------------------------------------- liveness

def _reads(node):
    """Names read by a statement or expression (stores excluded)."""
    return {n.id for n in gast.walk(node)
            if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Store)}


_COMPOUND = (gast.If, gast.For, gast.While, gast.FunctionDef)


def _writes(stmt):
    if isinstance(stmt, _COMPOUND):
        return {n.id for n in gast.walk(stmt)
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
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
                   for n in gast.walk(stmt.value))
    return not isinstance(stmt, gast.Pass)


def _stmt_reads(stmt):
    if isinstance(stmt, gast.Assign):
        reads = _reads(stmt.value)
        for target in stmt.targets:
            if not isinstance(target, (gast.Name, gast.Tuple)):
                reads |= _reads(target)
        return reads
    if isinstance(stmt, gast.AugAssign):
        return _reads(stmt.value) | _reads(stmt.target) | (
            {stmt.target.id} if isinstance(stmt.target, gast.Name) else set())
    return _reads(stmt)


def eliminate_dead(body, live_out=()):
    """Drop assignments whose names nobody reads later, inside blocks too.

    Loops are handled with a fixpoint: what the next iteration reads is live at
    the end of the body.  Statements with effects (calls of methods such as
    ``tape.pop()``, expression statements, stores into subscripts) always stay.
    """
    kept, _ = _dead_block(body, set(live_out))
    return kept


def _dead_block(body, live):
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
            live = live_then | live_else | _reads(stmt.test)
        elif isinstance(stmt, (gast.For, gast.While)):
            header = _reads(stmt.iter) if isinstance(stmt, gast.For) else _reads(stmt.test)
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
    return any(not isinstance(s, gast.Pass) and not _is_comment_stmt(s) for s in block)


def _is_comment_stmt(stmt):
    return (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call)
            and isinstance(stmt.value.func, gast.Name)
            and stmt.value.func.id == "__s2sad_comment__")


def count_reads(body, name):
    return sum(1 for stmt in body for n in gast.walk(stmt)
               if isinstance(n, gast.Name) and n.id == name and not isinstance(n.ctx, gast.Store))


def propagate_copies(body, protected=()):
    """Remove ``a = b`` copies between names (straight-line ``body``).

    When ``b`` is a temporary read only by the copy, its definition is renamed
    to ``a``; otherwise later reads of ``a`` are replaced by ``b`` while
    neither is reassigned.  Names in ``protected`` (parameters, returned
    names) are never renamed away.
    """
    body = list(body)
    changed = True
    while changed:
        changed = False
        for i, stmt in enumerate(body):
            if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], gast.Name)
                    and isinstance(stmt.value, gast.Name)):
                continue
            a, b = stmt.targets[0].id, stmt.value.id
            if a == b:
                del body[i]
                changed = True
                break
            if _rename_definition(body, i, a, b, protected):
                changed = True
                break
            if a not in protected and _forward_substitute(body, i, a, b):
                changed = True
                break
    return body


def _rename_definition(body, i, a, b, protected):
    if b in protected or count_reads(body, b) != 1:
        return False
    for j in range(i - 1, -1, -1):
        prev = body[j]
        if b in _writes(prev):
            if not (isinstance(prev, gast.Assign) and len(prev.targets) == 1
                    and isinstance(prev.targets[0], gast.Name)):
                return False
            if any(a in _writes(s) or a in _stmt_reads(s) for s in body[j + 1:i]):
                return False
            prev.targets[0].id = a
            del body[i]
            return True
    return False


def _forward_substitute(body, i, a, b):
    rest = body[i + 1:]
    end = len(rest)
    for k, stmt in enumerate(rest):
        if a in _writes(stmt) or b in _writes(stmt):
            end = k
            break
    if end < len(rest) and a not in _writes(rest[end]) and count_reads(rest[end + 1:], a):
        return False  # b is rebound while a still holds the old value
    if end < len(rest) and isinstance(rest[end], _COMPOUND) and count_reads(rest[end:end + 1], a):
        return False  # a block that rebinds a or b: its reads may follow the rebinding
    for stmt in rest[:end]:
        _rename_reads(stmt, a, b)
    if end < len(rest):
        _rename_reads(rest[end], a, b)
    del body[i]
    return True


def _rename_reads(stmt, old, new):
    if isinstance(stmt, gast.Assign):
        roots = [stmt.value]
    else:
        roots = [stmt]
    for root in roots:
        for n in gast.walk(root):
            if isinstance(n, gast.Name) and n.id == old and not isinstance(n.ctx, gast.Store):
                n.id = new
