"""Arguments of a class s2sad does not take for a container: refused where the code
uses them as one.

s2sad differentiates lists, tuples and dicts (and their subclasses, read by their
items) as containers, and takes any other argument for an array or a number.  A
``collections.deque``, a set or an object of the user's own class with ``__iter__``
or a list's methods (``append``...), passed in, would be read as an array (numpy makes
an array of its items, or fails) and changed by methods s2sad takes for a list's: the
derivative would crash, or be wrong.  :func:`refuse_foreign_arguments` refuses the call
instead, at the first line of the function that uses such an argument as a container
(a loop or comprehension over it, an item, unpacking, ``len``, a method call, a call
of ``list``/``zip``... on it), naming its class, with what to pass instead; or at such a
line of a function of the user's it is passed to (a helper, the function a partial
calls).  An argument of such a class no function uses as a container (an attribute
read) is left alone.  The check runs on the general path only (the fast paths take
float64 arrays and real numbers alone), and the use found is kept per class.
"""

import functools
import inspect
import numbers

import gast
import numpy as np

from .. import pipeline
from ..errors import UnsupportedSyntaxError
from ..runtime.duck import is_duck
from ..syntax import nodes
from ..syntax.parse import is_user_function, parse_function

#: classes that are never refused: what s2sad takes as a container, array or number
_TAKEN = frozenset({float, int, bool, complex, str, bytes, type(None), np.ndarray,
                    list, tuple, dict, np.float64, np.float32, np.int64, np.int32,
                    np.bool_, np.complex128})
#: a list's (a deque's, a set's) methods: an object with one is used as a container
_CONTAINER_METHODS = ("append", "extend", "pop", "popleft", "appendleft", "insert", "add",
                      "update", "remove", "discard", "clear")
#: builtins that read a value as an iterable
_READERS = frozenset({"list", "tuple", "len", "zip", "enumerate", "reversed", "sorted",
                      "sum", "min", "max", "any", "all", "map", "filter", "iter", "dict",
                      "set", "frozenset"})

_FOUND = {}   # (function, parameter, class) -> the refusal, or None


def refuse_foreign_arguments(func, args, kwargs):
    """Raise the located refusal of an argument of ``func``'s call (``args``,
    ``kwargs``) that is a container of another class, used as a container (see the
    module docstring)."""
    for value in args:
        if value.__class__ not in _TAKEN:
            break
    else:
        if not kwargs or all(v.__class__ in _TAKEN for v in kwargs.values()):
            return
    names = [p.name for p in pipeline.signature(func).parameters.values()]
    given = list(zip(names, args)) + [(k, v) for k, v in (kwargs or {}).items()
                                      if k in names]
    for name, value in given:
        cls = value.__class__
        if cls in _TAKEN or not _container_like(value):
            continue
        # (the function itself: equal code objects (a partial's caller, the same text
        # compiled for another function) may pass the argument on to other functions)
        key = (func, name, cls)
        if key not in _FOUND:
            _FOUND[key] = _refusal(func, name, cls)
        if _FOUND[key] is not None:
            raise _FOUND[key].with_traceback(None)


def _container_like(value):
    """Whether ``value`` (of a class s2sad does not take) holds items a function may
    read or change: it iterates, or has a list's methods."""
    if isinstance(value, (list, tuple, dict, np.ndarray, np.generic, numbers.Number,
                          str, bytes, type)) or is_duck(value):
        return False   # (a subclass of a container: read by its items)
    cls = value.__class__
    if hasattr(cls, "__array__") or hasattr(cls, "__array_interface__"):
        return False   # (an array-like: numpy reads it as an array)
    if any(hasattr(cls, m) for m in _CONTAINER_METHODS):
        return True    # (a deque, a set, a class of the user's with append...)
    # an iterable without len() or items by position (a range has both: read as one)
    return hasattr(cls, "__iter__") and not (hasattr(cls, "__len__")
                                             and hasattr(cls, "__getitem__"))


def _refusal(func, name, cls, seen=()):
    """The refusal of ``func``'s parameter ``name`` holding a ``cls``, at its first use
    as a container, or None where it has none.  Where ``func`` uses it as no container,
    the functions of the user's it passes it to are read likewise (a helper, the
    function a ``functools.partial`` entry calls), the first one using it refused."""
    if (func, name) in seen or len(seen) > 8:
        return None
    try:
        parsed = parse_function(func)
    except Exception:  # noqa: BLE001 - the transform reports an unreadable source itself
        return None
    use = _first_use(parsed.node, name)
    if use is None:
        for callee, param in _passed_to(parsed, name):
            found = _refusal(callee, param, cls, seen + ((func, name),))
            if found is not None:
                return found
        return None
    node, how = use
    qual = cls.__name__ if cls.__module__ in ("builtins", "__main__") \
        else f"{cls.__module__}.{cls.__name__}"
    message = (f"the argument {name!r} is a {qual}, which this line uses as a container "
               f"({how}): s2sad differentiates lists, tuples and dicts as containers and "
               f"takes any other argument for an array or a number")
    return UnsupportedSyntaxError(message, parsed.location(node), hint=_hint(name, cls))


def _passed_to(parsed, name):
    """``(function, parameter)`` of each call in ``parsed`` giving its parameter ``name``
    whole to a plain Python function of the user's (by position or keyword), in the
    order of the source."""
    found = []
    for call in nodes.walk(parsed.node):
        if not isinstance(call, gast.Call) or not any(
                isinstance(a, gast.Name) and a.id == name
                for a in call.args + [k.value for k in call.keywords]):
            continue
        callee = parsed.resolve_callee(call.func)
        offset, bound = 0, ()
        if isinstance(callee, functools.partial):
            offset, bound = len(callee.args), tuple(callee.keywords or ())
            callee = callee.func
        if not is_user_function(callee):
            continue
        params = list(inspect.signature(callee).parameters)
        for i, arg in enumerate(call.args):
            if isinstance(arg, gast.Name) and arg.id == name \
                    and i + offset < len(params):
                found.append((call, callee, params[i + offset]))
        found += [(call, callee, k.arg) for k in call.keywords
                  if isinstance(k.value, gast.Name) and k.value.id == name
                  and k.arg in params and k.arg not in bound]
    found.sort(key=lambda f: (f[0].lineno, f[0].col_offset))
    return [(callee, param) for _, callee, param in found]


def _hint(name, cls):
    if cls.__name__ == "deque" and cls.__module__ == "collections":
        return (f"pass list({name}) (or tuple({name})); in the function, {name}.pop(0) is "
                f"{name}.popleft() of a list, and {name} = {name}[-n:] keeps a maxlen's "
                f"last n items")
    if cls in (set, frozenset):
        return f"pass sorted({name}) or list({name}): a list, in an order of your choice"
    return (f"pass the items as a list (list({name})), or the arrays {cls.__name__} holds "
            f"as separate arguments: s2sad does not run {cls.__name__}'s own methods")


def _first_use(fn, name):
    """``(node, what it does)`` of the first use of the parameter ``name`` in ``fn`` as a
    container, in the order of the source, or None."""
    found = []

    def is_param(node):
        return isinstance(node, gast.Name) and node.id == name \
            and isinstance(node.ctx, gast.Load)

    for node in nodes.walk(fn):
        if isinstance(node, (gast.For, gast.comprehension)) and is_param(node.iter):
            found.append((node.iter, "a loop over it"))
        elif isinstance(node, gast.Subscript) and is_param(node.value):
            found.append((node, "an item of it"))
        elif isinstance(node, gast.Attribute) and is_param(node.value) \
                and node.attr in _CONTAINER_METHODS + ("popleft", "rotate", "count", "index",
                                                       "copy", "keys", "values", "items",
                                                       "get", "setdefault", "reverse",
                                                       "sort"):
            found.append((node, f"its method .{node.attr}()"))
        elif isinstance(node, gast.Assign) and is_param(node.value) \
                and any(isinstance(t, (gast.Tuple, gast.List)) for t in node.targets):
            found.append((node.value, "unpacking it"))
        elif isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
                and node.func.id in _READERS and any(is_param(a) for a in node.args):
            found.append((node, f"{node.func.id}() of it"))
        elif isinstance(node, gast.Starred) and is_param(node.value):
            found.append((node, "unpacking it"))
    if not found:
        return None
    return min(found, key=lambda f: (f[0].lineno, f[0].col_offset))
