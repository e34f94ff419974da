"""Which of the user's functions may have their body put in place of a call.

Input: a :class:`ParsedFunction` (and the callee expressions of its calls).
Output: plain data: :func:`callee_of` the object a callee expression names,
:func:`can_inline` whether that object's body can replace a call,
:func:`defaults_of` its defaults, and :func:`reachable_helpers` the parsed
source of every inlinable function the differentiated one reaches, computed
once before the normalizer's walk (second derivatives inline them all).
"""

import inspect

import gast

from .. import nodes
from ..parse import parse_function, record_path
from .callees import is_python_function


CONSTANT_DEFAULTS = (int, float, complex, bool, str, type(None))


def can_inline(obj):
    """Whether the body of ``obj`` can go in place of a call to it: a plain function
    of the user's, without a closure, ``*args`` or ``**kwargs``.  (A default that is
    not a number, string or None must be passed by the call: see ``inlinable``;
    names its body reads from its module are checked where they are read: see
    ``use_global``.)"""
    if not is_python_function(obj) or obj.__closure__:
        return False
    code = obj.__code__
    return not code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS)


def defaults_of(obj):
    """``{parameter: default value}`` of the function ``obj`` (keyword-only ones too)."""
    code = obj.__code__
    positional = code.co_varnames[:code.co_argcount]
    found = dict(zip(positional[len(positional) - len(obj.__defaults__ or ()):],
                     obj.__defaults__ or ()))
    found.update(obj.__kwdefaults__ or {})
    return found


def callee_of(func, parsed):
    """The object the callee expression ``func`` (``f`` or ``module.f``) names in
    ``parsed``'s scope, or None."""
    path = []
    while isinstance(func, gast.Attribute):
        path.append(func.attr)
        func = func.value
    if not isinstance(func, gast.Name):
        return None
    obj = parsed.resolve(func.id, None)
    for part in reversed(path):
        if not inspect.ismodule(obj):
            return None
        obj = getattr(obj, part, None)
    if path:
        record_path(func.id, parsed.func, path[::-1], obj)
    return obj


def reachable_helpers(parsed):
    """``{id(function): parsed}`` for the functions :func:`can_inline` admits that
    ``parsed`` calls, directly or through each other."""
    found, todo = {}, [parsed]
    while todo:
        current = todo.pop()
        for node in nodes.walk(current.node):
            if isinstance(node, gast.Call):
                obj = callee_of(node.func, current)
                if id(obj) not in found and can_inline(obj):
                    found[id(obj)] = parse_function(obj)
                    todo.append(found[id(obj)])
    return found
