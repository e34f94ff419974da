"""Forward mode: normalized function -> Jacobian-vector product code.

Input: a :class:`~s2sad.syntax.normalize.NormalFunction` (SSA/ANF body
ending in a return), the ``wrt`` parameter names, and optionally which
returned values need a tangent.

Output: a :class:`Generated` holding ``f_jvp(*params, *<wrt>_dot)`` that
returns ``(value, value_dot)``: the function's own return value and the
tangent of it (a tuple of tangents when ``f`` returns a tuple).  Each primal
statement is followed by its tangent statement; tangents are named
``<name>_dot`` and exist only for names that depend on a ``wrt`` input
(forward activity, ``analysis.activity``).  Each block is preceded by a
comment quoting the source line it comes from.

How tangents are represented while transforming:

* an inactive value has a *symbolic zero* tangent (:func:`zero`); a rule's
  terms multiplied by it are dropped at generation time, so no ``0 * e``,
  ``+ 0.0`` or zero array is ever computed unless a zero really has to be
  materialised (an element of ``np.concatenate([a_dot, zeros_like(b)])``);
* a tangent may be *narrow*: ``y = a + b`` with ``b`` inactive gives
  ``y_dot = a_dot``, which can be smaller than ``y`` when ``b`` broadcasts
  ``a``.  Elementwise operations take narrow tangents as they are (numpy
  broadcasting does the rest); a narrow tangent that reaches anything else
  (a reduction, a product of matrices, an index, the output) is broadcast to
  its primal's shape once, where it is defined (``broadcast_like``).

Statements are visited by a recursive visitor over statement lists
(:mod:`.forward_sweep`); tangent statements go inline, inside the same
blocks as the primal ones (forward mode needs no tape).

Control flow.  The tangent of a primal name ``v`` lives, where it has to be
a variable, in one *canonical* variable ``v_dot`` (:meth:`~.forward_env.TangentEnv.tangent_var`).
Between control-flow points a tangent may be symbolic (a zero, an alias of
another name's tangent, a narrow tangent); at the points where paths join it
is made canonical (:meth:`~.forward_env.TangentEnv.canonicalize`):

* ``if``: each branch is transformed from the same entry state; every name
  whose tangent differs between the two ends of the branches (the merge
  copies, and arrays written in one branch) is put in its canonical variable
  at the end of both branches, a zero as ``zeros_like(v)`` (or ``0.0`` when
  ``v`` holds a Python number), so a tangent that is zero in one branch and
  real in the other is materialized in the first;
* ``for``/``while``: activity is the fixpoint over the whole body, so a
  carried name (``anno.CARRIED``) that is constant on entry but varied
  inside has a tangent too.  Each varied carried name, and each array the
  body writes into, gets its canonical tangent before the loop (zeros where
  the entry value is constant; a private copy for arrays written in place)
  and again at the end of the body, so every iteration starts from the same
  state.  Rebinding a canonical variable that another tangent still aliases
  first saves the old value (:meth:`~.forward_env.TangentEnv.release`).

Calls of the user's own functions.  ``y = helper(a, b)`` with a varied
argument becomes ``y, y_dot = helper_jvp(a, b, a_dot=<tangent of a>)``:
:func:`jvp_for` generates the jvp of each callee once per set of varied
parameters into the module's :class:`~s2sad.transform.calls.CallGraph`
(recursion refers to it by name), tangents passed by keyword.

Tape operations (forward over reverse).  The gradient code reverse mode
generates saves values on a tape; :mod:`s2sad.transform.second_order`
rewrites ``tape.push(v)`` and ``v = tape.pop()`` into calls of the
``tape_push``/``tape_pop`` markers, with a *key* that pairs each push with its
pops (the name pushed).  A key carries tangents when any value pushed under
it is varied; then every push of that key also pushes the tangent (zeros
where the value is constant) right after the value, and every pop of it pops
the tangent first.  The order of pushes and pops stays consistent because
the decision is made per key, not per statement.

Where the pieces live: the facts known before the sweep (activity, tape keys,
kinds, known scalars, shape-sensitive names, loop heads) in
:mod:`s2sad.analysis.forward_facts`; tangent records and symbolic zeros in
:mod:`.forward_values`; the environment of tangents in :mod:`.forward_env`; the
walk over statements and control flow in :mod:`.forward_sweep`; tangents of
operations and user calls in :mod:`.forward_rules`; of containers, indexing and
writes in :mod:`.forward_data`.  This module assembles the jvp function.
"""

import copy
from dataclasses import dataclass

import gast

from ..analysis.forward_facts import forward_facts
from ..analysis.attribute_reads import refuse_differentiated_attributes
from ..analysis.object_items import refuse_differentiated_object_items
from ..analysis.sequence_products import refuse_products_of_sequences
from ..syntax import nodes
from .callees import Derivative, derivative_for
from .common import Generated, unshared_results
from .forward_env import TangentEnv
from .forward_sweep import ForwardSweep


def forward(nf, wrt, tangent_outputs=None, name=None, calls=None, tangent_params=None,
            kinds=None, signature=False):
    """Generate the forward-mode function of ``nf`` with respect to ``wrt``.

    ``tangent_outputs``: indices of the returned tuple whose tangents are
    returned (default: all, mirroring the output); ``name``: the generated
    function's name (default ``<f>_jvp``); ``calls``: the module's
    :class:`~s2sad.transform.calls.CallGraph`, which receives the jvp of every
    user function called with varied arguments (see :func:`jvp_for`);
    ``tangent_params``: names for the tangent parameters (wrt name -> name);
    ``kinds``: the parameters' kinds when known (see ``analysis.kinds``);
    ``signature``: the function keeps the user's signature (a written module, see
    :func:`_function`).
    Returns a :class:`Generated` (flavor ``"jvp"``); ``nf`` is not changed.
    """
    wrt, tangent_params = tuple(wrt), dict(tangent_params or {})
    ret = nf.node.body[-1]
    if not isinstance(ret, gast.Return):  # pragma: no cover - normalize guarantees it
        raise AssertionError("a normalized function ends with its return")
    primal = nf.node.body[:-1]
    out_atoms = list(ret.value.elts) if isinstance(ret.value, gast.Tuple) else [ret.value]
    facts = forward_facts(primal, wrt, out_atoms, dict(kinds or {}), nf.params)
    refuse_products_of_sequences(primal, facts.kinds, facts.varied.__contains__, nf.parsed)
    # (forward mode: any read of a varied object's attribute, a tangent would be dropped)
    item_checks = refuse_differentiated_object_items(primal, facts.varied.__contains__, bool,
                                                     nf.parsed, kinds)   # (checked when run)
    refuse_differentiated_attributes(primal, facts.varied.__contains__, bool, nf.parsed,
                                     kinds, need="tangent")
    env = TangentEnv(nf.namer, facts.sensitive, dict(getattr(nf, "helpers", None) or {}))
    params = _seed(env, wrt, tangent_params)
    comments = []
    out = ForwardSweep(nf.parsed, primal, env, facts, calls, jvp_for, comments,
                       item_checks).block(primal)
    body = _finish(nf, env, out, out_atoms, tangent_outputs, params, comments)
    return Generated(node=_function(nf, name, body, params, tangent_params, signature),
                     comments=comments,
                     bindings=env.bindings, wrt=wrt, flavor="jvp", reads=env.reads)


def _seed(env, wrt, tangent_params):
    """The tangent parameters of ``wrt`` (named by ``tangent_params`` where given),
    recorded in ``env`` as the parameters' tangents; returns their names."""
    params = []
    for p in wrt:
        if p in tangent_params:
            env.name_tangent(p, tangent_params[p])
        tname = env.tangent_var(p)
        params.append(tname)
        env.assigned(tname, p)
    return params


def _finish(nf, env, out, out_atoms, tangent_outputs, params, comments):
    """The jvp's body: the entry checks, the swept statements ``out``, and the return of
    ``(value, tangent)`` (results that may share memory guarded), dead code removed."""
    ret = nf.node.body[-1]
    selected = tangent_outputs
    if selected is None:
        selected = tuple(range(len(out_atoms))) if isinstance(ret.value, gast.Tuple) else 0
    if isinstance(selected, int):
        results = [env.materialize(env.tangent_of(out_atoms[selected]))]
    else:
        results = [env.materialize(env.tangent_of(out_atoms[i])) for i in selected]
    results, given = unshared_results(results, out, list(nf.params) + params,
                                      [ret.value], env.bindings, env.helper,
                                      env.namer.fresh, comments, items_apart=True)
    tangent_expr = results[0] if isinstance(selected, int) else nodes.tuple_(results)
    out = [s for _, kept in given for s in kept] + out
    checks = [copy.deepcopy(c) for c in getattr(nf, "entry_checks", ())]
    if checks:   # before anything reads an argument
        env.helper("ensure_unshared")
        out = checks + out
    body = out + [nodes.ret(nodes.tuple_([copy.deepcopy(ret.value), tangent_expr]))]
    return body   # the optimize pass removes what nothing reads (see pipeline)


def _function(nf, name, body, params, tangent_params, signature=False):
    """The jvp's ``FunctionDef``: a callee's keeps its parameters' kinds and defaults,
    its tangents keyword-only; a top-level one takes everything by position, or, with
    ``signature`` (a written module, called as the user's function is), keeps the user's
    kinds and defaults, the tangents after the positional parameters (keyword-only where
    one of those has a default: ``f_jvp(x, w=2.0, *, x_dot, scale=3.0)``)."""
    fn = nf.node
    if signature and not tangent_params:
        args, kwonly = [a.id for a in fn.args.args], [a.id for a in fn.args.kwonlyargs]
        kw_defaults = copy.deepcopy(fn.args.kw_defaults)
        if fn.args.defaults:
            return nodes.function(name or f"{fn.name}_jvp", args, body,
                                  defaults=copy.deepcopy(fn.args.defaults),
                                  kwonly=params + kwonly,
                                  kw_defaults=[None] * len(params) + kw_defaults)
        return nodes.function(name or f"{fn.name}_jvp", args + params, body, kwonly=kwonly,
                              kw_defaults=kw_defaults)
    if tangent_params:
        # a callee's jvp, called from generated code: its parameters keep their
        # kinds and defaults, and the tangents are keyword-only (passed by name)
        return nodes.function(
            name or f"{fn.name}_jvp", [a.id for a in fn.args.args], body,
            defaults=copy.deepcopy(fn.args.defaults),
            kwonly=[a.id for a in fn.args.kwonlyargs] + params,
            kw_defaults=copy.deepcopy(fn.args.kw_defaults) + [None] * len(params))
    # a top-level jvp takes every value by position (keyword-only parameters
    # too), then the tangents: no defaults, which would fall on the tangents
    return nodes.function(name or f"{fn.name}_jvp", list(nf.params) + params, body)


@dataclass
class ForwardCallee:
    """A user function's generated jvp: ``name(*params, **{tangents[p]: p_dot})``."""

    name: str
    wrt: tuple
    tangents: dict          # parameter -> the name of its tangent parameter
    returns_tuple: bool


def jvp_for(calls, func, wrt, location, arity=None, kinds=()):
    """The jvp of the user function ``func`` with respect to its parameters ``wrt``,
    generated into ``calls`` on first use (recursion refers to it by name), for the
    ``(parameter, kind)`` pairs ``kinds`` its call knows (see ``analysis.kinds``).

    Its tangent parameters follow the function's own; they are keyword-only
    when the function has defaults, and call sites always pass them by name.
    """
    def record(name, wrt, normal, returns_tuple):
        tangents = {p: normal.namer.tangent(p) for p in wrt}
        return ForwardCallee(name=name, wrt=wrt, tangents=tangents,
                             returns_tuple=returns_tuple)

    def transform(normal, wrt, calls, name, callee, kinds):
        return forward(normal, wrt, calls=calls, name=name, tangent_params=callee.tangents,
                       kinds=kinds)

    return derivative_for(calls, func, wrt, location, arity, kinds,
                          Derivative("jvp", ("jvp",), record, transform, merged_helpers=True))


