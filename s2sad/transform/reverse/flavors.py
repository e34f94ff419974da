"""The two flavors of reverse mode, each assembling its generated function.

:func:`value_and_grad`: ``f_value_and_grad(*params)`` runs the forward sweep,
keeps the output's final value, runs the backward sweep and returns
``(value, gradient)``.  :func:`vjp`: ``f_vjp(*params)`` runs the forward sweep
and returns ``(value, f_pullback)``, whose backward sweep works on its own
copies of what it restores, so it can run any number of times.  Input: a
:class:`~.assembly.ReverseFunction`.  Output: a
:class:`~s2sad.transform.common.Generated` (before the optimize pass).
"""

import gast

from ...analysis.aliases import statements_in
from ...syntax import nodes
from ..common import Generated, unshared_results
from .loops import read_before_assigned, top_level_targets


def value_and_grad(rf):
    """The ``value_and_grad`` function of ``rf`` (see the module docstring)."""
    check_scalar = rf.seed_gradient()
    forward, backward, grads = rf.sweeps([], check_scalar)
    value_expr = nodes.clone(rf.ret.value)
    rebound, rewritten = _restored_by(backward)
    env = rf.env
    # the backward sweep restores earlier values: keep the output's final one
    snapshots = []
    for atom in (value_expr.elts if isinstance(value_expr, gast.Tuple) else [value_expr]):
        if isinstance(atom, gast.Name) and atom.id in rebound | rewritten:
            keep = env.namer.fresh(f"{atom.id}_out")
            value = nodes.name(atom.id)
            if atom.id in rewritten:
                value = env.copied(value)
            snapshots.append(nodes.assign(keep, value))
            atom.id = keep
    body = forward + snapshots + backward
    grads, given = unshared_results(grads, body, list(rf.nf.params), [value_expr],
                                    env.bindings, env.helper, env.namer.fresh, env.comments)
    grads = rf.in_structures(grads)
    grad_expr = grads[0] if len(grads) == 1 else nodes.tuple_(grads)
    body = [s for _, kept in given for s in kept] + body + [
        nodes.ret(nodes.tuple_([value_expr, grad_expr]))]
    fn = rf.nf.node
    new = nodes.function(rf.name or f"{fn.name}_value_and_grad", [a.id for a in fn.args.args],
                         body, **_signature_of(fn))
    return Generated(node=new, comments=env.comments, bindings=env.bindings, wrt=rf.wrt,
                     flavor=rf.flavor, adds_in_place=frozenset(env.adds_in_place),
                     reads=rf.reads)


def vjp(rf):
    """The ``vjp`` function of ``rf`` (see the module docstring)."""
    seed_params, seed_stmts = rf.seed_cotangents()
    forward, backward, grads = rf.sweeps(seed_stmts, [], seed_params)
    value_expr = nodes.clone(rf.ret.value)
    rebound, rewritten = _restored_by(backward)
    env, fn = rf.env, rf.nf.node
    pull_name = env.namer.fresh(f"{fn.name}_pullback")
    # the pullback restores into its own copies of the arrays it writes into, and points
    # every value it takes that views them into those copies (runtime.pullback_copies)
    copies = env.namer.fresh("copies") if rewritten else None
    _pop_copies(backward, rewritten, env, copies, rf.tape_read)
    # the pullback restores earlier values into names and arrays of the forward
    # sweep: it works on its own copies, so it can run any number of times; a name it
    # rebinds before any read of it (a value popped from the tape) needs no copy
    restored = rewritten | (rebound & (read_before_assigned(
        backward + [nodes.ret(nodes.tuple_([nodes.clone(g) for g in grads]))])
        | set(rf.nf.params)))
    # (the value returned, which the results are compared against at the pullback's
    # return, is read from final snapshots too: kept below where a comparison reads one)
    returned_only = (rebound & nodes.loads(value_expr)) - restored
    # a name assigned only inside a block may be unbound on some paths: start it
    # at None where the forward sweep may read it before assigning it (a push of it)
    # and where the snapshot below reads it (the pullback then never uses the None)
    top = top_level_targets(rf.primal) | set(rf.nf.params)
    unbound = ((rebound | rewritten) - top) & (restored | read_before_assigned(forward))
    forward = [nodes.assign(n, nodes.const(None)) for n in sorted(unbound)] + forward
    finals, starts = [], []
    for name in sorted(restored | returned_only):
        final = env.namer.fresh(f"{name}_final")
        finals.append(nodes.assign(final, nodes.name(name)))
        if name in returned_only:
            continue
        start = nodes.name(final)
        if copies is not None and name not in env.facts.scalars:
            start = _in_copies(env, copies, start, own=name in rewritten)
        starts.append(nodes.assign(name, start))
    if copies is not None:   # (the arrays copied first, then what may view them)
        starts = [nodes.assign(copies, nodes.call(env.helper("pullback_copies"), []))] + [
            s for s in starts if s.targets[0].id in rewritten] + [
            s for s in starts if s.targets[0].id not in rewritten]
    # the pullback restores forward names it rebinds (from copies, for arrays it
    # writes into): the value returned is the one its final snapshot holds
    final_of = {a.value.id: a.targets[0].id for a in finals}
    returned = nodes.clone(value_expr)
    for atom in nodes.names(returned):
        atom.id = final_of.get(atom.id, atom.id)
    grads, given = unshared_results(
        grads, forward + finals + starts + backward, list(rf.nf.params) + seed_params,
        [returned], env.bindings, env.helper, env.namer.fresh, env.comments)
    grads = rf.in_structures(grads)
    grad_expr = grads[0] if len(grads) == 1 else nodes.tuple_(grads)
    read = nodes.loads(grad_expr) | nodes.loads([s for _, kept in given for s in kept])
    finals = [a for a in finals if a.value.id not in returned_only or a.targets[0].id in read]
    # a cotangent is kept where the pullback starts, an argument where f_vjp does
    forward = [s for p, kept in given if p not in seed_params for s in kept] + forward
    starts = [s for p, kept in given if p in seed_params for s in kept] + starts
    pullback = nodes.function(pull_name, seed_params, starts + backward + [nodes.ret(grad_expr)])
    body = forward + finals + [pullback, nodes.ret(nodes.tuple_([value_expr,
                                                                  nodes.name(pull_name)]))]
    new = nodes.function(rf.name or f"{fn.name}_vjp", [a.id for a in fn.args.args], body,
                         **_signature_of(fn))
    return Generated(node=new, comments=env.comments, bindings=env.bindings, wrt=rf.wrt,
                     flavor=rf.flavor)


def _pop_copies(backward, rewritten, env, copies, tape):
    """An array popped from the tape is the tape's own object (the tape copy is
    shallow), and other entries may hold it too: one the pullback writes into is
    popped into the pullback's own copy of its memory, or the next call would see
    the values this one put back; any other value popped from the tape (``tape``:
    the pullback's copy of it) is pointed into those copies where it views their
    memory, as it would see the values put back in ``value_and_grad``.  ``copies``:
    the name of the pullback's :class:`~s2sad.runtime.pullback_copies.PullbackCopies`
    (None where it writes into nothing: nothing changes); a name known to hold a
    number is popped as it is.  (Changes the pop statements of ``backward``, made by
    this sweep, in place.)"""
    if copies is None:
        return
    for node in statements_in(backward):
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name) \
                and isinstance(node.value, gast.Call) \
                and isinstance(node.value.func, gast.Attribute) \
                and node.value.func.attr == "pop" \
                and (node.targets[0].id in rewritten or (
                    isinstance(node.value.func.value, gast.Name)
                    and node.value.func.value.id == tape
                    and node.targets[0].id not in env.facts.scalars)):
            node.value = _in_copies(env, copies, node.value,
                                    own=node.targets[0].id in rewritten)


def _in_copies(env, copies, value, own):
    """``own_copy(copies, value)`` (``own``: the pullback writes into it) or
    ``repointed(copies, value)``."""
    return nodes.call(env.helper("own_copy" if own else "repointed"),
                      [nodes.name(copies), value])


def _signature_of(fn):
    """The defaults and keyword-only parameters of ``fn``, for a generated function
    called with the user's own arguments."""
    return dict(defaults=nodes.clone(fn.args.defaults),
                kwonly=[a.id for a in fn.args.kwonlyargs],
                kw_defaults=nodes.clone(fn.args.kw_defaults))

def _restored_by(backward):
    """(names the backward sweep rebinds, arrays it writes into) among primal values."""
    rebound, rewritten = set(), set()
    assigns = [node for node in statements_in(backward)   # assignments are statements
               if isinstance(node, gast.Assign)]
    for node in assigns:
        if isinstance(node.value, gast.Call) and isinstance(node.value.func, gast.Attribute) \
                and node.value.func.attr == "pop":
            target = node.targets[0]
            if isinstance(target, gast.Name):
                rebound.add(target.id)
            elif isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
                rewritten.add(target.value.id)
    if not rewritten:   # (the views below only spread what is written)
        return rebound, rewritten
    # an array written through a view the sweep takes again (``row = mul[index]`` in a
    # loop over ``mul``'s rows) is written too: the pullback needs its own copy of it
    views = {}
    for node in assigns:
        if isinstance(node.targets[0], gast.Name):
            value = node.value
            while isinstance(value, gast.Subscript):
                value = value.value
            if isinstance(value, gast.Name) and value is not node.value:
                views.setdefault(node.targets[0].id, set()).add(value.id)
    todo = list(rewritten)
    while todo:
        for base in views.get(todo.pop(), ()):
            if base not in rewritten:
                rewritten.add(base)
                todo.append(base)
    return rebound, rewritten
