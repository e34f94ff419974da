"""The checker: one program's derivatives in each mode against finite differences."""

import functools
import importlib
import os
import re
import traceback
import warnings
from dataclasses import dataclass
from typing import Tuple

import numpy as np

import s2sad
from s2sad import testing
from s2sad.fuzz.agreement import (ATOL, RTOL, SECOND_ATOL, SECOND_RTOL,  # noqa: F401
                                  _check_layout, _layout_problem,
                                  _close, _describe_mismatch, _flatten, _full_jacobian_agrees,
                                  _grad_agrees, _hessian_agrees, _jacobian_agrees,
                                  _pulls_back_again, _unchanged)
from s2sad.fuzz.constructs import ALIASING_REFUSALS, MUST_REFUSE, MUST_WORK, REFUSABLE
from s2sad.fuzz.generator.gap_forms import PARTIAL_VALUES
import s2sad.fuzz.changed_since as changed_since
import s2sad.fuzz.cli_mode as cli_mode
import s2sad.fuzz.effects as effects
import s2sad.fuzz.outside as outside
from s2sad.fuzz.backend_checks import _OnBackend, _own_code_fallback
from s2sad.fuzz.loader import _s2sad_error_types
from s2sad.fuzz.timing import Timeout, time_limit
from s2sad.runtime import NotDifferentiableError, OrderLimitError
from s2sad.fuzz.program import (_random_like, _tree_axpy, _tree_copy, _tree_leaves,
                                cotangent_like)

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
MODES = ("reverse", "forward", "second", "numba", "dask", "dask_unknown", "cli", "cli_numba")


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


def _fd_jacobian(f, params, wrt, eps, center=None):
    """Central differences: (n_outputs, n_inputs) over the wrt arguments, in float64
    (:mod:`s2sad.testing`'s, one argument at a time, side by side).

    Given ``center`` (the flattened output at the sample point), also the
    one-sided differences ``(forward, backward)``: at a kink they differ by the
    jump in slope even where central differences of every step agree (a tie
    of ``max`` between two linear pieces).
    """
    args = [p.fresh() for p in params]
    parts = [_fd_in_layout(f, params, index, eps, center)
             if params[index].kind == "float" and params[index].layout != "C"
             else testing._fd_jacobian(f, args, index, eps, center)[1:] for index in wrt]
    blocks = [np.concatenate(kind, axis=1) for kind in zip(*parts)]
    return blocks[0] if center is None else tuple(blocks)


def _fd_in_layout(f, params, index, eps, center=None):
    """:func:`s2sad.testing._fd_jacobian`'s columns (and one-sided differences) for an
    array argument given in another memory layout (``input_layout``): each point is the
    argument in its own layout, one item moved (``testing`` copies to C order)."""
    shape = params[index].fresh().shape
    columns, forward, backward = [], [], []
    for k in range(int(np.prod(shape, dtype=int))):
        at = np.unravel_index(k, shape)
        points = []
        for step in (eps, -eps):
            args = [p.fresh() for p in params]   # (f may write into its arguments)
            args[index][at] += step
            points.append(_flatten(list(testing._outputs(f(*args)))))
        columns.append((points[0] - points[1]) / (2.0 * eps))
        if center is not None:
            forward.append((points[0] - center) / eps)
            backward.append((center - points[1]) / eps)
    jac = np.stack(columns, axis=1)
    if center is None:
        return (jac,)
    return jac, np.stack(forward, axis=1), np.stack(backward, axis=1)


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
            if scalar:
                got_value, grads = kept(*args)
                actual, expected = _flatten(list(grads)), ref[0]
            else:
                tangents = [_random_like(args[i], rng) for i in wrt]
                got_value, out_tangent = kept(*args, *tangents)
                actual = _flatten([out_tangent])
                expected = ref @ np.concatenate([_flatten([t]) for t in tangents]) \
                    if ref.size else np.zeros(actual.shape)
            problem = _compare(prog, "reverse" if scalar else "forward", args, value,
                               got_value, actual, expected)
            if problem is not None:
                return problem[0], (f"a derivative made before kq was set anew to {v}: "
                                    f"{problem[1]}")
    finally:
        f.keywords["kq"] = PARTIAL_VALUES[0]
    return None


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


def _refused_line(prog, exc):
    """The source line a located s2sad error points at ("" without a location)."""
    location = getattr(exc, "location", None)
    if location is None or not getattr(location, "line", 0):
        return ""
    lines = prog.source.splitlines()
    code = location.code or ""
    if not code and os.path.basename(str(location.filename)).startswith("s2sad_fuzz_") \
            and 0 < location.line <= len(lines):
        code = lines[location.line - 1]
    return code


def _refused_construct(prog, exc, table=None):
    """The refusable construct (see REFUSABLE) a located s2sad error points at, else None.

    The error must carry a location in the program's source, and its column
    must fall on a name of a construct that may be refused (``al3`` of
    ``al3 += ...``, not ``kw1`` of ``ia4[0] = 2.5 * kw1``): a refusal of
    anything else (or one without a location) stays a failure.  With
    ``table`` (:data:`MUST_WORK`), any refusal on a line of the construct.
    """
    code = _refused_line(prog, exc)
    if not code:
        return None
    column = getattr(exc.location, "column", 0) - 1
    for feature in sorted(prog.features & set(table or REFUSABLE)):
        for match in re.finditer((table or REFUSABLE)[feature], code):
            if table is not None or match.start() <= column < max(match.end(),
                                                                  match.start() + 1):
                return feature
    return None


def _check_mode(s2sad, prog, f, mode, value, jac):
    """None when s2sad agrees with the reference in ``mode``, else (kind, message)."""
    refusals = _s2sad_error_types()
    args = outside.given_args(prog, f)   # (a global passed as an argument: its own object)
    wrt = tuple(prog.wrt)
    rng = np.random.default_rng(prog.seed)
    try:
        if mode == "second":
            return _check_second(s2sad, prog, f, wrt, rng)
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
        return _refusal(prog, exc)
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
    fell_back = [str(w.message) for w in caught
                 if issubclass(w.category, s2sad.NumbaFallbackWarning)]
    own = [m for m in fell_back if _own_code_fallback(m)]
    if own:   # numba failed on s2sad's own generated code: a bug, never a skip
        return "numba-own-code", own[0]
    if UNREGISTERED_MODULE in prog.source and any("pyobject" in m for m in fell_back):
        return "open:numba-unregistered-module", fell_back[0]   # (s2sad's: README)
    return ("numba-fallback", fell_back[0]) if fell_back else None


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


def _refusal(prog, exc):
    """(kind, message) of a deliberate s2sad error: a located refusal of a refusable
    construct, a false refusal of a line that must work, or another rejection."""
    if isinstance(exc, OrderLimitError):   # (a nested derivative beyond an op's rules)
        return "order-limit", f"{type(exc).__name__}: {exc}"
    if isinstance(exc, NotDifferentiableError) and _refused_line(prog, exc):
        # a point the README lists as having no derivative ("Functions of numpy and
        # scipy": std of equal values, a singular matrix...), refused on its line while
        # the derivative runs; the differences see the function smooth where the op's
        # argument does not move (np.std(y ** 0): seed 9930823)
        return "no-derivative-here", f"{type(exc).__name__}: {exc}"
    construct = _refused_construct(prog, exc)
    if construct is not None:
        return f"refused:{construct}", f"{type(exc).__name__}: {exc}"
    if outside.documented_refusal(prog, exc):
        return outside.documented_refusal(prog, exc), f"{type(exc).__name__}: {exc}"
    construct = _refused_construct(prog, exc, MUST_WORK)
    if construct is not None:
        return f"false-refusal:{construct}", f"{type(exc).__name__}: {exc}"
    return f"rejected:{type(exc).__name__}", f"{type(exc).__name__}: {exc}"


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
    if mode in ("numba", "cli_numba"):
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
                value = outside.on_same_objects(prog, f)
        except Exception as exc:   # noqa: BLE001
            return Outcome("skip", "invalid", message=f"on the globals: {exc}")
    return _check_modes(s2sad, prog, f, applicable, na, value, ref)


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


def _check_modes(s2sad, prog, f, applicable, na, value, ref):
    """The :class:`Outcome` of checking ``prog`` (its function ``f``, its ``value`` and
    finite-difference Jacobian ``ref``) in each of the modes ``applicable``."""
    fell_back, limited, opened = None, [], None
    for mode in applicable:
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
                                            _refusal)
                if problem is None and MUST_REFUSE & prog.features \
                        and mode in ("reverse", "forward"):
                    problem = ("missing-refusal", f"{mode}: differentiated a program using "
                               f"{', '.join(sorted(MUST_REFUSE & prog.features))}, which "
                               f"s2sad must refuse at its line")
        except Timeout:
            problem = ("hang", f"s2sad did not finish within {_limit(mode):.0f} s "
                               f"(the program itself runs in under {PRIMAL_TIMEOUT:.0f} s)")
        if problem is not None:
            kind, message = problem
            kind = _open_finding(prog, mode, kind, message)
            if kind == "numba-fallback":   # checked on numpy: right, but not on numba
                fell_back = message
                continue
            if kind == "dask-eager":   # checked, but the function computes on Dask
                continue
            if kind in ("order-limit", "dask-na"):
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
            if kind.startswith("refused:") or kind == "no-derivative-here":
                # a located refusal of a construct s2sad may refuse: deliberate, not a pass
                return Outcome("skip", kind, message=message)
            if kind.startswith("rejected:") and any(m in message for m in ALIASING_REFUSALS):
                # s2sad refuses, on purpose and with a location, an in-place update whose
                # effect on another name it cannot follow: never a wrong number
                return Outcome("skip", "refused-aliasing", message=message)
            return Outcome("fail", kind, mode, message, tuple(applicable), na)
    if "entry_partial" in prog.features:
        try:
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
    if opened is not None:
        return Outcome("skip", opened[0], message=opened[1])
    if fell_back is not None and applicable == ["numba"]:
        return Outcome("skip", "numba-fallback", message=fell_back)
    checked = tuple(m for m in applicable if m not in dict(limited))
    if not checked:
        reason = "dask-na" if limited[0][0].startswith("dask") else "order-limit"
        return Outcome("skip", reason, message=limited[0][1], modes_na=na)
    return Outcome("pass", modes_checked=checked, modes_na=na + tuple(m for m, _ in limited))


#: s2sad's open findings of gap_forms' features (README, "Trust and speed, measured"):
#: (feature, mode or None, kind of failure, words of the message, the open kind)
OPEN_FINDINGS = (
    # the second derivatives of list(map(h, xs)), a helper of the user's: s2sad's inliner
    # looks up a helper it never parsed
    ("map_call", "second", "crash:KeyError", "helper_sources", "open:map-helper-second-order"),
    # functools.partial(f, kq=...) called with an argument of a parameter that has a
    # default (f(x, ob=None, *, kq), partial(f, kq=0.5)(x, ob)): the generated function
    # takes only the parameters without one
    ("entry_partial", None, "crash:TypeError", "positional argument",
     "open:partial-default-parameter"),
    # a module-level lambda that never returns its argument taken for one that may: a
    # false refusal where f writes into the array after the call
    ("module_lambda", None, "rejected:UnsupportedSyntaxError",
     "<lambda> may return its argument", "open:lambda-may-return-argument"),
    # sum(list_of_lists, []) in f made a helper (by the partial or the lambda around it):
    # its second derivatives crash (or are wrong: test_fuzz_gap_forms's reproducer)
    ("sum_lists", "second", "crash:ValueError", "cannot be reduced to shape",
     "open:sum-lists-helper-second-order"),
    # a defaultdict accumulator in f made a helper: second derivatives refused
    ("dict_accumulator", "second", "rejected:UnsupportedSyntaxError", "holds a defaultdict",
     "open:defaultdict-helper-second-order"),
    # a Counter() accumulator in a helper (or a decorated f): its second derivatives
    # read a key of the Counter never written (its keys 'u' and 'w')
    ("dict_accumulator", "second", "crash:KeyError", "KeyError: 'u'",
     "open:counter-helper-second-order"),
    ("dict_accumulator", "second", "crash:KeyError", "KeyError: 'w'",
     "open:counter-helper-second-order"),
    # hessian with respect to an empty array only: f runs on the caller's own arrays,
    # and a write into one (ob[0] = ...) changes it
    ("empty_arg", "second", "mutated-input", "in place: hessian",
     "open:hessian-empty-writes-argument"),
    # a pole's Python float divided by zero in the derivative of f reached through the
    # module's lambda: unlocated (a SingularPointError without a location, or numpy's
    # ZeroDivisionError itself), where f's own derivative names the line
    ("entry_lambda", None, "pole-unlocated", "", "open:lambda-pole-unlocated"),
    ("entry_lambda", None, "pole-misplaced", "SingularPointError at line 0",
     "open:lambda-pole-unlocated"),
    # ravel('K') of a strided (non-contiguous) argument: refused at run time with the
    # place in its message but no location on the error (REFUSABLE once located)
    ("input_layout", None, "rejected:NoDerivativeRuleError",
     "neither C- nor Fortran-contiguous is not differentiated", "open:flatten-k-unlocated"),
    # jacobian of f through the partial or the lambda: f's prints and warnings once per
    # sweep (of f itself: once)
    ("entry_partial", None, "effects", "jacobian: its", "open:entry-jacobian-effects"),
    ("entry_lambda", None, "effects", "jacobian: its", "open:entry-jacobian-effects"),
)


def _opened_refusal(prog, exc):
    """:func:`_refusal`'s (kind, message), the kind that of an open finding where it is
    one (any mode's)."""
    kind, message = _refusal(prog, exc)
    return _open_finding(prog, None, kind, message), message


def _open_finding(prog, mode, kind, message):
    """``kind``, or the open kind of a known finding of s2sad's it is (never a pass)."""
    for feature, at, was, words, opened in OPEN_FINDINGS:
        if feature in prog.features and at in (None, mode) and kind == was \
                and words in message:
            return opened
    return kind


def _check_module_reads(s2sad, prog, f, mode):
    """``cfg``'s attributes changed between calls: :func:`outside.check_module_reads`."""
    api = _OnBackend(s2sad, "numba") if mode == "numba" else s2sad

    def reference():
        return outside._reference(prog, f, _fd_jacobian, EPS_REF, EPS_CHECK, FD_RTOL, FD_ATOL)
    try:
        return outside.check_module_reads(api, prog, f, mode, reference)
    except _s2sad_error_types() as exc:
        return _refusal(prog, exc)
    except Exception as exc:   # noqa: BLE001
        return (f"crash:{type(exc).__name__}",
                f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}")


def _check_changed_since(s2sad, prog, f, value, ref):
    """A pullback after a module value ``f`` reads changed, and interleaved ``vjp`` calls:
    :func:`changed_since.check`, with the checker's steps, tolerances and refusals."""
    return changed_since.check(s2sad, prog, f, (value, ref), (EPS_REF, EPS_CHECK),
                               (FD_RTOL, FD_ATOL), _refusal, _refused_line,
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
