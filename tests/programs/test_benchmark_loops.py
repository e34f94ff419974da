"""benchmarks/loops.py: its hand-written gradients (the reference every column is checked
against) agree with finite differences, s2sad agrees with them, and a small run reports
every column without a wrong value.  No timing is asserted."""

import importlib
import sys
from pathlib import Path

import numpy as np
import pytest

from s2sad.testing import finite_difference_gradient

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
MODULES = ("loops", "workloads", "common", "heavy_rules", "hand_numba", "jax_loops")


@pytest.fixture
def loops(monkeypatch):
    """benchmarks/loops.py imported with benchmarks/ on the path for this test only."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    saved = {name: sys.modules.pop(name) for name in MODULES if name in sys.modules}
    try:
        yield importlib.import_module("loops")
    finally:
        for name in MODULES:
            sys.modules.pop(name, None)
        sys.modules.update(saved)


def _close(a, b):
    return np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-5,
                       atol=1e-7)


def test_the_hand_written_loop_gradients_agree_with_finite_differences(loops):
    for w in loops.loop_workloads(small=True, contrast=True):
        value, grads = w.hand(*w.args)
        assert _close(value, w.func(*w.args)), w.name
        for index, grad in zip(w.wrt, grads):
            assert _close(grad, finite_difference_gradient(w.func, w.args, index)), \
                (w.name, index)


def test_s2sad_agrees_with_the_hand_written_loop_gradients(loops):
    for w in loops.loop_workloads(small=True, contrast=True):
        run, _ = loops.make_s2sad_numpy(w)
        assert loops.same_result(run(*w.args), w.hand(*w.args)), w.name


def test_a_small_run_reports_every_column_and_no_wrong_value(loops):
    text, misses = loops.run(quick=True, min_time=0.0, repeats=1, only={"scalar loop"},
                             small=True)
    table = text.split("\n\n")[1].splitlines()
    assert table[0].startswith("| workload | size | hand numpy | s2sad numpy | s2sad numba")
    assert len(table) == 3 and table[2].startswith("| scalar loop | 12 steps |")
    assert "WRONG" not in text
    assert "s2sad numpy" in text and "Targets:" in text
    assert all(m.startswith("scalar loop:") for m in misses)
