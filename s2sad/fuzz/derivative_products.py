"""The products the checker asks s2sad for in the reverse and forward modes, with their
references from the finite-difference Jacobian: the gradient (a scalar output) or a
vector-Jacobian product along a random cotangent of the output's structure, and a
Jacobian-vector product along random tangents of the arguments'; each checked on the way
for arguments, cotangents and tangents left unchanged, results in the arguments' layout,
and derivatives handed back as arrays of their own (never sharing memory with an input, the
value or another result, nor one leaf of an output tangent with another where the output's
leaves do not share).  The comparison of the numbers is the checker's."""

import numpy as np

from s2sad.fuzz.agreement import (_check_layout, _flatten, _full_jacobian_agrees, _grad_agrees,
                                  _jacobian_agrees, _layout_problem, _pulls_back_again,
                                  _unchanged)
from s2sad.fuzz.program import _random_like, _tree_copy, _tree_leaves, cotangent_like

def _arrays(values):
    found = []
    for v in values:
        if isinstance(v, np.ndarray):
            found.append(v)
        elif isinstance(v, dict):
            found.extend(_arrays(list(v.values())))
        elif isinstance(v, (list, tuple)):
            found.extend(_arrays(v))
    return found


def _check_unshared(results, inputs, among=True):
    """A derivative handed back must be an array of its own: never (a view of) an
    argument, a cotangent or tangent given, the returned value, or (``among``) another
    result."""
    results, held = _arrays(results), _arrays(inputs)
    for i, r in enumerate(results):
        for other in held + (results[:i] if among else []):
            if np.shares_memory(r, other):
                return "a returned derivative shares memory with an input, the value or " \
                       "another derivative"
    return None


def _shared_leaves(tangent, value):
    """Two leaves of an output tangent may share memory only where those of the output
    do (one array twice, ``[v, [w, v]]``, or two views of one, ``[v[0], v[:, -1]]``):
    elsewhere they must not."""
    t, v = _tree_leaves(tangent), _tree_leaves(value)
    for i in range(len(t)):
        for j in range(i):
            if isinstance(t[i], np.ndarray) and isinstance(t[j], np.ndarray) \
                    and np.shares_memory(t[i], t[j]) and v[i] is not v[j] \
                    and not (isinstance(v[i], np.ndarray) and isinstance(v[j], np.ndarray)
                             and np.shares_memory(v[i], v[j])):
                return f"leaves {j} and {i} of the output tangent share memory"
    return None


def _reverse_products(s2sad, prog, f, args, value, jac, rng):
    """Reverse mode on ``args``: the gradient (scalar output) or a vector-Jacobian product
    along a random cotangent of the output's structure, and its reference ``ct @ jac``.
    Returns (problem or None, s2sad's value, s2sad's flat product, the reference)."""
    wrt = tuple(prog.wrt)
    if prog.output == "scalar":
        got_value, grads = s2sad.value_and_grad(f, wrt=wrt)(*args)
        expected = jac[0]
        problem = _unchanged(prog, args, "value_and_grad")
        if problem:
            return problem, got_value, None, None
    else:
        got_value, pullback = s2sad.vjp(f, wrt=wrt)(*args)
        problem = _unchanged(prog, args, "vjp")
        if problem:
            return problem, got_value, None, None
        ct_flat = rng.standard_normal(jac.shape[0])
        # a cotangent of the output's structure (a container's leaves in order)
        cotangent = cotangent_like(ct_flat, value)
        given = _tree_copy(cotangent)
        grads = pullback(cotangent)
        problem = _unchanged(prog, args, "the pullback", [("cotangent", cotangent, given)])
        if problem:
            return problem, got_value, None, None
        expected = ct_flat @ jac
    # against the arguments as given (s2sad must not have changed them: see _compare)
    problem = _check_layout(grads, prog.args(), wrt)
    if problem:
        return ("wrong-type", problem), got_value, None, None
    given = list(args) + ([] if prog.output == "scalar" else [cotangent]) + [got_value]
    problem = _check_unshared(list(grads), given)
    if problem:
        return ("shared-result", problem), got_value, None, None
    if prog.output == "scalar":   # (grad and jacobian give the gradient too)
        problem = _grad_agrees(s2sad, prog, f, wrt, args, grads) \
            or _jacobian_agrees(s2sad, prog, f, wrt, args, grads)
    else:   # (a pullback may run many times; jacobian's sweeps run it, or jvp's)
        problem = _pulls_back_again(prog, args, pullback, cotangent, grads, got_value) \
            or _full_jacobian_agrees(s2sad, prog, f, wrt, args, value, jac)
    if problem:
        return problem, got_value, None, None
    return None, got_value, _flatten(list(grads)), expected


def _forward_products(s2sad, prog, f, args, value, jac, rng):
    """Forward mode on ``args`` along random tangents of the arguments' structures, and its
    reference ``jac @ tangent``.  Returns (problem or None, s2sad's value, s2sad's flat
    output tangent, the reference)."""
    wrt = tuple(prog.wrt)
    # tangents of the arguments' structure (a container's tangent is a container)
    tangents = [_random_like(args[i], rng) for i in wrt]
    given = [_tree_copy(t) for t in tangents]
    got_value, out_tangent = s2sad.jvp(f, wrt=wrt)(*args, *tangents)
    problem = _unchanged(prog, args, "jvp", [("tangents", tangents, given)])
    if problem:
        return problem, got_value, None, None
    container = prog.output == "container"
    if container:
        problem = _layout_problem(out_tangent, value, "the output tangent")
        if problem:
            return ("wrong-type", problem), got_value, None, None
    problem = _check_unshared([out_tangent], list(args) + tangents + [got_value],
                              among=not container)
    if problem is None and container:
        problem = _shared_leaves(out_tangent, got_value)
    if problem:
        return ("shared-result", problem), got_value, None, None
    actual = _flatten(out_tangent if isinstance(out_tangent, tuple) else [out_tangent])
    expected = jac @ _flatten(tangents)
    if actual.shape != expected.shape:
        return ("wrong-type", (f"output tangent has {actual.size} elements, expected "
                               f"{expected.size}")), got_value, None, None
    return None, got_value, actual, expected
