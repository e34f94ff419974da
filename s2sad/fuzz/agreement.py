"""How the checker compares numbers (a result's numbers in one flat array, agreement
within tolerances, a mismatch described, a derivative's structure against its
argument's) and the calls it makes besides each mode's main
one: ``grad``, ``jacobian``, a pullback's second call, ``hessian``, each against a
reference, and whether a call left the caller's arguments (and the tangents, cotangents
and directions it was given) as they were."""

import numpy as np

from s2sad import errors
from s2sad.fuzz.program import _tree_copy, _tree_equal

RTOL, ATOL = 1e-5, 1e-6          # s2sad vs finite differences (atol scaled by 1 + max|fd|)
#: hvp vs central differences of the gradient (truncation and rounding of a 1e-5 step)
SECOND_RTOL, SECOND_ATOL = 1e-4, 1e-5


def _flatten(value):
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (tuple, list)):
        parts = [_flatten(v) for v in value]
        return np.concatenate(parts) if parts else np.zeros(0)
    return np.array(value, dtype=np.float64).reshape(-1)


def _close(actual, expected, rtol, atol):
    scale = 1.0 + (np.max(np.abs(expected)) if expected.size else 0.0)
    err = np.abs(actual - expected)
    ok = err <= rtol * np.abs(expected) + atol * scale
    return bool(np.all(ok)), err


def _describe_mismatch(what, actual, expected):
    err = np.abs(actual - expected)
    i = int(np.nanargmax(np.where(np.isnan(err), np.inf, err))) if err.size else 0
    worst = np.max(np.where(np.isnan(err), np.inf, err)) if err.size else 0
    return (f"{what}: max abs error {worst:.3g}; element {i}: "
            f"s2sad {actual[i]!r}, finite differences {expected[i]!r}\n"
            f"  s2sad: {np.array2string(actual, precision=6)}\n"
            f"  fd:    {np.array2string(expected, precision=6)}")


def _unchanged(prog, args, what, given=()):
    """None when every argument is still what the caller gave (``prog``'s fresh values)
    after the call ``what``, and so is every (name, value, copy) of ``given`` (tangents,
    cotangents, directions); else ("mutated-input", which one)."""
    for i, a in enumerate(args):
        if isinstance(a, (np.ndarray, list, tuple, dict)) \
                and not _tree_equal(a, prog.params[i].fresh()):
            return "mutated-input", (f"s2sad modified argument {i} ({prog.params[i].name}) "
                                     f"in place: {what}")
    for name, value, copy in given:
        if not _tree_equal(value, copy):
            return "mutated-input", f"s2sad modified the {name} given to {what}"
    return None


def _grad_agrees(s2sad, prog, f, wrt, args, grads):
    """None when ``s2sad.grad`` gives ``value_and_grad``'s gradient ``grads`` (the same
    numbers: one generated function answers both) and leaves the arguments as they are."""
    again = s2sad.grad(f, wrt=wrt)(*args)
    problem = _unchanged(prog, args, "grad")
    if problem:
        return problem
    got, want = _flatten(list(again)), _flatten(list(grads))
    if got.shape != want.shape or not np.allclose(got, want, rtol=1e-9, atol=1e-12):
        return "wrong-gradient", _describe_mismatch(
            "reverse: grad against value_and_grad's gradient", got, want)
    return None


def _jacobian_agrees(s2sad, prog, f, wrt, args, grads):
    """None when ``s2sad.jacobian`` (``mode="auto"``, which decides from the output's
    size) of a scalar program over arrays and numbers gives its gradient ``grads`` and
    leaves the arguments as they are, else the (kind, message).  Its preliminary sweep
    once ran the user's function itself, which wrote into the caller's arrays."""
    got, problem = _jacobian_of(s2sad, prog, f, wrt, args)
    if got is None:
        return problem
    got, want = _flatten(list(got) if len(wrt) > 1 else [got]), _flatten(list(grads))
    ok, _ = _close(got, want, RTOL, ATOL)
    return None if ok else ("wrong-gradient", _describe_mismatch(
        "reverse: jacobian(mode='auto') against the gradient", got, want))


def _jacobian_of(s2sad, prog, f, wrt, args):
    """``(s2sad.jacobian(f)(*args), None)`` when the arguments stay as they were, else
    ``(None, the problem)``; ``(None, None)`` where an argument is a container (its
    Jacobian is laid out by leaf: not compared here)."""
    if any(isinstance(a, (list, tuple, dict)) for a in args):
        return None, None
    got = s2sad.jacobian(f, wrt=wrt if len(wrt) > 1 else wrt[0])(*args)
    problem = _unchanged(prog, args, "jacobian")
    return (None, problem) if problem else (got, None)


def _pulls_back_again(prog, args, pullback, cotangent, grads, value=None):
    """None when a pullback called a second time with the same cotangent gives the same
    numbers (it works on its own copies: it may run many times, and the caller may have
    changed the arguments and the value in place since: an optimizer's step, scribbled
    here and undone after) and leaves the arguments and the cotangent as they are."""
    given, want = _tree_copy(cotangent), _flatten(list(grads))
    scribbled = []
    _scribble([list(args), value], scribbled)
    changed_since = None
    try:
        try:
            again = pullback(cotangent)
        except errors.ChangedSinceError as exc:
            # documented where an argument is used as given (a global passed as it, or
            # two sharing memory, where f writes into an argument): never for the others
            if not any(p.global_name for p in prog.params):
                raise
            changed_since = exc
        written = any(not np.array_equal(array, before * 1.5 + 0.25, equal_nan=True)
                      for array, before in scribbled)
    finally:
        for array, before in scribbled:
            array[...] = before
    if changed_since is not None:   # (then called again at the arguments as they were)
        again = pullback(cotangent)
    if written:
        return "mutated-input", ("the pullback's second call wrote into an argument or the "
                                 "value it was given")
    problem = _unchanged(prog, args, "the pullback's second call",
                         [("cotangent", cotangent, given)])
    if problem:
        return problem
    got = _flatten(list(again))
    if _flatten(list(grads)).tobytes() != want.tobytes():
        return "shared-result", ("the pullback's second call changed the derivatives its "
                                 "first call returned")
    if got.shape != want.shape or not np.allclose(got, want, rtol=1e-9, atol=1e-12):
        return "wrong-gradient", _describe_mismatch(
            "reverse: the pullback's second call against its first", got, want)
    return None


def _scribble(tree, scribbled):
    """Change each float array in ``tree`` in place, noting ``(array, copy)`` to undo it."""
    if isinstance(tree, np.ndarray):
        if tree.dtype.kind == "f" and tree.size and tree.flags.writeable \
                and all(a is not tree for a, _ in scribbled):
            scribbled.append((tree, tree.copy()))
            tree *= 1.5
            tree += 0.25
    elif isinstance(tree, (list, tuple)):
        for item in tree:
            _scribble(item, scribbled)
    elif isinstance(tree, dict):
        for item in tree.values():
            _scribble(item, scribbled)


def _full_jacobian_agrees(s2sad, prog, f, wrt, args, value, jac):
    """None when ``s2sad.jacobian`` (``mode="auto"``: a pullback per output element, or a
    jvp per input element) of an array or tuple output over arrays and numbers agrees with
    the finite-difference Jacobian ``jac`` and leaves the arguments as they are."""
    if prog.output not in ("array", "tuple"):
        return None
    got, problem = _jacobian_of(s2sad, prog, f, wrt, args)
    if got is None:
        return problem
    outs = list(value) if isinstance(value, tuple) else [value]
    per_out = list(got) if isinstance(value, tuple) else [got]
    rows = []
    for out, blocks in zip(outs, per_out):
        blocks = list(blocks) if len(wrt) > 1 else [blocks]
        rows.append(np.concatenate(
            [np.reshape(np.asarray(b, dtype=np.float64), (np.size(out), np.size(args[i])))
             for b, i in zip(blocks, wrt)], axis=1))
    actual = np.concatenate(rows, axis=0)
    if actual.shape != jac.shape:
        return "wrong-type", f"jacobian has shape {actual.shape}, expected {jac.shape}"
    ok, _ = _close(actual.ravel(), jac.ravel(), RTOL, ATOL)
    return None if ok else ("wrong-gradient", _describe_mismatch(
        "reverse: jacobian(mode='auto')", actual.ravel(), jac.ravel()))


def _hessian_agrees(s2sad, prog, f, wrt, args, v, expected):
    """None when ``s2sad.hessian`` (one Hessian-vector product per input element, on the
    same arguments) of a program over arrays and numbers, times the direction ``v``, gives
    the differences of the gradient ``expected`` and leaves the arguments as they are."""
    if any(isinstance(a, (list, tuple, dict)) for a in args):
        return None   # (a container's Hessian is laid out by leaf: not compared here)
    hessian = s2sad.hessian(f, wrt=wrt if len(wrt) > 1 else wrt[0])(*args)
    problem = _unchanged(prog, args, "hessian")
    if problem:
        return problem
    blocks = hessian if len(wrt) > 1 else ((hessian,),)
    sizes = [int(np.size(args[i])) for i in wrt]
    matrix = np.block([[np.reshape(np.asarray(blocks[a][b], dtype=np.float64),
                                   (sizes[a], sizes[b])) for b in range(len(wrt))]
                       for a in range(len(wrt))])
    actual = matrix @ _flatten(list(v))
    ok, _ = _close(actual, expected, SECOND_RTOL, SECOND_ATOL)
    return None if ok else ("wrong-gradient", _describe_mismatch(
        "second: the Hessian times the direction", actual, expected))


def _check_layout(grads, args, wrt, what="gradient"):
    """None when each derivative has its argument's structure (containers of the same
    types, lengths and keys in order; leaves: an ndarray of the shape, or a float)."""
    if len(grads) != len(wrt):
        return f"{len(grads)} derivatives for {len(wrt)} arguments"
    for g, i in zip(grads, wrt):
        problem = _layout_problem(g, args[i], f"{what} of argument {i}")
        if problem:
            return problem
    return None


def _layout_problem(g, a, where):
    if isinstance(a, dict):
        if not isinstance(g, dict):
            return f"{where} is {type(g).__name__}, expected a dict"
        if list(g) != list(a):
            return f"{where} has keys {list(g)!r}, expected {list(a)!r} (in that order)"
        for k in a:
            problem = _layout_problem(g[k], a[k], f"{where}[{k!r}]")
            if problem:
                return problem
        return None
    if isinstance(a, (list, tuple)):
        if type(g) is not type(a) or len(g) != len(a):
            return f"{where} is {type(g).__name__} of {len(g) if hasattr(g, '__len__') else '?'}" \
                   f" items, expected {type(a).__name__} of {len(a)}"
        for k, (gk, ak) in enumerate(zip(g, a)):
            problem = _layout_problem(gk, ak, f"{where}[{k}]")
            if problem:
                return problem
        return None
    if isinstance(a, np.ndarray):
        if not isinstance(g, np.ndarray) or g.shape != a.shape:
            return f"{where} is {type(g).__name__} {np.shape(g)}, expected ndarray {a.shape}"
    elif not isinstance(g, float):
        return f"{where} (of a float) is {type(g).__name__}"
    return None
