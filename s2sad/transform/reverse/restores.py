"""Restores nothing reads: the push and pop pairs of a write the backward sweep need not undo.

Before a write ``x[index] = v`` the forward sweep pushes ``overwritten(x, index)``, and
the backward sweep puts it back (``x[index] = tape.pop()``), so that what it reads of
``x`` afterwards holds the values read before the write.  Where nothing after the
restore reads the values of ``x``, nor of any value that may share its memory (a view
``x[1:]``, a list holding it, a value popped from the tape that may be one of those),
the restore is dead work: :func:`without_unread_restores` drops the push and the pop
together (the tape is a stack: a pair goes whole or stays whole; the two carry the
token ``anno.RESTORE_OF``).

"Afterwards" is every statement after the restore in its block and in the blocks
around it, and the whole of each loop holding it (its next trips), and the values the
function returns.  A read counts unless it reads only a shape of an array
(``unbroadcast(g, x_slice)``, ``zeros_like(x)``, ``x.shape``): a restore changes no shape
of an array, but may change a list's (kept where ``x`` may be a list).  Which values may
share memory comes from :func:`s2sad.analysis.aliases.origins`; an array that may be an
argument, a global or anything the analysis cannot follow is always restored (the caller
may see it).
"""

import copy

import gast

from ...analysis import kinds as kinds_
from ...analysis.aliases import ANYWHERE, origins, statements_in
from ...analysis.lookup import call_predicates
from ...syntax import anno, nodes

_BLOCKS = (gast.If, gast.For, gast.While)
#: runtime helpers that read the argument at this position for its shape (and dtype) only
_SHAPE_READERS = {"unbroadcast": 1, "zeros_like": 0}
#: attributes that read an array's shape, not its values
_SHAPE_ATTRIBUTES = frozenset(("shape", "ndim", "dtype", "size"))


def without_unread_restores(forward, backward, params, bindings, kinds, returned):
    """``(forward, backward)`` without the pairs whose restored values nothing reads
    (see the module doc); ``returned``: the expressions the function returns after the
    backward sweep; ``kinds``: name -> kind (``analysis.kinds``)."""
    pops = {}
    for stmt in statements_in(backward):
        token = anno.get(stmt, anno.RESTORE_OF)
        if token is not None:
            pops.setdefault(token, []).append(stmt)
    if not pops:
        return forward, backward
    of_name, _ = origins(forward + backward, params, *call_predicates(bindings))
    tail = list(returned)
    dropped = set()
    for token, found in pops.items():
        base = found[0].targets[0].value.id
        mine = of_name(base)
        if not mine or ANYWHERE in mine or any(o.startswith("name:") for o in mine):
            continue   # (the caller's array, or one the analysis cannot follow)
        shapes = kinds.get(base) == kinds_.LEAF   # (a list's shape may change)

        def shares(name):
            theirs = of_name(name)
            return ANYWHERE in theirs or not mine.isdisjoint(theirs)
        if not any(shares(name) for stmt in found
                   for name in _value_reads(_after(backward, stmt) + tail, shapes)):
            dropped.add(token)
    if not dropped:
        return forward, backward
    return _without(forward, dropped), _without(backward, dropped)


def _after(body, target):
    """What may run after the statement ``target`` of ``body`` (statements and blocks,
    the loops around it whole), or None where ``target`` is not in ``body``."""
    for i, stmt in enumerate(body):
        if stmt is target:
            return body[i + 1:]
        if isinstance(stmt, _BLOCKS):
            for block in (stmt.body, stmt.orelse):
                found = _after(block, target)
                if found is not None:
                    loop = [stmt] if not isinstance(stmt, gast.If) else []
                    return found + loop + body[i + 1:]
    return None


def _value_reads(trees, shapes):
    """The names ``trees`` read for their values: not the array written into by an item
    store (``x[i] = v`` reads ``i`` and ``v``), nor, with ``shapes``, a name read for its
    shape only (:data:`_SHAPE_READERS`, :data:`_SHAPE_ATTRIBUTES`)."""
    passed = set()   # ids of the Name nodes read for no value
    everything = [node for tree in trees for node in nodes.walk(tree)]
    for node in everything:
        if isinstance(node, gast.Assign):
            for target in node.targets:
                while isinstance(target, gast.Subscript):
                    target = target.value
                passed.add(id(target))
        elif shapes and isinstance(node, gast.Attribute) and node.attr in _SHAPE_ATTRIBUTES:
            passed.add(id(node.value))
        elif shapes and isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
                and anno.get(node.func, anno.HELPER_NAME) \
                and node.func.id in _SHAPE_READERS and not node.keywords \
                and len(node.args) > _SHAPE_READERS[node.func.id]:
            passed.add(id(node.args[_SHAPE_READERS[node.func.id]]))
    return {node.id for node in everything if isinstance(node, gast.Name)
            and not isinstance(node.ctx, gast.Store) and id(node) not in passed}


def _without(body, dropped):
    """``body`` without the statements carrying a token of ``dropped`` (blocks copied
    where they change)."""
    out = []
    for stmt in body:
        if anno.get(stmt, anno.RESTORE_OF) in dropped:
            continue
        if isinstance(stmt, _BLOCKS):
            stmt = copy.copy(stmt)
            stmt.body = _without(stmt.body, dropped) or [gast.Pass()]
            stmt.orelse = _without(stmt.orelse, dropped)
        out.append(stmt)
    return out
