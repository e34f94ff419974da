"""The checker: one program's derivatives in each mode against finite differences.

Its parts, each a module of its own: the finite differences
(:mod:`~s2sad.fuzz.finite_differences`), the reverse and forward products
(:mod:`~s2sad.fuzz.derivative_products`), the reading of a refusal
(:mod:`~s2sad.fuzz.refusals`) and s2sad's open findings
(:mod:`~s2sad.fuzz.open_findings`)."""

import functools
import importlib
import re
import traceback
import warnings
from dataclasses import dataclass
from typing import Tuple

import numpy as np

import s2sad
from s2sad.fuzz.agreement import (ATOL, RTOL, SECOND_ATOL, SECOND_RTOL,  # noqa: F401
                                  _check_layout, _close, _describe_mismatch, _flatten,
                                  _hessian_agrees, _layout_problem, _unchanged)
from s2sad.fuzz.derivative_products import _forward_products, _reverse_products
from s2sad.fuzz.finite_differences import _fd_jacobian
from s2sad.fuzz.generator.gap_forms import PARTIAL_VALUES
from s2sad.fuzz.open_findings import _open_finding
from s2sad.fuzz.refusal_tables import (ALIASING_REFUSALS, REFUSABLE_IN_MODES,
                                       must_refuse_in)
from s2sad.fuzz.refusals import _opened_refusal, _refusal, _refused_line
import s2sad.fuzz.changed_since as changed_since
import s2sad.fuzz.cli_mode as cli_mode
import s2sad.fuzz.draw_resets as draw_resets
import s2sad.fuzz.effects as effects
import s2sad.fuzz.history as history
import s2sad.fuzz.outside as outside
from s2sad.fuzz.backend_checks import _OnBackend, _SecondOnBackend, _own_code_fallback
from s2sad.fuzz.loader import _s2sad_error_types
from s2sad.fuzz.timing import Timeout, time_limit
from s2sad.fuzz.program import _random_like, _tree_axpy, _tree_copy

EPS_REF = 1e-6     # finite-difference step of the reference
EPS_CHECK = 1e-4   # second step: the reference must agree with it (smoothness)
FD_RTOL, FD_ATOL = 1e-4, 1e-5    # finite differences vs themselves
#: one-sided differences at EPS_CHECK vs each other: they differ by about f'' * step
#: where the program is smooth, by the jump in slope at a kink
ONE_SIDED_RTOL, ONE_SIDED_ATOL = 1e-2, 1e-2
BIG = 1e6          # a program whose value or derivative exceeds this is "overflow"
EPS_SECOND = 1e-5  # step of the differences of the gradient (second mode)
#: the line that makes a module never put in ``sys.modules`` (``module_reads.py``)
UNREGISTERED_MODULE = "\ncfg = types.ModuleType('cfg')\n"
MODES = ("reverse", "forward", "second", "numba", "numba_second", "dask", "dask_unknown", "cli",
         "cli_numba")


# ------------------------------------------------------------------ checking

@dataclass
class Outcome:
    status: str                     # "pass", "fail", "skip"
    reason: str = ""                # skip reason, or failure kind
    mode: str = ""                  # the failing mode
    message: str = ""
    modes_checked: Tuple[str, ...] = ()
    modes_na: Tuple[str, ...] = ()

    @property
    def signature(self):
        """What a shrunk program must reproduce: mode, kind, and the error's gist."""
        return (self.mode, self.reason, _fingerprint(self.reason, self.message))


def _fingerprint(reason, message):
    """An error message with its locations, names and numbers blanked out."""
    if not (reason.startswith("crash") or reason.startswith("rejected")):
        return ""
    first = message.split("\n", 1)[0]
    first = re.sub(r"\S+\.py:\d+:\d+: ", "", first)
    first = re.sub(r"<s2sad [^>]*>", "<s2sad>", first)
    first = re.sub(r"'[^']*'", "'_'", first)
    return re.sub(r"\d+", "#", first)


def entry_point(module, prog):
    """The function the checker differentiates: ``f``, or the module's lambda ``fe``
    around it (``entry_lambda``), or ``functools.partial(f, kq=...)``
    (``entry_partial``)."""
    if "entry_lambda" in prog.features:
        return module.fe
    if "entry_partial" in prog.features:
        return functools.partial(module.f, kq=PARTIAL_VALUES[0])
    return module.f


def _check_partial_anew(s2sad, prog, f, applicable):
    """``entry_partial``: ``kq`` set anew in the partial between calls, the derivatives
    made anew and one made before the change, each against the differences of the
    function as it then is; None, or the (kind, message) of the first mismatch."""
    modes = [m for m in applicable if m in ("reverse", "forward", "second")]
    wrt = tuple(prog.wrt)
    scalar = prog.output == "scalar"
    kept = s2sad.value_and_grad(f, wrt=wrt) if scalar else s2sad.jvp(f, wrt=wrt)
    rng = np.random.default_rng(prog.seed)
    try:
        for v in PARTIAL_VALUES[1:]:
            f.keywords["kq"] = v
            value = f(*prog.args())
            ref = _fd_jacobian(f, prog.params, wrt, EPS_REF)
            for mode in modes:
                problem = _check_mode(s2sad, prog, f, mode, value, ref)
                if problem is not None:
                    return (_open_finding(prog, mode, *problem),
                            f"with kq set anew to {v}: {problem[1]}")
            args = outside.given_args(prog, f)
            try:   # (a refusal when the code runs, as in _check_mode: the derivative's)
                if scalar:
                    got_value, grads = kept(*args)
                    actual, expected = _flatten(list(grads)), ref[0]
                else:
                    tangents = [_random_like(args[i], rng) for i in wrt]
                    got_value, out_tangent = kept(*args, *tangents)
                    actual = _flatten([out_tangent])
                    expected = ref @ np.concatenate([_flatten([t]) for t in tangents]) \
                        if ref.size else np.zeros(actual.shape)
            except _s2sad_error_types() as exc:
                return _refusal(prog, exc, "reverse" if scalar else "forward")
            problem = _compare(prog, "reverse" if scalar else "forward", args, value,
                               got_value, actual, expected)
            if problem is not None:
                return problem[0], (f"a derivative made before kq was set anew to {v}: "
                                    f"{problem[1]}")
    finally:
        f.keywords["kq"] = PARTIAL_VALUES[0]
    return None


def _check_second(s2sad, prog, f, wrt, rng):
    """``hvp`` along a random direction against central differences of the gradient."""
    if prog.output != "scalar":
        return None   # (probes switch the mode off for these)
    args = outside.given_args(prog, f)
    v = [_random_like(args[i], rng) for i in wrt]   # a container's direction is a container
    given = [_tree_copy(d) for d in v]
    hv = s2sad.hvp(f, wrt=wrt)(*args, tuple(v))
    problem = _unchanged(prog, args, "hvp", [("direction", v, given)])
    if problem:
        return problem
    problem = _check_layout(hv, prog.args(), wrt, "Hessian-vector product")
    if problem:
        return "wrong-type", problem
    gradient = s2sad.value_and_grad(f, wrt=wrt)

    def grad_at(t):
        moved = list(prog.args())
        for i, d in zip(wrt, v):
            moved[i] = _tree_axpy(moved[i], t, d)
        with np.errstate(all="ignore"):
            return _flatten(list(gradient(*moved)[1]))

    ahead, center, behind = grad_at(EPS_SECOND), grad_at(0.0), grad_at(-EPS_SECOND)
    expected = (ahead - behind) / (2 * EPS_SECOND)
    smooth, _ = _close((ahead - center) / EPS_SECOND, (center - behind) / EPS_SECOND,
                       ONE_SIDED_RTOL, ONE_SIDED_ATOL)
    if not (smooth and np.all(np.isfinite(expected))):
        return "non-smooth", "the gradient has a kink at the sample point"
    actual = _flatten(list(hv))
    ok, _ = _close(actual, expected, SECOND_RTOL, SECOND_ATOL)
    if not ok:
        return "wrong-gradient", _describe_mismatch(
            "second: the Hessian-vector product", actual, expected)
    return _hessian_agrees(s2sad, prog, f, wrt, args, v, expected)


def _check_mode(s2sad, prog, f, mode, value, jac):
    """None when s2sad agrees with the reference in ``mode``, else (kind, message)."""
    refusals = _s2sad_error_types()
    args = outside.given_args(prog, f)   # (a global passed as an argument: its own object)
    wrt = tuple(prog.wrt)
    rng = np.random.default_rng(prog.seed)
    if draw_resets.draws_from_module(prog) and mode not in draw_resets.MODES:
        return "draws-na", f"{mode}: its references call f without putting the draws back"
    try:
        if mode == "second":
            return _check_second(s2sad, prog, f, wrt, rng)
        if mode == "numba_second":
            return _check_numba_second(s2sad, prog, f, wrt, rng)
        if mode == "numba":
            return _check_numba(s2sad, prog, f, args, value, jac, rng)
        if mode in ("cli", "cli_numba"):
            target = "numba" if mode == "cli_numba" else "numpy"
            return cli_mode.check_cli(prog, f, value, jac, rng, target, cli_mode.CHECKS)
        if mode in ("dask", "dask_unknown"):   # (it imports dask: loaded by name, as
            dask_mode = importlib.import_module("s2sad.fuzz.dask_mode")   # optional rules are)
            check = dask_mode.check_dask if mode == "dask" else dask_mode.check_dask_unknown
            return check(s2sad, prog, f, value, rng, _flatten, _describe_mismatch)
        products = _reverse_products if mode == "reverse" else _forward_products
        problem, got_value, actual, expected = products(s2sad, prog, f, args, value, jac, rng)
    except refusals as exc:
        return _refusal(prog, exc, mode)
    except Exception as exc:
        tb = traceback.format_exc(limit=-3)
        return f"crash:{type(exc).__name__}", f"{type(exc).__name__}: {exc}\n{tb}"
    if problem:
        return problem
    return _compare(prog, mode, args, value, got_value, actual, expected)


def _check_numba(s2sad, prog, f, args, value, jac, rng):
    """The ``numba`` mode: ``value_and_grad`` (a scalar output) or ``jvp`` (any other)
    with ``backend="numba"``, against the reference.  Where the function falls back to
    numpy (``NumbaFallbackWarning``), its numpy result is checked all the same and the
    outcome is ``("numba-fallback", why)``: checked, but not on numba."""
    products = _reverse_products if prog.output == "scalar" else _forward_products
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", s2sad.NumbaFallbackWarning)
        problem, got_value, actual, expected = products(
            _OnBackend(s2sad, "numba"), prog, f, args, value, jac, rng)
    problem = problem or _compare(prog, "numba", args, value, got_value, actual, expected)
    if problem is not None:
        return problem
    return _numba_fell_back(s2sad, prog, caught)


def _check_numba_second(s2sad, prog, f, wrt, rng):
    """The ``numba_second`` mode: ``hvp`` and ``hessian`` with ``backend="numba"`` of a
    scalar output, checked as the second mode checks them (against the differences of
    numpy's gradient); a fallback to numpy is checked all the same, ``numba-fallback``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", s2sad.NumbaFallbackWarning)
        problem = _check_second(_SecondOnBackend(s2sad, "numba"), prog, f, wrt, rng)
    if problem is not None:
        return problem
    return _numba_fell_back(s2sad, prog, caught)


def _numba_fell_back(s2sad, prog, caught):
    """None, or the (kind, message) of the ``NumbaFallbackWarning``s ``caught``."""
    fell_back = [str(w.message) for w in caught
                 if issubclass(w.category, s2sad.NumbaFallbackWarning)]
    own = [m for m in fell_back if _own_code_fallback(m)]
    if own:   # numba failed on s2sad's own generated code: a bug, never a skip
        return "numba-own-code", own[0]
    if UNREGISTERED_MODULE in prog.source and any("pyobject" in m for m in fell_back):
        return "open:numba-unregistered-module", fell_back[0]   # (s2sad's: README)
    return ("numba-fallback", fell_back[0]) if fell_back else None


def _compare(prog, mode, args, value, got_value, actual, expected):
    """None when the arguments are unchanged, s2sad's value is the program's and its
    product (``actual``) agrees with the reference (``expected``); else (kind, message)."""
    problem = _unchanged(prog, args, mode)
    if problem:
        return problem
    if prog.output == "container":
        problem = _layout_problem(got_value, value, "the value")
        if problem:
            return "wrong-type", problem
    want = _flatten(list(value) if isinstance(value, tuple) else [value])
    have = _flatten(list(got_value) if isinstance(got_value, tuple) else [got_value])
    if have.shape != want.shape or not np.allclose(have, want, rtol=1e-9, atol=1e-12):
        return "wrong-value", _describe_mismatch(f"{mode}: the value", have, want)
    ok, _ = _close(actual, expected, RTOL, ATOL)
    if not ok:
        what = {"reverse": "gradient" if prog.output == "scalar" else "vector-Jacobian product",
                "forward": "Jacobian-vector product",
                "numba": "gradient" if prog.output == "scalar"
                else "Jacobian-vector product"}.get(mode, "derivative")
        return "wrong-gradient", _describe_mismatch(f"{mode}: the {what}", actual, expected)
    return None


#: seconds for the program itself (one call, then all finite differences), and for s2sad
PRIMAL_TIMEOUT, FD_TIMEOUT, S2SAD_TIMEOUT = 1.0, 10.0, 60.0
#: seconds for the numba mode, whose first call compiles (``@`` slowly: seed 9920008's
#: shrunk program took 90 s at a load of 10 on 2 cores, a "hang" at 60 s)
NUMBA_TIMEOUT = 600.0


#: seconds for the command-line modes (fresh interpreters, each importing s2sad)
CLI_TIMEOUT = 300.0


def _limit(mode):
    """The seconds s2sad may take in ``mode``."""
    if mode in ("numba", "numba_second", "cli_numba"):
        return NUMBA_TIMEOUT
    return CLI_TIMEOUT if mode == "cli" else S2SAD_TIMEOUT


def check_program(prog, modes, supported, loader, only=None):
    """Check one program in every mode that supports it; returns an :class:`Outcome`.

    ``only`` = (mode, kind): stop after that mode and report whether it fails
    in that way (the shrinker's question); a program that prints is kept quiet.
    """
    with effects.quiet(prog):
        return _check_program(prog, modes, supported, loader, only)


def _check_program(prog, modes, supported, loader, only=None):
    applicable = [m for m in modes if prog.features <= supported.get(m, frozenset())]
    na = tuple(m for m in modes if m not in applicable)
    if only is not None:
        applicable = [only[0]] if only[0] in applicable else []
    if not applicable:
        return Outcome("skip", "unsupported", modes_na=na)
    try:
        module = loader.load(prog.source, f"s{prog.seed}")
        f = entry_point(module, prog)
    except Exception as exc:
        return Outcome("skip", "invalid", message=f"{type(exc).__name__}: {exc}")
    if any(p.pole for p in prog.params):   # (no finite differences at a pole)
        return _check_pole(s2sad, prog, f, applicable, na)
    api, given, reset = s2sad, f, draw_resets.NOTHING
    if draw_resets.draws_from_module(prog):   # (each call from the same draws)
        reset = draw_resets.resetter(module)
        api, f = draw_resets.Resetting(s2sad, reset), draw_resets.resetting(f, reset)
    with np.errstate(all="ignore"):
        try:
            with time_limit(PRIMAL_TIMEOUT):
                value = f(*prog.args())
            with time_limit(FD_TIMEOUT):
                ref = _fd_jacobian(f, prog.params, prog.wrt, EPS_REF)
                center = _flatten(f(*prog.args()))
                chk, ahead, behind = _fd_jacobian(f, prog.params, prog.wrt, EPS_CHECK,
                                                  center)
        except Timeout:
            return Outcome("skip", "timeout")
        except IndexError as exc:   # an index out of range (feature index_shift)
            return _raises_index_error(s2sad, prog, f, applicable, na, exc)
        except RecursionError:
            return Outcome("skip", "invalid", message="recursion")
        except Exception as exc:
            return Outcome("skip", "invalid", message=f"{type(exc).__name__}: {exc}")
    shape_ok = {"scalar": lambda v: isinstance(v, (float, int, np.number, np.ndarray))
                and np.ndim(v) == 0,
                "array": lambda v: isinstance(v, np.ndarray) and v.ndim > 0,
                "tuple": lambda v: isinstance(v, tuple),
                "container": lambda v: isinstance(v, (list, dict))}[prog.output]
    if not shape_ok(value):
        return Outcome("skip", "invalid", message=f"the output is not a {prog.output}")
    flat = _flatten(list(value) if isinstance(value, tuple) else [value])
    if flat.shape != center.shape or not np.array_equal(flat, center, equal_nan=True):
        # it changes its own module's arrays (a shrunk program may write into one)
        return Outcome("skip", "invalid", message="the program is not deterministic")
    if not (np.all(np.isfinite(flat)) and np.all(np.isfinite(ref)) and np.all(np.isfinite(chk))):
        return Outcome("skip", "overflow")
    if np.max(np.abs(flat), initial=0) > BIG or np.max(np.abs(ref), initial=0) > BIG:
        return Outcome("skip", "overflow")
    smooth, _ = _close(ref, chk, FD_RTOL, FD_ATOL)
    if smooth and np.all(np.isfinite(ahead)) and np.all(np.isfinite(behind)):
        smooth, _ = _close(ahead, behind, ONE_SIDED_RTOL, ONE_SIDED_ATOL)
    if not smooth:
        return Outcome("skip", "non-smooth")
    if outside.passes_globals(prog):
        # the value s2sad must give: Python's f on the globals' own objects (a write
        # through the argument shows in the global), their state restored after
        try:
            with time_limit(PRIMAL_TIMEOUT), np.errstate(all="ignore"):
                reset()
                value = outside.on_same_objects(prog, given)
        except Exception as exc:   # noqa: BLE001
            return Outcome("skip", "invalid", message=f"on the globals: {exc}")
    return _check_modes(api, prog, given, applicable, na, value, ref)


def _check_pole(s2sad, prog, f, applicable, na):
    """A program at a pole (``float_pole``): what the README promises there, per mode."""
    outcome = _check_pole_modes(s2sad, prog, f, applicable, na)
    if outcome.status == "fail":
        kind = _open_finding(prog, outcome.mode, outcome.reason, outcome.message)
        if kind.startswith("open:"):
            return Outcome("skip", kind, message=outcome.message)
    return outcome


def _check_pole_modes(s2sad, prog, f, applicable, na):
    return outside.check_pole_program(
        prog, f, applicable, na, Outcome,
        lambda mode: _OnBackend(s2sad, "numba") if mode == "numba" else s2sad,
        _opened_refusal, lambda mode: time_limit(_limit(mode)), _limit,
        time_limit(PRIMAL_TIMEOUT),
        (Timeout, _s2sad_error_types()))


def _mode_problem(s2sad, prog, f, mode, value, ref):
    """None when ``prog`` passes every check of ``mode``, else (kind, message): the
    derivatives, module reads changed between calls, a pullback after a change, effects,
    and a refusal s2sad must make (:func:`~s2sad.fuzz.refusal_tables.must_refuse_in`)."""
    try:
        with time_limit(_limit(mode)), np.errstate(all="ignore"):
            problem = _check_mode(s2sad, prog, f, mode, value, ref)
            if problem is None and "module_attr" in prog.features \
                    and mode in ("reverse", "forward", "numba"):
                problem = _check_module_reads(s2sad, prog, f, mode)
            if problem is None and mode == "reverse":
                problem = _check_changed_since(s2sad, prog, f, value, ref)
            if problem is None and effects.uses_effects(prog):
                problem = effects.check(s2sad, prog, f, mode, _s2sad_error_types(),
                                        lambda p, e: _refusal(p, e, mode))
            # (second order checks scalar programs only)
            must = must_refuse_in(prog.features, mode) \
                if mode != "second" or prog.output == "scalar" else ()
            if problem is None and must:
                problem = ("missing-refusal", f"{mode}: differentiated a program using "
                           f"{', '.join(sorted(must))}, which s2sad must refuse at its line")
    except Timeout:
        problem = ("hang", f"s2sad did not finish within {_limit(mode):.0f} s "
                           f"(the program itself runs in under {PRIMAL_TIMEOUT:.0f} s)")
    return problem


def _check_modes(s2sad, prog, f, applicable, na, value, ref):
    """The :class:`Outcome` of checking ``prog`` (its function ``f``, its ``value`` and
    finite-difference Jacobian ``ref``) in each of the modes ``applicable``; a refusal
    by design in some modes only (``REFUSABLE_IN_MODES``) lets the others be checked."""
    fell_back, limited, opened, refused = None, [], None, {}
    for mode in applicable:
        problem = _mode_problem(s2sad, prog, f, mode, value, ref)
        if problem is not None:
            kind, message = problem
            kind = _open_finding(prog, mode, kind, message)
            if kind == "numba-fallback":   # checked on numpy: right, but not on numba
                fell_back = message
                continue
            if kind == "dask-eager":   # checked, but the function computes on Dask
                continue
            if kind in ("order-limit", "dask-na", "draws-na"):
                # an honest refusal of a derivative order an op's rules do not compute
                # (the third of np.linalg.norm(x, 2), under hvp over a jvp): the mode does
                # not apply to the program, it is neither passed nor failed
                limited.append((mode, message))
                continue
            if kind == "non-smooth":
                return Outcome("skip", "non-smooth", message=message)
            if kind.startswith("open:"):   # an open finding of s2sad's: never a pass, but
                opened = opened or (kind, message)   # the other modes are checked all the same
                continue
            if kind.startswith("refused:") and kind[len("refused:"):] in REFUSABLE_IN_MODES:
                refused[mode] = (kind, message)   # (refused here by design: the others
                continue                          # are checked all the same)
            if kind.startswith("refused:") or kind == "no-derivative-here":
                # a located refusal of a construct s2sad may refuse: deliberate, not a pass
                return Outcome("skip", kind, message=message)
            if kind.startswith("rejected:") and any(m in message for m in ALIASING_REFUSALS):
                # s2sad refuses, on purpose and with a location, an in-place update whose
                # effect on another name it cannot follow: never a wrong number
                return Outcome("skip", "refused-aliasing", message=message)
            return Outcome("fail", kind, mode, message, tuple(applicable), na)
    if "entry_partial" in prog.features and not draw_resets.draws_from_module(prog) \
            and not refused:
        try:   # (its reference calls f anew: not for draws, see draw_resets)
            with time_limit(S2SAD_TIMEOUT * 2), np.errstate(all="ignore"):
                problem = _check_partial_anew(s2sad, prog, f, applicable)
        except Timeout:
            problem = ("hang", "s2sad did not finish with kq set anew")
        if problem is not None:
            kind = problem[0]
            if kind.startswith(("open:", "refused:")):
                opened = opened or (kind, problem[1])
            else:
                return Outcome("fail", kind, "partial", problem[1], tuple(applicable), na)
    if opened is None and "reverse" in applicable and "reverse" not in refused:
        # (last: its rule makes the code anew)
        try:
            with time_limit(_limit("reverse")), np.errstate(all="ignore"):
                problem = history.check(s2sad, prog, f, _s2sad_error_types())
        except Timeout:
            problem = None
        if problem is not None:
            return Outcome("fail", problem[0], "reverse", problem[1], tuple(applicable), na)
    if opened is not None:
        return Outcome("skip", opened[0], message=opened[1])
    if refused:
        kind, message = next(iter(refused.values()))
        return Outcome("skip", kind, message=message)
    if fell_back is not None and set(applicable) <= {"numba", "numba_second"}:
        return Outcome("skip", "numba-fallback", message=fell_back)
    checked = tuple(m for m in applicable if m not in dict(limited))
    if not checked:
        reason = "dask-na" if limited[0][0].startswith("dask") else "order-limit"
        return Outcome("skip", reason, message=limited[0][1], modes_na=na)
    return Outcome("pass", modes_checked=checked, modes_na=na + tuple(m for m, _ in limited))


def _check_module_reads(s2sad, prog, f, mode):
    """``cfg``'s attributes changed between calls: :func:`outside.check_module_reads`."""
    api = _OnBackend(s2sad, "numba") if mode == "numba" else s2sad

    def reference():
        return outside._reference(prog, f, _fd_jacobian, EPS_REF, EPS_CHECK, FD_RTOL, FD_ATOL)
    try:
        return outside.check_module_reads(api, prog, f, mode, reference)
    except _s2sad_error_types() as exc:
        return _refusal(prog, exc, mode)
    except Exception as exc:   # noqa: BLE001
        return (f"crash:{type(exc).__name__}",
                f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}")


def _check_changed_since(s2sad, prog, f, value, ref):
    """A pullback after a module value ``f`` reads changed, and interleaved ``vjp`` calls:
    :func:`changed_since.check`, with the checker's steps, tolerances and refusals."""
    return changed_since.check(s2sad, prog, f, (value, ref), (EPS_REF, EPS_CHECK),
                               (FD_RTOL, FD_ATOL), lambda p, e: _refusal(p, e, "reverse"),
                               _refused_line,
                               _s2sad_error_types())


def _raises_index_error(s2sad, prog, f, applicable, na, exc):
    """A program raising numpy's IndexError (an index out of range): the numba mode's
    gradient, whose compiled code would read past the end unchecked, must raise
    IndexError too, never return numbers, where the numpy gradient (mode ``reverse``)
    raises.  Where the numpy gradient returns numbers, s2sad dropped the read as code the
    value does not need (a skip, "index-error-dropped": the gradient of a function that
    raises)."""
    try:
        with time_limit(PRIMAL_TIMEOUT), np.errstate(all="ignore"):
            f(*prog.args())
    except IndexError:
        pass
    except Exception as other:   # noqa: BLE001
        return Outcome("skip", "invalid", message=f"{type(other).__name__}: {other}")
    else:   # (only the finite differences' points read out of range)
        return Outcome("skip", "invalid", message=f"IndexError: {exc}")
    modes = [m for m in ("reverse", "numba") if m in applicable]
    raised = {}
    for mode in (["reverse"] if "numba" in modes else []) + modes:
        if mode in raised:
            continue
        on = s2sad if mode == "reverse" else _OnBackend(s2sad, "numba")
        transform = on.value_and_grad if prog.output == "scalar" else on.vjp
        try:
            with warnings.catch_warnings(), time_limit(_limit(mode)), \
                    np.errstate(all="ignore"):
                warnings.simplefilter("ignore", s2sad.NumbaFallbackWarning)
                transform(f, wrt=tuple(prog.wrt))(*prog.args())
        except IndexError:
            raised[mode] = True
            continue
        except Timeout:
            return Outcome("fail", "hang", mode, f"s2sad did not finish within "
                           f"{_limit(mode):.0f} s", tuple(applicable), na)
        except _s2sad_error_types() as refusal:
            return Outcome("skip", "invalid", message=f"{exc}; s2sad: {refusal}")
        except Exception as other:   # noqa: BLE001 - any other error is a failure
            return Outcome("fail", f"crash:{type(other).__name__}", mode,
                           f"the program raises IndexError ({exc}), s2sad "
                           f"{type(other).__name__}: {other}", tuple(applicable), na)
        raised[mode] = False
        if mode == "numba" and raised["reverse"]:
            return Outcome("fail", "index-error-lost", mode,
                           f"the program and its numpy gradient raise IndexError ({exc}); "
                           f"the numba gradient returned numbers", tuple(applicable), na)
    if not modes:
        return Outcome("skip", "invalid", message=f"IndexError: {exc}")
    if not raised["reverse"]:
        return Outcome("skip", "index-error-dropped", message=f"IndexError: {exc}")
    return Outcome("pass", modes_checked=tuple(modes), modes_na=na)
