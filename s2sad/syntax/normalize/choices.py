"""Python's comparisons chained and its ``max``/``min``/``pow`` of numbers, flattened
as Python runs them.

Input: a ``Compare`` of several operators, or a call of the builtin ``max``, ``min``
(two or more values by position, no ``key=``/``default=``) or ``pow`` (two values),
met by the :class:`~.flatten.Flattener`.
Output, emitted through the normalizer: ``a < b < c`` as ``a < b and b < c`` with
``b`` computed once and ``c`` only where ``a < b`` holds; ``max(a, b)`` as the if
statement ``b if b > a else a`` (the first of equal values kept, as Python keeps it,
so the derivative follows the value kept); ``max(xs)`` of one iterable (a list, a
tuple, an array, a comprehension, ``map(f, xs)``) as the item Python keeps, ``items =
list(xs)`` then ``items[first_extreme(items, True)]`` (the position has no
derivative: the derivative follows the item kept); ``pow(a, b)`` as ``a ** b``.
"""

import builtins

import gast

from ...rules import registry
from .. import nodes


def chained_comparison(flat, node, target):
    """The name of ``node`` (``a < b < c ...``): each comparison computed only where
    the ones before it hold, each operand once."""
    return _chain(flat, flat.atom(node.left), node.ops, node.comparators, node, target)


def _chain(flat, left, ops, comparators, node, target):
    """The name of ``left ops[0] comparators[0] ops[1] ...``: ``left`` an atom, the
    comparators user expressions, each computed where it is reached."""
    right = flat.atom(comparators[0])
    if len(ops) == 1:
        return _compared(flat.norm, left, ops[0], right, node, target)
    first = nodes.name(_compared(flat.norm, left, ops[0], right, node, None))
    return flat.norm.scope.choice(
        first, lambda: nodes.name(_chain(flat, nodes.clone(right), ops[1:], comparators[1:],
                                         node, None)),
        lambda: nodes.clone(first), target, "both")


def _compared(norm, left, op, right, node, target):
    """Emit ``name = left op right`` (atoms) and return the name."""
    name = norm.scope.new_version(target) if target else norm.namer.fresh("cond")
    value = gast.Compare(left=nodes.clone(left), ops=[op], comparators=[nodes.clone(right)])
    norm.emit(gast.copy_location(nodes.assign(name, value), node))
    norm.defined.add(name)
    return name


def _builtin_call(norm, node, names, counts):
    """The builtin ``node`` calls (one of ``names``, given ``counts`` values by position,
    no keywords, no ``*``), or None.  The callee is recognized by its value: ``max``,
    ``builtins.max``, ``B.max`` (``import builtins as B``), ``from builtins import max
    as bmax`` alike; a local name is never the builtin."""
    func = node.func
    if func.__class__ is gast.Attribute and func.attr not in names:
        return None   # (np.tanh(x), the commonest call: none of them, and nothing asked)
    if not (counts(len(node.args)) and not node.keywords
            and not any(isinstance(a, gast.Starred) for a in node.args)):
        return None
    if isinstance(func, gast.Name):
        if func.id in norm.env or func.id in norm.locals:
            return None
        found = norm.parsed.resolve(func.id, None, compose=False)
    elif isinstance(func, gast.Attribute) and func.attr in names:
        head = func
        while isinstance(head, gast.Attribute):
            head = head.value
        if isinstance(head, gast.Name) and (head.id in norm.env or head.id in norm.locals):
            return None
        found = norm.parsed.resolve_callee(func)
    else:
        return None
    wanted = [getattr(builtins, name) for name in names]
    return found if any(found is obj for obj in wanted) else None


def builtin_choice(norm, node):
    """``gast.Gt`` for the builtin ``max(a, b, ...)``, ``gast.Lt`` for ``min(a, b, ...)``
    (two or more values given by position); None for any other call."""
    found = _builtin_call(norm, node, ("max", "min"), lambda n: n >= 2)
    return {builtins.max: gast.Gt, builtins.min: gast.Lt}.get(found)


def iterable_choice(norm, node):
    """True for the builtin ``max(xs)`` of one iterable given by position (no ``key=``,
    no ``default=``), False for ``min(xs)``, None for any other call (the lowering's
    ``list(xs)`` is the builtin whatever the name holds here: see syntax.own_builtins)."""
    found = _builtin_call(norm, node, ("max", "min"), lambda n: n == 1)
    return {builtins.max: True, builtins.min: False}.get(found)


def choose_item(flat, node, target, largest):
    """The name of ``max(xs)`` (``largest``) or ``min(xs)`` of one iterable: the item
    of ``list(xs)`` at the position Python's comparison keeps (see the module
    docstring)."""
    norm = flat.norm
    sequence = node.args[0]
    if isinstance(sequence, (gast.List, gast.ListComp)):
        items = flat.atom(sequence)
    else:
        made = gast.Call(func=nodes.builtin("list"), args=[sequence], keywords=[])
        for new in (made, made.func):
            gast.copy_location(new, node)
            new.end_lineno, new.end_col_offset = node.end_lineno, node.end_col_offset
        items = flat.atom(made)
    helper = registry.DICT_HELPERS["first_extreme"]
    norm.helpers["first_extreme"] = helper
    position = flat.operation_value(
        nodes.call("first_extreme", [nodes.clone(items), nodes.const(largest)]),
        "kept", helper)
    read = gast.Subscript(value=nodes.clone(items), slice=position, ctx=gast.Load())
    name = norm.scope.new_version(target) if target else norm.namer.fresh(
        "max" if largest else "min")
    norm.emit(gast.copy_location(nodes.assign(name, read), node))
    norm.defined.add(name)
    norm.aliases.track_views(name, read)
    return name


def choose(flat, node, target, better):
    """The name of ``max(a, b, ...)`` (``better``: ``gast.Gt``) or ``min`` as Python
    computes it: every value in order, then the first one kept unless a later one is
    strictly greater (less) than the one kept, ``b if b > a else a``; a NaN is kept as
    Python keeps it."""
    norm = flat.norm
    values = [flat.atom(a) for a in node.args]
    kept = values[0]
    for i, value in enumerate(values[1:], start=1):
        test = nodes.name(_compared(norm, value, better(), kept, node, None))
        last = i == len(values) - 1
        kept = nodes.name(norm.scope.choice(
            test, lambda value=value: nodes.clone(value), lambda kept=kept: nodes.clone(kept),
            target if last else None, "max" if better is gast.Gt else "min"))
    return kept.id


def builtin_getattr(norm, node):
    """``getattr(p, "W")`` (a constant name, no default) as the attribute ``p.W`` it
    reads, else None."""
    if _builtin_call(norm, node, ("getattr",), lambda n: n == 2) is not builtins.getattr:
        return None
    name = node.args[1]
    if not (isinstance(name, gast.Constant) and isinstance(name.value, str)
            and name.value.isidentifier()):
        return None
    return gast.copy_location(gast.Attribute(value=node.args[0], attr=name.value,
                                             ctx=gast.Load()), node)


def builtin_power(norm, node):
    """Is ``node`` the builtin ``pow(a, b)`` (two values given by position, or a third
    that is ``None``: no modulus), ``a ** b``?  ``pow(a, b, m)`` of a modulus ``m`` is
    refused: a modular power of integers has no derivative."""
    if _builtin_call(norm, node, ("pow",), lambda n: n == 2) is builtins.pow:
        return True
    if _builtin_call(norm, node, ("pow",), lambda n: n == 3) is not builtins.pow:
        return False
    if isinstance(node.args[2], gast.Constant) and node.args[2].value is None:
        return True
    raise norm.error("three-argument pow(a, b, m) is a modular power of integers: it is "
                     "not differentiable", node,
                     hint="write a ** b for a power (pow(a, b, None) is a ** b too); compute "
                          "a modular power outside the differentiated function")
