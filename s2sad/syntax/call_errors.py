"""Python's own ``TypeError`` for a derivative's call whose arguments the user's function
would not take: ``grad(partial(q, a=2.0))(x, 3.0)`` raises what ``partial(q, a=2.0)(x,
3.0)`` raises ("q() got multiple values for argument 'a'"), not the words of s2sad's
generated function (``q_value_and_grad()``), which takes its arguments otherwise.

The call is bound by a function with the user's function's parameters, defaults and
name and an empty body (through the partial's own ``__call__`` for a partial): Python
words the error, and nothing of the user's code runs.  Only reached once a call failed.
"""

import functools
import types

from .cached import uncached


def python_call_error(obj, args, kwargs):
    """The ``TypeError`` Python raises calling ``obj(*args, **kwargs)`` because the
    arguments do not bind, or None (they bind, or ``obj`` is not a plain function or a
    partial of one)."""
    stub = _stub(uncached(obj))
    if stub is None:
        return None
    try:
        stub(*args, **kwargs)
    except TypeError as exc:
        exc.__traceback__ = None
        return exc
    return None


def raise_python_call_error(obj, args, kwargs):
    """Raise Python's own ``TypeError`` for ``obj(*args, **kwargs)`` where the arguments do
    not bind (call it in an ``except TypeError:`` block, then re-raise: nothing happens
    where they bind, the error was another)."""
    own = python_call_error(obj, args, kwargs)
    if own is not None:
        raise own from None


def _stub(obj):
    if obj.__class__ is functools.partial:
        inner = _stub(uncached(obj.func))
        return None if inner is None else functools.partial(inner, *obj.args, **obj.keywords)
    if obj.__class__ is not types.FunctionType:
        return None
    code = obj.__code__
    names = code.co_varnames
    positional, at = list(names[:code.co_argcount]), code.co_argcount
    keyword_only = list(names[at:at + code.co_kwonlyargcount])
    at += code.co_kwonlyargcount
    if code.co_posonlyargcount:
        positional.insert(code.co_posonlyargcount, "/")
    parts = positional
    if code.co_flags & 0x04:   # *args
        parts.append("*" + names[at])
        at += 1
    elif keyword_only:
        parts.append("*")
    parts += keyword_only
    if code.co_flags & 0x08:   # **kwargs
        parts.append("**" + names[at])
    namespace = {}
    exec(f"def stub({', '.join(parts)}):\n    pass\n", namespace)  # noqa: S102
    stub = namespace["stub"]
    stub.__code__ = stub.__code__.replace(co_name=code.co_name, **(
        {"co_qualname": code.co_qualname} if hasattr(code, "co_qualname") else {}))
    stub.__name__, stub.__qualname__ = obj.__name__, obj.__qualname__   # (Python's words)
    stub.__defaults__, stub.__kwdefaults__ = obj.__defaults__, obj.__kwdefaults__
    return stub
