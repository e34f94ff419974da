"""The fuzzer's ``dask`` mode: each generated program's derivatives on Dask arrays of
uneven chunks, against the same derivatives on numpy arrays (which the other modes
check against finite differences).  A program whose function Dask itself cannot run is
not applicable; one whose derivative crashes or differs on Dask is a failure."""

import io
import textwrap

import numpy as np
import pytest

pytest.importorskip("dask", reason="dask is an optional extra: pip install 's2sad[dask]'")

from s2sad import fuzz  # noqa: E402
from s2sad.fuzz import dask_mode  # noqa: E402

#: ops whose derivatives fail on Dask where the function does not, in this campaign's
#: seeds (open findings, not fixed here: np.pad(x, ..., 'reflect')'s adjoint calls
#: np.bincount with numpy positions and Dask weights; slogdet's derivative calls
#: np.linalg.inv, which Dask computes only on square chunks): switched off so that the
#: campaign looks for others; and a wrong gradient: np.quantile's adjoint writes with
#: np.put_along_axis into np.empty_like of a Dask cotangent, which Dask's fallback leaves
#: unwritten (np.sum(x * np.quantile(x, 0.3, axis=1)[:, None]))
OPEN_ON_DASK = frozenset({"np.pad", "np.linalg.slogdet", "np.quantile", "np.percentile",
                          "np.median", "np.nanquantile", "np.nanpercentile", "np.nanmedian"})


DRAWS = frozenset({"draw_local_generator", "draw_module_generator", "draw_in_loop",
                   "nondiff_call_in_loop", "nondiff_counter_in_loop"})


def test_dask_campaign_finds_nothing_wrong_and_runs_programs_on_dask(tmp_path, monkeypatch):
    monkeypatch.setenv("S2SAD_CACHE_DIR", str(tmp_path))
    dask_mode.STATS.clear()
    out = io.StringIO()
    # (without the draws: the Dask mode calls f itself, so a program drawing from a
    # generator is not applicable there, fixdraws23)
    report = fuzz.run_campaign(30, seed=0, modes=("dask",), max_statements=6,
                               features=fuzz.ALL_FEATURES - OPEN_ON_DASK - DRAWS, out=out,
                               max_shrinks=1)
    failed = [r for r in report.records if r[1] == "fail"]
    assert failed == [], f"{report.summary()}\n{out.getvalue()}"
    # programs ran on Dask and were compared, some of them lazily (no compute at all
    # while the function and its derivatives were built)
    assert report.checked.get("dask", 0) >= 10, report.summary()
    assert dask_mode.STATS["lazy"] >= 3, dict(dask_mode.STATS)


def _check(source, params, tmp_path, output="scalar"):
    features = frozenset({"straight"})
    prog = fuzz.Program(1, textwrap.dedent(source).lstrip(), params, (0,), output, features)
    loader = fuzz._Loader(str(tmp_path))
    try:
        return fuzz.check_program(prog, ("dask",), {"dask": features}, loader)
    finally:
        loader.close()


X = fuzz.Param("x", "float", (3,), np.array([0.7, 0.3, -0.2]))


def test_a_lazy_program_passes_lazily(tmp_path):
    dask_mode.STATS.clear()
    outcome = _check("import numpy as np\n\ndef f(x):\n    return np.sum(np.sin(x) * x)\n",
                     [X], tmp_path)
    assert (outcome.status, outcome.modes_checked) == ("pass", ("dask",)), outcome
    assert dict(dask_mode.STATS) == {"lazy": 1}


def test_a_function_dask_lacks_is_not_applicable(tmp_path):
    """np.median of a whole array: Dask refuses it (NotImplementedError) on the function
    itself, before s2sad is asked: Dask's limit, not s2sad's failure."""
    outcome = _check("import numpy as np\n\ndef f(x):\n    return np.median(x) * x[0]\n",
                     [X], tmp_path)
    assert (outcome.status, outcome.reason) == ("skip", "dask-na"), outcome
    assert "NotImplementedError" in outcome.message


def test_an_eager_function_is_checked_and_counted_eager(tmp_path):
    """np.sort: Dask lacks it and computes through numpy's fallback: the function is
    eager on Dask, its derivatives are checked all the same."""
    dask_mode.STATS.clear()
    outcome = _check("import numpy as np\n\ndef f(x):\n    return np.sum(np.sort(x) * x)\n",
                     [X], tmp_path)
    assert (outcome.status, outcome.modes_checked) == ("pass", ("dask",)), outcome
    assert dict(dask_mode.STATS) == {"eager": 1}


def test_a_program_without_arrays_is_not_applicable(tmp_path):
    a = fuzz.Param("a", "float", (), 0.3)
    outcome = _check("import numpy as np\n\ndef f(a):\n    return np.sin(a) * a\n", [a],
                     tmp_path)
    assert (outcome.status, outcome.reason) == ("skip", "dask-na"), outcome


def test_a_wrong_dask_gradient_is_a_failure(tmp_path, monkeypatch):
    """Planted: value_and_grad on Dask arguments off by one part in a million."""
    import dask

    import s2sad
    from s2sad.fuzz import checker

    class Planted:
        def __getattr__(self, name):
            return getattr(s2sad, name)

        def value_and_grad(self, f, wrt=0):
            def run(*args):
                value, grads = s2sad.value_and_grad(f, wrt=wrt)(*args)
                if any(dask.is_dask_collection(a) for a in args):
                    grads = tuple(g * (1 + 1e-6) for g in grads)
                return value, grads
            return run

    monkeypatch.setattr(checker, "s2sad", Planted())
    outcome = _check("import numpy as np\n\ndef f(x):\n    return np.sum(np.sin(x) * x)\n",
                     [X], tmp_path)
    assert (outcome.status, outcome.reason, outcome.mode) == ("fail", "wrong-gradient",
                                                              "dask"), outcome
    assert "dask value_and_grad" in outcome.message


def test_a_derivative_computing_where_the_function_is_lazy_is_a_failure(tmp_path,
                                                                        monkeypatch):
    """Planted: jvp computes its Dask arguments (np.asarray) before differentiating."""
    import s2sad
    from s2sad.fuzz import checker

    class Planted:
        def __getattr__(self, name):
            return getattr(s2sad, name)

        def jvp(self, f, wrt=0):
            return lambda *args: s2sad.jvp(f, wrt=wrt)(*[np.asarray(a) for a in args])

    monkeypatch.setattr(checker, "s2sad", Planted())
    outcome = _check("import numpy as np\n\ndef f(x):\n    return np.sum(np.sin(x) * x)\n",
                     [X], tmp_path)
    assert (outcome.status, outcome.reason, outcome.mode) == ("fail", "computes-eagerly",
                                                              "dask"), outcome


def _check_in(mode, source, params, tmp_path, features=frozenset({"straight"})):
    prog = fuzz.Program(1, textwrap.dedent(source).lstrip(), params, (0,), "scalar", features)
    loader = fuzz._Loader(str(tmp_path))
    try:
        return fuzz.check_program(prog, (mode,), {mode: features}, loader)
    finally:
        loader.close()


def test_a_data_mask_is_a_located_refusal_on_dask(tmp_path):
    """x[x > 0.0] on Dask: a lazy mask, whose reverse derivative the README says is
    refused (LazyShapeError): a deliberate skip of the program that draws it, never a
    pass, and a crash in a program that does not."""
    source = "import numpy as np\n\ndef f(x):\n    return np.sum(x[x > 0.0] ** 2)\n"
    outcome = _check_in("dask", source, [X], tmp_path,
                        frozenset({"straight", "index_data_mask"}))
    assert (outcome.status, outcome.reason) == ("skip", "refused:index_data_mask"), outcome
    assert "LazyShapeError" in outcome.message
    outcome = _check_in("dask", source, [X], tmp_path)
    assert (outcome.status, outcome.reason) == ("fail", "crash:LazyShapeError"), outcome


def test_mode_dask_unknown_gives_an_array_argument_an_unknown_length():
    from s2sad.fuzz.dask_mode import _unknown_args, _unknown_candidates
    args = [0.3, np.ones((2, 3)), np.ones(3), np.array([1, 2])]
    assert _unknown_candidates(args) == [1, 2]
    lazy = _unknown_args(args, 1)
    assert np.isnan(lazy[1].shape[0]) and lazy[1].shape[1] == 3 and lazy[2].shape == (3,)
    np.testing.assert_array_equal(lazy[1].compute(), np.ones((2, 3)))


def test_mode_dask_unknown_takes_the_first_argument_dask_runs_the_function_on(tmp_path):
    """x[1:] of an unknown length fails in Dask itself: the unknown length goes to y."""
    dask_mode.STATS.clear()
    y = fuzz.Param("y", "float", (2,), np.array([0.4, -0.9]))
    outcome = _check_in("dask_unknown", "import numpy as np\n\ndef f(x, y):\n"
                        "    return np.sum(x[1:] * x[0]) + np.sum(np.cumsum(y) ** 2)\n",
                        [X, y], tmp_path)
    assert (outcome.status, outcome.modes_checked) == ("pass", ("dask_unknown",)), outcome
    assert dict(dask_mode.STATS) == {"unknown length: lazy": 1}


def test_mode_dask_unknown_checks_a_lazy_program_lazily(tmp_path):
    dask_mode.STATS.clear()
    outcome = _check_in("dask_unknown", "import numpy as np\n\ndef f(x):\n"
                        "    return np.sum(np.sin(x) * x)\n", [X], tmp_path)
    assert (outcome.status, outcome.modes_checked) == ("pass", ("dask_unknown",)), outcome
    assert dict(dask_mode.STATS) == {"unknown length: lazy": 1}


def test_mode_dask_unknown_a_function_dask_cannot_run_is_not_applicable(tmp_path):
    """x[1:] of an unknown length: Dask itself refuses it."""
    outcome = _check_in("dask_unknown", "import numpy as np\n\ndef f(x):\n"
                        "    return np.sum(x[1:] * x[0])\n", [X], tmp_path)
    assert (outcome.status, outcome.reason) == ("skip", "dask-na"), outcome


def test_mode_dask_unknown_a_lazy_shape_error_is_a_refusal(tmp_path):
    """A derivative that needs the unknown length (the adjoint of a mask of it) raises
    LazyShapeError: a located refusal, never a pass."""
    outcome = _check_in("dask_unknown", "import numpy as np\n\ndef f(x):\n"
                        "    return np.sum(x[x > 0.0] ** 2)\n", [X], tmp_path)
    assert (outcome.status, outcome.reason) == ("skip", "refused:lazy-shape"), outcome
