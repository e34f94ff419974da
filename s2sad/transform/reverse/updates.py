"""Updates of a loop-carried name that may change its shape, split for the backward sweep.

Normalization writes ``s = s + e`` in a loop body as the one statement
``s_1 = s_1 + e`` (its adjoint needs no value when nothing broadcasts).  When
``e`` may broadcast ``s_1`` to a larger shape (a number that becomes an array
on the first trip), the adjoint of the old ``s_1`` must be reduced to the shape
``s_1`` had *before* the update; the tape holds the value at the end of the
trip, after it.  :func:`split_shape_changing_updates` gives such a statement
the old value a name of its own, ``s_1_old = s_1; s_1 = s_1_old + e``, so the
backward sweep reduces to it (and the tape saves it).  Input: the primal body
and its facts; output: a new body (the input is not changed), or the same body
when nothing needs splitting.
"""

import copy

import gast

from ...analysis.reverse_facts import may_broadcast
from ...syntax import anno, nodes


def split_shape_changing_updates(primal, facts, namer):
    """The body ``primal`` with every shape-changing update in a loop split (see the
    module docstring); ``primal`` itself when there is none."""
    changed = []
    body = _split_block(primal, facts, namer, False, changed)
    return body if changed else primal


def _split_block(stmts, facts, namer, in_loop, changed):
    out = []
    for stmt in stmts:
        if isinstance(stmt, gast.If):
            then_body = _split_block(stmt.body, facts, namer, in_loop, changed)
            else_body = _split_block(stmt.orelse, facts, namer, in_loop, changed)
            if then_body is not stmt.body or else_body is not stmt.orelse:
                stmt = copy.copy(stmt)
                stmt.body, stmt.orelse = then_body, else_body
            out.append(stmt)
        elif isinstance(stmt, (gast.For, gast.While)):
            loop_body = _split_block(stmt.body, facts, namer, True, changed)
            if loop_body is not stmt.body:
                stmt = copy.copy(stmt)
                stmt.body = loop_body
            out.append(stmt)
        elif in_loop and _shape_changing_update(stmt, facts):
            name = stmt.targets[0].id
            old = namer.fresh(f"{name}_old")
            hold = anno.set(nodes.assign(old, nodes.name(name)), anno.SOURCE,
                            anno.get(stmt, anno.SOURCE, None))
            update = copy.copy(stmt)
            update.value = copy.copy(stmt.value)
            for side in ("left", "right"):
                operand = getattr(stmt.value, side)
                if isinstance(operand, gast.Name) and operand.id == name:
                    setattr(update.value, side, nodes.name(old))
            out.extend([hold, update])
            changed.append(name)
        else:
            out.append(stmt)
    if not changed or out == list(stmts):
        return stmts
    return out


def _shape_changing_update(stmt, facts):
    """``n = n + e`` / ``n = e - n`` (one operand ``n`` itself) whose adjoint reduces to
    ``n``'s shape because ``e`` may broadcast it."""
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.BinOp)
            and isinstance(stmt.value.op, (gast.Add, gast.Sub))):
        return False
    name = stmt.targets[0].id
    if not facts.activity.is_active(name):
        return False
    bound = {"a": stmt.value.left, "b": stmt.value.right}
    mine = [p for p, atom in bound.items() if isinstance(atom, gast.Name) and atom.id == name]
    if len(mine) != 1:
        return False
    return may_broadcast(mine[0], bound, facts.scalars, facts.same_shape)
