"""Forwarding wrappers: ``def wrapper(*args, **kwargs)`` that pass their arguments on.

Almost every decorator's wrapper takes ``*args, **kwargs`` and hands them,
whole, to the function it wraps (``functools.wraps`` records that function as
``wrapper.__wrapped__``)::

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return fn(*args, **kwargs) * 2.0 + 1.0
        return wrapper

Such a wrapper computes exactly what it computes when its parameters are the
wrapped function's, listed by name, and each ``fn(*args, **kwargs)`` passes them
on: positional ones by position, keyword-only ones by keyword.  This module
rewrites the parsed wrapper that way (:func:`rewrite`), and gives its
*effective* signature (:func:`signature`), which is what the user's call binds
(``inspect.signature`` shows the same, following ``__wrapped__``).  Leading
arguments the wrapper adds (``fn(c, *args, **kwargs)``) and keywords it passes
itself (``fn(*args, scale=2.0, **kwargs)``) take those parameters out of the
effective signature, as Python would refuse them from the caller.  Parameters the
wrapper names itself come first: positional ones before ``*args`` (with defaults
too: ``def wrapper(x, c=0.5, *args, **kwargs)``), keyword-only ones after it (``def
wrapper(x, *args, t=0.25, **kwargs)``), after every positional one, as Python binds
them.

The rewrite holds only while ``args`` and ``kwargs`` are never looked into:
anything else done with them (``len(args)``, ``args[0]``, ``kwargs.pop(...)``,
passing them to another function than the wrapped one) is refused with its
location.
"""

import inspect

import gast

from ..errors import UnsupportedSyntaxError
from . import anno, nodes
from .local_derivatives import inline_local_derivatives
from .function_args import bind_passed, read_specialized, specialize_calls
from .bounded_iterators import bound_endless_iterators
from .item_calls import lower_item_calls
from .local_imports import lift_local_imports
from .source import recorders, read_function

_CONSTANT_DEFAULTS = (int, float, complex, bool, str, type(None))


def is_forwarding(func):
    """Whether ``func`` takes ``*args`` and/or ``**kwargs`` (besides parameters of its
    own, maybe: ``def wrapper(x, c=0.5, *args, t=0.25, **kwargs)``) and wraps a
    function."""
    code = getattr(func, "__code__", None)
    return (code is not None
            and code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS)
            and not code.co_posonlyargcount
            and getattr(func, "__wrapped__", None) is not None)


_SIGNATURES = {}


def signature(func):
    """The signature a call of ``func`` binds: its own (``follow_wrapped=False``), or
    for a forwarding wrapper the one of :func:`rewrite`."""
    if not is_forwarding(func):
        return inspect.signature(func, follow_wrapped=False)
    key = _key(func)
    try:
        found = _SIGNATURES.get(key)
    except TypeError:   # an unhashable default
        key, found = None, None
    if found is None:
        found = _node_signature(parse_rewritten(func).node, func)
        if key is not None:
            if len(_SIGNATURES) >= 256:
                _SIGNATURES.clear()
            _SIGNATURES[key] = found
    return found


def binds_calls(func):
    """The signature a call of ``func`` must be bound with before generated code takes
    it, or None: for a forwarding wrapper whose own parameter with a default comes
    before a forwarded one without (``def wrapper(x, c=0.5, *args, **kwargs)`` of
    ``f(x, w)``), which the generated ``def`` cannot spell (it takes ``c`` without its
    default); else None (the generated ``def`` takes calls as they come)."""
    if not is_forwarding(func):
        return None
    sig = signature(func)
    P = inspect.Parameter
    seen_default = False
    for p in sig.parameters.values():
        if p.kind not in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD):
            continue
        if p.default is not P.empty:
            seen_default = True
        elif seen_default:
            return sig
    return None


def bound_call(func, args, keywords):
    """``(args, keywords)`` of a call of ``func`` (atoms, and ``(name, atom)`` pairs) as
    its generated code takes it: for a wrapper :func:`binds_calls` names, whose generated
    ``def`` gives its own parameter no default (``c`` of ``def wrapper(x, c=0.5, *args,
    **kwargs)``), a call leaving that parameter to its default passes it (``g(x, w=w)``
    becomes ``g(x, 0.5, w)``); any other call as it is.  Raises ``TypeError`` where the
    call does not bind, and ``ValueError`` for a default that is no number or string
    (which generated code cannot spell)."""
    sig = binds_calls(func) if keywords else None
    if sig is None:
        return args, keywords
    bound = sig.bind(*args, **dict(keywords))
    P = inspect.Parameter
    positional, named = [], []
    for p in sig.parameters.values():
        if p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD):
            if p.name in bound.arguments:
                positional.append(bound.arguments[p.name])
            elif type(p.default) in _CONSTANT_DEFAULTS:
                positional.append(nodes.const(p.default))
            else:
                raise ValueError(p.name)
        elif p.name in bound.arguments:
            named.append((p.name, bound.arguments[p.name]))
    return positional, named


def _key(func):
    """What decides a forwarding wrapper's effective signature: its code, and the code
    and defaults of every function along its ``__wrapped__`` chain."""
    chain = []
    while func is not None and hasattr(func, "__code__"):
        kw = func.__kwdefaults__
        chain.append((func.__code__, func.__defaults__, tuple(kw.items()) if kw else None))
        func = getattr(func, "__wrapped__", None) if is_forwarding(func) else None
    return tuple(chain)


def _node_signature(fn, func):
    """The signature :func:`rewrite` left on the wrapper's node: the wrapped function's
    parameters (with their current default values) that the wrapper's caller gives.
    Not checked for Python's order of defaults: a wrapper's own parameter with a
    default may come before a forwarded one without (``def wrapper(x, c=0.5, *args,
    **kwargs)`` of ``f(x, w)`` binds ``(x, c=0.5, w)``: ``w`` by position after ``c``,
    or by keyword with ``c`` left to its default), which binds as Python's call does."""
    return inspect.Signature(anno.get(fn, anno.EFFECTIVE), __validate_parameters__=False)


def parse_rewritten(func, passed=None):
    """``func`` read (:func:`~s2sad.syntax.source.read_function`) and, when it is a
    forwarding wrapper, rewritten (:func:`rewrite`): the tree s2sad differentiates."""
    parsed = read_specialized(func) or read_function(func)   # (a helper given a function)
    rewrite(parsed)   # def wrapper(*args, **kwargs): the wrapped function's parameters
    inline_local_derivatives(parsed)   # gr = s2sad.grad(f); gr(x): s2sad.grad(f)(x)
    lift_local_imports(parsed)   # import numpy as np in the body: a free name
    lower_item_calls(parsed)   # np.r_[0.0, u, 0.0]: r_joined([0.0, u, 0.0])
    bound_endless_iterators(parsed)   # for v in islice(cycle(s), n): a list of the items
    bind_passed(parsed, passed)   # grad(euler)(rhs, y0): its f read as rhs
    specialize_calls(parsed)   # euler(rhs, y0): euler read with its f bound to rhs
    prepare = func.__dict__.get(anno.PREPARE)
    if prepare is not None:   # generated code differentiated again (see anno.PREPARE)
        prepare(parsed)
    return parsed


def rewrite(parsed):
    """Give the parsed forwarding wrapper ``parsed`` the parameters its calls bind, and
    pass them, by name, where it passes ``*args`` and ``**kwargs`` on.  A wrapper that
    ``functools.wraps`` named after the function it wraps takes that name (the name the
    user knows it by, which the generated functions are named after)."""
    func = parsed.func
    fn = parsed.node
    name = func.__name__   # (functools.wraps gave the wrapper the wrapped function's name)
    if name != fn.name and name.isidentifier() \
            and not any(getattr(n, "id", None) == name for n in nodes.walk(fn)):
        fn.name = name   # the generated functions and the output are named after it
    if not is_forwarding(func):
        return
    a = fn.args
    star = a.vararg.id if a.vararg is not None else None
    dstar = a.kwarg.id if a.kwarg is not None else None
    wrapped = func.__wrapped__
    what = " and ".join(f"{p}{n}" for p, n in (("*", star), ("**", dstar)) if n)
    calls = []
    for node in nodes.walk(fn):
        if isinstance(node, gast.Call) and _forwards(node, star, dstar):
            calls.append(node)
    _refuse_other_uses(parsed, calls, star, dstar, what)
    if not calls:
        raise UnsupportedSyntaxError(
            f"{_who(func)} takes {what} but never passes them to the function it wraps",
            parsed.location(fn), hint=f"give {_who(func)} named parameters")
    effective = None
    stored = {n.id for n in nodes.walk(fn) if isinstance(n, gast.Name)
              and isinstance(n.ctx, (gast.Store, gast.Del))}
    for call in calls:
        target = call.func
        if not (isinstance(target, gast.Name) and target.id not in stored
                and parsed.resolve(target.id, None) is wrapped):
            raise UnsupportedSyntaxError(
                f"{_who(func)} passes {what} to another function than the one it wraps "
                f"({getattr(wrapped, '__name__', wrapped)!r}, its __wrapped__): s2sad cannot "
                f"tell which parameters they hold", parsed.location(call),
                hint=f"give {_who(func)} named parameters")
        params = _effective(call, star, dstar, wrapped, parsed, func)
        if effective is None:
            effective = params
        elif [(p.name, p.kind) for p in params] != [(p.name, p.kind) for p in effective]:
            raise UnsupportedSyntaxError(
                f"{_who(func)} passes {what} on twice with different arguments of its own",
                parsed.location(call), hint=f"give {_who(func)} named parameters")
    own, own_keyword, own_defaults = _own_parameters(fn, func)
    taken = {n.id for n in nodes.walk(fn) if isinstance(n, gast.Name)} - {star, dstar}
    for p in effective:
        if p.name in taken:
            raise UnsupportedSyntaxError(
                f"{_who(func)} uses the name {p.name!r}, which is also a parameter of "
                f"{getattr(wrapped, '__name__', 'the function it wraps')}: s2sad gives the "
                f"wrapper that function's parameters by name", parsed.location(fn),
                hint=f"rename {p.name!r} in {_who(func)}")
    for call in calls:
        _pass_by_name(call, effective)
    for rec in recorders():   # its defaults are the wrapper's now
        rec.functions.append(wrapped)
    # positional parameters first (the wrapper's own, then the forwarded ones), then the
    # keyword-only ones (the wrapper's own, then the forwarded ones), as Python binds them
    P = inspect.Parameter
    positional = [p for p in effective if p.kind != P.KEYWORD_ONLY]
    keyword = [p for p in effective if p.kind == P.KEYWORD_ONLY]
    _set_parameters(fn, own + positional + own_keyword + keyword, parsed, func, own_defaults)


def _refuse_other_uses(parsed, calls, star, dstar, what):
    """Refuse a use of ``*args`` or ``**kwargs`` (``star``, ``dstar``) other than passing
    it whole in one of ``calls``."""
    func, fn = parsed.func, parsed.node
    forwarded = set()
    for call in calls:
        for item in call.args:
            if isinstance(item, gast.Starred):
                forwarded.add(id(item.value))
        for kw in call.keywords:
            if kw.arg is None:
                forwarded.add(id(kw.value))
    for node in nodes.walk(fn):
        if isinstance(node, gast.Name) and node.id in (star, dstar) and id(node) not in forwarded \
                and node not in (fn.args.vararg, fn.args.kwarg):
            raise UnsupportedSyntaxError(
                f"{_who(func)} uses its {'*' if node.id == star else '**'}{node.id} other "
                f"than by passing it whole to the function it wraps: s2sad differentiates a "
                f"wrapper taking {what} only when it forwards them unchanged",
                parsed.location(node),
                hint=f"give {_who(func)} named parameters (those of the function it wraps), "
                     f"or differentiate {func.__name__}.__wrapped__ if the wrapper changes "
                     f"no value")


def _own_parameters(fn, func):
    """``(positional, keyword-only, {name: default expression})``: the parameters the
    wrapper names itself, before its ``*args`` (``def wrapper(x, c=0.5, *args,
    **kwargs)``) and after it (``def wrapper(x, *args, t=0.25, **kwargs)``), with their
    current default values, and their defaults as its tree writes them."""
    P = inspect.Parameter
    args = fn.args.args
    values = func.__defaults__ or ()
    first = len(args) - len(values)
    own = []
    for i, arg in enumerate(args):
        default = values[i - first] if i >= first else P.empty
        own.append(P(arg.id, P.POSITIONAL_OR_KEYWORD, default=default))
    written = {arg.id: d for arg, d in zip(args[first:], fn.args.defaults)}
    current = func.__kwdefaults__ or {}
    keyword = []
    for arg, expr in zip(fn.args.kwonlyargs, fn.args.kw_defaults):
        keyword.append(P(arg.id, P.KEYWORD_ONLY, default=current.get(arg.id, P.empty)))
        if expr is not None:
            written[arg.id] = expr
    return own, keyword, written


def _who(func):
    """``the wrapper 'wrapper' of f``: ``functools.wraps`` gave it f's name."""
    own = func.__code__.co_name
    return f"the wrapper {own!r} of {func.__name__}" if own != func.__name__ else own


def _forwards(call, star, dstar):
    return any(isinstance(i, gast.Starred) and isinstance(i.value, gast.Name)
               and i.value.id == star for i in call.args) or \
        any(k.arg is None and isinstance(k.value, gast.Name) and k.value.id == dstar
            for k in call.keywords)


def _effective(call, star, dstar, wrapped, parsed, func):
    """The wrapper's parameters, as ``call`` passes them on to ``wrapped``."""
    location = parsed.location(call)

    def refuse(why):
        return UnsupportedSyntaxError(f"{_who(func)} passes its arguments on in a way "
                                      f"s2sad does not follow: {why}",
                                      location,
                                      hint=f"give {_who(func)} named parameters")
    args, keywords = call.args, call.keywords
    starred = [i for i, item in enumerate(args) if isinstance(item, gast.Starred)]
    if star is not None and (starred != [len(args) - 1] or args[-1].value.id != star):
        raise refuse(f"each call passing *{star} on must pass it once, after the call's "
                     f"other positional arguments")
    if star is None and starred:
        raise refuse("a call unpacks another *sequence")
    double = [k for k in keywords if k.arg is None]
    if dstar is not None and (len(double) != 1 or double[0].value.id != dstar):
        raise refuse(f"each call passing *args or **kwargs on must pass **{dstar} on too, "
                     f"once")
    if dstar is None and double:
        raise refuse("a call unpacks another **mapping")
    leading = len(args) - (1 if star is not None else 0)
    explicit = {k.arg for k in keywords if k.arg is not None}
    try:
        params = list(signature(wrapped).parameters.values()) if inspect.isfunction(wrapped) \
            else None
    except (TypeError, ValueError):
        params = None
    if params is None:
        raise refuse(f"it wraps {wrapped!r}, which is not a Python function")
    P = inspect.Parameter
    if any(p.kind in (P.VAR_POSITIONAL, P.VAR_KEYWORD) for p in params):
        raise refuse(f"{wrapped.__name__}, which it wraps, takes *args or **kwargs itself")
    positional = [p for p in params if p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)]
    if leading > len(positional):
        raise refuse(f"it passes {leading} positional arguments of its own, more than "
                     f"{wrapped.__name__} takes")
    consumed = {p.name for p in positional[:leading]}
    result, keyword_only_now = [], False
    for p in params:
        if p.name in consumed:
            continue
        if p.name in explicit:
            if p.kind == P.POSITIONAL_ONLY:
                raise refuse(f"it passes the keyword {p.name}= for a positional-only "
                             f"parameter")
            keyword_only_now = keyword_only_now or p.kind == P.POSITIONAL_OR_KEYWORD
            continue
        kind = p.kind
        if kind == P.POSITIONAL_OR_KEYWORD and keyword_only_now:
            kind = P.KEYWORD_ONLY   # a caller's positional would fill the parameter passed
        if star is None and kind == P.POSITIONAL_ONLY:
            if p.default is P.empty:
                raise refuse(f"it passes keywords only, while {wrapped.__name__}'s "
                             f"{p.name} is positional-only")
            continue   # never passed: the wrapped function's default
        if star is None and kind == P.POSITIONAL_OR_KEYWORD:
            kind = P.KEYWORD_ONLY
        if dstar is None and kind == P.KEYWORD_ONLY:
            if p.default is P.empty:
                raise refuse(f"it passes positions only, while {wrapped.__name__}'s "
                             f"{p.name} can only be given by keyword")
            continue   # never passed: the wrapped function's default
        if dstar is None and kind == P.POSITIONAL_OR_KEYWORD:
            kind = P.POSITIONAL_ONLY
        result.append(p.replace(kind=kind))
    return result


def _pass_by_name(call, effective):
    P = inspect.Parameter
    args = [a for a in call.args if not isinstance(a, gast.Starred)]
    keywords = [k for k in call.keywords if k.arg is not None]
    for p in effective:
        value = gast.copy_location(nodes.name(p.name), call)
        if p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD):
            args.append(value)
        else:
            keywords.append(gast.copy_location(gast.keyword(arg=p.name, value=value), call))
    call.args, call.keywords = args, keywords


def _set_parameters(fn, effective, parsed, func, own_defaults):
    P = inspect.Parameter
    a = fn.args
    at = a.vararg if a.vararg is not None else a.kwarg

    def param(p):
        node = nodes.name(p.name)
        node.ctx = gast.Param()
        return gast.copy_location(node, at)

    sources = _default_sources(func.__wrapped__, parsed)

    def default(p):
        # the generated text's default: the number itself, else the wrapped function's
        # default expression (when its names mean the same in the wrapper's scope); the
        # API gives the generated function the current values (api._set_defaults)
        if p.default is P.empty:
            return None
        if type(p.default) in _CONSTANT_DEFAULTS:
            return gast.copy_location(nodes.const(p.default), at)
        if p.name in own_defaults:
            return own_defaults[p.name]
        expr = sources.get(p.name)
        if expr is None:
            raise UnsupportedSyntaxError(
                f"{_who(func)} passes its arguments on to "
                f"{getattr(func.__wrapped__, '__name__', 'a function')}, whose default for "
                f"{p.name} ({type(p.default).__name__}) s2sad cannot spell in the wrapper's "
                f"module", parsed.location(fn),
                hint=f"give {_who(func)} named parameters, or pass {p.name} explicitly")
        return expr
    positional = [p for p in effective if p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)]
    keyword = [p for p in effective if p.kind == P.KEYWORD_ONLY]
    # positional-only ones too, as plain parameters (s2sad's code has no '/'): the
    # effective signature, which the API binds calls with, keeps them positional-only
    a.posonlyargs = []
    a.args = [param(p) for p in positional]
    # the text's defaults: the last run of parameters with one (a 'def' cannot give a
    # default to a parameter followed by one without, as the wrapper's own
    # 'c=0.5' before a forwarded 'w' has; the API binds calls with the signature,
    # which keeps it, and passes every argument)
    trailing = len(positional)
    while trailing and positional[trailing - 1].default is not P.empty:
        trailing -= 1
    a.defaults = [default(p) for p in positional[trailing:]]
    a.kwonlyargs = [param(p) for p in keyword]
    a.kw_defaults = [default(p) for p in keyword]
    a.vararg = None
    a.kwarg = None
    anno.set(fn, anno.EFFECTIVE, effective)


def _default_sources(wrapped, parsed):
    """{parameter: a copy of its default expression in ``wrapped``'s source} for the
    defaults whose names denote the same objects in the wrapper's scope."""
    try:
        theirs = parse_rewritten(wrapped)
    except Exception:   # no source: only numbers can be written
        return {}
    a = theirs.node.args
    positional = list(a.posonlyargs) + list(a.args)
    pairs = list(zip(positional[len(positional) - len(a.defaults):], a.defaults))
    pairs += [(arg, d) for arg, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None]
    found = {}
    for arg, expr in pairs:
        names = [n.id for n in nodes.walk(expr) if isinstance(n, gast.Name)]
        if all(parsed.resolve(n, _MISSING) is theirs.resolve(n, _MISSING) is not _MISSING
               for n in names):
            found[arg.id] = nodes.clone(expr)
    return found


_MISSING = object()

