"""The ``out=None`` idiom (a function writing into a parameter) with backend="numba" and
``--target numba``.  s2sad writes into a copy and checks, at each call, that no other
argument (or global the function reads) shares the parameter's memory, a check on
Python objects numba cannot compile: the check now runs in Python before the compiled
code (the API's dispatcher, the CLI module's wrapper), where the numpy code ran with a
fallback warning.  A written parameter whose default is the value written into still
falls back, the warning naming the parameter and the user's line of its first write.
References: derivatives by hand."""

import importlib
import inspect
import os
import re
import sys
import textwrap
import warnings

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import s2sad  # noqa: E402
from in_process import s2sad_command

#: the child processes import this s2sad (the test's sys.path)
_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

G = np.array([1.0, 3.0])


def fill(x, out=None):
    if out is None:
        out = np.zeros(2)
    for i in range(2):
        out[i] += x[i] * x[1 - i]
    return np.sum(out ** 2) * G[0]


def fill_default(x, out=np.zeros(2)):
    out[0] = x[0] * x[1]
    out[1] = x[1] * x[0]
    return np.sum(out ** 2)


def _by_hand(x, out=None):
    """value and gradient of fill: out = start + [p, p], p = x0 x1."""
    start = np.zeros(2) if out is None else out
    p = x[0] * x[1]
    o = start + p
    return np.sum(o ** 2), 2 * np.sum(o) * np.array([x[1], x[0]])


def test_out_parameter_compiles_and_its_check_runs_first():
    x = np.array([0.7, 1.3])
    g = s2sad.value_and_grad(fill, backend="numba")
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        for out in (None, np.array([0.5, -1.0])):
            for _ in range(3):   # (the general path, then the fast path)
                given = None if out is None else out.copy()
                value, grad = g(x) if out is None else g(x, given)
                want_value, want_grad = _by_hand(x, out)
                np.testing.assert_allclose(value, want_value, rtol=1e-12)
                np.testing.assert_allclose(grad, want_grad, rtol=1e-12)
                if out is not None:   # the caller's array is not written into
                    np.testing.assert_array_equal(given, out)
        assert g.backend_used == "numba"
        # sharing memory with the parameter written into: refused, as on numpy
        with pytest.raises(s2sad.errors.SharedArgumentsError, match="'out' shares memory "
                                                                  "with its argument 'x'"):
            g(x, x)
        with pytest.raises(s2sad.errors.SharedArgumentsError, match="with 'G'"):
            g(x, G)
        np.testing.assert_allclose(g(x)[1], _by_hand(x)[1], rtol=1e-12)
        assert g.backend_used == "numba"


def test_written_default_falls_back_naming_the_parameter_and_its_line():
    x = np.array([0.7, 1.3])
    g = s2sad.value_and_grad(fill_default, backend="numba")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value, grad = g(x, np.zeros(2))
    np.testing.assert_allclose(grad, _by_hand(x)[1], rtol=1e-12)
    text = " ".join(str(w.message) for w in caught
                    if issubclass(w.category, s2sad.NumbaFallbackWarning))
    line = inspect.getsourcelines(fill_default)[1] + 1
    assert "parameter 'out'" in text and "out[0] = x[0] * x[1]" in text, text
    assert re.search(rf"test_param_write_refusal\.py:{line}:\d+: out\[0\]", text), text


SOURCE = """
    import numpy as np

    G = np.array([1.0, 3.0])

    def fill(x, out=None):
        if out is None:
            out = np.zeros(2)
        for i in range(2):
            out[i] += x[i] * x[1 - i]
        return np.sum(out ** 2) * G[0]
    """


def test_cli_numba_module_checks_in_its_wrapper(tmp_path):
    (tmp_path / "fill_src.py").write_text(textwrap.dedent(SOURCE))
    proc = s2sad_command(["grad", "fill_src.py:fill",
                           "--target", "numba", "-o", "fill_grad_numba.py"],
                          cwd=tmp_path, capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "fill_grad_numba.py").read_text()
    wrapper = text[text.index("\ndef fill_value_and_grad("):]
    assert "    ensure_unshared('fill', {'out': 10}, {'x': x, 'out': out}, {'G': G})\n" \
        in wrapper
    assert text.count("ensure_unshared(") == 1
    sys.path.insert(0, str(tmp_path))
    try:
        written = importlib.import_module("fill_grad_numba")
        x = np.array([0.7, 1.3])
        for out in (None, np.array([0.5, -1.0])):
            value, grad = written.fill_value_and_grad(x, out)
            np.testing.assert_allclose(value, _by_hand(x, out)[0], rtol=1e-12)
            np.testing.assert_allclose(grad, _by_hand(x, out)[1], rtol=1e-12)
        with pytest.raises(s2sad.errors.SharedArgumentsError):
            written.fill_value_and_grad(x, x)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("fill_src", None)
        sys.modules.pop("fill_grad_numba", None)
