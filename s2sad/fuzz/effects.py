"""The effects check (programs with ``effect_forms``' statements): every derivative of
``f`` prints, logs and warns what ``f`` does, once per call, and raises what ``f`` raises
where a guard trips (README, "Statements run for their effect").

For each transform of the mode (reverse: ``value_and_grad``, ``grad``, ``vjp`` with its
pullback called twice, ``jacobian``; forward: ``jvp``; second: ``hvp``, ``hessian``):

- at the sample point, its stdout, warnings (category and message) and the records of
  the programs' logger must equal one call of ``f``'s;
- at the trigger point (every float parameter and leaf + 100, past every guard's
  ``GUARD``), where ``f`` raises, it must raise the same exception type with the same
  ``args`` (and a cause of the same type and args), after the same effects;
- and a later call at the sample point must work again, with ``f``'s effects.
"""

import contextlib
import io
import logging
import traceback
import warnings

import numpy as np

from s2sad.fuzz.generator.effect_forms import EFFECT_FEATURES, LOGGER
from s2sad.fuzz.program import _random_like, _tree_map, cotangent_like

#: what the trigger point adds to every float of the arguments
TRIGGER = 100.0
# (records below WARNING reach no handler; the programs' warnings go nowhere unasked)
logging.getLogger(LOGGER).addHandler(logging.NullHandler())
logging.getLogger(LOGGER).propagate = False


#: the features whose programs print or log (``claim_effects``' print in a branch too)
PRINTING_FEATURES = frozenset(EFFECT_FEATURES) | {"print_in_branch", "unused_check"}


def uses_effects(prog):
    return bool(prog.features & PRINTING_FEATURES)


@contextlib.contextmanager
def quiet(prog=None):
    """The finite differences' many calls of ``f`` (of ``prog``, if it uses the effect
    forms; given None, any): their prints and warnings dropped."""
    if prog is not None and not uses_effects(prog):
        yield
        return
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append((record.levelname, record.getMessage()))


def capture(call):
    """(effects, result, exception) of ``call()``: effects = (stdout, warnings, records)."""
    import s2sad
    out, handler = io.StringIO(), _Records()
    logger = logging.getLogger(LOGGER)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    result = raised = None
    try:
        with contextlib.redirect_stdout(out), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = call()
            except Exception as exc:   # noqa: BLE001 - compared with f's
                raised = exc
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    told = tuple((w.category.__name__, str(w.message)) for w in caught
                 if not issubclass(w.category, s2sad.NumbaFallbackWarning))
    return (out.getvalue(), told, tuple(handler.records)), result, raised


def _exc_key(exc):
    if exc is None:
        return None
    cause = exc.__cause__
    return (type(exc).__name__, exc.args,
            None if cause is None else (type(cause).__name__, cause.args))


def _triggered(args):
    def bump(v):
        if isinstance(v, np.ndarray) and v.dtype.kind == "f":
            return v + TRIGGER
        if isinstance(v, float):
            return v + TRIGGER
        return v
    return tuple(_tree_map(bump, a) for a in args)


def _calls(s2sad, prog, f, mode, rng):
    """(name, call(args)) of each transform the mode checks."""
    wrt = tuple(prog.wrt)
    scalar = prog.output == "scalar"
    calls = []
    if mode == "reverse":
        if scalar:
            calls.append(("value_and_grad", lambda a: s2sad.value_and_grad(f, wrt=wrt)(*a)))
            calls.append(("grad", lambda a: s2sad.grad(f, wrt=wrt)(*a)))
        else:
            def vjp(a):
                value, pull = s2sad.vjp(f, wrt=wrt)(*a)
                flat = rng.standard_normal(np.size(np.concatenate(
                    [np.ravel(v) for v in (value if isinstance(value, tuple) else [value])])))
                ct = cotangent_like(flat, value)
                return pull(ct), pull(ct)
            calls.append(("vjp", vjp))
        calls.append(("jacobian", lambda a: s2sad.jacobian(f, wrt=wrt)(*a)))
    elif mode == "forward":
        def jvp(a):
            tangents = [_random_like(a[i], rng) for i in wrt]
            return s2sad.jvp(f, wrt=wrt)(*a, *tangents)
        calls.append(("jvp", jvp))
    elif mode == "second" and scalar:
        def hvp(a):
            v = tuple(_random_like(a[i], rng) for i in wrt)
            return s2sad.hvp(f, wrt=wrt)(*a, v)
        calls.append(("hvp", hvp))
        calls.append(("hessian", lambda a: s2sad.hessian(f, wrt=wrt)(*a)))
    return calls


def _differ(what, want, got):
    names = ("stdout", "warnings", "log records")
    for name, w, g in zip(names, want, got):
        if w != g:
            return f"{what}: its {name} {g!r} differ from f's {w!r}"
    return None


def check(s2sad, prog, f, mode, refusals, refusal):
    """None, or (kind, message): ``effects`` (what is printed, logged, warned differs),
    ``guard`` (a different exception, or none, where ``f`` raises), ``guard-after``
    (a call after the raise fails), or a crash of the check."""
    if mode not in ("reverse", "forward", "second"):
        return None
    try:
        return _check(s2sad, prog, f, mode, refusals, refusal)
    except Exception as exc:   # noqa: BLE001
        return (f"crash:{type(exc).__name__}",
                f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}")


def _check(s2sad, prog, f, mode, refusals, refusal):
    rng = np.random.default_rng(prog.seed + 7)
    with np.errstate(all="ignore"):
        want, _, failed = capture(lambda: f(*prog.args()))
        if failed is not None:
            return None   # (the mode's own check saw it)
        t_want, _, t_raised = capture(lambda: f(*_triggered(prog.args())))
        for name, call in _calls(s2sad, prog, f, mode, rng):
            got, _, raised = capture(lambda: call(prog.args()))
            if isinstance(raised, refusals):
                return refusal(prog, raised)
            if raised is not None:
                return (f"crash:{type(raised).__name__}",
                        f"{name} at the sample point: {type(raised).__name__}: {raised}")
            problem = _differ(name, want, got)
            if problem:
                return "effects", problem
            if t_raised is None:
                continue
            got, _, raised = capture(lambda: call(_triggered(prog.args())))
            if isinstance(raised, refusals):
                return refusal(prog, raised)
            if _exc_key(raised) != _exc_key(t_raised):
                return "guard", (f"{name} at the trigger point raised {_exc_key(raised)!r}, "
                                 f"f raised {_exc_key(t_raised)!r}")
            problem = _differ(f"{name} (before its raise)", t_want, got)
            if problem:
                return "effects", problem
            got, _, raised = capture(lambda: call(prog.args()))
            if raised is not None:
                return "guard-after", (f"{name} after a raise: {type(raised).__name__}: "
                                       f"{raised}")
            problem = _differ(f"{name} (after a raise)", want, got)
            if problem:
                return "effects", problem
    return None
