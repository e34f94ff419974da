"""Arithmetic of a list or tuple with a value that carries a derivative, which numpy
computes elementwise (``x * [1.0, 2.0]`` of an array ``x``: numpy makes the list an
array), found so that it is refused where it is written.

Python reads ``xs * n`` as a repetition only for an int count, and an int carries no
derivative: ``*`` (or ``/ // % ** @``) of a list or tuple and a differentiated value is
numpy's product of an array made from the list.  The generated derivatives would read
the list as a list there (a zero tangent taken for a repetition's, or ``1.0 * items``,
which Python refuses), so it is refused, with the spelling that is differentiated
(``np.array([1.0, 2.0])``).  ``+`` and ``-`` are left alone: a concatenation, and
numpy's sum or difference, whose adjoints never multiply the list.
"""

import gast

from ..errors import UnsupportedSyntaxError
from . import kinds as kinds_
from .ops import flatten
from .type_tests import live_statements

#: the operations refused, as the message names them
_PRODUCTS = {gast.Mult: "product", gast.Div: "quotient", gast.FloorDiv: "floor division",
             gast.Mod: "remainder", gast.Pow: "power", gast.MatMult: "matrix product"}


def product_of_sequence(primal, kinds, active, parsed=None):
    """The first ``a <op> b`` of ``primal`` (op one of ``* / // % ** @``) where one operand
    is a list or tuple (``kinds``; or a global name, or a copy of one, holding a list or
    tuple now: ``parsed`` resolves the names ``primal`` does not bind) and the other a
    name that is not one and carries a derivative (``active(name)``), as ``(the
    statement's value, "list" or "tuple", the name of the global operand that is one
    or None)``; or None.  A statement that never runs for these kinds is not looked at
    (the base case of a recursive helper's copy for a list: ``type_tests.live_statements``)."""
    outside = _outside_sequences(primal, parsed)
    live = None   # (asked only where a product of a sequence is found: rare)
    for stmt in flatten(primal):
        value = getattr(stmt, "value", None)
        if not (isinstance(value, gast.BinOp) and type(value.op) in _PRODUCTS):
            continue
        for seq, other in ((value.left, value.right), (value.right, value.left)):
            what = _sequence(seq, kinds, outside)
            if what and isinstance(other, gast.Name) and not _sequence(other, kinds, outside) \
                    and active(other.id):
                if live is None:
                    live = live_statements(primal, kinds)
                if id(stmt) in live:
                    return value, what, (seq.id if isinstance(seq, gast.Name)
                                         and seq.id in outside else None)
    return None


def _outside_sequences(primal, parsed):
    """``{name: "list" or "tuple"}`` of the operands of products in ``primal`` that are
    not its parameters nor bound in it and whose value is a list or tuple now (a global:
    the code is made again when one is rebound to a value of another type), and of the
    names bound to a copy of one (``w = L``)."""
    node = getattr(parsed, "node", None)
    if node is None:
        return {}
    copies, operands, assigned = {}, set(), set()
    for stmt in flatten(primal):
        value = getattr(stmt, "value", None)
        one = stmt.__class__ is gast.Assign and len(stmt.targets) == 1 \
            and stmt.targets[0].__class__ is gast.Name
        if one:
            assigned.add(stmt.targets[0].id)
        if value.__class__ is gast.BinOp and type(value.op) in _PRODUCTS:
            operands.update(side.id for side in (value.left, value.right)
                            if side.__class__ is gast.Name)
        elif value.__class__ is gast.Name and one:
            copies[stmt.targets[0].id] = value.id
    found, bound = {}, None
    for name in operands:
        source = name
        for _ in range(len(copies)):   # (w = L: the name it copies, SSA: no cycle)
            if source not in copies:
                break
            source = copies[source]
        if source in assigned:   # (a value of the function's own: not a global)
            continue
        try:
            held = parsed.resolve(source)
        except KeyError:
            continue
        if held.__class__ not in (list, tuple):
            continue
        if bound is None:   # (rare: a list or tuple global of a name read in a product)
            bound = _bound_names(node, primal)
        if source not in bound:
            found[name] = held.__class__.__name__
    return found


def _bound_names(node, primal):
    """The parameters of the function ``node`` and the names ``primal`` binds."""
    args = node.args
    bound = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs
             + [a for a in (args.vararg, args.kwarg) if a is not None]
             if isinstance(a, gast.Name)}
    for stmt in primal:
        bound.update(n.id for n in gast.walk(stmt)
                     if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store))
    return bound


def _sequence(atom, kinds, outside):
    """"list" or "tuple" where ``atom`` is one, else None."""
    if isinstance(atom, (gast.List, gast.Tuple)):
        return "list" if isinstance(atom, gast.List) else "tuple"
    if not isinstance(atom, gast.Name):
        return None
    kind = kinds.get(atom.id)
    return kind[0] if kinds_.is_sequence(kind) else outside.get(atom.id)


def refuse_products_of_sequences(primal, kinds, active, parsed):
    """Raise the refusal of the first :func:`product_of_sequence` of ``primal``, located
    in the user's source (``parsed``)."""
    found = product_of_sequence(primal, kinds, active, parsed)
    if found is None:
        return
    value, what, name = found
    raise UnsupportedSyntaxError(
        f"a {what} in arithmetic with a differentiated value (numpy's "
        f"{_PRODUCTS[type(value.op)]} with an array made from the {what}, which s2sad's "
        f"derivatives would read as a {what})",
        parsed.location(value),
        hint=f"make {name!r} an array where it is defined ({name} = np.array(...)) or read "
             f"it as one here: np.asarray({name})" if name else
             f"make the {what} an array where it is written: np.array([1.0, 2.0]) "
             f"instead of [1.0, 2.0]")
