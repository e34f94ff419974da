"""A function passed to a helper: the helper read once per function passed.

``euler(rhs, y0, k)`` in a function being differentiated, where ``euler(f, y0, k)``
calls ``f``: the call reads as the call ``euler_rhs(y0, k)`` of the function
:func:`specialized` makes, ``euler`` without its parameter ``f``, whose source is
``euler``'s with ``f`` a free name bound to ``rhs`` (``ParsedFunction.closure``): the
call ``f(y, k)`` in it is a call of ``rhs``, differentiated as any call of a function
named where it is called.  One such function is made per helper and functions passed
(and kept), so each is differentiated once, as a helper is per call site.

A function s2sad can tell where the function is read (:func:`passable`: a ``def``, a
lambda, a ``functools.partial`` or a function with a derivative rule, ``np.sin``),
passed by the name of the caller's module (``rhs``, ``mod.rhs``), by a name the
caller itself has bound so (a helper's own parameter, two levels down), or left to
the helper's default (``def euler(y0, k, f=rhs)``).  The names read are the code's
dependencies (``record_path``): rebinding ``rhs`` makes the code again.  A helper
calling a parameter the call gives another value (a lambda written in the call, a
local name) is refused at the call, saying what works.

:func:`read_specialized` gives the tree s2sad reads for a function
:func:`specialized` made (see ``wrappers.parse_rewritten``).
"""

import dataclasses
import functools
import inspect
import textwrap
import types
import weakref

import gast

from ..errors import UnsupportedSyntaxError
from ..rules import registry
from . import nodes
from .class_attributes import class_function
from .source import is_user_function, read_function, record_path

#: attribute of a function :func:`specialized` made: (the helper, ((parameter, object), ...))
SPECIALIZES = "_s2sad_specializes"
_MADE = {}   # (id(helper), ids of the objects) -> (helper, defaults, objects, specialized)
_USES = {}   # a helper's code object -> (the names its body calls, the names it binds)
_METHODS = {}   # (id(function), id(object)) -> the partial of a bound method (method_partial)


def passable(obj):
    """Whether ``obj`` is a function s2sad can call where it is passed: a ``def`` or a
    lambda of the user's, a ``functools.partial``, or a callable with a derivative rule."""
    if inspect.isclass(obj) or inspect.ismodule(obj):
        return False
    if inspect.isfunction(obj) or obj.__class__ is functools.partial:
        return True
    try:
        return callable(obj) and registry.lookup(obj) is not None
    except TypeError:   # (an unhashable callable object)
        return False


def method_partial(obj):
    """A method bound to an object of the user's (``model.rhs``, a plain function of
    its class) as what calling it runs, ``functools.partial(Model.rhs, model)``, which
    s2sad reads as any partial: the object is a value the method's code reads, a
    constant of the call (what it holds is read when the code runs); the same partial
    for the same function and object (code is made once per function given, told by
    identity, and a bound method is made anew at each read).  ``obj`` itself otherwise
    (a classmethod's, bound to a class, stays refused as not a function)."""
    if not inspect.ismethod(obj) or inspect.isclass(obj.__self__) \
            or not is_user_function(obj.__func__):
        return obj
    func, owner = obj.__func__, obj.__self__
    key = (id(func), id(owner))
    found = _METHODS.get(key)
    if found is not None and found.func is func and found.args[0] is owner:
        return found
    if len(_METHODS) >= 256:   # (objects made anew at each call: partials made again)
        _METHODS.clear()
    made = _METHODS[key] = functools.partial(func, owner)
    return made


def specialize_calls(parsed):
    """Rewrite the calls of ``parsed`` giving a helper a function (module docstring)."""
    fn = parsed.node
    walked = list(nodes.walk(fn))
    calls = [n for n in walked if n.__class__ is gast.Call]
    if not calls:
        return
    local = _local_names(fn, walked)
    taken = {n.id for n in walked if n.__class__ is gast.Name} | local
    for call in calls:
        _specialize(parsed, call, _helper(call.func, parsed, local), local, taken)


def specialize_method_call(parsed, call, helper):
    """Rewrite, as :func:`specialize_calls` does, the call ``call`` of ``parsed`` of the
    class's function ``helper`` that a call through an object reads as
    (``self.integrate(rhs, y0)``: ``Sim.integrate(self, rhs, y0)``, known where the code
    is made for the object's class, see ``normalize.object_attributes``)."""
    if not _usable_helper(helper):
        return
    fn = parsed.node
    walked = list(nodes.walk(fn))
    local = _local_names(fn, walked)
    taken = {n.id for n in walked if n.__class__ is gast.Name} | local
    _specialize(parsed, call, helper, local, taken)


def _specialize(parsed, call, helper, local, taken):
    """Rewrite ``call`` of ``helper`` (or None) giving it functions (``taken``: the names
    in use, extended)."""
    if helper is None:
        return
    bound = _bound_arguments(call, helper)
    if bound is None:
        return
    fixed, given = {}, {}
    own = _object_parameter(helper)   # (self of Sim.integrate(self, rhs, y0): no function)
    for param, (arg, default) in bound.items():
        obj = method_partial(default if arg is None else _resolved(arg, parsed, local))
        if obj is not None and passable(obj):
            fixed[param], given[param] = obj, arg
        elif arg is not None and param != own and _called_in(helper, param):
            raise _unresolved_error(parsed, arg, helper, param)
    if not fixed or any(_stored_in(helper, p) for p in fixed):
        return
    _record_reads(parsed, call.func, helper, given, fixed)
    made = specialized(helper, fixed)
    name = _fresh(f"{helper.__name__}_" + "_".join(_spelled(o) for o in fixed.values()),
                  taken, parsed)
    taken.add(name)
    parsed.closure[name] = made
    parsed.made_names = parsed.made_names | {name}
    callee = gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)
    call.func = gast.copy_location(callee, call.func)
    call.args = [a for a in call.args if not any(a is g for g in given.values())]
    call.keywords = [k for k in call.keywords
                     if not any(k.value is g for g in given.values())]


def specialized(helper, fixed):
    """The function ``helper`` with its parameters ``fixed`` (``{name: object}``) given:
    a plain function of the others (same kinds, same defaults) calling ``helper``, made
    once per helper, objects and defaults (kept: its derivative is made once)."""
    items = tuple(sorted(fixed.items()))
    key = (id(helper),) + tuple((p, id(o)) for p, o in items)
    found = _MADE.get(key)
    defaults = (helper.__defaults__, helper.__kwdefaults__)
    if found is not None and found[0] is helper and found[1][0] is defaults[0] \
            and found[1][1] is defaults[1] and all(a[1] is b[1] for a, b in zip(found[2], items)):
        return found[3]
    sig = inspect.signature(helper)
    kept = [p for p in sig.parameters.values() if p.name not in fixed]
    passed = ", ".join(p.name if p.kind == p.POSITIONAL_ONLY else f"{p.name}={p.name}"
                       for p in sig.parameters.values())
    bare = inspect.Signature([p.replace(default=p.empty, annotation=p.empty) for p in kept])
    text = (f"def _factory(_helper, {', '.join(fixed) or '_'}):\n"
            f"    def {helper.__name__}{bare}:\n"
            f"        return _helper({passed})\n"
            f"    return {helper.__name__}\n")
    namespace = {}
    exec(compile(text, f"<s2sad {helper.__name__} given a function>", "exec"),  # noqa: S102
         namespace)
    made = namespace["_factory"](helper, *fixed.values())
    # (the helper's module's globals, where s2sad looks up the names its code reads:
    # the wrapper itself reads none, its helper and objects are cells)
    made = types.FunctionType(made.__code__, helper.__globals__, made.__name__, None,
                              made.__closure__)
    made.__module__, made.__qualname__ = helper.__module__, helper.__qualname__
    positional = [p for p in kept if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    made.__defaults__ = tuple(p.default for p in positional
                              if p.default is not p.empty) or None
    made.__kwdefaults__ = {p.name: p.default for p in kept
                           if p.kind == p.KEYWORD_ONLY and p.default is not p.empty} or None
    made.__dict__[SPECIALIZES] = (helper, items)
    if len(_MADE) >= 256:   # (functions given anew at each call: made again, not kept)
        _MADE.clear()
    _MADE[key] = (helper, defaults, items, made)
    return made


def read_specialized(func):
    """The :class:`ParsedFunction` s2sad reads for ``func`` when :func:`specialized`
    made it: its helper's, without the parameters given, each a free name bound to
    its object; else None."""
    found = func.__dict__.get(SPECIALIZES) if func.__class__ is types.FunctionType else None
    if found is None:
        return None
    helper, items = found
    parsed = read_function(helper)
    a = parsed.node.args
    fixed = dict(items)
    positional = a.posonlyargs + a.args
    first_default = len(positional) - len(a.defaults)
    kept = [(p, a.defaults[i - first_default] if i >= first_default else None)
            for i, p in enumerate(positional) if p.id not in fixed]
    a.posonlyargs = [p for p, _ in kept if any(p is q for q in a.posonlyargs)]
    a.args = [p for p, _ in kept if not any(p is q for q in a.posonlyargs)]
    a.defaults = [d for _, d in kept if d is not None]
    pairs = [(p, d) for p, d in zip(a.kwonlyargs, a.kw_defaults) if p.id not in fixed]
    a.kwonlyargs, a.kw_defaults = [p for p, _ in pairs], [d for _, d in pairs]
    names = _free_names(parsed, fixed)
    parsed.closure.update((names[p], obj) for p, obj in fixed.items())
    parsed.made_names = parsed.made_names | frozenset(names.values())
    return parsed


def _free_names(parsed, fixed):
    """``{parameter: the free name its reads now spell}``: ``f`` read as ``f_rhs``, so
    helpers given other functions keep apart where their bodies are put in one (second
    order), unless a function inside binds the name too (then ``f``, as it was)."""
    fn = parsed.node
    walked = list(nodes.walk(fn))
    inner = {a.id for n in walked if n is not fn and n.__class__ in (
        gast.FunctionDef, gast.Lambda) for a in n.args.args + n.args.kwonlyargs}
    taken = {n.id for n in walked if n.__class__ is gast.Name}
    names = {}
    for param, obj in fixed.items():
        name = param
        if param not in inner:
            name = _fresh(f"{param}_{_spelled(obj)}", taken, parsed)
            taken.add(name)
            for n in walked:
                if n.__class__ is gast.Name and n.id == param:
                    n.id = name
        names[param] = name
    return names


def _local_names(fn, walked):
    """The names ``fn`` binds: parameters, stores, local functions and imports."""
    a = fn.args
    found = {p.id for p in a.posonlyargs + a.args + a.kwonlyargs if p.__class__ is gast.Name}
    found.update(p.id for p in (a.vararg, a.kwarg) if p is not None)
    for n in walked:
        if n.__class__ is gast.Name and n.ctx.__class__ is not gast.Load:
            found.add(n.id)
        elif n.__class__ in (gast.FunctionDef, gast.ClassDef) and n is not fn:
            found.add(n.name)
        elif n.__class__ in (gast.Import, gast.ImportFrom):
            found.update((x.asname or x.name).split(".")[0] for x in n.names)
    return found


def _resolved(node, parsed, local):
    """The object the name or dotted name ``node`` denotes where the function is read
    (rooted at a name it does not bind), else None."""
    spelled = nodes.dotted_parts(node)
    if spelled is None or spelled[0] in local:
        return None
    obj = parsed.resolve(spelled[0], None, compose=False)
    for k, attr in enumerate(spelled[1]):
        if not inspect.ismodule(obj):
            return _method_of(obj, spelled[1][k:])
        obj = getattr(obj, attr, None)
    return obj


def _method_of(obj, attrs):
    """``obj.m`` (``attrs``: ``[m]``) where ``obj`` is an object of a user's class
    whose attribute ``m`` is a function of its class (or its own), or a user's class
    whose ``m`` is a staticmethod or a plain function, read without running any code of
    the class (no property, no ``__getattr__``), else None."""
    cls = type(obj)
    if len(attrs) == 1 and inspect.isclass(obj) and type(obj) is type \
            and (obj.__module__ or "").partition(".")[0] not in (
                "numpy", "scipy", "dask", "numba", "builtins", "functools"):
        # (a class's own function, St.srhs of a staticmethod or a plain def: a function)
        found = inspect.getattr_static(obj, attrs[0], None)
        found = found.__func__ if isinstance(found, staticmethod) else found
        return found if inspect.isfunction(found) else None
    if len(attrs) != 1 or inspect.isclass(obj) or cls.__getattribute__ is not \
            object.__getattribute__ or (cls.__module__ or "").partition(".")[0] in (
                "numpy", "scipy", "dask", "numba", "builtins", "functools"):
        return None
    found = inspect.getattr_static(obj, attrs[0], None)
    if not (inspect.isfunction(found) or isinstance(found, staticmethod)):
        return None
    return getattr(obj, attrs[0], None)


def _helper(func, parsed, local):
    """The user's function (no rule, no ``*args``/``**kwargs``) the callee ``func`` names:
    a module's (``euler``, ``mod.euler``) or a class's (``Sim.integrate``, called with the
    object first: a plain function of the class or a staticmethod)."""
    obj = _resolved(func, parsed, local)
    if obj is None and func.__class__ is gast.Attribute:
        owner = _resolved(func.value, parsed, local)
        obj = class_function(owner, func.attr) if inspect.isclass(owner) else None
    return obj if _usable_helper(obj) else None


def _object_parameter(helper):
    """The first parameter of a plain function of a class (``self``), else None."""
    qual = getattr(helper, "__qualname__", "")
    code = helper.__code__
    return code.co_varnames[0] if "." in qual and "<locals>" not in qual.rpartition(".")[2] \
        and code.co_argcount else None


def _usable_helper(obj):
    if not is_user_function(obj) or registry.lookup(obj) is not None \
            or obj.__dict__.get(SPECIALIZES) is not None:
        return False
    return not obj.__code__.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS)


def _bound_arguments(call, helper):
    """``{parameter: (argument node or None, default)}`` of the call (None where a
    starred argument or a mismatch leaves it unknown: Python's error is the walk's)."""
    if any(a.__class__ is gast.Starred for a in call.args) \
            or any(k.arg is None for k in call.keywords):
        return None
    try:
        sig = inspect.signature(helper)
        ba = sig.bind(*call.args, **{k.arg: k.value for k in call.keywords})
    except (TypeError, ValueError):
        return None
    return {p.name: (ba.arguments[p.name], None) if p.name in ba.arguments
            else (None, p.default) for p in sig.parameters.values()}


def _called_in(helper, param):
    """Whether ``helper``'s body calls its parameter ``param`` (``param(...)``)."""
    return param in _parameter_uses(helper)[0]


def _stored_in(helper, param):
    """Whether ``helper`` binds its parameter ``param`` anew (then it is no constant)."""
    return param in _parameter_uses(helper)[1]


def _parameter_uses(helper):
    """(the names ``helper``'s body calls, the names it binds), read once per code object."""
    code = helper.__code__
    found = _USES.get(code)
    if found is None:
        try:
            fn = read_function(helper).node
        except Exception:   # (its own refusal is raised where it is read)
            return frozenset(), frozenset()
        walked = [n for stmt in fn.body for n in nodes.walk(stmt)]
        found = (frozenset(n.func.id for n in walked if n.__class__ is gast.Call
                           and n.func.__class__ is gast.Name),
                 frozenset(n.id for n in walked if n.__class__ is gast.Name
                           and n.ctx.__class__ is not gast.Load))
        if len(_USES) >= 1024:
            _USES.clear()
        _USES[code] = found
    return found


def _record_reads(parsed, callee, helper, given, fixed):
    """The names the rewrite reads where the function is read, as dependencies."""
    for node, obj in [(callee, helper)] + [(given[p], fixed[p]) for p in given
                                           if given[p] is not None]:
        spelled = nodes.dotted_parts(node)
        if spelled[0] not in parsed.made_names:   # (s2sad's own binding: fixed)
            record_path(spelled[0], parsed.func, tuple(spelled[1]), obj)


def _spelled(obj):
    name = getattr(obj, "__name__", None) or getattr(getattr(obj, "func", None), "__name__", "")
    return name if name.isidentifier() and name != "<lambda>" else "fn"


def _fresh(base, taken, parsed):
    name, k = base, 0
    while name in taken or parsed.resolve(name, None) is not None:
        k += 1
        name = f"{base}_{k}"
    return name


def _unresolved_error(parsed, arg, helper, param):
    """The refusal of a call giving ``helper``'s parameter ``param``, which it calls, a
    value s2sad cannot tell where the function is read (the function's own parameter:
    :class:`CalledParameterError`, which a call giving a function makes work)."""
    name = helper.__name__
    a = parsed.node.args
    if arg.__class__ is gast.Name and arg.id in {p.id for p in a.args + a.kwonlyargs}:
        return CalledParameterError(
            f"{name} calls its parameter {param!r}, given {parsed.node.name}'s parameter "
            f"{arg.id!r}, which holds a function s2sad knows only when a call gives one",
            parsed.location(arg), hint=_GIVE_ONE.format(p=arg.id))
    if arg.__class__ is gast.Attribute and arg.value.__class__ is gast.Name \
            and _object_name(parsed.node, arg.value.id):
        return _local_method_error(parsed, arg, name, param)
    spelled = nodes.dotted_parts(arg)
    what = "a lambda written in the call" if arg.__class__ is gast.Lambda else \
        f"the local value {arg.id!r}" if arg.__class__ is gast.Name else \
        f"{'.'.join([spelled[0], *spelled[1]])}, which is no function s2sad can name " \
        f"(a classmethod, a callable object, a method of a library's object)" \
        if spelled is not None else "a value computed here"
    return UnsupportedSyntaxError(
        f"{name} calls its parameter {param!r}, given {what} (calling the "
        f"{'local value' if arg.__class__ is gast.Name else 'value'} there "
        f"is not supported: s2sad differentiates a function passed to a helper it can name "
        f"where the code is made)", parsed.location(arg),
        hint=textwrap.shorten(
            f"pass a module-level function by its name ({name}(rhs, ...) with def rhs at "
            f"module level; a partial or lambda bound to a module-level name, np.sin; the "
            f"function's own parameter holding one); a function chosen by a branch: call "
            f"{name} in each branch with the function's name; a value of the function's "
            f"(k in lambda y: -k * y): make it a parameter of the module-level function "
            f"and pass it on; a derivative made in the function is called where it is "
            f"made, s2sad.grad(f)(x)", 500))


def _object_name(fn, name):
    """Whether ``fn`` binds ``name`` as a parameter or by an assignment (not an import)."""
    a = fn.args
    return name in {p.id for p in a.posonlyargs + a.args + a.kwonlyargs} or any(
        n.__class__ is gast.Name and n.id == name and n.ctx.__class__ is gast.Store
        for n in nodes.walk(fn))


def _local_method_error(parsed, arg, name, param):
    """The refusal of ``integrate(model.rhs, y0)``, ``model`` a name the function binds
    (a parameter, a local object): the code is made for the class of the object, not
    for the object, which the method given to the helper would be bound to."""
    obj, method = arg.value.id, arg.attr
    return UnsupportedSyntaxError(
        f"{name} calls its parameter {param!r}, given {obj}.{method}, read from {obj!r} "
        f"(a method bound to it, or a function it holds), an object the function is "
        f"given or makes: s2sad binds a method passed to "
        f"a helper only to a module-level object (MODEL.{method}) or one given to the "
        f"derivative, where the code is made", parsed.location(arg),
        hint=f"give {name} the object and call the method through it there ("
             f"def {name}(model, y): ... model.{method}(y)), which is differentiated as "
             f"the object's method; or pass {obj}.{method} itself as an argument of the "
             f"function differentiated (s2sad.grad(g, wrt=1)({obj}.{method}, y0))")


#: the hint of a parameter of the differentiated function called where it holds no function
_GIVE_ONE = ("give a function for {p!r} (a def, a partial or a lambda, np.sin) at each call of "
             "the derivative, s2sad.grad(g, wrt=1)(rhs, y0), or as its default ({p}=rhs): "
             "code is made per function given; a written module (s2sad grad F.py:g) cannot "
             "take one: write the module of a function passing it by name, g(rhs, y0)")


class FunctionKind:
    """The kind of an argument of the differentiated function that is a function
    (:func:`passable`): code is made per function, told by identity (held weakly where
    Python allows, so the cache keeps no closure alive; a function gone equals none)."""

    __slots__ = ("ref", "key", "name")

    def __init__(self, obj):
        try:
            self.ref = weakref.ref(obj)
        except TypeError:   # (a builtin, a ufunc: long-lived)
            self.ref = lambda: obj
        self.key = id(obj)
        self.name = _spelled(obj)

    def __eq__(self, other):
        if other.__class__ is not FunctionKind:
            return False
        mine = self.ref()
        return mine is not None and mine is other.ref()

    def __hash__(self):
        return self.key

    def __repr__(self):
        return f"function {self.name}"


def split_kinds(func, kinds):
    """``(kinds without functions, {parameter: function})`` for the kinds ``kinds``
    (``{parameter: kind}`` or None) of a call of ``func``: the functions given, and those
    of its defaults the call leaves (``def loss(k, f=rhs)``), which the code is made for."""
    passed = {p: k.ref() for p, k in (kinds or {}).items() if k.__class__ is FunctionKind}
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        params = ()
    for p in params:
        if p.name not in (kinds or {}) and p.default is not p.empty \
                and passable(method_partial(p.default)):
            passed[p.name] = method_partial(p.default)
    if not passed:
        return kinds, None
    rest = {p: k for p, k in kinds.items() if p not in passed} if kinds else None
    return rest or None, passed


def kind_of_argument(value):
    """A :class:`FunctionKind` for a function (:func:`passable`; a method bound to an
    object of the user's, as :func:`method_partial` gives it), else None."""
    value = method_partial(value)
    return FunctionKind(value) if passable(value) else None


def bind_passed(parsed, passed):
    """The parameters ``passed`` (``{name: function}``) of the differentiated function
    read as free names bound to those functions (``f(y)`` is a call of ``rhs``): each
    read renamed ``f_rhs``; the parameter stays, unread.  One the function binds anew
    is left as it is (a call of it is refused where it is read)."""
    if not passed:
        return
    walked = list(nodes.walk(parsed.node))
    stored = {n.id for n in walked if n.__class__ is gast.Name
              and n.ctx.__class__ in (gast.Store, gast.Del)}
    fixed = {p: obj for p, obj in passed.items() if p not in stored}
    if not fixed:
        return
    body = gast.Module(body=parsed.node.body, type_ignores=[])   # (the parameters stay)
    holder = dataclasses.replace(parsed, node=gast.FunctionDef(
        name=parsed.node.name, args=gast.arguments(
            args=[], posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[],
            kwarg=None, defaults=[]), body=body.body, decorator_list=[], returns=None,
        type_comment=None, type_params=[]))
    names = _free_names(holder, fixed)
    parsed.closure.update((names[p], obj) for p, obj in fixed.items())
    parsed.made_names = parsed.made_names | frozenset(names.values())


def given_function(norm, func):
    """The callee ``func`` (a name) of a helper put in place of its call (second order),
    read as the module's function its parameter was given by name (``f`` of
    ``Sim.integrate(SIM, rhs, y0)``, called through an object: ``rhs``), else ``func``."""
    atom = norm.env.get(func.id) if norm.inliner.inlined_functions else None
    if atom.__class__ is not gast.Name or atom.id in norm.defined or atom.id in norm.locals \
            or atom.id in norm.env or not passable(norm.parsed.resolve(atom.id, None)):
        return func
    found = nodes.clone(atom)
    gast.copy_location(found, func)
    found.end_lineno, found.end_col_offset = func.end_lineno, func.end_col_offset
    return found


def called_parameter_error(norm, node, name):
    """The refusal of the call of the local value ``name`` (a parameter of the function
    differentiated: :class:`CalledParameterError`, which a call giving a function makes
    work)."""
    if name in getattr(norm, "root_params", ()) and not norm.inliner.inlined_functions:
        return norm.error(
            f"calling the parameter {name!r} is supported where it holds a function s2sad "
            f"knows when it makes the code; here it does not", node, kind=CalledParameterError,
            hint=_GIVE_ONE.format(p=name))
    return norm.error(f"calling the local value {name!r} is not supported", node,
                      hint="call the function by its global name (one chosen from a "
                           "dict or list: an if/elif on the key calling each by "
                           "its name); a derivative made in the function is "
                           "called where it is made, s2sad.grad(f)(x), or bound "
                           "once at the top of the body and only called")


class CalledParameterError(UnsupportedSyntaxError):
    """A parameter of the differentiated function called, where the code is made for
    arguments that are no functions: a call giving a function may make it work."""
