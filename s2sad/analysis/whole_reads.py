"""Whether a function reads a parameter only whole, as a number or an array is read:
what a module written without its arguments (the CLI's) asks of a parameter whose kind
it does not know, before it returns its adjoint as it was built.  A parameter read
otherwise (an item, an unpacking, a loop, a builtin over its items) may be a list or a
tuple, whose adjoint the sweeps build as a list: it is given the argument's own
structure when the code runs (``runtime.tree_like``).

:class:`WholeReads` walks the statements once and answers for every name."""

import gast

from ..syntax import anno, nodes
from .activity import operand_loads

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


class WholeReads:
    """The reads of every name in the statements ``body``, walked once.

    A read is *whole* when it is an operand of arithmetic or of a comparison, an
    argument of a module's function that reads no sequence's items (``np.sin``, not
    ``np.stack``), the object of an attribute only arrays have (``x.shape``), or
    inside a call of a user function (``anno.USER_CALL``: its own pullback returns
    the adjoint in the argument's structure); a read that is the value of a name it
    is copied to (``y = y0``) is as the reads of that name are."""

    def __init__(self, body):
        self.loose = set()     # names read once at least neither whole nor copied
        self.copied_to = {}    # name -> the names it is copied to
        for stmt in body:
            if not _operation_of_atoms(stmt):   # (its reads are operands: whole)
                loose = _module_call_reads(stmt)
                if loose is None:
                    self._statement(stmt)
                else:
                    self.loose.update(loose)

    def only_whole(self, name):
        """Whether every read of ``name`` is whole, or copies it to a name (a chain of
        copies, followed) every read of which is."""
        found, todo = {name}, [name]
        while todo:
            current = todo.pop()
            if current in self.loose:
                return False
            for copy in self.copied_to.get(current, ()):
                if copy not in found:
                    found.add(copy)
                    todo.append(copy)
        return True

    def _statement(self, stmt):
        """Record the reads of the statement ``stmt`` (and of the statements it holds)."""
        reads, whole, copies = [], set(), {}
        for node in nodes.walk(stmt):
            cls = node.__class__
            if cls is gast.Assign and node.value.__class__ is gast.Name \
                    and len(node.targets) == 1 and node.targets[0].__class__ is gast.Name:
                copies[id(node.value)] = node.targets[0].id   # (y = y0: as y is read)
            if cls is gast.Name:
                if isinstance(node.ctx, gast.Load):
                    reads.append(node)
            elif isinstance(node, _WHOLE_READERS):
                operands = [getattr(node, "left", None), getattr(node, "right", None),
                            getattr(node, "operand", None)] + list(
                                getattr(node, "comparators", ()))
                whole.update(id(o) for o in operands if isinstance(o, gast.Name))
            elif cls is gast.Call and isinstance(node.func, gast.Attribute) \
                    and node.func.attr not in _SEQUENCE_TAKERS:   # np.sin(x), np.dot(X, w)
                whole.update(id(a) for a in node.args if isinstance(a, gast.Name))
            elif cls is gast.Attribute and node.attr in _ARRAY_ATTRIBUTES:
                whole.add(id(node.value))   # (x.shape: no list or tuple has it)
            elif isinstance(node, gast.stmt) and anno.get(node, anno.USER_CALL) is not None:
                whole.update(id(n) for n in nodes.names(node))
        for node in reads:
            if id(node) not in whole:
                copy = copies.get(id(node))
                if copy is None:
                    self.loose.add(node.id)
                else:
                    self.copied_to.setdefault(node.id, set()).add(copy)


def _operation_of_atoms(stmt):
    """Whether ``stmt`` is ``name = <arithmetic of names and literals>`` (not a user
    call's): each name it reads is an operand of the arithmetic."""
    return stmt.__class__ is gast.Assign and len(stmt.targets) == 1 \
        and stmt.targets[0].__class__ is gast.Name and stmt.targets[0].annotation is None \
        and operand_loads(stmt.value) is not None and anno.get(stmt, anno.USER_CALL) is None


def _module_call_reads(stmt):
    """The names ``stmt`` reads not whole when it is ``name = m.f(<names and literals>)``
    (not a user call's): ``m`` unless ``f`` is an attribute only arrays have, the
    arguments where ``f`` reads a sequence's items; None for any other statement."""
    if stmt.__class__ is not gast.Assign or len(stmt.targets) != 1 \
            or stmt.targets[0].__class__ is not gast.Name \
            or stmt.targets[0].annotation is not None:
        return None
    call = stmt.value
    if call.__class__ is not gast.Call or call.keywords or call.func.__class__ is not \
            gast.Attribute or not _is_load(call.func.value) \
            or anno.get(stmt, anno.USER_CALL) is not None:
        return None
    loose = [] if call.func.attr in _ARRAY_ATTRIBUTES else [call.func.value.id]
    taker = call.func.attr in _SEQUENCE_TAKERS
    for arg in call.args:
        if _is_load(arg):
            if taker:
                loose.append(arg.id)
        elif arg.__class__ is not gast.Constant:
            return None
    return loose


def _is_load(node):
    return node.__class__ is gast.Name and node.annotation is None \
        and node.ctx.__class__ is gast.Load
