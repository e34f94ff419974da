"""Fixtures shared by the test modules: modules written to a fresh directory and imported;
the test processes' numba caches kept apart; how many processes ``-n auto`` starts."""

import importlib
import os
import sys
import textwrap
from pathlib import Path

import pytest

#: the modules of functions the tests differentiate (``import core_functions``): s2sad
#: reads their source, so they are real files, shared by the test directories
sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
#: the op table (``rules/test_ops.py``), which the second-order tests read too
sys.path.insert(0, str(Path(__file__).resolve().parent / "rules"))


def write(path, text):
    """Write ``text`` and make its modification time differ from the file it replaces."""
    old = path.stat().st_mtime_ns if path.exists() else None
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    if old is not None:
        os.utime(path, ns=(old + 2_000_000_000, old + 2_000_000_000))


@pytest.fixture
def load(tmp_path, monkeypatch):
    """``load(name, text)`` writes ``name.py`` into a fresh directory and imports it."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    names = []

    def _load(name, text):
        write(tmp_path / f"{name}.py", text)
        importlib.invalidate_caches()
        sys.modules.pop(name, None)
        names.append(name)
        return importlib.import_module(name)

    _load.path = tmp_path
    yield _load
    for name in names:
        sys.modules.pop(name, None)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config):
    """``-n auto`` (pyproject.toml's addopts) runs named test files or tests in this one
    process, without starting workers: a run of the whole suite or of a directory uses
    every core.  ``-n N`` or ``$PYTEST_XDIST_AUTO_NUM_WORKERS`` decides instead."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS") or not config.args:
        return None
    here = config.invocation_params.dir
    if all((here / arg.split("::")[0]).is_file() for arg in config.args):
        return 0
    return None


@pytest.fixture(scope="session", autouse=True)
def numba_cache_of_this_process(tmp_path_factory):
    """``backend="numba"`` writes its modules, and numba its compiled code, to
    ``$S2SAD_CACHE_DIR`` (else ``~/.cache/s2sad/numba``).  Numba's cache index is not safe
    for two processes that compile one module for different argument types at once (each
    rewrites the index from its own reading: one signature can end up naming the other's
    compiled code), as two xdist workers, or two test runs, would.  So each test process
    has a fresh cache of its own (the subprocesses its tests start inherit it), and a test
    run depends on no cache an earlier one left."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("S2SAD_CACHE_DIR", str(tmp_path_factory.mktemp("s2sad_cache")))
        yield


#: The exhaustive sweeps whose cases CI samples, (file, test function) -> N: the default
#: run (the README's test command, CI's) runs one case in N in the order they are
#: collected, the first, the N+1st... (the same cases every run, spread over the table); the
#: others carry the ``long`` mark, which pyproject.toml's addopts leave out (``-m "not
#: long"``).  ``python -m pytest -m long`` runs them, ``-m ""`` everything (README, its
#: test command).  Whatever the sample, CI checks every row of the op table against central
#: differences (tests/rules/test_ops.py); these sweeps run the rows again through second
#: order, a derivative of their derivative, Dask, or the numba helpers' type signatures.
#: The fuzzer's feature sweeps (the first programs of each feature, checked in every
#: mode) run one feature in 8 by default: every feature is generated and checked in
#: CI's campaign all the same (tests/fuzz/test_fuzz.py), and each construct's written
#: forms are checked for every feature (test_each_new_construct_appears_...).
SAMPLED = {
    **{(f"tests/fuzz/test_fuzz_{module}.py",
        f"test_programs_with_the_{kind}_are_differentiated_in_every_mode"): 8
       for module, kind in (("gap_forms", "feature"), ("effect_forms", "form"),
                            ("item_forms", "form"), ("common_forms", "form"),
                            ("class_forms", "feature"))},
    **{("tests/gradbench/test_ports.py", name): 4
       for name in ("test_particle_answer", "test_saddle_answer")},
    ("tests/transform/test_second_order.py",
     "test_hessian_vector_product_matches_differences_of_the_gradient"): 6,
    ("tests/transform/test_composed_rows.py", "test_every_rule_through_its_own_derivative"): 8,
    ("tests/dask/test_dask_optable.py",
     "test_each_row_is_lazy_and_right_on_dask_or_listed_with_its_reason"): 6,
    **{("tests/numba/test_runtime_helpers.py", name): 6 for name in (
        "test_unbroadcast_and_shape_of", "test_elementwise_slopes_and_ties",
        "test_product_adjoints", "test_index_helpers", "test_adjoints_of_reductions_along_axes",
        "test_adjoints_of_whole_reductions", "test_clip_masks", "test_zeros_like",
        "test_ensure_scalar_output_refuses_as_numpy_does")},
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark ``long`` the cases of ``SAMPLED``'s sweeps the default run leaves out."""
    root = Path(__file__).resolve().parent.parent
    seen = {}
    for item in items:
        file = Path(item.path).resolve().relative_to(root).as_posix()
        sweep = (file, getattr(item, "originalname", item.name))
        every = SAMPLED.get(sweep)
        if every is None:
            continue
        position = seen[sweep] = seen.get(sweep, -1) + 1
        if position % every:
            item.add_marker(pytest.mark.long)
