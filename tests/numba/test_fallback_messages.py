"""Numba fallback warnings that named no line, blamed the user's line for s2sad's own
tape, or held a typo (stranger13's bug6, bug9, bug7): each names the user's line and
what to do, and the numpy code that runs instead gives the right numbers."""

import inspect
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="numba is an optional extra: pip install "
                                            "'s2sad[numba]'")
pytest.importorskip("scipy")

import numba_messages as M  # noqa: E402
import s2sad  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402
from in_process import s2sad_command


def _fallback(func, *args):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = s2sad.value_and_grad(func, backend="numba")
        value, grad = g(*args)
    messages = [str(w.message) for w in caught
                if issubclass(w.category, s2sad.NumbaFallbackWarning)]
    assert len(messages) == 1 and g.backend_used == "numpy"
    return messages[0], value, grad


def _line(func, text):
    lines, first = inspect.getsourcelines(func)
    return first + next(k for k, line in enumerate(lines) if text in line)


def test_a_library_ufunc_is_named_at_the_line_reading_it():
    X = np.ones((3, 2))
    y = np.array([1.0, 2.0, 0.0])
    beta = np.array([0.1, 0.2])
    message, value, grad = _fallback(M.poisson_ll, beta, X, y)
    line = _line(M.poisson_ll, "gammaln(y + 1)")
    assert f"numba_messages.py:{line}:" in message
    assert "'gammaln', gammaln, a ufunc of a library numba does not compile" in message
    assert "compute what gammaln(...) gives outside the function" in message
    np.testing.assert_allclose(grad, fd(M.poisson_ll, (beta, X, y)), rtol=1e-6)


@pytest.mark.parametrize("name, read, dotted", [
    ("soft_product", "sc.expit(x[i] / sigma)", "sc.expit"),
    ("soft_sum", "scipy.special.expit(x / sigma)", "scipy.special.expit")])
def test_a_library_ufunc_read_dotted_is_named_too(name, read, dotted, tmp_path):
    """``sc.expit`` of ``import scipy.special as sc`` is refused as ``expit`` imported by
    name is (stranger17: the API blamed s2sad's generated code, and the CLI wrote a
    module that failed at its first call)."""
    func = getattr(M, name)
    x, sigma = np.array([0.3, -0.2, 1.0]), 0.5
    message, value, grad = _fallback(func, x, sigma)
    line = _line(func, read)
    assert f"numba_messages.py:{line}:" in message
    assert f"the value of '{dotted}', expit, a ufunc of a library numba does not compile" \
        in message and "the generated code" not in message
    assert f"compute what {dotted}(...) gives outside the function" in message
    np.testing.assert_allclose(grad, fd(lambda x: func(x, sigma), (x,)), rtol=1e-6)
    source = Path(M.__file__)
    (tmp_path / source.name).write_text(source.read_text())
    done = s2sad_command(["grad", f"{source.name}:{name}",
                           "--wrt", "x", "--target", "numba", "-o", "out.py"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 2 and not (tmp_path / "out.py").exists()
    assert f"numba_messages.py:{line}:" in done.stderr and dotted in done.stderr


def test_a_math_function_hint_reads_as_english():
    message, value, grad = _fallback(M.factorial_series, 0.7)
    assert "write compute" not in message
    assert "; compute it outside the function and pass the number as an argument;" in message
    assert grad == pytest.approx(1 + 0.7 + 0.7 ** 2 / 2, rel=1e-12)   # by hand


def test_s2sads_own_tape_is_named_as_its_own():
    """numba's message about a tape typed by values of two types is read as s2sad's
    own construct (the heat stencil that showed it now compiles, one tape per index:
    tests/programs/test_foreign_containers.py checks it under numba)."""
    from s2sad.api.numba_backend import _OWN_LIMITATION, own_construct
    text = ("No implementation of function Function(<function impl_append>) found\n"
            "BoundFunction(list.append for list(array(float64, 2d, A))) ...\n"
            "During: typing of call at f.py (12)\n"
            "    u_overwritten_tape.append(overwritten(u, (0, slice(None))))\n")
    assert own_construct(text) == ("the tape 'u_overwritten_tape' of the values it saves: one "
                                   "list, which numba types by the first value it is given, "
                                   "here given values of another type")
    assert "not of your code's types" in _OWN_LIMITATION