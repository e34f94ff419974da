"""The derivative of a user function a differentiated function calls, made once.

:func:`derivative_for` is the one service both modes use: reverse mode asks
for a callee's vjp, forward mode for its jvp, each passing its transform as a
:class:`Derivative`.  Input: the module's :class:`~s2sad.transform.calls.CallGraph`,
the callee, the parameters to differentiate, the call's location, the arity
a ``*args`` callee is specialized to and the kinds of the arguments the call
knows.  Output: the callee record the derivative's call sites read (its
generated name...); the generated function goes into ``calls.generated``
(callees first) and the names it reads into ``calls.free``/``calls.helpers``.
A callee already being generated is found by its key, so recursion refers to
it by name.
"""

import dataclasses
from dataclasses import dataclass
from typing import Callable

import gast

from ..errors import S2sadError, UnsupportedSyntaxError, seen_from_call
from ..frontend import front_end
from ..syntax import anno
from ..syntax.normalize import opaque_state
from ..syntax.normalize.effects import has_effects, without_effect_statements
from ..syntax.source import free_source
from ..syntax.wrappers import signature
from .calls import expand_varargs


@dataclass(frozen=True)
class Derivative:
    """What one kind of callee derivative brings to :func:`derivative_for`.

    ``kind``: ``"vjp"`` or ``"jvp"`` (the generated name's suffix);
    ``key``: the prefix of its keys in ``calls.callees``;
    ``record(name, wrt, normal, returns_tuple)``: the callee record call sites read;
    ``transform(normal, wrt, calls, name, record, kinds)``: the :class:`Generated`;
    ``merged_helpers``: the helpers of normalize and of the transform are bound
    together in name order (forward) rather than one after the other (reverse).
    """

    kind: str
    key: tuple
    record: Callable
    transform: Callable
    merged_helpers: bool = False


def derivative_for(calls, func, wrt, location, arity, kinds, derivative):
    """The callee record of ``func``'s ``derivative`` with respect to ``wrt`` (made on
    first use; see the module docstring).  A refusal met in the code s2sad generated
    for a derivative the user calls (``api.composable``) is placed at the call."""
    what = func.__dict__.get(anno.COMPOSED_AS)
    if what is None:
        return _derivative_for(calls, func, wrt, location, arity, kinds, derivative)
    try:
        return _derivative_for(calls, func, wrt, location, arity, kinds, derivative)
    except S2sadError as exc:
        raise seen_from_call(exc, location, what) from None


def _derivative_for(calls, func, wrt, location, arity, kinds, derivative):
    key = derivative.key + (func, tuple(wrt), arity, kinds)
    if key in calls.callees:
        return calls.callees[key]
    sig = signature(func)   # a wrapper passing *args, **kwargs on: what it passes
    for p in sig.parameters.values():
        if p.kind == p.VAR_KEYWORD:
            raise UnsupportedSyntaxError(
                f"calls to {func.__name__}, which takes **{p.name}, cannot be differentiated "
                f"yet", location, hint="list its parameters explicitly")
    params = [p.name for p in sig.parameters.values()]
    expanded = {}   # the parameters once ``*args`` is expanded, when it is

    def prepare(parsed):
        """A ``*args`` callee takes the call's arguments as parameters."""
        if parsed.node.args.vararg is not None:
            expanded["params"] = expand_varargs(parsed.node, arity or 0)

    parsed, normal = front_end(func, prepare=prepare, callee=True, kinds=dict(kinds))
    # (module state an opaque call changes and the callee reads: as for the function itself,
    # a wrapper's wrapped function among them)
    opaque_state.refuse(normal, reverse=derivative.kind != "jvp")
    if has_effects(normal.node):   # (print...: see CallGraph.quiet)
        calls.effects = True
        if calls.quiet:
            normal = dataclasses.replace(normal, node=without_effect_statements(normal.node))
    params = expanded.get("params", params)
    suffix = "" if len(wrt) == len(params) else "_" + "_".join(wrt)
    name = calls.fresh(f"{parsed.node.name}_{derivative.kind}{suffix}")   # (a lambda: its name)
    ret = normal.node.body[-1]
    callee = derivative.record(name, tuple(wrt), normal, isinstance(ret.value, gast.Tuple))
    calls.callees[key] = callee
    generated = derivative.transform(normal, tuple(wrt), calls, name, callee, dict(kinds))
    for free_name in sorted(normal.free_names):
        source = free_source(func, free_name)   # (None: s2sad's own helper)
        calls.bind(free_name, parsed.resolve(free_name, compose=False), source, generated.node,
                   helper=source is None)
    if derivative.merged_helpers:
        helpers = sorted({**getattr(normal, "helpers", {}), **generated.bindings}.items())
    else:
        helpers = list(normal.helpers.items()) + list(generated.bindings.items())
    for helper, obj in helpers:
        calls.bind(helper, obj, None, generated.node, helper=True)
    generated.bindings = {}
    calls.generated.append(generated)
    return callee
