"""The checks of what ``f`` reads from outside itself, and of a pole at a Python float
(the generator's :mod:`~s2sad.fuzz.generator.module_reads`):

- a global passed as an argument (``global_arg``): the arguments s2sad is given are the
  module's objects themselves, and Python's own ``f`` on those same objects (their state
  saved first and restored after: ``f`` may write) is the value s2sad must give;
- a module's attributes (``module_attr``): one derivative function is called as made, again
  (its fast path), after ``cfg.SCALE`` and ``cfg.VEC`` are rebound, after ``cfg.VEC`` is
  changed in place, and with the first array back and changed in place, each time against
  the finite differences of the function as it now is;
- a pole (``float_pole``): no finite differences there; each mode must give what the README
  promises: Python's ``ZeroDivisionError`` where ``f`` itself raises it, else ``f``'s value
  and a derivative of the pole's parameter that is inf or nan, or a
  ``SingularPointError`` located on the pole's line."""

import re
import traceback
import warnings

import numpy as np

from s2sad import errors
from s2sad.fuzz.refusal_tables import ALIASING_REFUSALS
from s2sad.fuzz.agreement import ATOL, RTOL, _close, _describe_mismatch, _flatten
from s2sad.fuzz.program import _random_like, _tree_copy, cotangent_like, rebuilt


# ------------------------------------------------------------------ globals passed

def given_args(prog, f):
    """The arguments s2sad is given: fresh copies, except a global's own object."""
    namespace = getattr(getattr(f, "func", f), "__globals__", {})   # (a partial's)
    return tuple(namespace[p.global_name] if p.global_name else p.fresh()
                 for p in prog.params)


def passes_globals(prog):
    return any(p.global_name for p in prog.params)


def _saved(value):
    """What restores ``value`` (an array, or a list of arrays) in place; nothing for
    another object (``foreign_arg``'s deque or object, which ``f`` only reads)."""
    if isinstance(value, np.ndarray):
        return value, value.copy()
    if not isinstance(value, list):
        return value, None
    return value, (list(value), [(a, a.copy()) for a in value if isinstance(a, np.ndarray)])


def _restore(saved):
    value, before = saved
    if isinstance(value, np.ndarray):
        value[...] = before
        return
    if before is None:
        return
    items, arrays = before
    value[:] = items
    for array, copy in arrays:
        array[...] = copy


def on_same_objects(prog, f):
    """Python's own ``f`` on the arguments as s2sad is given them (the globals' objects:
    a write through the argument shows in the global), the globals restored after."""
    args = given_args(prog, f)
    saved = [_saved(a) for a, p in zip(args, prog.params) if p.global_name]
    try:
        return _tree_copy(f(*args))
    finally:
        for s in saved:
            _restore(s)


def global_refusal(prog, exc):
    """Whether ``exc`` is s2sad's located refusal of a write into an argument that is a
    global ``f`` reads (decided when the code runs: README, "two arguments that share
    memory")."""
    return isinstance(exc, errors.SharedArgumentsError) and "global_arg" in prog.features \
        and any(f"'{p.global_name}'" in str(exc) for p in prog.params if p.global_name) \
        and getattr(getattr(exc, "location", None), "line", 0) > 0


def documented_refusal(prog, exc):
    """The skip reason of a located refusal the README lists that involves a global (or
    None): a write into an argument that is a global ``f`` reads; in second order, a
    helper's name bound to another object in another module ("Derivatives of
    derivatives": ``from numpy import zeros_like`` beside a composed derivative, which
    reads s2sad's own, seed 9980144); in second order, a call of the module's closure
    (``module_closure``: "it is a closure ... first derivatives work"; of ``f`` or of the
    entry wrapping it, ``fe``: seed 20261213); in second order, a recursive helper
    (``recursive_containers``: "second derivatives of a recursive helper are refused")."""
    if global_refusal(prog, exc):
        return "refused:global_arg"
    if "second derivatives cannot tell them apart" in str(exc) \
            and "helper_names" in prog.features \
            and getattr(getattr(exc, "location", None), "line", 0) > 0:
        return "refused:helper_names"
    if re.search(r"second derivatives of \w+ are not available", str(exc)) \
            and "it is a closure" in str(exc) and "module_closure" in prog.features \
            and re.search(r"\bclf\(", getattr(getattr(exc, "location", None), "code", "") or ""):
        # ("Derivatives of derivatives": a helper that is a closure, first order only)
        return "refused:module_closure"
    if "calls itself, so its body cannot be put in place of the call for second " \
            "derivatives" in str(exc) and "recursive_containers" in prog.features \
            and re.search(r"\br[cm]\d+s?\(", getattr(getattr(exc, "location", None), "code",
                                                "") or ""):
        # ("Calls of your own Python functions": second derivatives of a recursive helper
        # are refused, write the recursion as a loop)
        return "refused:recursive_containers"
    return None


# ------------------------------------------------------------------ module attributes

def _reference(prog, f, fd_jacobian, eps, eps_check, fd_rtol, fd_atol):
    """(value, finite-difference Jacobian) of ``f`` as it now reads, or None where it is
    not smooth or finite there."""
    with np.errstate(all="ignore"):
        value = on_same_objects(prog, f) if passes_globals(prog) else f(*prog.args())
        jac = fd_jacobian(f, prog.params, prog.wrt, eps)
        chk = fd_jacobian(f, prog.params, prog.wrt, eps_check)
    flat = _flatten(list(value) if isinstance(value, tuple) else [value])
    if not (np.all(np.isfinite(flat)) and np.all(np.isfinite(jac))):
        return None
    if not _close(jac, chk, fd_rtol, fd_atol)[0]:
        return None
    return value, jac


def check_module_reads(api, prog, f, mode, reference):
    """None when one derivative function of ``f`` follows ``cfg.SCALE`` and ``cfg.VEC``
    through rebinding and in-place changes between its calls; else (kind, message).
    ``api``: s2sad, on the mode's backend; ``reference()``: (value, Jacobian) or None."""
    cfg = getattr(getattr(f, "func", f), "__globals__", {}).get("cfg")
    if cfg is None or not hasattr(cfg, "VEC"):
        return None
    wrt = tuple(prog.wrt)
    rng = np.random.default_rng(prog.seed + 7)
    first = prog.args()
    if prog.output == "scalar" and mode in ("reverse", "numba"):
        kind, fn = "gradient", api.value_and_grad(f, wrt=wrt)
    elif mode == "reverse":
        kind, fn = "vector-Jacobian product", api.vjp(f, wrt=wrt)
    else:
        kind, fn = "Jacobian-vector product", api.jvp(f, wrt=wrt)
    tangents = [_random_like(first[i], rng) for i in wrt]
    scale, vec = cfg.SCALE, cfg.VEC
    vec_before = vec.copy()

    def rebind():
        cfg.SCALE = -0.5 * scale - 0.25
        cfg.VEC = np.array([-0.4, 0.6, 0.2])

    def in_place():
        cfg.VEC[...] = np.array([0.45, -0.35, 0.1])

    def first_back_changed():
        cfg.SCALE, cfg.VEC = scale, vec
        vec[1] += 0.3

    steps = (("as made", None), ("again", None), ("rebound", rebind),
             ("changed in place", in_place), ("rebound to the first array, changed in place",
                                              first_back_changed))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", errors.NumbaFallbackWarning)
            for what, change in steps:
                if change is not None:
                    change()
                ref = reference()
                if ref is None:   # (not smooth or finite with these values: not checked)
                    continue
                value, jac = ref
                args = given_args(prog, f)
                if kind == "gradient":
                    got, grads = fn(*args)
                    actual, expected = _flatten(list(grads)), jac[0]
                elif kind == "vector-Jacobian product":
                    got, pullback = fn(*args)
                    flat_ct = rng.standard_normal(jac.shape[0])
                    actual = _flatten(list(pullback(cotangent_like(flat_ct, value))))
                    expected = flat_ct @ jac
                else:
                    got, out_tangent = fn(*args, *tangents)
                    actual = _flatten(out_tangent if isinstance(out_tangent, tuple)
                                      else [out_tangent])
                    expected = jac @ _flatten(tangents)
                have = _flatten(list(got) if isinstance(got, tuple) else [got])
                want = _flatten(list(value) if isinstance(value, tuple) else [value])
                where = f"{mode}: with cfg.SCALE and cfg.VEC {what}"
                if have.shape != want.shape or not np.allclose(have, want, rtol=1e-9,
                                                               atol=1e-12):
                    return "wrong-value", _describe_mismatch(f"{where}, the value", have, want)
                if actual.shape != expected.shape or not _close(actual, expected, RTOL,
                                                                ATOL)[0]:
                    return "wrong-gradient", _describe_mismatch(f"{where}, the {kind}",
                                                                actual, expected)
    finally:
        vec[...] = vec_before
        cfg.SCALE, cfg.VEC = scale, vec
    return None


# ------------------------------------------------------------------ poles

POLE_MODES = ("reverse", "forward", "second", "numba")

#: s2sad's open findings at a pole: (mode, kind, the pole's form) -> the skip reason it is
#: counted under (never a pass) until s2sad is fixed; none is open (second derivatives of
#: ``np.log(x)`` at the Python float 0.0, seeds 535 and 3040, are located since)
OPEN_FINDINGS = {}


def pole_line(prog):
    """The line number of the pole's statement (``plN = np.log(x)``)."""
    for number, line in enumerate(prog.source.splitlines(), 1):
        if re.match(r"\s+pl\d+ = ", line):
            return number
    return 0


def _pole_call(api, prog, f, mode, args, value):
    """(s2sad's value or None, the derivative numbers that must be inf or nan) in ``mode``:
    the pole parameter's gradient entry, the output tangent's first element along the
    pole parameter, or the Hessian-vector product's entry along it."""
    wrt = tuple(prog.wrt)
    at = next(k for k, i in enumerate(wrt) if prog.params[i].pole)
    if mode == "second":
        direction = tuple(1.0 if k == at else _zeros(args[i]) for k, i in enumerate(wrt))
        hv = api.hvp(f, wrt=wrt)(*args, direction)
        return None, _flatten([hv[at]])
    if mode == "forward" or (mode == "numba" and prog.output != "scalar"):
        tangents = [1.0 if k == at else _zeros(args[i]) for k, i in enumerate(wrt)]
        got, out_tangent = api.jvp(f, wrt=wrt)(*args, *tangents)
        flat = _flatten(out_tangent if isinstance(out_tangent, tuple) else [out_tangent])
        return got, flat[:1]
    if prog.output == "scalar":
        got, grads = api.value_and_grad(f, wrt=wrt)(*args)
        return got, _flatten([grads[at]])
    got, pullback = api.vjp(f, wrt=wrt)(*args)
    size = _flatten(list(value) if isinstance(value, tuple) else [value]).size
    grads = pullback(cotangent_like(np.ones(size), value))
    return got, _flatten([grads[at]])


def _zeros(value):
    if isinstance(value, np.ndarray):
        return np.zeros_like(value, dtype=np.float64)
    if isinstance(value, dict):
        return {k: _zeros(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return rebuilt(value, [_zeros(v) for v in value])
    return 0.0


def check_pole(prog, f, mode, api, raised, value):
    """None when ``mode`` gives what the README promises at the pole; else (kind,
    message).  ``raised``: the ``ZeroDivisionError`` ``f`` itself raised (or None),
    ``value``: ``f``'s value otherwise.  s2sad's own other errors propagate."""
    line = pole_line(prog)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", errors.NumbaFallbackWarning)
            got, slope = _pole_call(api, prog, f, mode, given_args(prog, f), value)
    except errors.SingularPointError as exc:
        if raised is not None:
            return "pole-singular", (f"{mode}: f itself raises ZeroDivisionError ({raised}); "
                                     f"s2sad raised SingularPointError: {exc}")
        located = getattr(getattr(exc, "location", None), "line", 0)
        if located != line:
            return "pole-misplaced", (f"{mode}: SingularPointError at line {located}, the "
                                      f"pole is on line {line}: {exc}")
        return None
    except ZeroDivisionError as exc:
        if raised is not None:
            return None
        return "pole-unlocated", (f"{mode}: ZeroDivisionError without a location where the "
                                  f"README promises SingularPointError naming line {line}: "
                                  f"{type(exc).__name__}: {exc}\n"
                                  f"{traceback.format_exc(limit=-3)}")
    if raised is not None:
        return "pole-no-error", (f"{mode}: f raises ZeroDivisionError ({raised}); s2sad "
                                 f"returned numbers")
    if got is not None:
        have = _flatten(list(got) if isinstance(got, tuple) else [got])
        want = _flatten(list(value) if isinstance(value, tuple) else [value])
        if have.shape != want.shape or not np.allclose(have, want, rtol=1e-9, atol=1e-12,
                                                       equal_nan=True):
            return "wrong-value", _describe_mismatch(f"{mode}: the value at the pole", have,
                                                     want)
    if np.all(np.isfinite(slope)):
        return "pole-finite", (f"{mode}: the derivative along the pole's parameter is "
                               f"{slope.tolist()} at the pole (line {line}), where the README "
                               f"promises inf or nan, or a located SingularPointError")
    return None


def check_pole_program(prog, f, applicable, na, outcome, api_for, refusal, limit_for, seconds,
                       primal_limit, errors_of):
    """The outcome (``outcome``: the checker's ``Outcome``) of a program at a pole in each
    mode of ``applicable``; ``api_for(mode)``: s2sad on the mode's backend, ``refusal``:
    the checker's reading of an s2sad error, ``limit_for(mode)``/``primal_limit``: time
    limits (``seconds(mode)`` of them), ``errors_of``: (the timeout, s2sad's errors)."""
    timeout, refusals = errors_of
    raised, value = None, None
    try:
        with primal_limit, np.errstate(all="ignore"):
            value = f(*prog.args())
    except timeout:   # (a BaseException: the program itself ran too long, as elsewhere)
        return outcome("skip", "timeout")
    except ZeroDivisionError as exc:
        raised = exc
    except Exception as exc:   # noqa: BLE001
        return outcome("skip", "invalid", message=f"{type(exc).__name__}: {exc}")
    modes = [m for m in applicable if m in POLE_MODES
             and (m != "second" or prog.output == "scalar")]
    na = na + tuple(m for m in applicable if m not in modes)
    for mode in modes:
        api = api_for(mode)
        try:
            with limit_for(mode):
                problem = check_pole(prog, f, mode, api, raised, value)
        except timeout:
            problem = ("hang", f"s2sad did not finish within {seconds(mode):.0f} s")
        except refusals as exc:
            problem = refusal(prog, exc, mode)
            if problem[0].startswith(("refused:", "open:")) \
                    or problem[0] in ("order-limit", "no-derivative-here"):
                return outcome("skip", problem[0], message=problem[1])
            if problem[0].startswith("rejected:") and any(m in problem[1]
                                                          for m in ALIASING_REFUSALS):
                # (as the checker counts it: seed 9960351, 'g2 += ...' at a pole)
                return outcome("skip", "refused-aliasing", message=problem[1])
        except Exception as exc:   # noqa: BLE001
            problem = (f"crash:{type(exc).__name__}",
                       f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}")
        if problem is not None:
            known = open_finding(prog, mode, problem[0])
            if known is not None:
                return outcome("skip", known, message=problem[1])
            return outcome("fail", problem[0], mode, problem[1], tuple(modes), na)
    if not modes:
        return outcome("skip", "unsupported", modes_na=na)
    return outcome("pass", modes_checked=tuple(modes), modes_na=na)


def open_finding(prog, mode, kind):
    """The skip reason of an open finding (:data:`OPEN_FINDINGS`) ``kind`` in ``mode`` is,
    at this program's pole, or None."""
    line = prog.source.splitlines()[pole_line(prog) - 1] if pole_line(prog) else ""
    for (where, what, form), reason in OPEN_FINDINGS.items():
        if (where, what) == (mode, kind) and re.search(rf"= {form}$", line):
            return reason
    return None
