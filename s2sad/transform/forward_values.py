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
    linear in the tangents they receive, which makes this exact.

    What a ``gast.NodeTransformer`` with these four ``visit_`` methods does (children
    first, each replaced in place in its field or list), in a direct walk: only the
    fields that may hold nodes are looked at (``nodes.child_fields``; a context or an
    operator is never replaced), and no method is looked up by name per node."""
    return _fold(node, carries_tangent)


def _replace_children(node, visit, arg):
    """Each child node ``c`` of ``node`` replaced in place by ``visit(c, arg)``, in field
    order (a list's items in turn)."""
    for field in nodes.child_fields(node.__class__):
        value = getattr(node, field, None)
        if value is None:
            continue
        if value.__class__ is list:
            for i, item in enumerate(value):
                if isinstance(item, gast.AST):
                    value[i] = visit(item, arg)
        elif isinstance(value, gast.AST):
            setattr(node, field, visit(value, arg))


def _fold(node, carries_tangent):
    _replace_children(node, _fold, carries_tangent)
    fold = _FOLDS.get(node.__class__)
    return node if fold is None else fold(node, carries_tangent)


def _fold_binop(node, carries_tangent):
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


def _fold_unaryop(node, carries_tangent):
    if is_zero(node.operand) and isinstance(node.op, (gast.USub, gast.UAdd)):
        return zero()
    return node


def _fold_subscript(node, carries_tangent):
    if is_zero(node.value):
        return zero()
    return node


def _fold_call(node, carries_tangent):
    parts = list(node.args) + [kw.value for kw in node.keywords]
    has_zero = any(is_zero(n) for p in parts for n in nodes.names(p))
    if not has_zero:
        return node
    live = [p for p in parts if carries_tangent(p)]
    if all(is_zero(p) or (isinstance(p, (gast.List, gast.Tuple))
                          and all(is_zero(e) for e in p.elts)) for p in live):
        return zero()
    return node


#: node class -> how :func:`fold_zeros` folds a node of it, its children folded
_FOLDS = {gast.BinOp: _fold_binop, gast.UnaryOp: _fold_unaryop,
          gast.Subscript: _fold_subscript, gast.Call: _fold_call}


def replace_names(node, table):
    """``node`` with each loaded name of ``table`` replaced by a copy of its value
    (what a ``gast.NodeTransformer`` whose ``visit_Name`` does it gives: names are
    not looked into, every other node's children are replaced in place)."""
    if not table:
        return node
    return _swap(node, table)


def _swap(node, table):
    if node.__class__ is gast.Name:
        if node.id in table and isinstance(node.ctx, gast.Load):
            return copy.deepcopy(table[node.id])
        return node
    _replace_children(node, _swap, table)
    return node


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
