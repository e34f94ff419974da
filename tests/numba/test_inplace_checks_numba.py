"""``check_not_inplace`` ported to the numba runtime (stranger20b r9): ``j = i; ... j += 1``
(an integer counter) compiles with backend="numba" and ``--target numba`` (it was refused:
'check_not_inplace' not provided), with the gradient of central differences and of a
derivative by hand; an array another name holds, updated in place, raises numpy's own
refusal, located at the user's line, from the compiled code too."""

import importlib.util
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import numba_int_counters as C  # noqa: E402
import s2sad  # noqa: E402
from s2sad.errors import UnsupportedSyntaxError  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402
from in_process import s2sad_command

ROOT = Path(__file__).resolve().parents[2]
X = np.linspace(0.1, 1.0, 5)


def _by_hand(x):
    """d/dx of sum_{i <= j} x_i x_j: x_k + sum(x)."""
    return x + np.sum(x)


def test_an_integer_counter_copied_from_the_loop_variable_compiles():
    g = s2sad.value_and_grad(C.ctr, backend="numba")
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        value, grad = g(X)
    assert g.backend_used == "numba"
    assert value == pytest.approx(C.ctr(X))
    np.testing.assert_allclose(grad, fd(C.ctr, (X,)), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(grad, _by_hand(X), rtol=1e-12)


def test_an_array_updated_in_place_is_refused_as_numpy_refuses():
    w = np.ones(X.shape)
    with pytest.raises(UnsupportedSyntaxError) as numpy_error:
        s2sad.value_and_grad(C.grow, wrt=0, backend="numpy")(X, w)
    with pytest.raises(UnsupportedSyntaxError) as numba_error:
        s2sad.value_and_grad(C.grow, wrt=0, backend="numba")(X, w)
    assert str(numba_error.value) == str(numpy_error.value)
    assert "'y += ...' may write into an array another name holds: 'w'" in str(numba_error.value)


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_numba_module_of_the_counter_and_of_the_array(tmp_path):
    source = Path(C.__file__)
    (tmp_path / source.name).write_text(source.read_text())
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT),
                                                       os.environ.get("PYTHONPATH", "")]))
    for name in ("ctr", "grow"):
        run = s2sad_command(["grad", f"{source.name}:{name}",
                              "--wrt", "x", "--target", "numba", "-o", f"{name}_nb.py"],
                             cwd=tmp_path, env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
    ctr = _load(tmp_path / "ctr_nb.py", "int_counters_ctr_nb")
    grow = _load(tmp_path / "grow_nb.py", "int_counters_grow_nb")
    value, grad = ctr.ctr_value_and_grad(X)
    assert value == pytest.approx(C.ctr(X))
    np.testing.assert_allclose(grad, _by_hand(X), rtol=1e-12)
    with pytest.raises(UnsupportedSyntaxError) as error:
        grow.grow_value_and_grad(X, np.ones(X.shape))
    assert error.value.location.line == 23 and "y += x" in str(error.value)
    assert "write 'y = y + ...'" in str(error.value)


def test_the_two_checks_decide_by_type_as_numpys():
    import numba
    from s2sad.backends.numba_runtime import check_in_place, check_not_inplace
    from s2sad.runtime import checks as numpy_checks

    @numba.njit
    def not_inplace(v):
        return check_not_inplace(v, "may write into 'w'", "write it out", "f.py", 3, 5)

    @numba.njit
    def in_place(v):
        return check_in_place(v, "makes a new value", "write it out", "f.py", 4, 7)

    for value in (2, 2.5, np.ones(2)):
        for compiled, helper, line in ((not_inplace, numpy_checks.check_not_inplace, 3),
                                       (in_place, numpy_checks.check_in_place, 4)):
            try:
                expected = helper(value, "", "", "f.py", 1, 1)
            except UnsupportedSyntaxError:
                with pytest.raises(UnsupportedSyntaxError) as error:
                    compiled(value)
                assert error.value.location.line == line
                assert error.value.hint == "write it out"
            else:
                assert compiled(value) is expected is True
