"""Calls of a derivative made inside a differentiated function (``s2sad.hvp(e2)(x, w, v)``
written in ``f``), bound as the API binds a call of it at top level: the function's
arguments (defaults left out or given by name), then the directions by position.  Read by
the transforms (``transform.calls``) and by the normalizer where it inlines the
derivative's code (second order).  Plain syntax: a gast call in, its arguments out."""

import functools
import inspect

import gast

from ..errors import UnsupportedSyntaxError
from . import anno, nodes
from .callers import CALLER
from .call_errors import python_call_error
from .wrappers import signature


#: defaults a composed derivative's call may leave out: spelled as constants
_CONSTANTS = (bool, int, float, complex, str, type(None))


def bind_as_the_api(form, sig, call, site, composed, owner=None):
    """The arguments of a call of the composed derivative ``form`` (parameters: the user
    function's, then the directions) bound as the API binds a call of the derivative: the
    last positional arguments are the directions, the others the function's, its
    keyword-only ones given by name, defaults applied (``hvp(e2)(x, w, v)`` of ``e2(x, w,
    c=2.0)``, ``jvp(g)(x, w, x_dot, lam=0.5)`` of ``g(x, w, *, lam=0.1)``).  A call the
    function would not take is refused in Python's words; None where the function's
    parameters are not plain positional and keyword-only ones, or a default left out is
    not a constant and no ``owner`` (an expression giving the user's function, see
    :func:`owner_of`) reads it (the form's own binding's message then)."""
    user = form.__dict__.get(anno.COMPOSED_FROM, (None,))[0]
    try:
        own = signature(user)
    except (TypeError, ValueError):
        return None
    params = list(own.parameters.values())
    names = list(sig.parameters)
    if any(p.kind not in _BOUND_KINDS for p in params) \
            or names[:len(params)] != [p.name for p in params]:
        return None
    directions = [n for n in names[len(params):] if sig.parameters[n].default is sig.empty]
    count = len(directions)
    head, given = call.args[:len(call.args) - count], call.args[len(call.args) - count:]
    keywords = {k.arg: k.value for k in call.keywords}
    wrong = _wrong_call(user, own, head, keywords) if len(given) == count else None
    if wrong is not None or len(given) != count or None in keywords:
        what = f"{count} direction(s) ({', '.join(directions)})" if count else "nothing"
        raise UnsupportedSyntaxError(
            f"cannot match the call to {composed}: it takes {user.__name__}'s arguments, "
            f"then {what}; " + (f"given those, {wrong}" if wrong is not None else
                                f"it was given {len(call.args)} positional argument(s)"),
            site, hint="call it as at top level: " + _call_form(user, params, directions)
        ) from None
    bound = own.bind(*head, **keywords).arguments
    arguments = {}
    for p in params:
        if p.name in bound:
            arguments[p.name] = bound[p.name]
        elif p.default.__class__ in _CONSTANTS:
            arguments[p.name] = gast.Constant(value=p.default, kind=None)
        else:   # read where the call runs, as Python reads it
            arguments[p.name] = None if owner is None else default_read(owner, user, p.name)
            if arguments[p.name] is None:
                return None
    arguments.update(zip(directions, given))
    # the call as the form takes it (its positional parameters by position, then the
    # directions; a keyword-only one of the form's by name), as what differentiates it
    # reads the call itself
    call.args = [arguments[n] for n in names if n in arguments
                 and sig.parameters[n].kind is not sig.parameters[n].KEYWORD_ONLY]
    call.keywords = [gast.keyword(arg=n, value=arguments[n]) for n in names
                     if n in arguments and sig.parameters[n].kind is sig.parameters[n].KEYWORD_ONLY]
    return arguments


#: the kinds of parameter a composed derivative's call is bound for as the API binds it
_BOUND_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def _wrong_call(user, own, head, keywords):
    """Python's ``TypeError`` for ``user(*head, **keywords)`` where it would not bind, in
    Python's words where it can word it (a forwarding wrapper's own parameters take
    anything: the signature of what it forwards to tells), else None."""
    wrong = python_call_error(user, head, keywords)
    if wrong is None:
        try:
            own.bind(*head, **keywords)
        except TypeError as exc:
            return exc
    return wrong


def _call_form(user, params, directions):
    """How the derivative of ``user`` is called at top level, in words."""
    positional = [p.name for p in params if p.kind is not p.KEYWORD_ONLY]
    named = [f"{p.name}=..." for p in params if p.kind is p.KEYWORD_ONLY]
    return f"({', '.join(positional + directions + named)}), " + \
        f"{user.__name__}'s positional arguments" + (
            ", then the directions by position" if directions else "") + (
            ", its keyword-only ones by name (those with defaults may be left out)"
            if named else "")


def rebind_composed_call(form, call, site, owner=None):
    """Rewrite ``call`` of the composed derivative ``form`` to take its parameters as the
    form does where it does not bind as written (``hvp(e2)(x, w, v)`` leaving out ``c``,
    ``jvp(h, wrt=1)(a, b, t, c=...)``, ``jvp(g)(x, t, lam=0.5)``); a call the function
    would not take is refused, and so is one leaving out a default no constant spells
    that ``owner`` (see :func:`owner_of`) does not read."""
    sig = signature(form)
    composed = form.__dict__[anno.COMPOSED_AS]
    if _keyword_only(form) and bind_as_the_api(form, sig, call, site, composed, owner):
        return   # (the form takes them by position: a call binding as written may not)
    try:
        sig.bind(*call.args, **{k.arg: k.value for k in call.keywords if k.arg})
    except TypeError:
        if bind_as_the_api(form, sig, call, site, composed, owner) is None:
            raise unbound_default_error(form, sig, call, site, composed) from None


def complete_composed_call(form, call, site, owner):
    """``call`` of the composed derivative ``form`` as the API takes it (the code runs it as
    written where no derivative goes through it), checked as the API binds it, with the
    defaults it leaves out that no constant spells given by name, read where it runs
    (``s2sad.jvp(P)(x, w, A=P.keywords['A'])``): what differentiates it binds the rest."""
    sig = signature(form)
    composed = form.__dict__[anno.COMPOSED_AS]
    if not _keyword_only(form):
        try:
            sig.bind(*call.args, **{k.arg: k.value for k in call.keywords if k.arg})
            return
        except TypeError:
            pass
    trial = gast.Call(func=call.func, args=list(call.args), keywords=list(call.keywords))
    found = bind_as_the_api(form, sig, trial, site, composed, owner)
    if found is None:
        if _keyword_only(form):
            return   # (the form's own binding tells, where the code is differentiated)
        raise unbound_default_error(form, sig, call, site, composed)
    given = {id(a) for a in call.args} | {id(k.value) for k in call.keywords}
    call.keywords = list(call.keywords) + [
        gast.keyword(arg=n, value=v) for n, v in found.items()
        if id(v) not in given and not isinstance(v, gast.Constant)]


def _keyword_only(form):
    """Whether the user's function of the composed derivative ``form`` has keyword-only
    parameters (a jvp's or hvp's form takes them by position, before the directions)."""
    try:
        params = signature(form.__dict__.get(anno.COMPOSED_FROM, (None,))[0]).parameters
    except (TypeError, ValueError):
        return False
    return any(p.kind is p.KEYWORD_ONLY for p in params.values())


def owner_of(func, resolve, obj):
    """An expression giving the function whose defaults the call of ``obj`` through the
    callee expression ``func`` leaves out, or None: ``func`` itself where it names ``obj``;
    ``P.keywords`` for a partial ``P`` (the dict the function calling it reads its
    defaults from, see ``.callers``);
    for a derivative called inside (``obj`` its composable form), the user's function, as
    the derivative's own name reaches it (``G._s2sad_compose.func`` of ``G = grad(f)``)
    or as the call that makes it names it (``s2sad.grad(P)(x)``).  ``resolve``: the object
    a global path names (None for any other expression)."""
    target = obj.__dict__.get(anno.COMPOSED_FROM, (obj,))[0] \
        if anno.COMPOSED_AS in getattr(obj, "__dict__", {}) else obj
    if isinstance(func, gast.Call) and func.args and target is not obj:
        func = func.args[0]   # (s2sad.grad(P, wrt=1): what it differentiates)
    named = resolve(func)
    if named is None:
        return None
    held = getattr(named, "__dict__", {})
    if held.get(anno.COMPOSE) is not None and getattr(held[anno.COMPOSE], "func",
                                                      None) is target:
        return nodes.attr(nodes.attr(nodes.clone(func), anno.COMPOSE), "func")
    if named is target:
        return nodes.clone(func)
    if held.get(CALLER) is not target:
        return None
    if named.__class__ is target.__class__:   # (a lambda: its caller has its defaults)
        return nodes.clone(func)
    if named.__class__ is functools.partial:   # (its keywords, or its function's defaults)
        return anno.set(nodes.clone(func), _PARTIAL, named)
    return None


#: on the expression giving a partial (see :func:`owner_of`): the partial
_PARTIAL = "s2sad_partial_owner"


def default_read(owner, user, name):
    """``owner.__kwdefaults__[name]`` (``owner.__defaults__[i]``): the default of
    ``user``'s parameter ``name`` read where the call runs, ``owner`` the expression giving
    ``user``; None where ``user`` holds no such default itself (a forwarding wrapper's
    function's)."""
    made = anno.get(owner, _PARTIAL)
    if made is not None:   # P.keywords[name], else what P.func's own default is
        plain = nodes.attr(nodes.clone(owner.value), owner.attr) \
            if isinstance(owner, gast.Attribute) \
            else nodes.name(owner.id)
        if name in made.keywords:
            return gast.Subscript(value=nodes.attr(plain, "keywords"), slice=nodes.const(name),
                                  ctx=gast.Load())
        return default_read(nodes.attr(plain, "func"), made.func, name) \
            if made.func.__class__ is user.__class__ else None
    kw = getattr(user, "__kwdefaults__", None) or {}
    if name in kw:
        field, key = "__kwdefaults__", name
    elif getattr(user, "__code__", None) is None:
        return None
    else:
        code = user.__code__
        positional = code.co_varnames[:code.co_argcount]
        values = user.__defaults__ or ()
        index = positional.index(name) - (len(positional) - len(values)) \
            if name in positional else -1
        if not 0 <= index < len(values):
            return None
        field, key = "__defaults__", index
    return gast.Subscript(value=nodes.attr(nodes.clone(owner), field),
                          slice=nodes.const(key), ctx=gast.Load())


def refuse_unread_defaults(form, call, unread, site):
    """Refuse the call of the composed derivative ``form`` (as rebound) where it leaves
    out a parameter of ``unread``, whose default no expression reads."""
    sig = signature(form)
    try:
        bound = sig.bind(*call.args, **{k.arg: k.value for k in call.keywords if k.arg})
    except TypeError:
        return   # (refused where it is bound)
    if any(n in unread for n in sig.parameters if n not in bound.arguments):
        raise unbound_default_error(form, sig, call, site, form.__dict__[anno.COMPOSED_AS])


def unbound_default_error(form, sig, call, site, composed):
    """The refusal of a call of the composed derivative ``form`` that leaves out a
    parameter whose default s2sad cannot read where it is called: give it."""
    user = form.__dict__.get(anno.COMPOSED_FROM, (form,))[0]
    try:
        params = list(signature(user).parameters.values())
    except (TypeError, ValueError):
        params = []
    given = {k.arg for k in call.keywords}
    left = [p.name for p in params if p.default is not p.empty and p.name not in given
            and p.default.__class__ not in _CONSTANTS]
    if not left:
        return UnsupportedSyntaxError(
            f"cannot match the call to {composed}: called inside a function being "
            f"differentiated, it takes every parameter of the function, defaults "
            f"included, then the directions ({', '.join(sig.parameters)})", site,
            hint="pass the parameters that have defaults too, by position")
    return UnsupportedSyntaxError(
        f"cannot match the call to {composed}: it leaves out {', '.join(left)}, whose "
        f"default is not a number, string or None, and s2sad cannot read "
        f"{'that default' if len(left) == 1 else 'those defaults'} where the call runs",
        site, hint=f"give {', '.join(n + '=...' for n in left)} by name in the call, as the "
                   f"derivative takes it at top level too")
