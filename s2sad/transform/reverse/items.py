"""One read per item: ``b = x[i]`` again in a block reads the number already read.

Normalization gives each ``x[i]`` of a line a temporary of its own (``x[i] *
x[i]`` reads the item twice).  Where the item is certainly one number (see
``analysis.ranks``) and nothing between the two reads can change ``x`` or
``i``, the second read goes and its name is read as the first's: the sweeps
read the item once and its adjoint is added into ``x_bar[i]`` once.  Input: a
normalized body (not changed) and the names holding numbers; output: a new
list of statements (those that change are copies).
"""

import gast

from ...syntax import anno, nodes


def reuse_item_reads(body, numbers):
    """``body`` with each repeated read of a number item in a block dropped and its
    name read as the first read's (see the module docstring)."""
    if not numbers:
        return body
    counts = {}
    for node in nodes.names(body):
        if isinstance(node.ctx, gast.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
    once = {n for n, c in counts.items() if c == 1}
    same = {}
    body = _block(body, numbers & once, same)
    return _renamed(body, same) if same else body


def _block(body, numbers, same):
    """``body`` without the repeated reads; ``same`` gets {dropped name: first read}."""
    out = []
    seen = {}   # (base, index text, names it reads) -> the name holding that item
    for stmt in body:
        if isinstance(stmt, (gast.For, gast.While, gast.If)):   # (not across blocks)
            seen.clear()
            new = nodes.clone(stmt)
            new.body = _block(stmt.body, numbers, same)
            new.orelse = _block(stmt.orelse, numbers, same)
            out.append(new)
            continue
        key = _item_read(stmt, numbers)
        if key is not None and key in seen:
            same[stmt.targets[0].id] = seen[key]
            continue
        if not _harmless(stmt):
            seen.clear()
        else:
            bound = {n.id for n in nodes.names(stmt.targets[0])}
            for k in [k for k in seen if k[2] & bound or seen[k] in bound]:
                del seen[k]
        if key is not None:
            seen[key] = stmt.targets[0].id
        out.append(stmt)
    return out


def _renamed(body, same):
    """``body`` reading each name of ``same`` as the name it maps to."""
    out = []
    for stmt in body:
        if any(n.id in same for n in nodes.names(stmt)):
            stmt = nodes.clone(stmt)
            for n in nodes.names(stmt):
                if n.id in same:
                    n.id = same[n.id]
        out.append(stmt)
    return out


def _item_read(stmt, numbers):
    """``(base, index text, index names)`` of ``name = base[index]`` reading a number."""
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
            and stmt.targets[0].id in numbers and isinstance(stmt.value, gast.Subscript)
            and isinstance(stmt.value.value, gast.Name)):
        return None
    index = stmt.value.slice
    if not all(isinstance(n, (gast.Name, gast.Constant, gast.Tuple, gast.Load))
               for n in gast.walk(index)):
        return None
    names = frozenset(n.id for n in gast.walk(index) if isinstance(n, gast.Name))
    return stmt.value.value.id, gast.dump(index), names | {stmt.value.value.id}


def _harmless(stmt):
    """An assignment to names of a value that writes into nothing: arithmetic, reads,
    a ufunc without keywords (``out=`` would write)."""
    if not (isinstance(stmt, gast.Assign) and all(
            isinstance(n, (gast.Name, gast.Tuple, gast.Store, gast.Load))
            for n in gast.walk(stmt.targets[0]))):
        return False
    value = stmt.value
    if isinstance(value, gast.Call):
        return not value.keywords and hasattr(anno.get(value, anno.CALLEE), "nin")
    return isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.Name,
                              gast.Constant, gast.Subscript, gast.Attribute))
