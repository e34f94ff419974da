"""A derivative made where it is called: ``s2sad.grad(f, wrt=1)(x, y)`` in a function
being differentiated.

Input: the callee expression of a call (``s2sad.grad(f, wrt=1)``), in the scope of the
function being normalized.  Output: None when it is not a call of one of s2sad's
transforms (``anno.TRANSFORM``); else the derivative's composable form (see
``syntax.source.composable``), made now from the function it names and its constant
options, as Python makes it when the call runs (the API keeps one derivative per
function and options, so the code that runs calls that same derivative).  The
function must be named (a global, or a dotted path to one) and the options must be
constants; anything else is refused where it is written.
"""

import copy
import functools

import gast

from ...errors import S2sadError
from .. import nodes
from .. import anno
from ..composed_calls import complete_composed_call, owner_of
from ..source import composable


def made_here(norm, func):
    """The composable form the callee expression ``func`` makes, or None (see above)."""
    derivative = _derivative(norm, func)
    if derivative is None:
        return None
    made = composable(derivative)
    if made is derivative:
        raise norm.error(
            f"{_spelled(func)} is called inside a function being differentiated, and s2sad "
            f"differentiates through grad, value_and_grad, jvp and hvp only", func,
            hint="make the derivative of the inner function with one of those (a Hessian as "
                 "hvp along each axis, a vjp as the grad of np.sum(f(x) * u))")
    return made


def _derivative(norm, func):
    """The derivative the API makes of the callee expression ``func`` (a call of one of
    s2sad's transforms, of a named function or of such a call, s2sad.grad(s2sad.grad(f))),
    or None for any other expression."""
    if not isinstance(func, gast.Call):
        return None
    names = norm.module_names
    if names.global_path(func.func) is None:
        return None
    transform = names.resolve_path(func.func) if isinstance(func.func, gast.Attribute) \
        else norm.parsed.resolve(func.func.id, None)
    if not getattr(transform, "_s2sad_transform", False):
        return None
    if isinstance(func.func, gast.Name):
        names.use_global(func.func.id, func)
    if not func.args or any(isinstance(a, gast.Starred) for a in func.args) \
            or any(k.arg is None for k in func.keywords):
        raise norm.error(f"{_spelled(func)} must name the function it differentiates", func)
    differentiated = _function(norm, func.args[0], func)
    options = [_constant(norm, a, func) for a in func.args[1:]]
    keywords = {k.arg: _constant(norm, k.value, func) for k in func.keywords}
    try:
        derivative = transform(differentiated, *options, **keywords)
    except S2sadError as exc:
        raise norm.error(exc.message, func, hint=exc.hint) from None
    except TypeError as exc:
        raise norm.error(f"{_spelled(func)}: {exc}", func) from None
    return derivative


def _spelled(call):
    func = call.func
    return f"{func.attr if isinstance(func, gast.Attribute) else func.id}(...)"


def _function(norm, node, call):
    names = norm.module_names
    inner = _derivative(norm, node)   # s2sad.grad(s2sad.grad(f)): the inner derivative
    if inner is not None:
        return inner
    root = node
    while isinstance(root, gast.Attribute):
        root = root.value
    if isinstance(root, gast.Name) and root.id in _defined_in(norm.parsed.node):
        raise norm.error(f"{_spelled(call)} inside a function being differentiated must name "
                         f"a module-level function, and {root.id!r} is defined in the function",
                         node, hint=f"define {root.id!r} at module level")
    if names.global_path(node) is None:
        what = "a local value" if isinstance(node, gast.Name) else "an expression"
        raise norm.error(f"{_spelled(call)} inside a function being differentiated must name "
                         f"a module-level function (or a derivative of one made here, "
                         f"s2sad.grad(s2sad.grad(f))), not {what}", node,
                         hint="define the function at module level and name it here")
    if isinstance(node, gast.Attribute):
        return names.resolve_path(node)
    names.use_global(node.id, node)
    return norm.parsed.resolve(node.id)


def _constant(norm, node, call):
    """The value of an option written as a constant (``1``, ``"w"``, ``(0, 1)``, ``True``)."""
    if isinstance(node, gast.Constant):
        return node.value
    if isinstance(node, gast.Tuple) and all(isinstance(e, gast.Constant) for e in node.elts):
        return tuple(e.value for e in node.elts)
    raise norm.error(f"the options of {_spelled(call)} inside a function being differentiated "
                     f"must be written as constants", node,
                     hint="write wrt=1 or wrt=(0, 1), or make the derivative at module level")


def _defined_in(fn):
    """The names the function ``fn`` binds itself (a local ``def`` among them)."""
    bound = {a.id for a in fn.args.args + fn.args.kwonlyargs}
    for node in gast.walk(fn):
        if isinstance(node, (gast.FunctionDef, gast.ClassDef)) and node is not fn:
            bound.add(node.name)
        elif isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            bound.add(node.id)
    return bound


def made_here_quietly(parsed, func):
    """:func:`made_here` before normalizing (the helpers second derivatives inline are
    collected first): the composable form, or None for anything else or anything it
    would refuse (the refusal is raised where the call is normalized)."""
    if not (isinstance(func, gast.Call) and func.args):
        return None
    transform = _resolved(parsed, func.func)
    if not getattr(transform, "_s2sad_transform", False):
        return None
    root = func.args[0]
    while isinstance(root, gast.Attribute):
        root = root.value
    if isinstance(root, gast.Name) and root.id in _defined_in(parsed.node):
        return None   # a local function: refused where the call is normalized
    try:
        differentiated = _quiet_derivative(parsed, func.args[0]) \
            or _resolved(parsed, func.args[0])
        options = [_literal(a) for a in func.args[1:]]
        keywords = {k.arg: _literal(k.value) for k in func.keywords}
        derivative = transform(differentiated, *options, **keywords)
    except (S2sadError, TypeError, ValueError):
        return None
    made = composable(derivative)
    return None if made is derivative else made


def _quiet_derivative(parsed, node):
    """The derivative the call ``node`` of a transform makes (before normalizing), else
    None."""
    if not (isinstance(node, gast.Call) and node.args):
        return None
    transform = _resolved(parsed, node.func)
    if not getattr(transform, "_s2sad_transform", False):
        return None
    differentiated = _quiet_derivative(parsed, node.args[0]) or _resolved(parsed, node.args[0])
    options = [_literal(a) for a in node.args[1:]]
    keywords = {k.arg: _literal(k.value) for k in node.keywords}
    return transform(differentiated, *options, **keywords)


def bound_as_the_api(norm, node, func, target):
    """The call ``node`` (of ``func``) checked as the API binds it: for a derivative called
    inside (``target`` its composable form), a copy giving by name the defaults it leaves
    out that no constant spells, read where the call runs (see ``composed_calls``); else
    ``node`` itself."""
    if anno.COMPOSED_AS not in getattr(target, "__dict__", {}):
        return node
    node = copy.copy(node)
    node.args, node.keywords = list(node.args), list(node.keywords)
    complete_composed_call(target, node, norm.parsed.location(node),
                           default_owner(norm, func, target))
    return node


def default_roots(parsed, calls=None):
    """The module names the calls of ``parsed`` that may leave out a default no constant
    spells start from (``h`` of ``s2sad.hvp(h)(x)``, ``G`` of ``G(x)``, ``P`` of ``P(x)``
    for a partial): the default is read through that name where the call runs
    (``h.__kwdefaults__['c']``), so no local of a body put in place of a call may take it
    (the generated h_hvp's ``h``).  ``calls``: those calls, when the caller has them."""
    found, holds = set(), {}   # (holds: whether the object a dotted path names holds some)
    for node in nodes.of_class(parsed.walked(), gast.Call) if calls is None else calls:
        func = node.func.args[0] if isinstance(node.func, gast.Call) and node.func.args \
            else node.func
        spelled = nodes.dotted_parts(func)
        if spelled is None or spelled[0] not in parsed.globals or spelled[0] in found:
            continue
        if func is node.func:
            path = (spelled[0], *spelled[1])
            if path not in holds:
                holds[path] = _holds_defaults(_resolved_object(parsed, spelled))
            if not holds[path]:
                continue
        found.add(spelled[0])
    return found


def _resolved_object(parsed, spelled):
    obj = parsed.resolve(spelled[0], None, compose=False)
    for part in spelled[1]:
        obj = getattr(obj, part, None)
    return obj


def _holds_defaults(obj):
    """Whether calling ``obj`` may leave out a default: a derivative, a partial, a function
    with a default that is not a number, string or None."""
    if obj.__class__ is functools.partial or anno.COMPOSE in getattr(obj, "__dict__", {}):
        return True
    kw = getattr(obj, "__kwdefaults__", None) or {}
    return any(v.__class__ not in _CONSTANTS for v in
               tuple(getattr(obj, "__defaults__", None) or ()) + tuple(kw.values()))


_CONSTANTS = (bool, int, float, complex, str, type(None))


def written_callee(norm, func):
    """For the callee ``func`` of a call of a derivative named as the one made for its
    arguments' kinds (``anno.COMPOSED_CALLEE``: the callee written, which the emitted
    code calls where no derivative goes through the call, see ``emit_callees``), its
    composable form and a copy of ``func``, the names the callee written reads used
    (``s2sad``, ``loss``); None for any other callee."""
    written = anno.get(func, anno.COMPOSED_CALLEE)
    if written is None:
        return None
    for node in gast.walk(written):
        if isinstance(node, gast.Name):
            norm.module_names.use_global(node.id, node)
    return (norm.parsed.resolve(func.id),
            anno.copy(func, nodes.name(func.id), anno.COMPOSED_CALLEE))


def default_owner(norm, func, obj):
    """An expression giving the function whose defaults a call of ``obj`` through the
    callee expression ``func`` leaves out, read where the call runs (see
    ``composed_calls.owner_of``), or None."""
    func = anno.get(func, anno.COMPOSED_CALLEE) or func   # (the callee written)
    def resolve(node):   # (the object itself: a derivative, not its composable form)
        path = norm.module_names.global_path(node)
        if path is None:
            return None
        obj = norm.parsed.resolve(path[0], None, compose=False)
        for part in path[1:]:
            obj = getattr(obj, part, None)
        return obj

    return owner_of(func, resolve, obj)


def _resolved(parsed, node):
    spelled = nodes.dotted_parts(node)
    if spelled is None:
        return None
    obj = parsed.resolve(spelled[0], None)
    for part in spelled[1]:
        obj = getattr(obj, part, None)
    return obj


def _literal(node):
    if isinstance(node, gast.Constant):
        return node.value
    if isinstance(node, gast.Tuple) and all(isinstance(e, gast.Constant) for e in node.elts):
        return tuple(e.value for e in node.elts)
    raise ValueError("not a constant")
