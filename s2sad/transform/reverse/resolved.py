"""A runtime helper's call written as what it computes, where the ranks decide it.

A helper such as ``dot_rhs_bar(g, a, b)`` (the adjoint of ``np.dot(a, b)`` for
``b``) finds out at run time which case it has: for two vectors it returns
``g * a``.  Where the code is made for known ranks of the arguments (see
``analysis.ranks``; ``facts.ranks`` gives the rank of each name that has one),
the helper's declared ``by_ranks`` fact (``((1, 1), "g * a")``, see
``rules.records.Facts``) says what the call computes for those ranks, and the
generated code computes it directly.  Input: an expression (a spliced adjoint's
result), the template's free names and the names' ranks; output: the expression,
or a new one in its place.
"""

import gast

from ...rules import registry
from ...syntax import nodes


def resolved(expr, free, ranks):
    """``expr`` with a call of a helper whose ``by_ranks`` fact matches the ranks of
    the arguments after its first replaced by that fact's expression (the helper's
    parameters read as the call's arguments); ``expr`` itself otherwise."""
    if not ranks or expr.__class__ is not gast.Call or expr.keywords \
            or expr.func.__class__ is not gast.Name or expr.func.id not in free:
        return expr
    helper = free[expr.func.id]
    cases = registry.facts(helper).by_ranks
    if not cases or not all(a.__class__ is gast.Name for a in expr.args[1:]):
        return expr
    code = helper.__code__
    params = code.co_varnames[:code.co_argcount]
    if len(params) != len(expr.args):
        return expr
    have = tuple(ranks.get(a.id) for a in expr.args[1:])
    for wanted, text in cases:
        if wanted == have:
            return _instantiated(text, dict(zip(params, expr.args)))
    return expr


def _instantiated(text, by_name):
    """The expression ``text`` with each name read as its argument in ``by_name``."""
    tree = gast.parse(text, mode="eval").body

    class _Substitute(gast.NodeTransformer):
        def visit_Name(self, node):
            return nodes.clone(by_name[node.id])

    return _Substitute().visit(tree)
