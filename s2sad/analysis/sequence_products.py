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


def product_of_sequence(primal, kinds, active):
    """The first ``a <op> b`` of ``primal`` (op one of ``* / // % ** @``) where one operand
    is a list or tuple (``kinds``) and the other a name that is not one and carries a
    derivative (``active(name)``), as ``(the statement's value, "list" or "tuple")``; or
    None.  A statement that never runs for these kinds is not looked at (the base case
    of a recursive helper's copy for a list: ``type_tests.live_statements``)."""
    live = live_statements(primal, kinds)
    for stmt in flatten(primal):
        if id(stmt) not in live:
            continue
        value = getattr(stmt, "value", None)
        if not (isinstance(value, gast.BinOp) and type(value.op) in _PRODUCTS):
            continue
        for seq, other in ((value.left, value.right), (value.right, value.left)):
            what = _sequence(seq, kinds)
            if what and isinstance(other, gast.Name) and not _sequence(other, kinds) \
                    and active(other.id):
                return value, what
    return None


def _sequence(atom, kinds):
    """"list" or "tuple" where ``atom`` is one, else None."""
    if isinstance(atom, (gast.List, gast.Tuple)):
        return "list" if isinstance(atom, gast.List) else "tuple"
    kind = kinds.get(atom.id) if isinstance(atom, gast.Name) else None
    return kind[0] if kinds_.is_sequence(kind) else None


def refuse_products_of_sequences(primal, kinds, active, parsed):
    """Raise the refusal of the first :func:`product_of_sequence` of ``primal``, located
    in the user's source (``parsed``)."""
    found = product_of_sequence(primal, kinds, active)
    if found is None:
        return
    value, what = found
    raise UnsupportedSyntaxError(
        f"a {what} in arithmetic with a differentiated value (numpy's "
        f"{_PRODUCTS[type(value.op)]} with an array made from the {what}, which s2sad's "
        f"derivatives would read as a {what})",
        parsed.location(value),
        hint=f"make the {what} an array where it is written: np.array([1.0, 2.0]) "
             f"instead of [1.0, 2.0]")
