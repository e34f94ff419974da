"""A ``vjp`` pullback after a value ``f`` reads from its module changed (README, the
``s2sad.vjp`` row: a global, an array in a global list, an attribute of a module, changed in
place or rebound since the ``vjp`` call, makes the pullback raise ``ChangedSinceError``),
and, where nothing changed, several ``vjp`` calls and their pullbacks interleaved.

For a program whose functions read a module array (``C3``, ``C2``, ``C23``, ``GL``, an
array of the list ``GL``) or an attribute of the module ``cfg`` (``cfg.SCALE``,
``cfg.VEC``), the reverse mode's check goes on:

- ``vjp``, then one of those values changed in place (an array) or rebound (the name, or
  the attribute), then the pullback: it raises ``ChangedSinceError`` where it reads the
  value changed, or gives its first numbers, the gradient at the call (where it kept what
  it needs: a rebound name's first object, a product it taped).  Any other numbers are a
  wrong derivative.  The
  value is put back after; the same pullback called again must then raise again or give
  its first numbers.  A module array read only as a
  parameter's default (``d1=C3``) and rebound is no change of ``f``'s (the default is the
  first object): there the pullback must give its first numbers, no error.
- with nothing changed: ``vjp`` at the arguments, at other arguments, and at the
  arguments again, then the three pullbacks in another order: each must give the value
  Python's ``f`` gives and the cotangent times the finite-difference Jacobian.

The choice of the value changed is drawn from a stream of its own (seeded from the
program's seed): the shared stream, and so every program, is untouched."""

import ast
import random
import traceback

import numpy as np

from s2sad import errors, testing
from s2sad.fuzz.outside import given_args
from s2sad.fuzz.agreement import ATOL, RTOL, _close, _describe_mismatch, _flatten
from s2sad.fuzz.program import _random_like, _tree_axpy, _tree_copy, cotangent_like

#: module arrays of floats the generator's functions may read (``I3``, of ints, is not)
ARRAYS = ("C3", "C2", "C23", "GL")
ATTRIBUTES = ("SCALE", "VEC")


def _stream(seed):
    return random.Random(seed ^ 0x7C5D)


def _reads(source):
    """(names of :data:`ARRAYS` read in the body of ``f`` or of a function it calls, names
    only read as a default of one of those, attributes of ``cfg`` read) in the module."""
    tree = ast.parse(source)
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    reached, todo = set(), ["f"]
    while todo:   # (f, and the module's functions its bodies name: helpers, a decorator)
        name = todo.pop()
        if name in reached or name not in functions:
            continue
        reached.add(name)
        todo += [sub.id for stmt in functions[name].body for sub in ast.walk(stmt)
                 if isinstance(sub, ast.Name) and sub.id in functions]
    body, defaults, attrs = set(), set(), set()
    for name in sorted(reached):
        node = functions[name]
        for default in node.args.defaults + [d for d in node.args.kw_defaults if d]:
            if isinstance(default, ast.Name) and default.id in ARRAYS:
                defaults.add(default.id)
        for stmt in node.body:
            for sub in ast.walk(stmt):
                if isinstance(sub, ast.Name) and sub.id in ARRAYS:
                    body.add(sub.id)
                elif isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) \
                        and sub.value.id == "cfg" and sub.attr in ATTRIBUTES:
                    attrs.add(sub.attr)
    return body, defaults - body, attrs


def targets(prog, f):
    """The values the check may change: ``(label, kind, raises)`` with kind "in place" or
    "rebound", and whether the pullback must raise after it."""
    namespace = getattr(getattr(f, "func", f), "__globals__", {})
    body, defaults_only, attrs = _reads(prog.source)
    found = []
    for name in sorted(body | defaults_only):
        value = namespace.get(name)
        arrays = [value] if isinstance(value, np.ndarray) else \
            [a for a in value if isinstance(a, np.ndarray)] if isinstance(value, list) else []
        if not any(a.dtype.kind == "f" and a.size for a in arrays):
            continue
        found.append((name, "in place", True))
        found.append((name, "rebound", name in body))
    cfg = namespace.get("cfg")
    for attr in sorted(attrs):
        if cfg is not None and hasattr(cfg, attr):
            if attr == "VEC":
                found.append((f"cfg.{attr}", "in place", True))
            found.append((f"cfg.{attr}", "rebound", True))
    return found


def _change(namespace, label, kind):
    """Change the value ``label`` names; returns what puts it back."""
    if label.startswith("cfg."):
        holder, attr = namespace["cfg"], label[4:]
        get, put = (lambda: getattr(holder, attr)), (lambda v: setattr(holder, attr, v))
    else:
        get, put = (lambda: namespace[label]), (lambda v: namespace.__setitem__(label, v))
    old = get()
    if kind == "rebound":
        if isinstance(old, np.ndarray):
            put(old * 1.5 + 0.25)
        elif isinstance(old, list):
            put([a * 1.5 + 0.25 if isinstance(a, np.ndarray) else a for a in old])
        else:
            put(old * 1.5 + 0.25)
        return lambda: put(old)
    arrays = [old] if isinstance(old, np.ndarray) else \
        [a for a in old if isinstance(a, np.ndarray) and a.dtype.kind == "f" and a.size]
    array = arrays[0]
    before = array.copy()
    array *= 1.5
    array += 0.25

    def restore():
        array[...] = before
    return restore


#: s2sad's open findings: the skip reasons (never a pass) of the changes s2sad misses,
#: until it is fixed (none now: a decorated ``f``'s default array changed in place, the
#: last one, raises since)
OPEN_FINDINGS = {}


def _same(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=1e-12)


def choose(prog, found):
    """The changes made (drawn from the program's own stream): one in place, one rebound."""
    r = _stream(prog.seed)
    chosen = [r.choice([t for t in found if t[1] == "in place"] or found)]
    rebinds = [t for t in found if t[1] == "rebound"]
    if rebinds:
        chosen.append(r.choice(rebinds))
    return chosen


def check_changed(api, prog, f, args, reference, chosen=None):
    """None when each pullback follows the README after a change of a value ``f`` reads
    from its module (see the module's docstring); else (kind, message).  ``args``: the
    arguments as the checker gives them; ``reference``: (value, Jacobian) at them;
    ``chosen``: the changes, ``(label, kind, raises)`` of :func:`targets` (drawn if
    None)."""
    found = targets(prog, f)
    if not found:
        return None
    namespace = getattr(f, "func", f).__globals__
    wrt = tuple(prog.wrt)
    value, jac = reference
    chosen = choose(prog, found) if chosen is None else chosen
    for label, kind, raises in chosen:
        ct_flat = np.random.default_rng(prog.seed + 11).standard_normal(jac.shape[0])
        cotangent = cotangent_like(ct_flat, value)
        _, pullback = api.vjp(f, wrt=wrt)(*args)
        first = _flatten(list(pullback(cotangent)))
        where = f"reverse: the vjp's pullback after {label} was {kind}"
        restore = _change(namespace, label, kind)
        try:
            try:
                got = _flatten(list(pullback(cotangent)))
            except errors.ChangedSinceError:
                got = None
        finally:
            restore()
        known = open_finding(prog, label, kind)
        if got is not None and not _same(got, first):
            return known or "wrong-gradient", _describe_mismatch(
                f"{where}, without ChangedSinceError: its numbers against its first call's",
                got, first)
        if not raises and got is None:
            return "false-changed-since", (
                f"{where}: ChangedSinceError, but {label} is read only as a parameter's "
                f"default, which keeps the first object")
        try:   # (put back: its first numbers, or the error again; never other numbers)
            again = _flatten(list(pullback(cotangent)))
        except errors.ChangedSinceError:
            again = None
        if again is not None and not _same(again, first):
            return "wrong-gradient", _describe_mismatch(
                f"{where} and put back, its numbers against its first call's", again, first)
    return None


def open_finding(prog, label, kind):
    """The skip reason of an open finding of s2sad's (:data:`OPEN_FINDINGS`) the change
    ``label`` ``kind`` meets in ``prog``, or None."""
    return None


def check_interleaved(api, prog, f, args, reference, fd_jacobian):
    """None when ``vjp`` at the arguments, at moved arguments and at the arguments again,
    their pullbacks called in another order, give Python's values and the cotangent times
    the finite-difference Jacobian at each point; else (kind, message).  Nothing is changed
    between the calls, so a ``ChangedSinceError`` is a false error.  ``fd_jacobian(args)``:
    (value, Jacobian) at other arguments, or None where not smooth there."""
    value, jac = reference
    wrt = tuple(prog.wrt)
    rng = np.random.default_rng(prog.seed + 13)
    moved = [_tree_copy(a) for a in args]
    for i in wrt:
        moved[i] = _tree_axpy(moved[i], 1e-3, _random_like(moved[i], rng))
    other = fd_jacobian(moved)
    if other is None:
        return None
    value2, jac2 = other
    cts = [rng.standard_normal(jac.shape[0]) for _ in range(3)]
    points = ((args, value, jac, cts[0]), ([_tree_copy(a) for a in moved], value2, jac2, cts[1]),
              (args, value, jac, cts[2]))
    made = []
    for at, want_value, _, _ in points:
        got_value, pullback = api.vjp(f, wrt=wrt)(*at)
        have = _flatten(list(got_value) if isinstance(got_value, tuple) else [got_value])
        want = _flatten(list(want_value) if isinstance(want_value, tuple) else [want_value])
        if have.shape != want.shape or not np.allclose(have, want, rtol=1e-9, atol=1e-12):
            return "wrong-value", _describe_mismatch(
                f"reverse: vjp number {len(made) + 1} of three interleaved, the value",
                have, want)
        made.append(pullback)
    for k in (1, 0, 2):
        _, want_value, j, ct = points[k]
        try:
            got = _flatten(list(made[k](cotangent_like(ct, want_value))))
        except errors.ChangedSinceError as exc:
            return "false-changed-since", (f"reverse: the pullback of vjp number {k + 1} of "
                                           f"three interleaved, nothing changed: {exc}")
        expected = ct @ j
        if got.shape != expected.shape or not _close(got, expected, RTOL, ATOL)[0]:
            return "wrong-gradient", _describe_mismatch(
                f"reverse: the pullback of vjp number {k + 1} of three interleaved", got,
                expected)
    return None


def check(api, prog, f, reference, steps, tolerances, refusal, refused_line, refusals):
    """The checker's entry: :func:`check_changed`, then :func:`check_interleaved`, for a
    program reading module values (else None).  ``reference``: (value, Jacobian) at the
    arguments; ``steps``: the finite differences' two steps, ``tolerances``: theirs
    against each other; ``refusal(prog, exc)``, ``refused_line(prog, exc)``: the checker's
    reading of an s2sad error of ``refusals``."""
    if not targets(prog, f):
        return None
    args = given_args(prog, f)

    def reference_at(at):   # (value, Jacobian) at other arguments, None where not smooth
        with np.errstate(all="ignore"):
            value = f(*[_tree_copy(a) for a in at])
            jac, chk = (np.concatenate([testing._fd_jacobian(f, at, i, eps)[1]
                                        for i in prog.wrt], axis=1) for eps in steps)
        flat = _flatten(list(value) if isinstance(value, tuple) else [value])
        if not (np.all(np.isfinite(flat)) and np.all(np.isfinite(jac))
                and _close(jac, chk, *tolerances)[0]):
            return None
        return value, jac
    try:
        return check_changed(api, prog, f, args, reference) \
            or check_interleaved(api, prog, f, args, reference, reference_at)
    except refusals as exc:
        if prog.output == "scalar" and "a pullback cannot restore both" in str(exc) \
                and refused_line(prog, exc):
            # (README: a vjp refuses a write through a name for a parameter also written
            # directly; a scalar output's gradient, which the checker took, does not)
            return None
        return refusal(prog, exc)
    except Exception as exc:   # noqa: BLE001
        return (f"crash:{type(exc).__name__}",
                f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}")
