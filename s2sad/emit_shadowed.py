"""The generated code's own names that a user's name of the same spelling shadows.

The generated code reads names of its own besides the user's: runtime helpers
(``zeros_like``, ``np``) and builtins (``range``, ``len``, ``reversed``: see
``syntax.own_builtins``).  The user's module, caller or parameters may bind the same
spelling to another object (``from numpy import zeros_like``, ``def len(v): ...``, a
parameter ``range=3``).  The passes mark every read they make of such a name
(``anno.HELPER_NAME``) and the user's reads so spelled (``anno.USER_NAME``); here the
reads of s2sad's own are renamed to ``s2sad_<name>``, bound to s2sad's object (the
runtime helper, or the true builtin), and the user's keep their name and binding.  A
builtin's read s2sad did not mark is the user's (a helper's is refused: see
:func:`helper_alias`).
"""

import builtins
import dataclasses
import types

import gast

from .errors import UnsupportedSyntaxError
from .syntax import anno, nodes
from .syntax.own_builtins import NAMES as OWN_BUILTINS


def own_builtins(functions, bindings, aliases):
    """``functions`` (the generated functions, as emitted), where a builtin the code reads
    on its own is shadowed (``bindings``, the module's names, holds another object under
    its name, or a function takes a parameter so named): in copies, s2sad's reads of it
    (``anno.HELPER_NAME``) renamed to ``s2sad_<name>``, bound to the builtin in
    ``bindings`` and ``aliases`` (changed in place).  Its other reads are the user's: the
    passes mark each read they make of a builtin (``nodes.call`` given its name), and
    name the user's values (a parameter ``range``, a global ``sum = 3.0``) unmarked.
    Nothing shadowed: ``functions`` as given."""
    shadowed = {name for name in OWN_BUILTINS.intersection(bindings)
                if bindings[name] is not getattr(builtins, name)}
    for g in functions:
        arguments = g.node.args
        shadowed.update(a.id for a in arguments.args + arguments.kwonlyargs
                        + arguments.posonlyargs + [arguments.vararg, arguments.kwarg]
                        if a is not None and a.id in OWN_BUILTINS)
    if not shadowed:
        return functions
    functions = [dataclasses.replace(g, node=nodes.clone(g.node)) for g in functions]
    walked = [n for g in functions for n in nodes.walk(g.node) if isinstance(n, gast.Name)]
    for name in sorted(shadowed):
        own = [n for n in walked if n.id == name and anno.get(n, anno.HELPER_NAME)
               and not isinstance(n.ctx, _BINDING)]
        if own:
            used = set(bindings) | set(aliases) | {n.id for n in walked}
            alias = next(a for a in (f"s2sad_{name}_{i}" if i else f"s2sad_{name}"
                                     for i in range(len(used) + 1)) if a not in used)
            for n in own:
                n.id = alias
            aliases[alias] = name
            bindings[alias] = getattr(builtins, name)
    return functions


_BINDING = (gast.Store, gast.Param, gast.Del)


def helper_alias(name, functions, taken):
    """Rename, in ``functions``, the generated code's reads of the helper ``name`` (a
    name the user's code reads too, bound to another object) to ``s2sad_<name>`` (or the
    first ``s2sad_<name>_<n>`` free); returns that name, or None when some read of
    ``name`` is not known to be either the user's or the helper's (``anno.USER_NAME``,
    ``anno.HELPER_NAME``): then emitting refuses."""
    reads = [n for g in functions for n in nodes.walk(g.node)
             if isinstance(n, gast.Name) and n.id == name]
    if not all(anno.get(n, anno.USER_NAME) or anno.get(n, anno.HELPER_NAME) for n in reads):
        return None
    used = taken | {n.id for g in functions for n in nodes.names(g.node)}
    alias = next(a for a in (f"s2sad_{name}_{i}" if i else f"s2sad_{name}"
                             for i in range(len(used) + 1)) if a not in used)
    for n in reads:
        if not anno.get(n, anno.USER_NAME):
            n.id = alias
    return alias


def rename_hint(name, obj):
    """How to bind the user's ``obj``, read as ``name``, under another name."""
    if isinstance(obj, types.ModuleType):
        return f"import it under another name (`import {obj.__name__} as my_{name}`)"
    module, own = getattr(obj, "__module__", None), getattr(obj, "__name__", None)
    if isinstance(module, str) and isinstance(own, str) and module != "__main__" \
            and own.isidentifier():
        return f"import it under another name (`from {module} import {own} as my_{name}`)"
    return f"give `{name}` another name where it is bound and read (`my_{name} = ...`)"


def clash(name, what, locate, fix):
    """The refusal of a user's name that is also a helper's the generated code calls."""
    return UnsupportedSyntaxError(
        f"the function {what} `{name}`, which is also the name of a helper s2sad's generated "
        f"code calls here", locate(name) if locate is not None else None,
        hint=f"{fix}; s2sad cannot tell the two apart in the module it writes")
