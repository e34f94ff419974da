"""Tangents a second-order function pushes on its tape and never reads back.

Forward mode over gradient code (an hvp) pushes the tangent of a value beside the
value wherever the gradient code pushes it, and pops it back beside the value, for
every tape key whose values vary (``transform.forward``).  Where the backward sweep
reads a popped value only for its shape (``unbroadcast(total_bar, total_old)``), or
not at all, nothing reads the popped tangent: the push, the pop and the tangents
computed only to be pushed are dead work.

:func:`without_unread_tangents` drops, for each tape key whose every popped tangent is
read nowhere in the function, every push and pop of a tangent of that key (marked
``anno.TAPE_TANGENT`` by the forward sweep), then the assignments left unread.  A key is
dropped whole or kept whole: the tape is a stack, whose pushes and pops stay paired
only when both go (the values' own pushes and pops are not touched).
"""

import copy

import gast

from .syntax import anno, nodes

_BLOCKS = (gast.If, gast.For, gast.While)


def without_unread_tangents(body, eliminate):
    """``body`` without the tangent pushes and pops of the keys whose popped tangents
    nothing reads (see the module doc), ``eliminate(body)`` (the dead code pass) run
    again after each drop; ``body`` itself where there is nothing to drop."""
    while True:
        pops, others = {}, []
        for stmt in _statements(body):
            key = anno.get(stmt, anno.TAPE_TANGENT)
            if key is not None and isinstance(stmt, gast.Assign):
                pops.setdefault(key, []).append(stmt.targets[0].id)
            else:
                others.append(stmt)
        if not pops:   # (first-order code, second-order code without a tape)
            return body
        read = nodes.loads(others)
        # (a name read anywhere, a pop's target too, keeps its key: a loop may read a
        # tangent popped on its previous trip)
        dead = {key for key, targets in pops.items() if not read.intersection(targets)}
        if not dead:
            return body
        body = eliminate(_without(body, dead))


def _statements(body):
    """Every statement of ``body`` that holds no block, and the headers of those that
    do (an ``if``'s test, a loop's iterable or test, as expressions)."""
    for stmt in body:
        if isinstance(stmt, _BLOCKS):
            yield gast.Expr(value=stmt.test if not isinstance(stmt, gast.For)
                            else gast.Tuple(elts=[stmt.target, stmt.iter], ctx=gast.Load()))
            yield from _statements(stmt.body)
            yield from _statements(stmt.orelse)
        else:
            yield stmt


def _without(body, dead):
    """``body`` without the statements marked with a key of ``dead`` (new blocks where
    one changes; its other statements shared)."""
    out = []
    for stmt in body:
        if anno.get(stmt, anno.TAPE_TANGENT) in dead:
            continue
        if isinstance(stmt, _BLOCKS):
            stmt = copy.copy(stmt)
            stmt.body = _without(stmt.body, dead) or [gast.Pass()]
            stmt.orelse = _without(stmt.orelse, dead)
        out.append(stmt)
    return out
