"""Reading the signature of a rule's target: from its code where that is what
``inspect.signature`` would give (hundreds of rules are checked at loading), else by
``inspect.signature``, kept per object while what it is made of stays the same.

Imports neither numpy nor any pass (re-exported by :mod:`.registry`)."""

import functools
import inspect
import types
from typing import Any, Dict, Tuple


def _code_parameters(target):
    """``(parameter names, the positional-only ones, whether it takes *args or **kwargs)``
    of a plain Python function, or of a numpy function wrapping one, read from its code
    as ``inspect.signature`` reads them (nothing overrides them: no ``__signature__``, no
    further ``__wrapped__``), else None: hundreds of rules are checked at loading."""
    fn = target
    if type(fn).__name__ == "_ArrayFunctionDispatcher" and not hasattr(fn, "__signature__"):
        fn = getattr(fn, "__wrapped__", None)   # (what inspect.signature unwraps to)
    if type(fn) is not types.FunctionType or hasattr(fn, "__wrapped__") \
            or hasattr(fn, "__signature__"):
        return None
    code = fn.__code__
    names = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
    variadic = bool(code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS))
    return names, names[:code.co_posonlyargcount], variadic


#: id(target) -> (target, signature) declared by :func:`signature_for`
_SIGNATURES: Dict[int, Tuple[Any, inspect.Signature]] = {}


#: id(target) -> (target, what its signature is made of, its signature): see signature_of
_SIGNATURE_CACHE: Dict[int, Tuple[Any, Tuple[Any, ...], inspect.Signature]] = {}


#: the kinds of callables whose signature is kept (a class's or a callable object's
#: depends on attributes of its class, which the stamp does not follow)
_CACHED_KINDS = (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                 functools.partial)
_CACHED_KIND_NAMES = ("ufunc", "_ArrayFunctionDispatcher")


def _signature_stamp(target):
    """What ``inspect.signature(target)`` reads that may change on a live object."""
    return tuple(getattr(target, attr, None) for attr in (
        "__code__", "__defaults__", "__kwdefaults__", "__signature__", "__wrapped__",
        "__text_signature__", "__func__"))


def signature_of(target):
    """``inspect.signature(target)``, else the one :func:`signature_for` declared,
    else None (a C function without a signature).

    Kept per object while what it is made of (code, defaults, ``__signature__``...)
    stays the same objects: a numpy function's signature is read from its text once,
    not at every call the passes meet."""
    cached = _SIGNATURE_CACHE.get(id(target))
    if cached is not None and cached[0] is target:
        stamp = _signature_stamp(target)
        if len(stamp) == len(cached[1]) and all(a is b for a, b in zip(stamp, cached[1])):
            return cached[2]
    try:
        sig = inspect.signature(target)
        if type(target) in _CACHED_KINDS or type(target).__name__ in _CACHED_KIND_NAMES:
            if len(_SIGNATURE_CACHE) >= 4096:
                _SIGNATURE_CACHE.clear()
            _SIGNATURE_CACHE[id(target)] = (target, _signature_stamp(target), sig)
        return sig
    except (TypeError, ValueError):
        declared = _SIGNATURES.get(id(target))
        return declared[1] if declared is not None and declared[0] is target else None
