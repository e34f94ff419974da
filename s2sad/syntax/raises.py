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
which never run, are dropped.  A function every path of which raises, and which has no
``return`` (``def f(x): raise NotImplementedError``), gets an unreachable ``return 0.0``
at its end: its derivatives raise the same exception, where Python raises it.
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


def hoist(block, function=False):
    """Rewrite ``block`` in place (see the module docstring); returns it.  ``function``:
    ``block`` is a function's body, whose statements after a ``raise`` are kept where
    they end in a ``return`` (the value a function that always raises returns:
    :func:`return_after_raising`; generated code read again for second order)."""
    out = []
    for k, stmt in enumerate(block):
        for part in ("body", "orelse"):
            if isinstance(stmt, (gast.If, gast.For, gast.While)):
                hoist(getattr(stmt, part))
        out.append(stmt)
        if isinstance(stmt, gast.Raise):
            if function and k + 1 < len(block) and isinstance(block[-1], gast.Return):
                # (with what it reads: generated code read again for second order)
                out.extend(hoist(block[k + 1:]))
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


def return_after_raising(fn):
    """Give ``fn`` (a ``FunctionDef`` whose body :func:`hoist` rewrote) ``return 0.0``
    at its end where every path raises and no ``return`` is written: the function has
    a value to differentiate, computed nowhere (the ``raise`` runs first)."""
    if not raises(fn.body) or any(isinstance(n, gast.Return) for stmt in fn.body
                                  for n in gast.walk(stmt)):
        return
    last = fn.body[-1]
    made = gast.Return(value=gast.Constant(value=0.0, kind=None))
    for node in (made, made.value):
        gast.copy_location(node, last)
        node.end_lineno, node.end_col_offset = last.end_lineno, last.end_col_offset
    fn.body.append(made)
