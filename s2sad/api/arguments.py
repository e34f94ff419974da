"""The arguments of a call of a transformed function: their structure and binding.

``argument_kinds`` gives the structure of the arguments that is part of a cache
key; ``Arguments`` picks the differentiated arguments out of a call (cheaply in the
common case); ``arguments`` and ``arguments_then`` bind a call to every parameter,
in the order the generated forward code takes them.  Nothing here keeps a user
function alive: signatures are cached per (code, defaults).
"""

import functools
import types

import numpy as np

from .. import pipeline
from ..syntax.function_args import kind_of_argument
from ..analysis.kind_lattice import argument_kind
from ..syntax import wrappers
from ..syntax.callers import POSITIONS
from ..syntax.call_errors import python_call_error

CONTAINER_CLASSES = (list, tuple, dict)
#: the classes of the arguments code is made for, one by one: containers by their
#: structure, functions by their identity (``syntax.function_args.FunctionKind``; a bound
#: method by its function and object, ``method_partial``)
SPECIALIZING_CLASSES = CONTAINER_CLASSES + (
    types.FunctionType, functools.partial, types.BuiltinFunctionType, np.ufunc,
    types.MethodType)


def is_container_argument(value):
    """Whether code is made for ``value`` one by one: a list, tuple (a namedtuple too: the
    code made for it reads its fields) or dict by its structure, a function by its
    identity (for numbers and arrays, one class test and one ``isinstance``)."""
    return value.__class__ in SPECIALIZING_CLASSES or isinstance(value, tuple)


def has_containers(args, kwargs):
    """Whether code is made for an argument one by one (see :func:`is_container_argument`)."""
    for value in args:
        if is_container_argument(value):
            return True
    if kwargs:
        for value in kwargs.values():
            if is_container_argument(value):
                return True
    return False


def argument_kinds(func, args, kwargs):
    """``((parameter, kind), ...)`` for the arguments of a call of ``func`` (hashable:
    part of the cache key); see ``analysis.kinds.kind_of_value``.  A list's kind is the
    join of its items' (code made for a list of 3 arrays serves a list of 5)."""
    names = [p.name for p in pipeline.signature(func).parameters.values()]
    found = dict(zip(names, (kind_of_argument(v) or argument_kind(v) for v in args)))
    for name, value in (kwargs or {}).items():
        if name in names:
            found[name] = kind_of_argument(value) or argument_kind(value)
    return tuple(sorted(found.items()))


class Arguments:
    """Picks the differentiated arguments out of a call, without inspect in the
    common case of positional arguments."""

    def __init__(self, func, wrt):
        self.func = func
        self.sig = pipeline.signature(func)
        self.defaults = (func.__defaults__, func.__kwdefaults__)
        names = [p.name for p in self.sig.parameters.values()]
        self.wrt = wrt
        self.positions = [names.index(n) for n in wrt]
        self.needed = max(self.positions) + 1

    def __call__(self, args, kwargs):
        if not kwargs and len(args) >= self.needed:
            return [args[i] for i in self.positions]
        func = self.func
        if func.__defaults__ is not self.defaults[0] or \
                func.__kwdefaults__ is not self.defaults[1]:   # defaults set since
            self.sig = pipeline.signature(func)
            self.defaults = (func.__defaults__, func.__kwdefaults__)
        ba = self.sig.bind(*args, **kwargs)
        ba.apply_defaults()
        return [ba.arguments[name] for name in self.wrt]


_SIGNATURES = {}


def signature(func):
    """(signature, parameter names (positional, then keyword-only: the generated
    forward code takes them all by position), whether every parameter is positional).

    Cached per (code, defaults), never per function: the cache keeps no function
    (nor its closure data) alive, and a changed ``__defaults__`` is seen.
    """
    kw = func.__kwdefaults__
    key = (func.__code__, func.__defaults__, tuple(kw.items()) if kw else None)
    if wrappers.is_forwarding(func):   # its signature is the wrapped function's, not its code's
        key = None
    try:
        found = _SIGNATURES.get(key) if "__signature__" not in func.__dict__ else None
    except TypeError:   # an unhashable default: no caching
        found, key = None, None
    if found is not None:
        return found
    sig = pipeline.signature(func)
    names = [p.name for p in sig.parameters.values()
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    plain = all(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                for p in sig.parameters.values())
    found = sig, names, plain
    if key is not None and "__signature__" not in func.__dict__:
        if len(_SIGNATURES) >= 1024:
            _SIGNATURES.clear()
        _SIGNATURES[key] = found
    return found


def parameters(func):
    """``func``'s parameter names, positional then keyword-only."""
    return list(signature(func)[1])


def check_positions(func, args, kwargs):
    """Raise Python's ``TypeError`` where ``func``, the function calling a partial, takes
    more arguments by position than the partial (``partial(q, A=A)`` of ``q(x, A, c=0.0)``:
    its ``c`` is keyword-only, as Python's signature of the partial says)."""
    held = func.__dict__.get(POSITIONS) if func.__class__ is _FunctionType else None
    if held is not None and len(args) > held[0]:
        raise python_call_error(held[1], args, kwargs) or TypeError(
            f"{func.__name__}() takes {held[0]} positional argument(s) but {len(args)} "
            f"were given")


_FunctionType = type(check_positions)


def arguments(func, args, kwargs):
    """Every parameter's value, in order (keyword-only ones last), defaults applied."""
    sig, names, plain = signature(func)
    if plain and not kwargs and len(args) == len(names):
        return list(args)          # the common call: every argument by position
    check_positions(func, args, kwargs)
    try:
        ba = sig.bind(*args, **kwargs)
    except TypeError:   # (the signature's words name no function: Python's do)
        own = python_call_error(func, args, kwargs) if func.__class__ is _FunctionType \
            else None
        if own is None:
            raise
        raise own from None
    ba.apply_defaults()
    return [ba.arguments[name] for name in names]


def arguments_then(func, args, kwargs, count, what, kind):
    """``arguments`` of ``args[:-count]``: the call passes ``func``'s arguments followed by
    ``count`` directions (``what``).  A call that leaves the directions out gets a message
    that says so, not "missing a required argument" about one of ``func``'s own."""
    head = args[:len(args) - count] if count else args
    check_positions(func, head, kwargs)
    try:
        return arguments(func, head, kwargs)
    except TypeError as exc:
        try:
            arguments(func, args, kwargs)
        except TypeError:
            raise TypeError(f"the {kind} of {func.__name__} takes {call_form(func, what)}; it "
                            f"was given {len(args)} positional value(s) ({exc} once the last "
                            f"{count} are taken as {what})") from None
        raise TypeError(f"the {kind} of {func.__name__} takes {call_form(func, what)}; the "
                        f"call passes {func.__name__}'s arguments only, so {what} is "
                        f"missing") from None


def call_form(func, what):
    """How a call of a derivative of ``func`` that takes ``what`` after ``func``'s
    arguments is written: ``func``'s positional arguments, then ``what``, with its
    keyword-only arguments by name (``g(x, w_dot, w=0.5)``), as Python binds it."""
    sig = signature(func)[0]
    params = list(sig.parameters.values())
    positional = [("*" if p.kind is p.VAR_POSITIONAL else "") + p.name for p in params
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    named = [p.name + "=" for p in params if p.kind is p.KEYWORD_ONLY]
    if not named:
        return f"its arguments ({', '.join(positional)}) followed by {what}"
    example = ", ".join(positional + [f"<{what}>"] + [n + "..." for n in named])
    return (f"its positional arguments ({', '.join(positional)}) followed by {what}, then "
            f"its keyword-only arguments by name: ({example})")
