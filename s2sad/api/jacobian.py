"""Full Jacobians from one-hot directions: forward mode needs one sweep per input
element, reverse mode one per output element; ``mode="auto"`` takes the cheaper,
and says so (a :class:`JacobianPlan`).
"""

from dataclasses import dataclass
import inspect

import numpy as np

from .. import pipeline, trees
from ..errors import S2sadError
from ..syntax import wrappers
from ..syntax import anno
from ..values import refuse_complex_arguments, refuse_value
from ..runtime.duck import size_of
from ..runtime.undetermined import refuse_undetermined, watching
from ..syntax.callers import POSITIONS
from .arguments import arguments, check_positions, parameters, signature
from .composable import differentiable
from .directions import block, directions, one_hot, runs_effects, size, zero
from .draws import refuse_different_runs, refuse_unrestorable, saved_states
from .foreign import refuse_foreign_arguments
from .forward import forward_bound
from .matching import match_derivative
from .numba_backend import check_backend, refuse_numba
from .reverse import vjp
from .transformed import wrapped_like

JACOBIAN_MODES = ("auto", "forward", "reverse")


@dataclass(frozen=True)
class JacobianPlan:
    """How a Jacobian was computed, and why."""

    mode: str            # "forward" or "reverse"
    sweeps: int          # jvp sweeps (forward) or pullback sweeps (reverse)
    inputs: int          # elements of the wrt arguments
    outputs: int         # elements of the output
    reason: str

    def __str__(self):
        return (f"{self.mode} mode, {self.sweeps} sweep(s): {self.inputs} input element(s), "
                f"{self.outputs} output element(s); {self.reason}")


def choose_mode(inputs, outputs, mode="auto"):
    """The :class:`JacobianPlan` for a Jacobian of ``outputs`` x ``inputs`` elements."""
    if mode == "forward":
        return JacobianPlan("forward", inputs, inputs, outputs, "forward mode was requested")
    if mode == "reverse":
        return JacobianPlan("reverse", outputs, inputs, outputs, "reverse mode was requested")
    if inputs < outputs:
        return JacobianPlan("forward", inputs, inputs, outputs,
                            "fewer inputs than outputs: one forward sweep per input element")
    return JacobianPlan("reverse", outputs, inputs, outputs,
                        "no more outputs than inputs: one reverse sweep per output element")


def jacobian(func=None, wrt=0, mode="auto", explain=False, backend="numpy"):
    """The Jacobian of ``func``: an array of shape ``output.shape + input.shape``.

    ``wrt`` is a parameter index or name, or a tuple of them (then a tuple of
    Jacobians).  Containers are laid out as ``jax.jacobian`` lays them out: with
    respect to a list, tuple or dict argument, the Jacobian is that container
    holding a block ``output.shape + leaf.shape`` per leaf; of a list, tuple or
    dict output, it is that container holding, per output leaf, what the
    Jacobian of that leaf alone would be.

    ``mode`` is ``"forward"`` (one jvp sweep per input element), ``"reverse"``
    (one pullback per output element) or ``"auto"``: forward when the inputs have
    fewer elements than the output (learnt from one reverse sweep), else reverse; where
    one mode cannot differentiate ``func`` (an adjoint rule without a tangent rule), the
    other.  The returned function records its
    last choice as ``.last_plan`` (a :class:`JacobianPlan`); with
    ``explain=True`` it returns ``(jacobian, plan)``.  ``backend="numba"`` is refused
    (reverse-mode Jacobians go through vjp's pullback closures; use s2sad.jvp with
    ``backend="numba"`` per input direction).
    """
    check_backend(backend, "jacobian")
    if backend == "numba":
        raise refuse_numba("jacobian", "its reverse mode calls vjp's pullback, a Python closure "
                                       "numba-compiled code cannot return; call s2sad.jvp(f, "
                                       "backend='numba') once per input direction instead")
    if func is None:
        return lambda f: jacobian(f, wrt, mode, explain)
    if mode not in JACOBIAN_MODES:
        raise S2sadError(f"unknown Jacobian mode {mode!r}", hint=f"choose one of {JACOBIAN_MODES}")
    func = differentiable(func)   # jacobian(grad(f)): through its code
    wrt_names, many = pipeline.resolve_wrt(func, wrt)
    params = parameters(func)
    positions = [params.index(w) for w in wrt_names]
    transforms = {}

    def transform(kind):
        if kind not in transforms:
            if kind.startswith("forward"):   # the generated jvp itself (quiet: see below)
                transforms[kind] = forward_bound(func, wrt_names, quiet=kind != "forward")
            else:
                # a 1-tuple wrt would make vjp expect a tuple of gradients: pass the name
                spec = wrt_names if len(wrt_names) > 1 else wrt_names[0]
                transforms[kind] = vjp(func, spec)
        return transforms[kind]

    def jac(*args, **kwargs):
        refuse_complex_arguments(args, kwargs, func.__name__)
        refuse_foreign_arguments(func, args, kwargs)   # (a deque, a set: see foreign)
        check_positions(func, args, kwargs)   # (Python's words: the partial's own)
        try:
            values = arguments(func, args, kwargs)
        except TypeError as exc:   # (Python's words name no function)
            raise TypeError(f"the jacobian of {func.__name__} takes {func.__name__}'s own "
                            f"arguments, {func.__name__}{signature(func)[0]}: {exc}") from None
        xs = [values[p] for p in positions]
        inputs = sum(size(x) for x in xs)
        swept = refused = plan = None
        states = saved_states(func, values) if mode != "reverse" and inputs else None
        if mode == "auto":
            swept, refused, plan = _auto(lambda: transform("reverse"), values, func, inputs)
        if swept is not None and plan.mode == "forward":   # (the mode that has the rules)
            plan = _forward_or_reverse(transform, plan)
        kind = "forward" if refused is not None else plan.mode if plan is not None else mode
        if kind == "forward":
            blocks, out = _forward_jacobian(transform, values, xs, ran=swept is not None,
                                            states=states)
        else:
            blocks, out = _reverse_jacobian(transform("reverse"), values, xs, func, swept)
        jac.last_plan = plan = _final_plan(plan, refused, inputs, size(out), mode)
        # per output leaf: a tuple over the wrt arguments (several) or the one Jacobian
        result = trees.unflatten(out, [tuple(per_wrt) if many else per_wrt[0]
                                       for per_wrt in blocks])
        return (result, plan) if explain else result

    jac.last_plan = None
    wrapped_like(jac, func)
    jac.__name__ = jac.__qualname__ = f"{func.__name__}_jacobian"
    setattr(jac, anno.DERIVATIVE, "jacobian")
    return jac


def check_output(out, func, rerun=None):
    """Refuse an output with no Jacobian: None, a string, a complex value (a list,
    tuple or dict of numbers and arrays has one per leaf); ``rerun``: see
    ``values.refuse_value``."""
    refuse_value(out, "the output", func.__name__, func, rerun)




def _forward_jacobian(transform, values, xs, ran=False, states=None):
    """One jvp sweep per input element: ``(blocks, out)``, ``blocks[o][j]`` the
    Jacobian of leaf ``o`` of the output with respect to ``xs[j]``, with that
    argument's structure: for a container argument, a container of the same
    structure whose leaf ``l`` is the block ``o.shape + l.shape``.  ``transform(kind)``
    gives the jvp's bound; the sweeps after the first (all of them where auto's reverse
    sweep ``ran``) run its "forward quiet" code, without the calls made for their
    effect (print...), which Python's function runs once; ``states`` (``draws``) are
    put back before every sweep but the first run of the code."""
    bound = transform("forward")
    # (one run per input element, each drawing what the first run drew: api.draws)
    refuse_unrestorable(bound.func, "jacobian (forward mode)", size(xs) + ran)
    noisy = runs_effects(bound)
    if ran and noisy:
        bound = transform("forward quiet")
    flat = [trees.leaves(x) for x in xs]
    columns = None   # columns[o][j][l]: raveled columns, one per element of leaf l
    out = None
    for j, l, tangents in directions(xs):
        if columns is not None and noisy:
            bound = transform("forward quiet")
        if (columns is not None or ran) and states is not None:
            states.restore()
        with watching() as undetermined:
            out, t = bound(*values, *tangents)
        refuse_undetermined(undetermined, t)
        if columns is None:
            check_output(out, bound.func, rerun=lambda: bound(*values, *tangents))
            columns = [[[[] for _ in ls] for ls in flat] for _ in trees.leaves(out)]
            first = out
        else:   # (a state none of them reached: refused, never mixed; see api.draws)
            refuse_different_runs(first, out, bound.func, "jacobian (forward mode)",
                                  size(xs) + ran)
        for o, to in enumerate(trees.leaves(match_derivative(t, out, bound.func))):
            columns[o][j][l].append(np.ravel(to))
    if out is None:  # no input elements at all: one primal evaluation for the shape
        out, _ = bound(*values, *[trees.zeros_like(x) for x in xs])
        check_output(out, bound.func)
        columns = [[[[] for _ in ls] for ls in flat] for _ in trees.leaves(out)]
    blocks = [[trees.unflatten(x, [block(cols, lo, leaf, False)
                                   for leaf, cols in zip(ls, columns[o][j])])
               for j, (x, ls) in enumerate(zip(xs, flat))]
              for o, lo in enumerate(trees.leaves(out))]
    return blocks, out


def _auto(make_vjp, values, func, inputs):
    """``(swept, refused, plan)`` of ``mode="auto"``: the output's size decides, read
    from a reverse sweep (the generated code writes into copies of the arguments, which
    the user's function itself would change), kept (``swept``) for the pullbacks when
    reverse mode is the cheaper; ``refused``: reverse mode's refusal, when its code is
    made (``make_vjp()``) or when it runs (forward mode may still differentiate the
    function), else None."""
    try:
        swept = _swept(make_vjp(), values, func)
    except S2sadError as exc:
        return None, exc, None
    check_output(swept[0], func)
    return swept, None, choose_mode(inputs, size(swept[0]), "auto")


def _final_plan(plan, refused, inputs, outputs, mode):
    """The plan the Jacobian was computed by: forward mode where reverse mode ``refused``
    it, else auto's ``plan``, else the requested ``mode``'s."""
    if refused is not None:
        return JacobianPlan("forward", inputs, inputs, outputs,
                            f"reverse mode cannot differentiate it ({type(refused).__name__}): "
                            f"one forward sweep per input element")
    return plan if plan is not None else choose_mode(inputs, outputs, mode)


def _forward_or_reverse(transform, plan):
    """``plan`` (auto's choice of forward mode) where forward mode's code can be made,
    else reverse mode's plan, whose sweep already ran: a rule with an adjoint and no
    tangent (``@s2sad.adjoint`` alone) leaves reverse mode the only one."""
    try:
        transform("forward")
    except S2sadError as exc:
        return JacobianPlan("reverse", plan.outputs, plan.inputs, plan.outputs,
                            f"forward mode cannot differentiate it ({type(exc).__name__}): "
                            f"one reverse sweep per output element")
    return plan


def _swept(vjp_fn, values, func):
    """``(out, pullback)`` of the vjp ``vjp_fn`` at the arguments ``values``."""
    sig, names, _ = signature(func if wrappers.is_forwarding(func) else inspect.unwrap(func))
    count = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                for p in sig.parameters.values())
    held = func.__dict__.get(POSITIONS) if inspect.isfunction(func) else None
    if held is not None:   # (a partial's: see syntax.callers)
        count = min(count, held[0])
    # the vjp takes the user's arguments as the user does: keyword-only ones by name
    return vjp_fn(*values[:count], **dict(zip(names[count:], values[count:])))


def _reverse_jacobian(vjp_fn, values, xs, func, swept=None):
    """One pullback per output element: the Jacobian laid out as in
    :func:`_forward_jacobian` (``swept``: the vjp's ``(out, pullback)`` at ``values``
    already made, or None)."""
    out, pullback = swept if swept is not None else _swept(vjp_fn, values, func)
    check_output(out, func)
    flat = [trees.leaves(x) for x in xs]
    outs = trees.leaves(out)
    rows = [[[[] for _ in ls] for ls in flat] for _ in outs]   # rows[o][j][l]
    for o, lo in enumerate(outs):
        if not trees.is_numeric(lo):
            continue   # an output that is a setting: no row
        for index in range(int(size_of(lo))):
            moved = [zero(v) for v in outs]
            moved[o] = one_hot(lo, index)
            grads = pullback(trees.unflatten(out, moved))
            if len(xs) == 1:
                grads = (grads,)
            for j, g in enumerate(grads):
                for l, gl in enumerate(trees.leaves(g)):
                    rows[o][j][l].append(np.ravel(gl))
    blocks = [[trees.unflatten(x, [block(r, lo, leaf, True)
                                   for leaf, r in zip(ls, rows[o][j])])
               for j, (x, ls) in enumerate(zip(xs, flat))]
              for o, lo in enumerate(outs)]
    return blocks, out
