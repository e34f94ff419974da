"""Tangent values of the forward transform: records, symbolic zeros, zero folding.

Plain data and pure functions over gast expressions; no sweep state.

* :class:`Tangent`: the tangent of one primal name (an expression, whether it
  has the primal's full shape, the tangents of a literal's items, whether its
  array is this tangent's own);
* :func:`zero` / :func:`is_zero`: the symbolic zero marker (``anno.ZERO_ID``),
  shaped like an atom (``anno.ZERO_OF``); it never reaches emitted code;
* :func:`fold_zeros`: a tangent expression with its zero terms dropped.
"""

import copy
from dataclasses import dataclass
from typing import Any, List, Optional

import gast

from ..syntax import anno, nodes


@dataclass
class Tangent:
    """The tangent of one primal name."""

    expr: Any                       # a Name, or a zero marker
    exact: bool = True              # False: may be narrower than the primal (see forward's doc)
    items: Optional[List[Any]] = None   # element Tangents of a tuple/list literal
    owned: bool = False             # ``expr`` names an array only this tangent uses


def zero(of=None):
    """A symbolic zero tangent, shaped like the atom ``of``."""
    node = nodes.name(anno.ZERO_ID)
    anno.set(node, anno.ZERO_OF, nodes.clone(of))
    return node


def is_zero(node):
    """Is ``node`` the symbolic zero marker?"""
    return isinstance(node, gast.Name) and node.id == anno.ZERO_ID


def fold_zeros(node, carries_tangent):
    """``node`` with symbolic zeros propagated (bottom-up): a product with a zero is
    zero, a zero term of a sum is dropped, and a call none of whose tangent-carrying
    arguments (``carries_tangent(argument)``) is non-zero is zero.  Tangent rules are
    linear in the tangents they receive, which makes this exact."""
    return _ZeroFolder(carries_tangent).visit(node)


class _ZeroFolder(gast.NodeTransformer):
    """See :func:`fold_zeros`."""

    def __init__(self, carries_tangent):
        self.carries_tangent = carries_tangent

    def visit_BinOp(self, node):
        self.generic_visit(node)
        left, right = is_zero(node.left), is_zero(node.right)
        if not (left or right):
            return node
        op = node.op
        if isinstance(op, (gast.Mult, gast.Div, gast.MatMult)):
            return zero()
        if isinstance(op, gast.Add):
            if left and right:
                return zero()
            return node.right if left else node.left
        if isinstance(op, gast.Sub):
            if left and right:
                return zero()
            if right:
                return node.left
            return gast.UnaryOp(op=gast.USub(), operand=node.right)
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if is_zero(node.operand) and isinstance(node.op, (gast.USub, gast.UAdd)):
            return zero()
        return node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if is_zero(node.value):
            return zero()
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        parts = list(node.args) + [kw.value for kw in node.keywords]
        has_zero = any(is_zero(n) for p in parts for n in nodes.names(p))
        if not has_zero:
            return node
        live = [p for p in parts if self.carries_tangent(p)]
        if all(is_zero(p) or (isinstance(p, (gast.List, gast.Tuple))
                              and all(is_zero(e) for e in p.elts)) for p in live):
            return zero()
        return node


def replace_names(node, table):
    """``node`` with each loaded name of ``table`` replaced by a copy of its value."""
    if not table:
        return node

    class _Swap(gast.NodeTransformer):
        def visit_Name(self, n):
            if n.id in table and isinstance(n.ctx, gast.Load):
                return copy.deepcopy(table[n.id])
            return n

    return _Swap().visit(node)


def mentions(t, var):
    """Does the Tangent ``t`` (or one of its items) read the variable ``var``?"""
    if isinstance(t.expr, gast.Name) and t.expr.id == var:
        return True
    return any(mentions(item, var) for item in (t.items or ()))


def renamed(t, old, new):
    """``t`` reading the variable ``new`` where it read ``old`` (no longer owned)."""
    expr = t.expr
    if isinstance(expr, gast.Name) and expr.id == old:
        expr = nodes.name(new)
    items = None if t.items is None else [renamed(i, old, new) for i in t.items]
    return Tangent(expr, t.exact, items, False)


def same_tangent(a, b):
    """Do two tangent states of one name agree (so no merge copy is needed)?"""
    za = a is None or is_zero(a.expr)
    zb = b is None or is_zero(b.expr)
    if za or zb:
        return za and zb
    if gast.dump(a.expr) != gast.dump(b.expr) or a.exact != b.exact or a.owned != b.owned:
        return False
    if (a.items is None) != (b.items is None):
        return False
    return a.items is None or (len(a.items) == len(b.items) and all(
        same_tangent(x, y) for x, y in zip(a.items, b.items)))
