"""The fuzzer's ``dask`` mode: a program's derivatives on Dask arrays against the same
derivatives on numpy arrays (which the other modes check against finite differences).

Each array argument becomes a Dask array of uneven chunks (2 along every axis: a
length 3 is chunked 2 + 1).  The function runs on them first, alone: where Dask itself
fails on it (a numpy function Dask lacks) the program is not applicable ("dask-na"),
and where it computes (a Python ``if`` on a lazy value) the function is eager on Dask.
Then each derivative the README says works on Dask is built on the Dask arguments --
``value_and_grad`` and ``hvp`` for a scalar output, ``vjp`` for any other, ``jvp``
always -- under a scheduler that counts the computes, computed, and compared with the
same derivative on numpy arguments.  A derivative that computes while it is built
where the function alone did not is a failure ("computes-eagerly"); so is any other
difference (an error, a value or a derivative that differs).

Mode ``dask_unknown`` runs the same comparison with an array argument made of an
unknown length along its first axis, the first on which Dask runs the function alone
(``x[lazy_mask]`` of a mask that keeps every element: the same numbers, a Dask shape
``(nan, ...)``), as an array made by ``x[x > 0]`` or ``da.from_delayed`` has.  Where
Dask cannot run the function alone on any, the program is "dask-na"; where s2sad raises :class:`~s2sad.errors.LazyShapeError`
(a derivative that needs the length) it is a located refusal, "refused:lazy-shape";
any other error, a wrong number or a compute while building is a failure.  In both
modes, the ``LazyShapeError`` of ``x[x > 0.0]`` (feature ``index_data_mask``: a lazy
mask, which the README says is refused) is "refused:index_data_mask".

Dask is imported here only, and this module is loaded by name (``importlib``) only for
``--modes dask`` (as optional rules are): no other s2sad module imports it.
"""

import traceback
import warnings
from collections import Counter

import numpy as np

from s2sad.fuzz.program import _random_like, cotangent_like

#: Dask vs numpy: the same operations, sums in another order (by chunks)
DASK_RTOL, DASK_ATOL = 1e-9, 1e-12
#: the chunk length along every axis (uneven wherever a length is odd)
CHUNK = 2
#: what the mode saw, over a process: "lazy" (the function and its derivatives built
#: without a compute), "eager" (the function alone computes on Dask), "n/a: ..." (why not)
STATS = Counter()


class _CountingScheduler:
    """Dask's synchronous scheduler, counting its calls (each is one compute)."""

    def __init__(self):
        self.computes = 0
        self.where = ""   # the line of s2sad (runtime or generated code) that computed first

    def __call__(self, dsk, keys, **kwargs):
        import dask
        self.computes += 1
        if not self.where:
            lines = [f"{fr.filename.split('/s2sad/')[-1]}:{fr.lineno}: {fr.line}"
                     for fr in traceback.extract_stack()
                     if "<s2sad" in fr.filename or ("/s2sad/" in fr.filename
                                                   and "/s2sad/fuzz/" not in fr.filename)]
            self.where = lines[-1] if lines else ""
        return dask.get(dsk, keys, **kwargs)


def _unknown_length(value):
    """A Dask array of ``value``'s numbers whose first axis has an unknown length (its
    chunks ``nan``): ``value`` masked by a lazy mask that keeps every element."""
    import dask.array as da
    lazy = da.from_array(value, chunks=CHUNK)
    keep = da.from_array(np.ones(value.shape[0], dtype=bool), chunks=CHUNK) == True  # noqa: E712
    return lazy[keep]


def _unknown_candidates(args):
    """The positions of the float array arguments (of at least one axis): those that
    mode ``dask_unknown`` may give an unknown length."""
    return [i for i, a in enumerate(args) if isinstance(a, np.ndarray) and a.ndim > 0
            and a.size > 0 and a.dtype.kind == "f"]


def _unknown_args(args, at):
    """``args`` on Dask, the one at position ``at`` of unknown length along its first
    axis (:func:`_unknown_length`)."""
    out = [_on_dask(a) for a in args]
    out[at] = _unknown_length(args[at])
    return out


def _on_dask(value):
    """``value`` with every float ndarray (of at least one axis, in containers too) as a
    Dask array of ``CHUNK``-long chunks."""
    import dask.array as da
    if isinstance(value, np.ndarray) and value.ndim > 0 and value.size > 0:
        return da.from_array(value, chunks=CHUNK)
    if isinstance(value, tuple):
        return tuple(_on_dask(v) for v in value)
    if isinstance(value, list):
        return [_on_dask(v) for v in value]
    if isinstance(value, dict):
        return {k: _on_dask(v) for k, v in value.items()}
    return value


def _computed(value):
    """``value`` with every Dask object in it computed (one ``dask.compute``, synchronous:
    the checker's time limit is a signal to the main thread)."""
    import dask
    return dask.compute(value, scheduler="synchronous")[0]


def _has_dask(value):
    import dask
    if dask.is_dask_collection(value):
        return True
    if isinstance(value, (tuple, list)):
        return any(_has_dask(v) for v in value)
    if isinstance(value, dict):
        return any(_has_dask(v) for v in value.values())
    return False


def _build(call, *args):
    """``call(*args)`` under the counting scheduler: (result, number of computes)."""
    import dask
    counter = _CountingScheduler()
    with dask.config.set(scheduler=counter):
        result = call(*args)
    return result, counter


def _derivatives(s2sad, prog, f, args, value, rng, _flatten):
    """{name: (transform(f) on the arguments, a function of its result to compare)}:
    the derivatives to run on both numpy and Dask, with random directions drawn once."""
    wrt = tuple(prog.wrt)
    tangents = [_random_like(args[i], rng) for i in wrt]
    jobs = {"jvp": (lambda a, t: s2sad.jvp(f, wrt=wrt)(*a, *t), tangents, lambda r: r)}
    if prog.output == "scalar":
        jobs["value_and_grad"] = (lambda a, _: s2sad.value_and_grad(f, wrt=wrt)(*a), None,
                                  lambda r: r)
        direction = [_random_like(args[i], rng) for i in wrt]
        jobs["hvp"] = (lambda a, v: s2sad.hvp(f, wrt=wrt)(*a, tuple(v)), direction,
                       lambda r: r)
    else:
        flat = _flatten(list(value) if isinstance(value, tuple) else [value])
        ct = cotangent_like(rng.standard_normal(flat.size), value)
        jobs["vjp"] = (lambda a, c: s2sad.vjp(f, wrt=wrt)(*a), ct,
                       lambda r, c=ct: (r[0], r[1](c)))
    return jobs


def check_dask_unknown(s2sad, prog, f, value, rng, flatten, describe):
    """:func:`check_dask` with an argument of unknown length (mode ``dask_unknown``)."""
    return check_dask(s2sad, prog, f, value, rng, flatten, describe, unknown=True)


def check_dask(s2sad, prog, f, value, rng, flatten, describe, unknown=False):
    """:func:`_check_dask`, with Dask's warnings of a numpy function it lacks (computed
    through numpy's fallback) silenced and the outcome counted in :data:`STATS`.
    ``flatten`` and ``describe`` are the checker's (a result's numbers in one flat array;
    a mismatch's description), passed in: this module does not import the checker."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        problem = _check_dask(s2sad, prog, f, value, rng, flatten, describe, unknown)
    kind = problem[0] if problem else "lazy"
    if kind == "dask-na":   # (why: Dask's exception type, or the message)
        kind += ": " + problem[1].replace(_FAILS, "").split(":")[0]
    kind = {"dask-eager": "eager"}.get(kind, kind)
    STATS[f"unknown length: {kind}" if unknown else kind] += 1
    return problem


_FAILS = "the function alone fails on Dask: "


def _check_dask(s2sad, prog, f, value, rng, _flatten, _describe_mismatch, unknown=False):
    """None when every derivative agrees on Dask and numpy; ``("dask-na", why)`` when the
    program does not apply (no array argument, Dask fails on the function itself); else
    (kind, message) of the first difference.  ``unknown``: the first array argument that
    Dask runs the function on with an unknown length (:func:`_unknown_args`)."""
    from s2sad.errors import LazyShapeError
    from s2sad.fuzz.loader import _s2sad_error_types
    args = prog.args()
    if unknown:   # the first argument Dask runs the function on with an unknown length
        candidates = _unknown_candidates(args)
        if not candidates:
            return "dask-na", "no float array argument"
        first_failure = None
        for at in candidates:
            lazy_args = lambda at=at: _unknown_args(prog.args(), at)   # noqa: E731
            failure, lazy_value, counter = _function_alone(f, lazy_args, value, _flatten)
            if failure is None:
                break
            first_failure = first_failure or failure
        else:
            return "dask-na", first_failure
    else:
        at = None
        lazy_args = lambda: [_on_dask(a) for a in prog.args()]   # noqa: E731
        if not _has_dask(lazy_args()):
            return "dask-na", "no array argument"
        failure, lazy_value, counter = _function_alone(f, lazy_args, value, _flatten)
        if failure is not None:
            return "dask-na", failure
    lazy = counter.computes == 0
    for name, (run, extra, finish) in _derivatives(s2sad, prog, f, args, value, rng,
                                                         _flatten).items():
        try:
            want = finish(run(prog.args(), extra))
        except _s2sad_error_types():
            continue   # refused on numpy too: the other modes' question
        want = _flatten(_tree(want))
        dask_extra = _on_dask(extra) if name != "vjp" else extra
        if at is not None and extra is not None and name != "vjp" and at in prog.wrt:
            dask_extra = list(dask_extra)   # (its direction: of unknown length too)
            dask_extra[tuple(prog.wrt).index(at)] = _unknown_length(
                extra[tuple(prog.wrt).index(at)])
        try:
            built, during = _build(lambda: finish(run(lazy_args(), dask_extra)))
            have = _flatten(_tree(_computed(built)))
        except LazyShapeError as exc:
            if unknown:
                return "refused:lazy-shape", f"dask {name}: LazyShapeError: {exc}"
            if "x[mask]" in str(exc) and "index_data_mask" in prog.features:
                return "refused:index_data_mask", f"dask {name}: LazyShapeError: {exc}"
            return "crash:LazyShapeError", f"dask {name}: LazyShapeError: {exc}"
        except Exception as exc:   # noqa: BLE001 - numpy's worked: any error is s2sad's
            tb = traceback.format_exc(limit=-3)
            which = "" if at is None else f" (argument {at} of unknown length)"
            return (f"crash:{type(exc).__name__}",
                    f"dask {name}{which}: {type(exc).__name__}: {exc}\n{tb}")
        if lazy and during.computes:
            return "computes-eagerly", (f"dask {name}: {during.computes} compute(s) while "
                                        f"building it (the function alone computes nothing), "
                                        f"the first at {during.where}")
        if not _close(have, want):
            text = _describe_mismatch(f"dask {name} vs numpy", have, want)
            return "wrong-gradient", text.replace("finite differences", "numpy").replace(
                "fd:   ", "numpy:")
    return None if lazy else ("dask-eager", "the function alone computes on Dask")


def _function_alone(f, lazy_args, value, _flatten):
    """(None, lazy value, counting scheduler) where ``f`` runs on ``lazy_args()`` (fresh
    each call: f may append to a list) and gives its numpy numbers, else (why not, None,
    None): Dask's own failure, not s2sad's."""
    try:
        lazy_value, counter = _build(f, *lazy_args())
        plain = _computed(lazy_value)
    except Exception as exc:   # noqa: BLE001 - Dask's own failure: not s2sad's
        return f"{_FAILS}{type(exc).__name__}: {exc}", None, None
    if not _close(_flatten(_tree(plain)), _flatten(_tree(value))):
        return "the function alone gives other numbers on Dask", None, None
    return None, lazy_value, counter


def _tree(value):
    return list(value) if isinstance(value, tuple) else [value]


def _close(have, want):
    return have.shape == want.shape and np.allclose(have, want, rtol=DASK_RTOL,
                                                    atol=DASK_ATOL, equal_nan=True)
