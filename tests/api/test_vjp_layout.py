"""``s2sad.vjp`` runs the forward sweep on copies of the arguments (so a caller's
in-place change cannot reach the pullback).  The copies were C-ordered: a function
reading its argument's memory order (``x.ravel('K')``, ``np.copy(x)`` then raveled) got
another value and gradient from ``vjp`` than from Python (70.0 where ``f`` gives 65.0
for a Fortran-ordered ``x``), silently, in the API and in the CLI's vjp module (found
by a test of ``s2sad.testing``'s layouts).  The copies now keep the layout.  References:
central finite differences at copies that keep the layout, and by hand."""

import importlib
import os
import sys
import textwrap

import numpy as np
import pytest

import s2sad
from in_process import s2sad_command

WEIGHTS = np.arange(6.0)

SOURCE = """
    import numpy as np

    WEIGHTS = np.arange(6.0)

    def raveled(x):
        return np.sum(x.ravel('K') * WEIGHTS) + np.sum(np.copy(x).ravel('K') * WEIGHTS ** 2) * x[0, 1]

    def vector(x):
        return x.ravel('K') * WEIGHTS
    """
def raveled(x):
    return np.sum(x.ravel('K') * WEIGHTS) + np.sum(np.copy(x).ravel('K') * WEIGHTS ** 2) * x[0, 1]


def vector(x):
    return x.ravel('K') * WEIGHTS


LAYOUTS = {
    "fortran": lambda: np.asfortranarray(np.arange(1.0, 7.0).reshape(2, 3)),
    "transposed": lambda: np.arange(1.0, 7.0).reshape(3, 2).T,
    "c": lambda: np.arange(1.0, 7.0).reshape(2, 3),
}


def _differences(f, x, eps=1e-6):
    """The derivative of ``f`` at ``x`` (rows: outputs), perturbing copies keeping ``x``'s layout."""
    columns = []
    for index in np.ndindex(x.shape):
        up, down = np.copy(x, order='K'), np.copy(x, order='K')
        up[index] += eps
        down[index] -= eps
        columns.append((np.asarray(f(up)) - np.asarray(f(down))).reshape(-1) / (2 * eps))
    return np.stack(columns, axis=1)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_vjp_of_a_layout_reading_function(layout):
    x = LAYOUTS[layout]()
    value, pullback = s2sad.vjp(raveled)(x)
    assert value == raveled(x)
    expected = _differences(raveled, x).reshape(x.shape)
    np.testing.assert_allclose(pullback(1.0), expected, rtol=1e-6)
    np.testing.assert_allclose(pullback(2.0), 2.0 * expected, rtol=1e-6)
    values, pullback = s2sad.vjp(vector)(x)
    np.testing.assert_array_equal(values, vector(x))
    cotangent = np.linspace(-1.0, 1.0, 6)
    np.testing.assert_allclose(pullback(cotangent),
                               (cotangent @ _differences(vector, x)).reshape(x.shape), atol=1e-8)


def test_by_hand():
    # a Fortran (2, 3) x raveled in memory order, column by column: 1 4 2 5 3 6; so
    # x[i, j] meets the weight 2 j + i
    x = LAYOUTS["fortran"]()
    value, pullback = s2sad.vjp(vector)(x)
    np.testing.assert_array_equal(value, [0.0, 4.0, 4.0, 15.0, 12.0, 30.0])
    np.testing.assert_array_equal(pullback(np.ones(6)), [[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]])


def test_the_cli_vjp_module_keeps_the_layout(tmp_path):
    (tmp_path / "lay.py").write_text(textwrap.dedent(SOURCE))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = s2sad_command(["grad", "lay.py:raveled", "--flavor", "vjp",
                           "-o", "lay_vjp.py"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("lay_vjp")
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("lay_vjp", None)
        sys.modules.pop("lay", None)
    x = LAYOUTS["fortran"]()
    value, pullback = module.raveled_vjp(x)
    assert value == raveled(x)
    np.testing.assert_allclose(pullback(1.0), _differences(raveled, x).reshape(x.shape), rtol=1e-6)
