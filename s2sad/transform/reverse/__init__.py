"""Reverse mode: normalized function -> forward sweep + backward sweep.

Input: a :class:`NormalFunction` (straight-line SSA body ending in a return),
the ``wrt`` parameter names, and a flavor:

* ``"value_and_grad"``: one function ``f_value_and_grad(*params)`` that
  computes the scalar output, seeds its adjoint with 1, and returns
  ``(value, gradient)`` (a tuple of gradients when several ``wrt``);
* ``"vjp"``: ``f_vjp(*params)`` returning ``(value, f_pullback)`` where
  ``f_pullback(*cotangents)`` returns the gradients and may be called often.

Output: a :class:`Generated` whose function holds the primal statements
(forward sweep) followed by the adjoint statements in reverse order, each
adjoint block preceded by a comment quoting its source line.  Adjoints are
named ``<name>_bar``; only active names get one (see ``analysis.activity``).
Broadcasting is undone by ``unbroadcast`` calls that :meth:`.env.Adjoints.unbroadcast`
writes, left out where the shape analysis proves nothing was broadcast.  Two
rewrites keep the sweep as lean as a hand-written one: an elementwise
temporary that only a sum reads differentiates together with the sum
(``analysis.facts.fused_products``), and a loop temporary whose shape nothing
else tells keeps an unreduced adjoint until its own definition reduces it
(``ReverseFacts.defers_reduction``), so it is not taped for its shape.

The jobs, one module each: :mod:`.assembly` (facts, linking, seeds, the two
sweeps of one function), :mod:`.flavors` (the generated function of each
flavor), :mod:`.linking` (calls of user functions), :mod:`.forward_sweep`,
:mod:`.backward` (blocks, branches, loops), :mod:`.statements` (one simple
statement), :mod:`.subscripts` (item reads and writes), :mod:`.env` (the
adjoints held during the sweep), :mod:`.loops` (facts of loops).  The facts
are computed before the sweeps (``analysis.reverse_facts``); the clean-up of
the whole function is the optimize pass the pipeline runs next.
"""

from ...optimize import optimize
from ..callees import Derivative
from ..calls import CallGraph, Callee
from .assembly import ReverseFunction
from .flavors import value_and_grad, vjp

FLAVORS = ("value_and_grad", "vjp")


def reverse(nf, wrt, flavor="value_and_grad", calls=None, name=None, kinds=None, ranks=None):
    """The reverse-mode function of ``nf`` (see the module docstring), before the
    optimize pass (``s2sad.optimize.optimize``) removes its dead assignments.

    ``calls`` is the module's :class:`~s2sad.transform.calls.CallGraph` (calls to
    user functions are differentiated through it); ``name`` overrides the
    generated function's name; ``kinds``: the parameters' kinds when known
    (``{name: kind}``, see ``analysis.kinds``); ``ranks``: ``{parameter: ndim}`` where
    the code is specialized on the arguments' ranks (see ``analysis.ranks``).
    """
    if flavor not in FLAVORS:
        raise ValueError(f"unknown reverse flavor {flavor!r}")
    if calls is None:
        calls = CallGraph()
    parts = ReverseFunction(nf, tuple(wrt), flavor, calls, name, kinds, VJP, ranks)
    return value_and_grad(parts) if flavor == "value_and_grad" else vjp(parts)


def _vjp_transform(normal, wrt, calls, name, callee, kinds):
    """The vjp of a callee (see :mod:`s2sad.transform.callees`), optimized."""
    return optimize(reverse(normal, wrt, "vjp", calls=calls, name=name, kinds=kinds))


def _vjp_record(name, wrt, normal, returns_tuple):
    """What a call site of a callee's vjp reads."""
    return Callee(name=name, returns_tuple=returns_tuple, wrt=wrt)


#: a user function's vjp, made by :func:`~s2sad.transform.callees.derivative_for`
VJP = Derivative("vjp", (), _vjp_record, _vjp_transform)
