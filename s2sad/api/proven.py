"""What a fast path need not check after the call: facts of the generated code
proven from the arguments its checks admit.

A fast path (``fastpath``) runs the generated function only after checking each
argument: a float64 array of the rank the code is made for (its type exactly
``np.ndarray``), or a real number (``float``, ``int`` or ``np.float64``).  From
those facts alone, some of the code's names are certain, whatever the values:

- ``NUMBER``: a real number (``int``, ``float`` or ``np.float64``): a number
  argument, a literal, ``+ - * /`` of numbers, a number to a literal integer power,
  ``np.dot`` of two float64 vectors (an ``np.float64``);
- ``SCALAR``: an ``np.float64`` (``np.dot`` of two vectors, or an arithmetic op
  with one; it never raises, an overflow gives ``inf`` and a warning);
- an array: a new float64 array, exactly ``np.ndarray``, of the shape of one
  parameter: ``+ - * /`` of such an array and a number or an array of the same
  shape, its literal integer power or negation.  Two vectors multiplied by
  ``np.dot`` have the same length (``np.dot`` raised otherwise, before anything
  else ran), so their shapes are one from then on.

A gradient proven to be a new float64 array of its argument's shape is what the
general end of a call (``matching.match_gradient``) would return unchanged: the fast
path returns it without its checks.  Only straight-line code of assignments is read
(anything else: nothing is proven), and ``np.dot`` only where ``np`` is numpy and its
``dot`` numpy's own, names the fast path checks at each call (``paths``).
"""

import ast

import numpy

from ..runtime.numpy_view import np as _numpy_view

NUMBER, SCALAR = "number", "scalar"   # (a SCALAR is a NUMBER too)
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div)


class _Shapes:
    """Which parameters certainly have one shape (a union of equal vectors)."""

    def __init__(self):
        self.parent = {}

    def find(self, name):
        while self.parent.get(name, name) != name:
            name = self.parent[name]
        return name

    def join(self, a, b):
        self.parent[self.find(a)] = self.find(b)


class Facts:
    """The proven kind of each name of a generated function (see the module's text):
    ``kinds[name]`` is NUMBER, SCALAR, ``("array", param, fresh)`` (a float64 array of
    ``param``'s shape, ``fresh`` when made by the code), absent when unknown."""

    def __init__(self, function, ranks, namespace, paths):
        self.function, self.namespace, self.paths = function, namespace, paths
        self.shapes, self.ranks, self.kinds = _Shapes(), ranks, {}
        for arg in function.args.args:
            rank = ranks.get(arg.arg)
            if rank == 0:
                self.kinds[arg.arg] = NUMBER
            elif rank is not None:
                self.kinds[arg.arg] = ("array", arg.arg, False)
        self.straight = all(isinstance(s, ast.Assign) and len(s.targets) == 1
                            and isinstance(s.targets[0], ast.Name)
                            for s in function.body[:-1])
        if not self.straight:
            self.kinds = {}
            return
        for stmt in function.body[:-1]:
            kind = self._kind(stmt.value)
            if kind is None:
                self.kinds.pop(stmt.targets[0].id, None)
            else:
                self.kinds[stmt.targets[0].id] = kind

    def fresh_like(self, name, param):
        """Whether ``name`` is proven a new float64 array of the shape of ``param``."""
        kind = self.kinds.get(name)
        if not isinstance(kind, tuple) or not kind[2] or not self.ranks.get(param):
            return False
        return kind[1] == param or (self.ranks.get(kind[1]) == 1 and self.ranks[param] == 1
                                    and self.shapes.find(kind[1]) == self.shapes.find(param))

    def _kind(self, node):
        if isinstance(node, ast.Constant):
            value = node.value
            return NUMBER if type(value) in (int, float) else None
        if isinstance(node, ast.Name):
            return self.kinds.get(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return _fresh(self._kind(node.operand))
        if isinstance(node, ast.BinOp):
            return self._binary(node)
        if isinstance(node, ast.Call):
            return self._dot(node)
        return None

    def _binary(self, node):
        left = self._kind(node.left)
        if isinstance(node.op, ast.Pow):
            power = node.right
            if isinstance(power, ast.Constant) and type(power.value) is int:
                return _fresh(left)
            return None
        if not isinstance(node.op, _ARITHMETIC):
            return None
        right = self._kind(node.right)
        if left is None or right is None:
            return None
        if left in (NUMBER, SCALAR) and right in (NUMBER, SCALAR):
            return SCALAR if SCALAR in (left, right) else NUMBER
        if left in (NUMBER, SCALAR):
            return _fresh(right)
        if right in (NUMBER, SCALAR):
            return _fresh(left)
        same = left[1] == right[1] or (
            self.ranks[left[1]] == 1 and self.ranks[right[1]] == 1
            and self.shapes.find(left[1]) == self.shapes.find(right[1]))
        return _fresh(left) if same else None

    def _dot(self, node):
        """``np.dot`` of two float64 vectors: an ``np.float64``, their lengths equal."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.attr == "dot" and len(node.args) == 2 and not node.keywords):
            return None
        root = func.value.id
        if (root, "dot") not in self.paths or self.namespace.get(root) is not numpy \
                or vars(numpy).get("dot") is not vars(_numpy_view)["dot"]:
            return None
        kinds = [self._kind(a) for a in node.args]
        if any(not isinstance(k, tuple) or self.ranks.get(k[1]) != 1 for k in kinds):
            return None
        self.shapes.join(kinds[0][1], kinds[1][1])
        return SCALAR


def _fresh(kind):
    """The kind of an elementwise op's result on ``kind`` (a new array, or a number)."""
    if isinstance(kind, tuple):
        return ("array", kind[1], True)
    return kind
