"""Blocks ending in ``raise``: the code after the ``if`` runs on the other path only.

Input: a list of statements of the desugared copy of a function (changed in place:
desugaring owns that copy).
Output: the same code, Python's meaning kept, where an ``if`` one branch of which
always raises gives its other branch's statements to the block it sits in::

    if ok:                       if not ok:
        y = x * 2.0      ->          raise ValueError("bad")
    else:                        y = x * 2.0
        raise ValueError("bad")

so ``y`` is bound on the one path that reaches its reads (no merge with an unbound
value, no run-time check of it), and the statements after a ``raise`` in its block,
which never run, are dropped.
"""

import gast


def raises(block):
    """Whether every path through the statements ``block`` ends in a ``raise``."""
    if not block:
        return False
    last = block[-1]
    if isinstance(last, gast.Raise):
        return True
    return isinstance(last, gast.If) and raises(last.body) and raises(last.orelse)


def hoist(block):
    """Rewrite ``block`` in place (see the module docstring); returns it."""
    out = []
    for stmt in block:
        for part in ("body", "orelse"):
            if isinstance(stmt, (gast.If, gast.For, gast.While)):
                hoist(getattr(stmt, part))
        out.append(stmt)
        if isinstance(stmt, gast.Raise):
            break   # (the rest of the block never runs)
        if isinstance(stmt, gast.If) and stmt.orelse:
            if raises(stmt.body) and not raises(stmt.orelse):
                rest, stmt.orelse = stmt.orelse, []
                out.extend(rest)
            elif raises(stmt.orelse) and not raises(stmt.body):
                rest = stmt.body
                stmt.test = gast.copy_location(
                    gast.UnaryOp(op=gast.Not(), operand=stmt.test), stmt.test)
                stmt.body, stmt.orelse = stmt.orelse, []
                out.extend(rest)
    block[:] = out
    return block
