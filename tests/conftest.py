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
