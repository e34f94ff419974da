"""Tangent rules for the runtime helpers that generated gradient code calls, and the
registration of those written beside their helpers (``@tangent_beside`` in
:mod:`s2sad.runtime`).

They make generated gradient code differentiable in forward mode, which is
how s2sad computes second derivatives (forward over reverse: Hessians,
Hessian-vector products).  Most helpers are linear in the adjoint ``g`` they
receive and only read the *shape* of their other array arguments, so their
tangent is the helper applied to ``g_dot``; the ``*_bar`` helpers of
products are bilinear in ``g`` and the other factor.

Helpers that compute masks or allocate zeros carry no derivative.

The tangent rules of most helpers sit beside them in :mod:`s2sad.runtime`'s
modules; the ones here are those generated code spells ``rt.<helper>`` (through
``import s2sad.runtime as rt``): a rule's spelling is the generated code's, and a
runtime module does not import its own package under that name.
"""

import builtins
import inspect

from .. import runtime as rt
from ..runtime_forward import reversed_range, tape_pop, tape_push
from . import registry
from .records import declared, helper_tangents
from .registry import nondifferentiable


def runtime_tangent(target):
    """Register a tangent rule for a runtime helper that has no adjoint rule.

    The rule's parameters are read from the template ``(out, *params,
    *<param>_dot)``: the parameters with a ``_dot`` twin carry derivatives,
    the others (shapes, axes, indices, masks) do not.  Defaults come from
    the helper's own signature.
    """
    def register(fn):
        registry.tangent(target)(fn)
        rule = registry.lookup(target)
        names = rule.tangent.params[1:]
        params = tuple(p for p in names if not (p.endswith("_dot") and p[:-4] in names))
        if rule.adjoint is None:
            rule.params = params
            rule.diff_params = tuple(p for p in params if f"{p}_dot" in names)
            sig = registry.signature_of(target)
            rule.defaults = {} if sig is None else {
                p.name: p.default for p in sig.parameters.values()
                if p.default is not inspect.Parameter.empty}
        return fn
    return register


nondifferentiable(rt.zeros_like, rt.ensure_scalar_output, rt.ensure_unshared, rt.tie_mask,
                  rt.clip_mask,
                  rt.clip_lower_mask, rt.clip_upper_mask, rt.float_like, builtins.slice,
                  builtins.range, reversed_range)
# the tape markers of second-order code: the forward transform handles them itself
# (a pop has the tangent its paired pushes give it; see transform.forward)
nondifferentiable(tape_push, tape_pop)
# run-time checks of Python's semantics (an unbound name, an in-place update)
nondifferentiable(rt.check_bound, rt.check_not_inplace, rt.check_not_shared, rt.UNBOUND,
                  rt.check_unpacked, rt.check_item_alone)
nondifferentiable(rt.check_item_update)


@runtime_tangent(rt.add_item)
def add_item_tangent(out, bar, key, g, bar_dot, g_dot):
    return rt.add_item(bar_dot, key, g_dot)


@runtime_tangent(rt.list_bar)
def list_bar_tangent(out, g, g_dot):
    return rt.list_bar(g_dot)


@runtime_tangent(rt.extend_bar)
def extend_bar_tangent(out, g, more, g_dot):
    return rt.extend_bar(g_dot, more)


@runtime_tangent(rt.insert_bar)
def insert_bar_tangent(out, g, index, g_dot):
    return rt.insert_bar(g_dot, index)


@runtime_tangent(rt.delete_bar)
def delete_bar_tangent(out, g, index, item, g_dot):
    return rt.delete_bar(g_dot, index, item)


@runtime_tangent(rt.set_bar)
def set_bar_tangent(out, g, items, index, g_dot):
    return rt.set_bar(g_dot, items, index)


@runtime_tangent(rt.cast_bar)
def cast_bar_tangent(out, g, y, x, g_dot):
    return rt.cast_bar(g_dot, y, x)


@runtime_tangent(rt.stored_part)
def stored_part_tangent(out, g, index, g_dot):
    return rt.stored_part(g_dot, index)


nondifferentiable(rt.shape_of)


@runtime_tangent(rt.add_tree)
def add_tree_tangent(out, a, b, a_dot, b_dot):
    return rt.add_tree(a_dot, b_dot)


@runtime_tangent(rt.tree_like)
def tree_like_tangent(out, g, x, g_dot):
    return rt.tree_like(g_dot, x)


@runtime_tangent(rt.adjoint_copy)
def adjoint_copy_tangent(out, g, g_dot):
    return rt.adjoint_copy(g_dot)


@runtime_tangent(rt.repetition_bar)
def repetition_bar_tangent(out, g, items, g_dot):
    return rt.repetition_bar(g_dot, items)


@runtime_tangent(rt.iterable_bar)
def iterable_bar_tangent(out, g, items, g_dot):
    return rt.iterable_bar(g_dot, items)


@runtime_tangent(rt.times_bar)
def times_bar_tangent(out, g, x, n, g_dot):
    return rt.times_bar(g_dot, x, n)


@runtime_tangent(rt.plus_bar)
def plus_bar_tangent(out, g, a, b, g_dot):
    return rt.plus_bar(g_dot, a, b)


nondifferentiable(rt.zeros_tree)


@runtime_tangent(rt.dict_set_bar)
def dict_set_bar_tangent(out, g, d, key, g_dot):
    return rt.dict_set_bar(g_dot, d, key)


@runtime_tangent(rt.dict_item_bar)
def dict_item_bar_tangent(out, g, key, value, g_dot):
    return rt.dict_item_bar(g_dot, key, value)


@runtime_tangent(rt.dict_get_bar)
def dict_get_bar_tangent(out, g, d, key, g_dot):
    return rt.dict_get_bar(g_dot, d, key)


@runtime_tangent(rt.dict_entries_bar)
def dict_entries_bar_tangent(out, g, source, g_dot):
    return rt.dict_entries_bar(g_dot, source)


@runtime_tangent(rt.dict_entries_dot)
def dict_entries_dot_tangent(out, source, tangent, tangent_dot):
    return rt.dict_entries_dot(source, tangent_dot)


@runtime_tangent(rt.sorted_bar)
def sorted_bar_tangent(out, g, items, g_dot):
    return rt.sorted_bar(g_dot, items)


@runtime_tangent(rt.sorted_dot)
def sorted_dot_tangent(out, items, tangent, tangent_dot):
    return rt.sorted_dot(items, tangent_dot)


@runtime_tangent(rt.loop_items_bar)
def loop_items_bar_tangent(out, g, sequence, g_dot):
    return rt.loop_items_bar(g_dot, sequence)


@runtime_tangent(rt.loop_items_dot)
def loop_items_dot_tangent(out, sequence, tangent, tangent_dot):
    return rt.loop_items_dot(sequence, tangent_dot)


@runtime_tangent(rt.dict_default_bar)
def dict_default_bar_tangent(out, g, d, key, default, g_dot):
    return rt.dict_default_bar(g_dot, d, key, default)


# the tangent rules written beside their helpers (s2sad/runtime/products.py and
# reductions.py: the second order of np.dot, np.sum... lives with their adjoint helpers)
for _helper, _rule in helper_tangents():
    runtime_tangent(_helper)(_rule)


def linear_helper(target, diff_params):
    """Register the tangent of the runtime helper ``target``, linear in ``diff_params``
    (declared ``@fact(linear=(...))`` above its definition): the helper applied to their
    tangents and to its other parameters as they are, ``sum_bar(g_dot, x, axis, keepdims)``."""
    sig = registry.signature_of(target)
    params = tuple(p.name for p in sig.parameters.values()
                   if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
    template = registry.linear_template(target, params, tuple(diff_params),
                                        {target.__name__: target}, target)
    rule = registry.install_tangent(target, template)
    rule.params = params
    rule.diff_params = tuple(diff_params)
    rule.defaults = {p.name: p.default for p in sig.parameters.values()
                     if p.default is not inspect.Parameter.empty}


for _helper, _facts in declared():
    if isinstance(_facts.linear, tuple):
        linear_helper(_helper, _facts.linear)
