"""The op table's Dask column (issue 17): each row of the op table (``tests/rules``) run
once more with its array arguments as Dask arrays of several chunks.

:func:`run_case` differentiates a row's function on Dask inputs by reverse mode
(``s2sad.vjp``) and forward mode (``s2sad.jvp``) under a scheduler that refuses to
compute (so nothing is computed while s2sad builds the derivative: the results are
lazy), then computes the results and compares them with the same derivatives on numpy
inputs (which the op table checks against finite differences) and with central finite
differences of its own (and the value with the value on numpy: a function Dask computes
otherwise than numpy has no right derivative here).  The outcome is ``"lazy"`` or the reason the row does not run
lazily on Dask (a function Dask lacks, a value the rule needs before the graph is
computed...).
"""

import math
import sys
import warnings
from pathlib import Path

import numpy as np

import dask
import dask.array as da
from dask.callbacks import Callback

import s2sad
from s2sad.errors import S2sadError
from s2sad.testing import finite_difference_gradient

_TESTS = Path(__file__).resolve().parent.parent
for _folder in ("fixtures", "rules"):   # (tests/conftest.py does this under pytest)
    if str(_TESTS / _folder) not in sys.path:
        sys.path.insert(0, str(_TESTS / _folder))

from optable import Arg  # noqa: E402


class ComputeForbidden(RuntimeError):
    """Raised by :func:`forbidding_scheduler`: something asked for a value."""


def forbidding_scheduler(dsk, keys, **kwargs):
    """A Dask scheduler that refuses to compute: code run under it builds graphs only."""
    raise ComputeForbidden("a Dask array was computed")


class Computes(Callback):
    """Counts the Dask computes started while it is active (``with Computes() as c``)."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def _start(self, dsk):
        self.count += 1


def lazy():
    """Run code under :func:`forbidding_scheduler` (and make Dask's warning that numpy
    calls a function it lacks an error: numpy's fallback would compute the array)."""
    return _Lazy()


class _Lazy:
    def __enter__(self):
        self._config = dask.config.set(scheduler=forbidding_scheduler)
        self._config.__enter__()
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.filterwarnings("error", message=".*is not implemented by Dask array.*")
        return self

    def __exit__(self, *exc):
        self._warnings.__exit__(*exc)
        return self._config.__exit__(*exc)


def chunked(value):
    """A numpy array as a Dask array of about two chunks along each axis."""
    return da.from_array(value, chunks=tuple(max(1, math.ceil(n / 2)) for n in value.shape))


def dask_args(case, args):
    """The differentiated array arguments of a row as Dask arrays; the positions of
    the differentiated arguments (Dask or not)."""
    out, wrt = [], []
    for i, (spec, value) in enumerate(zip(case.args, args)):
        if isinstance(spec, Arg):
            wrt.append(i)
            if isinstance(value, np.ndarray) and value.ndim:
                value = chunked(value)
        out.append(value)
    return tuple(out), tuple(wrt)


def has_array(args):
    return any(isinstance(a, da.Array) for a in args)


def _leaves(value):
    if isinstance(value, (tuple, list)):
        return [leaf for item in value for leaf in _leaves(item)]
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    return [value]


def _random_like(value, rng):
    if isinstance(value, (tuple, list)):
        return type(value)(_random_like(v, rng) for v in value)
    shape = tuple(value.shape) if isinstance(value, da.Array) else np.shape(value)
    drawn = rng.standard_normal(shape)
    return drawn if shape else float(drawn)


def _computed(value):
    (out,) = dask.compute(value)
    return out


def _close(a, b, what):
    for x, y in zip(_leaves(a), _leaves(b)):
        np.testing.assert_allclose(np.asarray(x, dtype=float), np.asarray(y, dtype=float),
                                   rtol=1e-6, atol=1e-8, err_msg=what)


def _fd_vjp(fn, args, wrt, ct):
    """Central finite differences of ``<ct, fn(args)>`` in each ``wrt`` argument."""
    def dotted(*a):
        return sum(float(np.sum(np.asarray(c) * np.asarray(o)))
                   for c, o in zip(_leaves(ct), _leaves(fn(*a))))
    return tuple(finite_difference_gradient(dotted, args, argnum=i) for i in wrt)


def run_case(fn, case, args):
    """Differentiate ``fn`` on Dask inputs, lazily, and check the derivatives; raise
    (an AssertionError for a wrong or eager result) otherwise."""
    dargs, wrt = dask_args(case, args)
    rng = np.random.default_rng(17)
    with lazy():
        value, pullback = s2sad.vjp(fn, wrt=wrt)(*dargs)
    if any(isinstance(leaf, da.Array) and math.isnan(leaf.size) for leaf in _leaves(value)):
        raise LookupError("the output's length is not known before it is computed (a lazy "
                          "boolean mask): no cotangent can be shaped like it")
    ct = _random_like(value, rng)
    with lazy():
        grads = pullback(ct)
        tangents = tuple(_random_like(dargs[i], rng) for i in wrt)
        jvalue, jtangent = s2sad.jvp(fn, wrt=wrt)(*dargs, *tangents)
    for i, g in zip(wrt, grads):
        if isinstance(dargs[i], da.Array):
            assert isinstance(g, da.Array), f"the gradient of argument {i} is not lazy"
    assert any(isinstance(leaf, da.Array) for leaf in _leaves(value)), "the value is not lazy"
    grads, jtangent, value = _computed((grads, jtangent, value))
    _close(value, fn(*args), "the value on Dask against the value on numpy")
    reference = s2sad.vjp(fn, wrt=wrt)(*args)[1](ct)
    _close(grads, reference, "vjp on Dask against vjp on numpy")
    with np.errstate(all="ignore"):
        finite = all(np.all(np.isfinite(np.asarray(c) * np.asarray(o)))
                     for c, o in zip(_leaves(ct), _leaves(fn(*args))))
    if finite:   # (a row whose output holds 1e308, np.nan_to_num's, has no usable FD here)
        _close(grads, _fd_vjp(fn, args, wrt, ct), "vjp on Dask against finite differences")
    _, numpy_tangent = s2sad.jvp(fn, wrt=wrt)(*args, *tangents)
    _close(jtangent, numpy_tangent, "jvp on Dask against jvp on numpy")


def reason_of(exc):
    """A short reason for an exception raised on Dask inputs."""
    if isinstance(exc, S2sadError):   # (its message, without the place: paths differ)
        return f"{type(exc).__name__}: {exc.message.splitlines()[0][:120]}"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "is not implemented by Dask array" in text:
        return "Dask lacks " + text.split("`")[1]
    if isinstance(exc, ComputeForbidden):
        return "computes a Dask array"
    return f"{type(exc).__name__}: {text[:120]}"


def primal_reason(fn, dargs):
    """None when ``fn`` itself runs lazily on the Dask arguments, else ``(owner, why)``:
    ``"dask"`` when Dask lacks a numpy function it calls, an option, or needs a value;
    ``"s2sad"`` when the function is one of s2sad's runtime helpers (the op table's
    ``rt.*`` rows: the helpers of higher derivatives) and the failure is in it."""
    try:
        with lazy():
            fn(*dargs)
    except Exception as exc:   # noqa: BLE001 (any failure is the reason reported)
        where = _where(exc)
        return ("s2sad", f"{reason_of(exc)}{where}") if where else ("dask", reason_of(exc))
    return None


# ------------------------------------------------------------------ the column

def dask_case(row_):
    """The first case of a row with an array argument (``None`` when it has none: its
    arguments are numbers, which stay numbers)."""
    return next((c for c in row_.cases
                 if any(isinstance(a, Arg) and a.shape for a in c.args)), None)


def outcome(row_, sample):
    """``(status, reason)`` of a row on Dask inputs: ``("lazy", "")`` (the derivatives
    are lazy and right), ``("dask", why)`` (the function itself does not run lazily on
    Dask: Dask lacks a numpy function or option it calls, or needs a value),
    ``("s2sad", why)`` (the function runs lazily, its derivative does not).  A wrong
    derivative raises (AssertionError)."""
    case = dask_case(row_)
    args = sample(row_, case)
    dargs, _ = dask_args(case, args)
    failed = primal_reason(row_.fn, dargs)
    if failed is not None:
        return failed
    try:
        run_case(row_.fn, case, args)
    except AssertionError:
        raise
    except Exception as exc:   # noqa: BLE001 (the reason is what the table shows)
        return "s2sad", f"{reason_of(exc)}{_where(exc)}"
    return "lazy", ""


def _where(exc):
    """`` (in helper)``: the last runtime helper (or API function) the traceback of
    ``exc`` went through."""
    import traceback
    names = [f.name for f in traceback.extract_tb(exc.__traceback__)
             if "s2sad" in f.filename and "/tests/" not in f.filename
             and not f.name.startswith("_")]
    return f" (in `{names[-1]}`)" if names else ""


def rows_with_arrays(rows):
    return [r for r in rows if dask_case(r) is not None]


def render(rows, outcomes):
    """docs/dask_ops.md: the op table's rows that do not run lazily on Dask, and why."""
    counts = {"lazy": 0, "dask": 0, "s2sad": 0}
    for status, _ in outcomes:
        counts[status] += 1
    lines = [
        "# The op table on Dask arrays",
        "",
        "Generated by `python tests/dask/dask_column.py` (checked by",
        "`tests/dask/test_dask_optable.py`); see the README's \"Big data: Dask\" section.",
        f"Generated with {versions()}.",
        "",
        "Each row of s2sad's op table (`tests/rules`) with an array argument is run once",
        "more with its array arguments as Dask arrays of several chunks: the reverse-mode",
        "(`vjp`) and forward-mode (`jvp`) derivatives are built under a scheduler that",
        "refuses to compute, then computed and compared with the derivatives on numpy",
        "inputs and with finite differences.",
        "",
        f"- **{counts['lazy']} rows** run lazily on Dask and give the right derivatives.",
        f"- **{counts['dask']} rows** call a numpy function (or an option of one) that Dask",
        "  does not implement lazily: the function itself computes or fails on Dask arrays,",
        "  before any derivative (listed below with the reason).",
        f"- **{counts['s2sad']} rows** are not lazy on s2sad's side yet: the function runs",
        "  lazily on Dask but its derivative does not, or the row is one of s2sad's runtime",
        "  helpers (the `rt.*` rows: helpers of higher derivatives) that is not lazy itself;",
        "  a helper needs a numpy function Dask lacks, or looks at values (listed below with",
        "  the reason and the helper).",
        "",
        "## Not lazy on s2sad's side yet",
        "",
        "| op-table row | reason |",
        "| --- | --- |",
    ]
    for r, (status, why) in zip(rows, outcomes):
        if status == "s2sad":
            lines.append(f"| `{r.op}` | {_cell(why)} |")
    lines += ["", "## Functions Dask does not run lazily", "",
              "| op-table row | reason |", "| --- | --- |"]
    for r, (status, why) in zip(rows, outcomes):
        if status == "dask":
            lines.append(f"| `{r.op}` | {_cell(why)} |")
    return "\n".join(lines) + "\n"


def versions():
    """The versions the table depends on (its reasons quote Dask's messages)."""
    return f"dask {dask.__version__}, numpy {np.__version__}"


def _cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def _main():   # pragma: no cover - the script that writes docs/dask_ops.md
    import test_ops
    rows = rows_with_arrays(test_ops.ROWS)
    text = render(rows, [outcome(r, test_ops.sample) for r in rows])
    (_TESTS.parent / "docs" / "dask_ops.md").write_text(text)


if __name__ == "__main__":   # pragma: no cover
    _main()
