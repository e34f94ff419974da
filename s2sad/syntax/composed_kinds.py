"""A derivative called with arguments that make its code: its form made for them.

The API makes a derivative's code per call for the kinds of its arguments: a function
given for a parameter (``syntax.function_args.FunctionKind``), an object whose methods
the function calls (``analysis.kind_lattice.ObjectKind``), namedtuples and the
containers holding them.  A function being differentiated that calls such a derivative
(``s2sad.jvp(s2sad.grad(loss))`` differentiates a caller passing its arguments on;
``s2sad.grad(loss)(w, x, act)`` written in a function) is differentiated through the
derivative's composable form (``api.composable``), which must be made for the same
kinds, or it is the code of another call (a parameter's default function) or a refusal.

:func:`specialize_derivative_calls` reads each call of a derivative in the parsed
function and, where an argument is a function s2sad can name where it makes the code
(a module-level function, ``np.sin``, a parameter the code is made for, bound by
``function_args.bind_passed``) or a parameter of a kind the code is made for, calls in
its place the derivative the form's maker gives for those kinds
(``anno.COMPOSE``'s ``specialized``): a free name s2sad binds (``made_names``) holding
the callee written (``anno.COMPOSED_CALLEE``), which the generated code calls where no
derivative goes through the call (``emit_callees``).  An argument given for a parameter
whose default is a function, which s2sad cannot name there, is refused at the call (the
code would be the default's).
"""

import gast

from ..analysis.kind_lattice import ObjectKind, argument_kind, specializes
from ..errors import S2sadError, UnsupportedSyntaxError
from . import anno, nodes
from .function_args import (_GIVE_ONE, CalledParameterError, FunctionKind, _fresh,
                            _local_names, passable)
from .source import record_path
from .wrappers import signature


def specialize_derivative_calls(parsed, kinds=None):
    """Rewrite the calls of derivatives in ``parsed`` to the derivative made for the
    kinds of their arguments (module docstring); ``kinds``: ``{parameter: kind}`` of
    the function's own parameters, when the code is made for a call."""
    fn = parsed.node
    walked = list(nodes.walk(fn))
    calls = [n for n in walked if n.__class__ is gast.Call]
    if not calls:
        return
    local = _local_names(fn, walked)
    a = fn.args
    params = {p.id for p in a.posonlyargs + a.args + a.kwonlyargs}
    stored = {n.id for n in walked if n.__class__ is gast.Name
              and n.ctx.__class__ in (gast.Store, gast.Del)}
    known = {p: k for p, k in (kinds or {}).items() if p in params and p not in stored}
    taken = {n.id for n in walked if n.__class__ is gast.Name} | local
    for call in calls:
        reads = []   # (the names read: the code's dependencies, recorded where it is used)
        derivative = _derivative(call.func, parsed, local, reads)
        make = getattr(derivative, "__dict__", {}).get(anno.COMPOSE)
        if getattr(make, "specialized", None) is None or make.kinds:
            continue
        bound = _bound(make, call)
        if bound is None:
            continue
        found = {}
        for param, (arg, default) in bound.items():
            kind = _kind(arg, parsed, local, known, reads)
            if kind is not None:
                found[param] = kind
            elif arg is not None and passable(default):
                raise _unnamed_function_error(parsed, arg, make, param)
        if not any(k.__class__ is FunctionKind or specializes(k) for k in found.values()):
            continue
        for read in reads:
            record_path(*read)
        made = make.specialized(derivative, tuple(sorted(found.items(), key=_by_name)))
        name = _fresh(f"{_spelled(call.func)}_made", taken, parsed)
        taken.add(name)
        parsed.closure[name] = made
        parsed.made_names = parsed.made_names | {name}
        callee = anno.set(nodes.name(name), anno.COMPOSED_CALLEE, call.func)
        call.func = gast.copy_location(callee, call.func)


def _by_name(item):
    return item[0]


def _spelled(func):
    """The callee ``func`` as a name (``s2sad.grad(loss)``: ``grad_loss``, as the code
    made where it is called names its result)."""
    if func.__class__ is gast.Call:
        return f"{_spelled(func.func)}_{_spelled(func.args[0])}"
    return func.attr if func.__class__ is gast.Attribute else func.id


def _derivative(func, parsed, local, reads):
    """The derivative the callee expression ``func`` names (a global path to it) or
    makes (``s2sad.grad(f, wrt=1)``, options written as constants), else None; the names
    read are recorded as the code's dependencies (rebinding one makes it again)."""
    if func.__class__ is gast.Call:
        transform = _path(func.func, parsed, local, reads)
        if not getattr(transform, "_s2sad_transform", False) or not func.args \
                or any(a.__class__ is gast.Starred for a in func.args) \
                or any(k.arg is None for k in func.keywords):
            return None
        inner = _derivative(func.args[0], parsed, local, reads) \
            if func.args[0].__class__ is gast.Call else _path(func.args[0], parsed, local, reads)
        try:
            options = [_literal(x) for x in func.args[1:]]
            keywords = {k.arg: _literal(k.value) for k in func.keywords}
            return transform(inner, *options, **keywords) if inner is not None else None
        except (S2sadError, TypeError, ValueError):   # (refused where it is normalized)
            return None
    return _path(func, parsed, local, reads)


def _path(node, parsed, local, reads):
    """The object the global name or dotted path ``node`` denotes (its read added to
    ``reads``), else None."""
    spelled = nodes.dotted_parts(node)
    if spelled is None or spelled[0] in local:
        return None
    obj = parsed.resolve(spelled[0], None, compose=False)
    for attr in spelled[1]:
        obj = getattr(obj, attr, None)
    if obj is not None and spelled[0] not in parsed.made_names:
        reads.append((spelled[0], parsed.func, tuple(spelled[1]), obj))
    return obj


def _literal(node):
    if node.__class__ is gast.Constant:
        return node.value
    if node.__class__ is gast.Tuple and all(e.__class__ is gast.Constant for e in node.elts):
        return tuple(e.value for e in node.elts)
    raise ValueError("not a constant")


def _bound(make, call):
    """``{parameter of the user's function: (argument node or None, default)}`` of a call
    of the derivative (its last ``make.directions`` positional arguments are the
    directions), or None where the call does not bind so (refused where it is read)."""
    if any(a.__class__ is gast.Starred for a in call.args) \
            or any(k.arg is None for k in call.keywords):
        return None
    try:
        sig = signature(make.func)
    except (TypeError, ValueError):
        return None
    names = set(sig.parameters)
    count = len(make.directions)
    head = call.args[:len(call.args) - count] if count else call.args
    try:
        ba = sig.bind_partial(*head, **{k.arg: k.value for k in call.keywords
                                        if k.arg in names})
    except TypeError:
        return None
    return {p.name: (ba.arguments.get(p.name), p.default) for p in sig.parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}


def _kind(arg, parsed, local, known, reads):
    """The kind the code is made for of the argument ``arg`` (None: left out, or no kind
    s2sad knows where it makes the code): a function it can name, a parameter's kind, a
    module-level object's class."""
    if arg is None:
        return None
    if arg.__class__ is gast.Name and arg.id in known:
        return known[arg.id]
    if arg.__class__ not in (gast.Name, gast.Attribute):
        return None
    obj = _path(arg, parsed, local, reads)
    if passable(obj):
        return FunctionKind(obj)
    kind = argument_kind(obj) if obj is not None and arg.__class__ is gast.Name else None
    if kind.__class__ is ObjectKind:   # (a method set on its class: made again)
        for name in sorted(kind.cls.__dict__):
            if callable(kind.cls.__dict__[name]) and not name.startswith("__"):
                reads.append((arg.id, parsed.func, (name,), getattr(obj, name, None)))
        return kind
    return None


def _unnamed_function_error(parsed, arg, make, param):
    """The refusal of a call giving ``param``, whose default is a function, a value s2sad
    cannot name where it makes the code: the derivative's code would be the default's.
    The function's own parameter: :class:`CalledParameterError` (code made for a call
    giving a function is made for that function)."""
    user = make.func.__name__
    a = parsed.node.args
    if arg.__class__ is gast.Name and arg.id in {p.id for p in a.posonlyargs + a.args
                                                 + a.kwonlyargs}:
        return CalledParameterError(
            f"the call of {make.what} gives {user}'s parameter {param!r} (whose default is "
            f"a function) {parsed.node.name}'s parameter {arg.id!r}, which holds a function "
            f"s2sad knows only when a call gives one", parsed.location(arg),
            hint=_GIVE_ONE.format(p=arg.id))
    spelled = f"the local value {arg.id!r}" if arg.__class__ is gast.Name else \
        "a lambda written in the call" if arg.__class__ is gast.Lambda else "a value computed here"
    return UnsupportedSyntaxError(
        f"the call of {make.what} gives {user}'s parameter {param!r} (whose default is a "
        f"function) {spelled}: the derivative's code is made per function given, and s2sad "
        f"cannot tell which function this is where it makes the code", parsed.location(arg),
        hint=f"pass a function by its module-level name ({param}=rhs with def rhs at module "
             f"level; a partial or lambda bound to a module-level name, np.sin), or the "
             f"function's own parameter holding one; a function chosen by a branch: make "
             f"the call in each branch with the function's name")
