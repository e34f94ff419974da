"""Calls to the user's own Python functions: each callee differentiated once.

A call ``y = helper(a, b)`` whose result is active becomes, in the forward
sweep, ``y, y_pullback = helper_vjp(a, b)``, and in the backward sweep
``a_bar = y_pullback(y_bar)``.  :class:`CallGraph` keeps, per module, the
callees generated once per (function, differentiated parameters) pair by
:func:`s2sad.transform.callees.derivative_for`, every generated function and
the free names they read, so the emitter writes them all into one module.
"""

import inspect
import types
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

import gast

from ..errors import UnsupportedSyntaxError
from ..rules import registry
from ..syntax import anno, nodes
from ..syntax.composed_calls import bind_as_the_api, unbound_default_error
from ..syntax.names import Namer
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
        self.namer = Namer(reserved)           # every name the module holds
        #: the callees' code is made without its statements run for their effect
        #: (``print``...): a Jacobian's later columns, where Python's function ran them once
        self.quiet = False
        #: some callee's code runs a statement for its effect (``print``...)
        self.effects = False

    def fresh(self, base):
        """``base`` when no name of the module holds it, else ``base_1``, ``base_2``...
        (spelled as given: a callee ``_helper`` keeps its underscore)."""
        if self.namer.is_taken(base):
            return self.namer.version(base)
        self.namer.reserve(base)
        return base

    def bind(self, name, obj, source_func, node, helper=False):
        """Bind a free name module-wide, renaming it in ``node`` if taken by another object.

        ``helper=True`` marks s2sad's own names (numpy, runtime helpers), which
        never need refreshing from the user's scope.
        """
        known = {**self.free, **self.helpers}
        if name in known and known[name] is not obj:
            here = {n.id for n in gast.walk(node) if isinstance(n, gast.Name)}
            new = self.fresh(name)
            while new in here:   # (a local of the callee's code: `zeros_like_1 = ...`)
                new = self.fresh(name)
            # the reads of this object only: a user's name spelled like a helper and the
            # helper's are told apart by their marks (see emit_shadowed.helper_alias)
            other = anno.USER_NAME if helper else anno.HELPER_NAME
            for n in gast.walk(node):
                if isinstance(n, gast.Name) and n.id == name \
                        and not isinstance(n.ctx, gast.Store) and not anno.get(n, other):
                    n.id = new
            if source_func is not None:
                source_func = reading_as(source_func, name, new)
            name = new
        if helper:
            self.helpers[name] = obj
            self.namer.reserve(name)
            return
        self.free[name] = obj
        if source_func is not None:
            self.free_source.setdefault(name, source_func)
        self.namer.reserve(name)


def reading_as(func, name, new):
    """A function sharing ``func``'s closure cells and globals that reads ``func``'s
    free name ``name`` as ``new``: where the API reads the current value of a free
    name renamed in the generated module (two wrappers of stacked decorators each
    close over their own ``fn``; a closure's ``factor`` and a helper's global
    ``factor``).  A closure variable is renamed in the code; a global is looked up
    under its own name (``api._current`` follows ``_s2sad_reading_as``)."""
    code = func.__code__
    if name in code.co_freevars:
        code = code.replace(co_freevars=tuple(new if v == name else v
                                              for v in code.co_freevars))
    reader = types.FunctionType(code, func.__globals__, func.__name__, func.__defaults__,
                                func.__closure__)
    setattr(reader, anno.READING_AS, (func, name, new))   # how to make it again (api holds it weakly)
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


def expand_varargs(fn, arity):
    """Rewrite ``def f(a, *rest)`` as ``def f(a, rest_0, ..., rest_k)`` with
    ``rest = (rest_0, ..., rest_k)`` as its first statement; returns the new names."""
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
    derivative = anno.derivative_made(callee)
    if derivative is not None:
        raise UnsupportedSyntaxError(
            f"{callee.__name__} is a derivative s2sad computed ({derivative}): s2sad "
            f"differentiates through calls of grad, value_and_grad, jvp and hvp, not of a "
            f"vjp, hessian or jacobian", site,
            hint="call s2sad.grad(f) or s2sad.hvp(f) (along each axis for a Hessian); a vjp "
                 "along u is the grad of a function returning np.sum(f(x) * u)")
    sig = signature(callee)
    if any(p.kind == p.VAR_POSITIONAL for p in sig.parameters.values()):
        arity = len(call.args)   # *args: specialize the callee to this many arguments
        sig = inspect.Signature([inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                                 for n in expanded_parameters(callee, arity)])
    try:
        bound = sig.bind(*call.args, **{k.arg: k.value for k in call.keywords})
    except TypeError as exc:
        composed = callee.__dict__.get(anno.COMPOSED_AS)
        if composed is not None:   # a derivative called inside: as the API binds it
            found = bind_as_the_api(callee, sig, call, site, composed)
            if found is not None:
                return found, arity
            raise unbound_default_error(callee, sig, call, site, composed) from None
        raise UnsupportedSyntaxError(f"cannot match the call to {callee.__name__}: {exc}",
                                     site) from None
    return bound.arguments, arity


def writing_primal(stmt, bindings):
    """``out = helper(a, r)`` (a call of a function writing into its arguments, see
    ``normalize.functionalize``) as it runs where no derivative goes through it:
    ``out = call_writing(helper, ('r',), a, r)``, which gives ``(result, new r)``."""
    call = stmt.value
    written = anno.get(call, anno.WRITES)
    helper = registry.runtime_helper("call_writing")
    bindings["call_writing"] = helper
    new = nodes.call("call_writing", [nodes.clone(call.func), nodes.tuple_(
        [nodes.const(p) for p in written])] + list(call.args),
        [(k.arg, k.value) for k in call.keywords])
    anno.set(new, anno.CALLEE, helper)
    out = nodes.assign(nodes.clone(stmt.targets[0]), new)
    anno.copy(stmt, out, anno.SOURCE)
    return out
