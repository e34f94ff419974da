"""Whether a function reads a parameter only whole, as a number or an array is read:
what a module written without its arguments (the CLI's) asks of a parameter whose kind
it does not know, before it returns its adjoint as it was built.  A parameter read
otherwise (an item, an unpacking, a loop, a builtin over its items) may be a list or a
tuple, whose adjoint the sweeps build as a list: it is given the argument's own
structure when the code runs (``runtime.tree_like``)."""

import gast

from ..syntax import anno

#: the nodes whose direct operands are read whole
_WHOLE_READERS = (gast.BinOp, gast.UnaryOp, gast.Compare)
#: attributes only an array (or a number) has
_ARRAY_ATTRIBUTES = frozenset(("shape", "ndim", "dtype", "size", "T", "mT", "real", "imag",
                               "flat", "itemsize", "nbytes"))
#: the functions of a module (``np.stack``...) that read a list or tuple argument's items
_SEQUENCE_TAKERS = frozenset((
    "stack", "hstack", "vstack", "dstack", "column_stack", "row_stack", "concatenate",
    "block", "array", "asarray", "asanyarray", "choose", "select", "broadcast_arrays",
    "meshgrid", "einsum", "multi_dot", "sum", "prod", "mean", "max", "min", "append"))


def read_only_whole(body, name, _seen=None):
    """Whether every read of ``name`` in the statements ``body`` is an operand of
    arithmetic or of a comparison, an argument of a module's function that reads no
    sequence's items (``np.sin``, not ``np.stack``), the object of an attribute only
    arrays have (``x.shape``), or of a call of a user function
    (``anno.USER_CALL``: its own pullback returns the adjoint in the argument's
    structure), or the value of a name it is copied to (``y = y0``) read so."""
    seen = {name} if _seen is None else _seen | {name}
    reads, whole, copies = [], set(), {}
    for stmt in body:
        for node in gast.walk(stmt):
            if isinstance(node, gast.Assign) and isinstance(node.value, gast.Name) \
                    and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name):
                copies[id(node.value)] = node.targets[0].id   # (y = y0: as y is read)
            if isinstance(node, gast.Name) and node.id == name \
                    and isinstance(node.ctx, gast.Load):
                reads.append(node)
            elif isinstance(node, _WHOLE_READERS):
                operands = [getattr(node, "left", None), getattr(node, "right", None),
                            getattr(node, "operand", None)] + list(
                                getattr(node, "comparators", ()))
                whole.update(id(o) for o in operands if isinstance(o, gast.Name))
            elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
                    and node.func.attr not in _SEQUENCE_TAKERS:   # np.sin(x), np.dot(X, w)
                whole.update(id(a) for a in node.args if isinstance(a, gast.Name))
            elif isinstance(node, gast.Attribute) and node.attr in _ARRAY_ATTRIBUTES:
                whole.add(id(node.value))   # (x.shape: no list or tuple has it)
            elif isinstance(node, gast.stmt) and anno.get(node, anno.USER_CALL) is not None:
                whole.update(id(n) for n in gast.walk(node) if isinstance(n, gast.Name))
    for node in reads:
        copy = copies.get(id(node))
        if id(node) not in whole and (copy is None or copy not in seen and not
                                      read_only_whole(body, copy, seen)):
            return False
    return True
