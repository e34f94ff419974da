"""Calls to the user's own Python functions: each callee differentiated once.

A call ``y = helper(a, b)`` whose result is active becomes, in the forward
sweep, ``y, y_pullback = helper_vjp(a, b)``, and in the backward sweep
``a_bar = y_pullback(y_bar)``.  :class:`CallGraph` generates ``helper_vjp``
once per (function, differentiated parameters) pair and keeps every
generated function and the free names they read, so the emitter writes them
all into one module.  Recursion works: a function already being generated is
referred to by name.
"""

import inspect
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

import gast

from ..errors import UnsupportedSyntaxError
from ..syntax.wrappers import signature


@dataclass
class Callee:
    name: str              # the generated vjp function's name
    returns_tuple: bool
    wrt: Tuple[str, ...]


class CallGraph:
    """Generated callees of one module, and the free names they read."""

    def __init__(self, reserved=()):
        self.callees: Dict[Tuple[Any, Tuple[str, ...]], Callee] = {}
        self.generated: List[Any] = []         # Generated, callees first
        self.free: Dict[str, Any] = {}         # the user's free names -> objects
        self.helpers: Dict[str, Any] = {}      # s2sad's names (numpy, runtime) -> objects
        self.free_source: Dict[str, Any] = {}  # free name -> function whose scope binds it
        self.taken = set(reserved)

    def reserve(self, names):
        self.taken.update(names)

    def _fresh(self, base):
        name, counter = base, 1
        while name in self.taken:
            name = f"{base}_{counter}"
            counter += 1
        self.taken.add(name)
        return name

    def vjp_for(self, func, wrt, location, arity=None, kinds=()):
        """The vjp of ``func`` with respect to parameters ``wrt`` (generated on first use).

        A function taking ``*args`` is specialized to the call's ``arity``: its
        extra arguments become parameters ``args_0, args_1, ...``.  ``kinds``:
        ``(parameter, kind)`` pairs for the arguments whose kind the caller knows
        (see ``analysis.kinds``); the callee is made for them.
        """
        key = (func, tuple(wrt), arity, kinds)
        if key in self.callees:
            return self.callees[key]
        from ..syntax import fence
        from ..syntax.normalize import normalize
        from ..syntax.parse import parse_function
        from .reverse import reverse
        params = [p.name for p in signature(func).parameters.values()]
        for p in signature(func).parameters.values():
            if p.kind == p.VAR_KEYWORD:
                raise UnsupportedSyntaxError(
                    f"calls to {func.__name__}, which takes **{p.name}, cannot be "
                    f"differentiated yet", location, hint="list its parameters explicitly")
        parsed = parse_function(func)
        if parsed.node.args.vararg is not None:
            params = _expand_varargs(parsed.node, arity or 0)
        fence.check(parsed)
        normal = normalize(parsed, callee=True)
        ret = normal.node.body[-1]
        suffix = "" if len(wrt) == len(params) else "_" + "_".join(wrt)
        callee = Callee(name=self._fresh(f"{func.__name__}_vjp{suffix}"),
                        returns_tuple=isinstance(ret.value, gast.Tuple), wrt=tuple(wrt))
        self.callees[key] = callee
        generated = reverse(normal, tuple(wrt), "vjp", calls=self, name=callee.name,
                            kinds=dict(kinds))
        for free_name in sorted(normal.free_names):
            obj = parsed.resolve(free_name)
            self.bind(free_name, obj, func, generated.node)
        for helper, obj in normal.helpers.items():
            self.bind(helper, obj, None, generated.node, helper=True)
        for helper, obj in generated.bindings.items():
            self.bind(helper, obj, None, generated.node, helper=True)
        generated.bindings = {}
        self.generated.append(generated)
        return callee

    def bind(self, name, obj, source_func, node, helper=False):
        """Bind a free name module-wide, renaming it in ``node`` if taken by another object.

        ``helper=True`` marks s2sad's own names (numpy, runtime helpers), which
        never need refreshing from the user's scope.
        """
        known = {**self.free, **self.helpers}
        if name in known and known[name] is not obj:
            new = self._fresh(name)
            for n in gast.walk(node):
                if isinstance(n, gast.Name) and n.id == name and not isinstance(n.ctx, gast.Store):
                    n.id = new
            if source_func is not None:
                source_func = reading_as(source_func, name, new)
            name = new
        if helper:
            self.helpers[name] = obj
            self.taken.add(name)
            return
        self.free[name] = obj
        if source_func is not None:
            self.free_source.setdefault(name, source_func)
        self.taken.add(name)


def reading_as(func, name, new):
    """A function sharing ``func``'s closure cells and globals that reads ``func``'s
    free name ``name`` as ``new``: where the API reads the current value of a free
    name renamed in the generated module (two wrappers of stacked decorators each
    close over their own ``fn``; a closure's ``factor`` and a helper's global
    ``factor``).  A closure variable is renamed in the code; a global is looked up
    under its own name (``api._current`` follows ``_s2sad_reading_as``)."""
    import types
    code = func.__code__
    if name in code.co_freevars:
        code = code.replace(co_freevars=tuple(new if v == name else v
                                              for v in code.co_freevars))
    reader = types.FunctionType(code, func.__globals__, func.__name__, func.__defaults__,
                                func.__closure__)
    reader._s2sad_reading_as = (func, name, new)   # how to make it again (api holds it weakly)
    return reader



def expanded_parameters(func, arity):
    """Parameter names of ``func`` once ``*args`` is expanded for ``arity`` positional
    arguments (``args_0``, ``args_1``, ...)."""
    names = []
    for p in signature(func).parameters.values():
        if p.kind == p.VAR_POSITIONAL:
            fixed = len(names)
            names.extend(f"{p.name}_{i}" for i in range(max(arity - fixed, 0)))
        else:
            names.append(p.name)
    return names


def _expand_varargs(fn, arity):
    """Rewrite ``def f(a, *rest)`` as ``def f(a, rest_0, ..., rest_k)`` with
    ``rest = (rest_0, ..., rest_k)`` as its first statement; returns the new names."""
    from ..syntax import nodes
    vararg = fn.args.vararg
    fixed = len(fn.args.args)
    extra = [f"{vararg.id}_{i}" for i in range(max(arity - fixed, 0))]
    for name in extra:
        param = nodes.name(name)
        param.ctx = gast.Param()
        gast.copy_location(param, vararg)
        fn.args.args.append(param)
    fn.args.vararg = None
    pack = nodes.assign(vararg.id, nodes.tuple_([nodes.name(n) for n in extra]))
    for node in gast.walk(pack):
        gast.copy_location(node, fn.body[0])
        node.end_lineno = getattr(fn.body[0], "end_lineno", None)
        node.end_col_offset = getattr(fn.body[0], "end_col_offset", None)
    fn.body.insert(0, pack)
    return [a.id for a in fn.args.args]


def bind_call(callee, call, site):
    """The call's arguments by the callee's parameter names, and the arity a ``*args``
    callee is specialized to (None when it takes no ``*args``)."""
    arity = None
    sig = signature(callee)
    if any(p.kind == p.VAR_POSITIONAL for p in sig.parameters.values()):
        arity = len(call.args)   # *args: specialize the callee to this many arguments
        sig = inspect.Signature([inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                                 for n in expanded_parameters(callee, arity)])
    try:
        bound = sig.bind(*call.args, **{k.arg: k.value for k in call.keywords})
    except TypeError as exc:
        raise UnsupportedSyntaxError(f"cannot match the call to {callee.__name__}: {exc}",
                                     site) from None
    return bound.arguments, arity
