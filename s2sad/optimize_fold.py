"""Folding, the clean-up of one expression of generated code (see :mod:`s2sad.optimize`).

``fold(expr)`` simplifies one expression (``1 * e`` -> ``e``, ``e + 0`` -> ``e``, ``2 - 1``
-> ``1``, ``e ** 1`` -> ``e``, ``-(-e)`` -> ``e``); it never changes a value, only drops
arithmetic by the identity elements.  Nor a dtype: ``1.0 * e`` stays unless ``e`` is
surely a float (``1.0 * w`` of integer or bool weights is an adjoint, a float array,
where ``w`` would truncate what is added into it in place).
"""

import gast

from .syntax import nodes

_NUMBER = (int, float)


def _num(node):
    if isinstance(node, gast.Constant) and type(node.value) in _NUMBER:
        return node.value
    return None


def fold(node):
    """Fold identities bottom-up in an expression tree.

    Works in place on ``node``, which the caller must own (a fresh tree), and returns
    the folded tree, which folds to itself (``a - -(-2.0 * b)``: ``a - 2.0 * b`` at once).
    """
    cls = node.__class__
    if cls is gast.Name or cls is gast.Constant:
        return node   # atoms: the commonest case
    if cls is gast.BinOp and isinstance(node.left, gast.AST) and isinstance(node.right, gast.AST):
        node.left, node.right = fold(node.left), fold(node.right)   # (as the loop below)
        return fold_binary(node)
    for field in nodes.child_fields(cls):
        value = getattr(node, field, None)
        if value.__class__ is list:
            value[:] = [fold(item) if isinstance(item, gast.AST) else item for item in value]
        elif isinstance(value, gast.AST):
            setattr(node, field, fold(value))
    if cls is gast.BinOp:
        return fold_binary(node)
    if cls is gast.UnaryOp:
        return _fold_unary(node)
    return node


def is_zero(node):
    return _num(node) == 0


def _fold_unary(node):
    """A unary operation whose operand is folded already."""
    value = _num(node.operand)
    if isinstance(node.op, gast.USub):
        if value is not None:
            return nodes.const(-value)
        if isinstance(node.operand, gast.UnaryOp) and isinstance(node.operand.op, gast.USub):
            return node.operand.operand
    if isinstance(node.op, gast.UAdd):
        return node.operand
    return node


def _negated(operand):
    """``-operand``, folded."""
    return fold(gast.UnaryOp(op=gast.USub(), operand=operand))


def fold_binary(node):
    """A binary operation whose operands are folded already, folded (what :func:`fold`
    gives: a tree it leaves as it is)."""
    left, right = node.left, node.right   # (their numbers, as _num reads them)
    left = left.value if left.__class__ is gast.Constant and type(left.value) in _NUMBER \
        else None
    right = right.value if right.__class__ is gast.Constant \
        and type(right.value) in _NUMBER else None
    op = node.op
    kind = op.__class__   # (gast's classes have no subclasses: one branch below applies)
    if left is not None and right is not None and kind in _ARITHMETIC:
        result = {gast.Add: left + right, gast.Sub: left - right,
                  gast.Mult: left * right}[kind]
        return nodes.const(result)
    if kind is gast.Mult:
        slope = _constant_power_slope(node.right)
        if slope is not None:
            return slope(node.left)
        if left in (1, -1) and _keeps_dtype(left, node.right):
            return node.right if left == 1 else _negated(node.right)
        if right in (1, -1) and _keeps_dtype(right, node.left):
            return node.left if right == 1 else _negated(node.left)
        if _is_neg(node.left):
            return _negated(gast.BinOp(left=node.left.operand, op=op, right=node.right))
        if right is not None and left is None:
            # e * 2 -> 2 * e, and (e * 2) * f -> 2 * e * f: factors read first
            return fold_binary(gast.BinOp(left=node.right, op=op, right=node.left))
        inner = node.left
        if isinstance(inner, gast.BinOp) and isinstance(inner.op, gast.Mult) \
                and _num(inner.right) is not None and _num(inner.left) is None:
            return fold_binary(gast.BinOp(left=fold_binary(gast.BinOp(
                left=inner.right, op=gast.Mult(), right=inner.left)), op=op, right=node.right))
    elif kind is gast.Div:
        if right == 1 and _keeps_dtype(1.0, node.left):
            return node.left
        if _is_neg(node.left):
            return _negated(gast.BinOp(left=node.left.operand, op=op, right=node.right))
    elif kind is gast.Add:
        if left == 0:
            return node.right
        if right == 0:
            return node.left
        if _is_neg(node.right):
            return fold_binary(gast.BinOp(left=node.left, op=gast.Sub(), right=node.right.operand))
        if _negative_factor(node.right):   # a + -2.0 * b -> a - 2.0 * b
            factor = node.right
            return fold_binary(gast.BinOp(left=node.left, op=gast.Sub(), right=fold_binary(
                gast.BinOp(left=nodes.const(-_num(factor.left)), op=factor.op,
                           right=factor.right))))
    elif kind is gast.Sub:
        if right == 0:
            return node.left
        if left == 0:
            return _negated(node.right)
        if _is_neg(node.right):   # (a - -(-2.0 * b) -> a + -2.0 * b -> a - 2.0 * b)
            return fold_binary(gast.BinOp(left=node.left, op=gast.Add(), right=node.right.operand))
    elif kind is gast.Pow and right == 1:
        return node.left
    return node


_ARITHMETIC = frozenset((gast.Add, gast.Sub, gast.Mult))


def _constant_power_slope(node):
    """For ``power_slope(a, c)`` with a number ``c`` other than 0 (the rule of ``a ** c``):
    a function taking ``g`` to the folded ``g * c * a ** (c - 1)``, the formula as a
    reader writes it (``2.0 * x`` for ``x ** 2``); None otherwise.  At ``c == 0`` the
    call stays: it is 0 even at ``a == 0``, where ``0 * a ** -1`` is not; so it does for
    ``0 < c < 1`` (``x ** 0.5``): defined at ``a == 0`` where its slope is a pole, inf
    from the call, where ``0.0 ** -0.5`` of a Python float raises ZeroDivisionError.  (For
    ``c < 0`` the function itself raises there first.)"""
    if not (node.__class__ is gast.Call and node.func.__class__ is gast.Name
            and node.func.id == "power_slope" and len(node.args) == 2 and not node.keywords):
        return None
    base, exponent = node.args
    c = _num(exponent)
    if c is None or 0 <= c < 1:
        return None

    def build(g):
        scaled = fold(gast.BinOp(left=g, op=gast.Mult(), right=nodes.const(c)))
        power = fold(gast.BinOp(left=base, op=gast.Pow(), right=nodes.const(c - 1)))
        return fold(gast.BinOp(left=scaled, op=gast.Mult(), right=power))
    return build


#: numpy functions whose result is a float (or complex) array or number for any
#: number or array argument, integer or bool ones too
_FLOAT_FUNCTIONS = frozenset((
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh",
    "arcsinh", "arccosh", "arctanh", "exp", "exp2", "expm1", "log", "log2", "log10",
    "log1p", "sqrt", "cbrt", "hypot", "logaddexp", "logaddexp2", "deg2rad", "rad2deg",
    "true_divide", "divide", "mean", "average", "std", "var"))


def without_float_unit(node):
    """``node`` without a factor ``1.0`` (``-1.0``) that :func:`fold` kept for its dtype:
    for a term added to an adjoint, a float already, where the sum promotes anyway."""
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult) \
            and type(_num(node.left)) is float and _num(node.left) in (1.0, -1.0):
        return node.right if _num(node.left) == 1.0 else _negated(node.right)
    return node


def _keeps_dtype(factor, node):
    """Whether dropping the factor ``factor`` (1 or -1, or 1.0, -1.0) from ``factor * node``
    keeps its dtype: always for an int ``factor``; for a float one only when ``node`` is a
    float already (``1.0 * w`` of an integer or bool array ``w`` is a float array, an
    adjoint: never ``w`` itself, which in-place accumulation would truncate)."""
    return type(factor) is int or _surely_float(node)


def _surely_float(node):
    """Whether the expression ``node`` has a float (or complex) value whatever the
    dtypes of the names it reads: a float number, a true division, arithmetic with such
    an operand, a call of a numpy function whose result is a float."""
    if isinstance(node, gast.Constant):
        return isinstance(node.value, (float, complex))
    if isinstance(node, gast.UnaryOp):
        return _surely_float(node.operand)
    if isinstance(node, gast.BinOp):
        return isinstance(node.op, gast.Div) or _surely_float(node.left) \
            or _surely_float(node.right)
    if isinstance(node, gast.Call):
        func = node.func
        name = func.attr if isinstance(func, gast.Attribute) else getattr(func, "id", None)
        return name in _FLOAT_FUNCTIONS
    return False


def _is_neg(node):
    return node.__class__ is gast.UnaryOp and node.op.__class__ is gast.USub


def _negative_factor(node):
    """``-2.0 * e``: a product whose first factor is a negative number."""
    value = _num(node.left) if isinstance(node, gast.BinOp) and isinstance(
        node.op, gast.Mult) else None
    return value is not None and value < 0   # (_num: an int or a float, never complex)
