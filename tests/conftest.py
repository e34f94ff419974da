"""Fixtures shared by the test modules: modules written to a fresh directory and imported."""

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
