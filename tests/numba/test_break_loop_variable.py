"""A loop variable read after a loop with ``break``: the generated code copies it in the
branch the break skips (``i_2 = i``) before numba sees it assigned, and numba refused
the module at its first call ("Variable 'i' is not defined").  A count of ``range()``
is given a placeholder 0 (read only where its flag says it is set); a name of another
type is refused when the module is written, with a hint that works."""

import os
import subprocess
import sys
import textwrap
import warnings

import pytest

import s2sad
from in_process import s2sad_command

#: the child processes import this s2sad (the test's sys.path)
_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

pytest.importorskip("numba")

SOURCE = """
    import numpy as np

    def counted(a, n):
        s = 1.0
        for i in range(n):
            s = s * a + 1.0
            if s > 3.0:
                break
        return s * s + i

    def itemwise(a, xs):
        s = 1.0
        for v in xs:
            s = s * a + v
            if s > 3.0:
                break
        return s * s + v

    def itemwise_given(a, xs):
        s = 1.0
        v = 0.0
        for v in xs:
            s = s * a + v
            if s > 3.0:
                break
        return s * s + v
    """


def _central(f, a, *rest, h=1e-6):
    return (f(a + h, *rest) - f(a - h, *rest)) / (2 * h)


def test_the_api_compiles_a_count_read_after_break(load):
    module = load("break_count_api", SOURCE)
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        g = s2sad.value_and_grad(module.counted, backend="numba")
        for a in (1.3, 0.3):   # breaks at the second trip; runs every trip
            value, grad = g(a, 6)
            assert g.backend_used == "numba"
            assert value == pytest.approx(module.counted(a, 6))
            assert grad == pytest.approx(_central(module.counted, a, 6), rel=1e-6)


def _write(tmp_path, function):
    (tmp_path / "break_src.py").write_text(textwrap.dedent(SOURCE))
    return s2sad_command(["grad", f"break_src.py:{function}",
                           "--target", "numba", "-o", f"{function}_grad.py"],
                          cwd=tmp_path, capture_output=True, text=True, env=_ENV)


def test_the_cli_module_of_a_count_read_after_break_runs(tmp_path):
    import numpy as np
    for function, args in (("counted", (6,)), ("itemwise_given", (np.array([1.0, 2.0, 3.0]),))):
        proc = _write(tmp_path, function)
        assert proc.returncode == 0, proc.stderr
        code = (f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n"
                f"import numpy as np\nfrom {function}_grad import {function}_value_and_grad as g\n"
                f"for a in (1.3, 0.3):\n    print(*g(a, {args[0]!r}))\n")
        out = subprocess.run([sys.executable, "-c", code.replace("array(", "np.array(")],
                             capture_output=True, text=True, env=_ENV)
        assert out.returncode == 0, out.stderr
        sys.path.insert(0, str(tmp_path))
        try:
            import break_src
            for line, a in zip(out.stdout.splitlines(), (1.3, 0.3)):
                value, grad = map(float, line.split())
                f = getattr(break_src, function)
                assert value == pytest.approx(f(a, *args))
                assert grad == pytest.approx(_central(f, a, *args), rel=1e-6)
        finally:
            sys.path.remove(str(tmp_path))
            sys.modules.pop("break_src", None)


def test_the_cli_refuses_another_name_read_after_break(tmp_path):
    proc = _write(tmp_path, "itemwise")
    assert proc.returncode == 2
    assert "the numba target cannot take the name 'v'" in proc.stderr
    assert "break_src.py:14:5: error:" in proc.stderr
    assert "assign v a value of its type before the loop" in proc.stderr
    assert not (tmp_path / "itemwise_grad.py").exists()


HVP_SOURCE = """
    def scalar_loop(x):
        s = x[0]
        for i in range(3):
            s = s * (1.0 + x[1] ** 2) + x[2]
        return s * i

    def writer(x, n):
        s = 0.0
        for i in range(n):
            s = s + x[i % 2] * i
            if s > 2.0:
                break
        return s * s + i
    """


def test_hvp_of_a_scalar_loop_compiles_with_numba(load):
    """Forward over reverse wrote ``add_dot = zeros_like(add)`` before the loop, ``add``
    unset there: numba found no value for ``add`` and the hvp fell back, blaming the
    user's line.  The tangent of a name holding no value holds none either."""
    import numpy as np
    module = load("hvp_scalar_loop", HVP_SOURCE)
    x, v = np.array([0.5, 0.6, 0.2]), np.array([1.0, 0.3, -0.4])
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        h = s2sad.hvp(module.scalar_loop, backend="numba")
        result = h(x, v)
        assert h.backend_used == "numba"
    hv = result[1] if isinstance(result, tuple) else result

    def gradient(y, e=1e-5):   # central differences of the function
        return np.array([(module.scalar_loop(y + e * d) - module.scalar_loop(y - e * d)) / (2 * e)
                         for d in np.eye(3)])
    e = 1e-4
    expected = (gradient(x + e * v) - gradient(x - e * v)) / (2 * e)
    np.testing.assert_allclose(hv, expected, rtol=1e-5, atol=1e-6)


def test_a_fallback_on_s2sads_own_code_says_so(load):
    """numba fails on the None a value saved from a branch that may not run holds: the
    warning names that construct as s2sad's limitation, not the user's typing."""
    import numpy as np
    module = load("writer_own_code", HVP_SOURCE)
    x = np.array([0.7, 1.3])
    with pytest.warns(s2sad.NumbaFallbackWarning) as caught:
        value, grad = s2sad.value_and_grad(module.writer, backend="numba")(x, 6)
    message = " ".join(str(w.message) for w in caught)
    # (refused when the module is written: an optional index of s2sad's own code)
    assert "of s2sad's own code" in message and "nothing to change in your code" in message
    assert "a loop ending early" in message
    assert "rewrite that line" not in message
    e = 1e-6
    expected = [(module.writer(x + e * d, 6) - module.writer(x - e * d, 6)) / (2 * e)
                for d in np.eye(2)]
    assert value == pytest.approx(module.writer(x, 6))
    np.testing.assert_allclose(grad, expected, rtol=1e-6)


@pytest.mark.parametrize("message, user_names, expected", [
    ("Variable 'add' is not defined.", (), "a name ('add') it reads before numba"),
    ("Cannot capture the non-constant value associated with variable 'cos' in a function "
     "that may escape.", (), "the global 'cos' it reads, which numba cannot freeze"),
    ("Untyped global name 'helper': Cannot determine Numba type", (), "the global 'helper'"),
    ("Untyped global name 'helper': Cannot determine Numba type", ("helper",), None),
    ("getitem(array(float64, 1d, C), OptionalType(int64))", (), "a value saved from a branch"),
    ("No implementation of function getitem for signature (DictType[unicode_type,float64])",
     (), None),
])
def test_numba_messages_about_s2sads_own_code(message, user_names, expected):
    from s2sad.api.numba_backend import own_construct
    found = own_construct(message, user_names)
    assert found is None if expected is None else expected in found
