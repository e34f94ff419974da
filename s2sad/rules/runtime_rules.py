"""The derivative rules of the runtime helpers that generated gradient code calls.

They make generated gradient code differentiable in forward mode, which is
how s2sad computes second derivatives (forward over reverse: Hessians,
Hessian-vector products).  Each helper declares its rule beside its definition
in :mod:`s2sad.runtime`'s modules: most are linear in the adjoint ``g`` they
receive and only read the *shape* of their other array arguments, so they say
``@fact(linear=("g",))`` and their tangent (the helper applied to ``g_dot``) is
derived here by :func:`linear_helper`; the others (the ``*_bar`` helpers of
products, bilinear in ``g`` and the other factor; the slopes of ``a ** b``...)
write their tangent beside them with ``@tangent_beside``, registered here by
:func:`runtime_tangent`.

Helpers that compute masks, allocate zeros or check values carry no derivative:
they are declared below.
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
registry.declare(tape_pop, fresh=True)   # (each pop its own value, in a loop each trip's)
# run-time checks of Python's semantics (an unbound name, an in-place update)
nondifferentiable(rt.check_bound, rt.check_not_inplace, rt.check_not_shared, rt.UNBOUND,
                  rt.check_unpacked, rt.check_item_alone, rt.ensure_plain_item)
nondifferentiable(rt.check_item_update)
nondifferentiable(rt.shape_of, rt.size_of, rt.mean_count)
nondifferentiable(rt.call_writing)   # (only where no derivative goes through the call)
registry.declare(rt.call_writing, fresh=True)   # (it calls a function of the user's)
nondifferentiable(rt.zeros_tree)


def linear_helper(target, diff_params):
    """Register the tangent of the runtime helper ``target``, linear in ``diff_params``
    (declared ``@fact(linear=(...))`` above its definition): the helper applied to their
    tangents and to its other parameters as they are, ``sum_bar(g_dot, x, axis, keepdims)``."""
    sig = registry.signature_of(target)
    params = tuple(p.name for p in sig.parameters.values()
                   if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
    spelled = registry.facts(target).spelling or target.__name__
    template = registry.linear_template(target, params, tuple(diff_params),
                                        {target.__name__: target, "rt": rt}, target, spelled)
    rule = registry.install_tangent(target, template)
    rule.params = params
    rule.diff_params = tuple(diff_params)
    rule.defaults = {p.name: p.default for p in sig.parameters.values()
                     if p.default is not inspect.Parameter.empty}


# the tangent rules written beside their helpers (the second order of np.dot, np.sum...
# lives with their adjoint helpers), and those derived from a helper's linear fact
for _helper, _rule in helper_tangents():
    runtime_tangent(_helper)(_rule)
for _helper, _facts in declared():
    if isinstance(_facts.linear, tuple):
        linear_helper(_helper, _facts.linear)


# the output check of gradient code differentiated again (api.composable, second order):
# the value passes through it unchanged, its derivatives too (not checked again: a
# tangent no code reads is left out)
@registry.adjoint(rt.scalar_checked, nondiff=("function_name",))
def scalar_checked_adjoint(y, y_bar, value, function_name):
    return y_bar


@registry.tangent(rt.scalar_checked)
def scalar_checked_tangent(y, value, function_name, value_dot):
    return value_dot


# the SVD's second derivative forward over forward (svd_tangent's tangent): its own
# derivatives, the third, are not computed: zeros where nothing reaches them, else refused
# (its tangent is written beside it, runtime.linalg)
@registry.adjoint(rt.svd_tangent_dot,
                  nondiff=("y", "full_matrices", "compute_uv", "hermitian", "dy"))
def svd_tangent_dot_adjoint(r, r_bar, out, y, a, t, full_matrices, compute_uv, hermitian,
                            dy, da, dt):
    return (rt.svd_third_refused(r_bar, out), rt.svd_third_refused(r_bar, a),
            rt.svd_third_refused(r_bar, t), rt.svd_third_refused(r_bar, da),
            rt.svd_third_refused(r_bar, dt))


nondifferentiable(rt.svd_third_refused)   # (zeros, or a refusal)


# a vjp's pullback that writes into arrays calls these (runtime.pullback_copies; no rules:
# a pullback is never differentiated again): a user's local of one of these names is renamed
registry.HELPER_NAMES.update({"pullback_copies", "own_copy", "repointed"})
