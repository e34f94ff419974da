"""When the normalizer may read the function's tree as read, without a copy of it.

The walk (``core._Normalizer``) never changes the caller's tree.  In general it reads a
copy, which the rewrites before it change in place (the source forms of
:mod:`.sourceforms`, locals renamed apart from helpers and the marks of the names
spelled like a helper, :mod:`.clashes`; nested scopes renamed apart, :mod:`.hygiene`)
and some of the forms it lowers relocate the nodes they read (comprehensions, loops).
A straight-line function of arithmetic on names and calls of library functions with
rules (most long numeric functions) needs none of that: :func:`shared_marks` tells it
from the fence's walk of the tree, and the walk then reads the tree as read, making
each node it emits; the marks the copy would carry on the names spelled like a helper
are put on the names it makes from them instead (``clashes.marked``).
"""

import gast

from ...rules import registry
from .. import nodes
from ..desugar import desugar
from ..parse import is_user_function
from .clashes import has_clashes, helper_spellings
from .sourceforms import has_source_forms

#: the classes of the nodes of a function read as it is (with the conditions of
#: :func:`_straight_line`): what the walk turns into new nodes without changing them
_CLASSES = frozenset((
    gast.FunctionDef, gast.arguments, gast.Expr, gast.Assign, gast.Return, gast.Name,
    gast.Constant, gast.BinOp, gast.UnaryOp, gast.Call, gast.Attribute, gast.keyword,
    gast.Subscript, gast.Slice, gast.Tuple))


def shared_marks(parsed, walked):
    """The marks of the names spelled like a helper (``clashes.helper_spellings``) when
    the walk may read ``parsed``'s tree as it is (``walked``: the fence's walk of it),
    else None."""
    fn = parsed.node
    if not _straight_line(fn, walked, parsed) or has_source_forms(parsed, walked):
        return None
    helpers = registry.helper_names()
    if has_clashes(fn, helpers, walked) or desugar(fn, frozenset(), walked) is not fn:
        return None
    return helper_spellings(fn, helpers, walked, parsed.func)


def _straight_line(fn, walked, parsed):
    """Whether ``fn`` is assignments to names, then one ``return``, of expressions of
    the classes above, whose calls are plain calls of library functions with rules."""
    classes = walked.classes
    body, args = fn.body, fn.args
    if not _CLASSES.issuperset(classes) or len(classes[gast.FunctionDef]) != 1 \
            or args.vararg is not None or args.kwarg is not None or args.posonlyargs:
        return False
    if any(stmt is not body[0] or stmt.value.__class__ is not gast.Constant
           or stmt.value.value.__class__ is not str for stmt in classes.get(gast.Expr, ())):
        return False   # (a docstring only)
    returns = classes.get(gast.Return, ())
    if len(returns) > 1 or returns and returns[0] is not body[-1]:
        return False
    if any(len(stmt.targets) != 1 or stmt.targets[0].__class__ is not gast.Name
           for stmt in classes.get(gast.Assign, ())):
        return False
    if any(node.ctx.__class__ is not gast.Load for cls in (gast.Attribute, gast.Subscript,
                                                            gast.Tuple)
           for node in classes.get(cls, ())):
        return False
    if any(node.op.__class__ is gast.BitOr for node in classes.get(gast.BinOp, ())):
        return False   # (a merge of dicts: see dicts.merges)
    bound = {node.id for node in classes[gast.Name] if node.ctx.__class__ is not gast.Load}
    return all(_library_call(call, parsed, bound) for call in classes.get(gast.Call, ()))


def _library_call(call, parsed, bound):
    """Whether ``call`` calls, by a global name or a dotted path from one, a library
    function with a rule (neither the user's nor a builtin), with no ``out=`` and no
    ``**`` argument."""
    spelled = nodes.dotted_parts(call.func)
    if spelled is None or spelled[0] in bound \
            or any(kw.arg is None or kw.arg == "out" for kw in call.keywords):
        return False
    obj = parsed.resolve_callee(call.func)
    return obj is not None and not is_user_function(obj) \
        and getattr(obj, "__module__", None) != "builtins" and registry.lookup(obj) is not None
