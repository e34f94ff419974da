"""The functions s2sad made of a helper given a function (``euler(rhs, y0, k)`` read as
``euler_rhs(y0, k)``, see ``syntax.function_args.specialized``) in a module ``s2sad grad``
writes, where the generated code calls one as it is (a call carrying no derivative).

No module holds such a function, so the emitter leaves a comment where its import would
be (and the written module raised ``NameError`` at its first call).  Here the helper and
each function given are found where the user's modules hold them (a module's function, a
function in the closure of one, an object's method, a partial or a library's function a
module-level name holds), and the written module makes the function again when imported:
``euler_rhs = given_function(('m', ('euler',)), {'f': ('m', ('rhs',))})``.  The helper and
the functions are rows of its ``check_globals`` table already (``cli.taken``).  One
reached by no module-level name is refused when the module is generated, located.
"""

import dataclasses
import functools
import inspect
import sys

from ..errors import UnsupportedSyntaxError
from ..syntax.function_args import SPECIALIZES
from .closures import _binds, _place

#: the runtime helper the written module makes them with
MAKER = "given_function"


def with_given_functions(emitted, func, module):
    """``emitted`` making again each function :func:`specialized` made that its code
    reads (module doc); ``func``: the function differentiated; ``module``: the user's
    module named on the command line."""
    lines = {}
    for name in emitted.user_names:
        value = emitted.bindings.get(name)
        made = getattr(value, "__dict__", {}).get(SPECIALIZES)
        if made is None or not any(_binds(text, name) and text.startswith("#")
                                   for text in emitted.parts["user"]):
            continue
        helper, fixed = made
        places = {param: _object_place(obj, module) for param, obj in fixed}
        home = _place(helper, module)
        missing = [param for param, place in places.items() if place is None]
        if home is None or missing:
            raise _unreachable(func, name, helper, missing)
        lines[name] = f"{name} = {MAKER}({home!r}, {dict(sorted(places.items()))!r})"
    if not lines:
        return emitted
    parts = dict(emitted.parts)
    parts["user"] = [lines[next(n for n in lines if _binds(text, n))]
                     if any(_binds(text, n) for n in lines) else text
                     for text in parts["user"]]
    runtime = sys.modules.get("s2sad.runtime") or __import__("s2sad.runtime").runtime
    bindings = {**emitted.bindings, MAKER: getattr(runtime, MAKER)}
    return dataclasses.replace(emitted, parts=parts, bindings=bindings)


def _object_place(obj, module):
    """``(module name, path)`` where the user's modules hold ``obj``, a function given to
    a helper (see the module doc), else None."""
    homes = [module, sys.modules.get(getattr(obj, "__module__", None) or "")]
    if obj.__class__ is functools.partial and len(obj.args) == 1 and not obj.keywords \
            and inspect.isfunction(obj.func):   # (a bound method: method_partial's)
        found = _held(obj.args[0], homes + [sys.modules.get(obj.func.__module__)])
        name = obj.func.__name__
        bound = getattr(obj.args[0], name, None)
        if found is not None and getattr(bound, "__func__", None) is obj.func:
            return found[0], found[1] + ("." + name,)
    found = _held(obj, homes)
    if found is not None:
        return found
    return _place(obj, module) if inspect.isfunction(obj) else None


def _held(obj, homes):
    """``(module name, (name,))`` of a global of one of ``homes`` holding ``obj``."""
    for home in homes:
        if home is None or home.__name__ == "__main__":
            continue
        for name, value in sorted(vars(home).items()):
            if value is obj and name.isidentifier():
                return home.__name__, (name,)
    return None


def _unreachable(func, name, helper, missing):
    """The refusal of a function a written module cannot make again."""
    what = (f"the function given for {', '.join(repr(m) for m in missing)}" if missing
            else helper.__name__)
    from ..syntax.parse import parse_function
    parsed = parse_function(func)
    return UnsupportedSyntaxError(
        f"the code calls {helper.__name__} given a function ({name}, which s2sad made), and "
        f"{what} is held by no module-level name: a written module cannot make {name} "
        f"again when imported", parsed.location(parsed.node),
        hint=f"bind {what} to a module-level name of your module, or differentiate in "
             f"process with s2sad.grad, which takes it as it is")
