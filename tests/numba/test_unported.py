"""What numba cannot compile is refused when the module is written (``numba_unported``):
math functions numba 0.68 has no implementation of, user values it cannot take."""

import importlib.util
import math
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="numba is an optional extra: pip install "
                                            "'s2sad[numba]'")

import s2sad  # noqa: E402
from s2sad.backends.numba_target import to_numba  # noqa: E402
from s2sad.backends.numba_unported import UNCOMPILED_MATH, value_problem  # noqa: E402
from s2sad.errors import NumbaTargetError  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402
from in_process import s2sad_command

ROOT = Path(__file__).resolve().parents[2]


def _cli(tmp_path, source, func="f"):
    (tmp_path / "m.py").write_text(source)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return s2sad_command(["grad", f"m.py:{func}", "--target",
                           "numba", "-o", "out.py"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)


@pytest.mark.parametrize("source,name,what", [
    ("BIG = 10 ** 20\n", "BIG", "past int64"),
    ("DCT = {'a': 3.0}\n", "DCT", "a dict"),
    ("class Box:\n    pass\n\n\nBOX = Box()\n", "BOX", "Box object"),
])
def test_the_cli_refuses_a_value_numba_cannot_take(tmp_path, source, name, what):
    read = {"BIG": "BIG * 1e-20", "DCT": "DCT['a']", "BOX": "1.0 + 0.0 * (BOX is None)"}[name]
    proc = _cli(tmp_path, f"{source}\n\ndef f(x):\n    return {read} * x[0] ** 2\n")
    assert proc.returncode == 2, proc.stderr
    assert not (tmp_path / "out.py").exists()
    assert "\x1b[" not in proc.stderr and "Traceback" not in proc.stderr
    line = source.count("\n") + 4   # (two blank lines, the def, the return)
    assert f"m.py:{line}:" in proc.stderr and repr(name) in proc.stderr
    assert what in proc.stderr


def test_the_cli_module_of_values_numba_takes_runs(tmp_path):
    source = ("LST = [1.0, 2.0]\nN = 2 ** 62\nT = (1.5, 2)\n\n\n"
              "def f(x):\n    return LST[1] * (N // 2 ** 61) * T[0] * x[0] ** 2\n")
    proc = _cli(tmp_path, source)
    assert proc.returncode == 0, proc.stderr
    spec = importlib.util.spec_from_file_location("unported_ok", tmp_path / "out.py")
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        x = np.array([0.3, -0.7])
        value, grad = module.f_value_and_grad(x)
    finally:
        sys.path.remove(str(tmp_path))
    assert value == pytest.approx(6.0 * 0.09)
    np.testing.assert_allclose(grad, [12.0 * 0.3, 0.0], rtol=1e-12)


#: math.cbrt is Python 3.11's
_NEEDS_CBRT = pytest.mark.skipif(not hasattr(math, "cbrt"), reason="math.cbrt is Python 3.11's")


@pytest.mark.parametrize("body,refused", [
    ("math.log(x, 2.0) * x", "math.log(x, base)"),
    pytest.param("math.cbrt(x) * x", "math.cbrt", marks=_NEEDS_CBRT),
])
def test_the_cli_refuses_math_numba_does_not_compile(tmp_path, body, refused):
    proc = _cli(tmp_path, f"import math\n\n\ndef f(x):\n    return {body}\n")
    assert proc.returncode == 2, proc.stderr
    assert "m.py:5:" in proc.stderr and refused in proc.stderr
    assert ("math.log(x) / math.log(base)" if "log" in body else "np.cbrt") in proc.stderr


def logb(x):
    return math.log(x, 2.0) * x


def cbrt(x):
    return math.cbrt(x) * x


@pytest.mark.parametrize("func", [logb, pytest.param(cbrt, marks=_NEEDS_CBRT)])
def test_the_api_falls_back_naming_the_line(func):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = s2sad.value_and_grad(func, backend="numba")
        value, grad = g(1.3)
    messages = [str(w.message) for w in caught if issubclass(w.category,
                                                            s2sad.NumbaFallbackWarning)]
    assert len(messages) == 1 and "test_unported.py:" in messages[0]
    assert f"return {'math.log(x, 2.0)' if func is logb else 'math.cbrt(x)'} * x" in messages[0]
    assert g.backend_used == "numpy"
    assert value == pytest.approx(func(1.3))
    assert grad == pytest.approx(fd(func, (1.3,)), rel=1e-7)


def test_every_math_function_refused_is_one_numba_does_not_compile():
    """The table is numba's own answer (not guessed): each name fails under njit, and the
    math functions s2sad has a rule for and does not refuse compile."""
    args = {"factorial": (5,), "comb": (5, 2), "perm": (5, 2), "lcm": (6, 4), "isqrt": (10,),
            "fsum": ([0.1, 0.2],), "prod": ((0.1, 0.2),), "dist": ((0.1, 0.2), (0.3, 0.4)),
            "isclose": (0.7, 0.4), "fmod": (0.7, 0.4), "remainder": (0.7, 0.4),
            "modf": (0.7,), "ulp": (0.7,), "cbrt": (0.7,)}
    for name in UNCOMPILED_MATH:
        if not hasattr(math, name):
            continue
        call = _compiled(name, len(args[name]))
        with pytest.raises(numba.core.errors.TypingError):
            call(*args[name])
    for name, n in (("exp", 1), ("expm1", 1), ("log", 1), ("log1p", 1), ("log2", 1),
                    ("log10", 1), ("sqrt", 1), ("sin", 1), ("cos", 1), ("tan", 1),
                    ("asin", 1), ("acos", 1), ("atan", 1), ("atan2", 2), ("sinh", 1),
                    ("cosh", 1), ("tanh", 1), ("asinh", 1), ("acosh", 1), ("atanh", 1),
                    ("hypot", 2), ("pow", 2), ("fabs", 1), ("copysign", 2), ("degrees", 1),
                    ("radians", 1), ("erf", 1), ("erfc", 1), ("exp2", 1), ("floor", 1),
                    ("ceil", 1), ("trunc", 1), ("isfinite", 1), ("isinf", 1), ("isnan", 1),
                    ("gcd", 2)):
        if not hasattr(math, name):
            continue
        given = (6, 4) if name == "gcd" else (1.5, 0.5)[:n] if name != "acos" and \
            name != "asin" and name != "atanh" else (0.5,)
        assert _compiled(name, n)(*given) == pytest.approx(getattr(math, name)(*given))


def _compiled(name, n):
    params = ", ".join(f"a{i}" for i in range(n))
    space = {"math": math}
    exec(f"def call({params}):\n    return math.{name}({params})\n", space)
    return numba.njit(space["call"])


def test_to_numba_refuses_each_math_call_at_its_line():
    for name in sorted(UNCOMPILED_MATH):
        text = ("import math\n\n\ndef f_value_and_grad(x):\n    # line 7: return g(x)\n"
                f"    y = math.{name}(x)\n    return y, x\n")
        with pytest.raises(NumbaTargetError, match=rf"math\.{name}.*line 7"):
            to_numba(text, "f_value_and_grad")


def test_value_problem_takes_what_numba_takes_and_names_the_rest():
    for good in (1.5, 3, 2 ** 63 - 1, -2 ** 63, True, None, "s", 1j, (1.0, 2),
                 [1.0, 2.0], np.zeros(3), np.float32(1.0), np.int64(3), math, len):
        assert value_problem(good) is None, good
    for bad, words in ((2 ** 63, "int64"), (-2 ** 63 - 1, "int64"), ({"a": 1.0}, "dict"),
                       ({1.0}, "set"), ([], "empty list"), ([1, 2.0], "several types"),
                       (np.array([None]), "objects"), ((1.0, {}), "dict")):
        assert words in value_problem(bad), bad


def test_domain_errors_under_numba_give_nan_and_inf_as_the_readme_says():
    """README (numba section): numba's math follows C, so a domain error gives nan
    (an overflow inf) where Python raises; backend='numpy' raises as Python does."""
    def f(x):
        return math.sqrt(x[0]) + math.exp(x[1])

    x = np.array([-1.0, 1000.0])
    with pytest.raises(ValueError):
        s2sad.value_and_grad(f)(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        value, grad = s2sad.value_and_grad(f, backend="numba")(x)
    assert math.isnan(value) and math.isnan(grad[0]) and math.isinf(grad[1])
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "domain errors give nan" in readme


DCT = {"a": 3.0}
BIG = 10 ** 20


def reads_a_dict(x):
    return DCT["a"] * x[0] ** 2


def reads_a_big_int(x):
    return BIG * 1e-20 * x[0] ** 2


@pytest.mark.parametrize("func,name", [(reads_a_dict, "DCT"), (reads_a_big_int, "BIG")])
def test_the_api_falls_back_on_a_value_naming_it_and_the_line(func, name):
    x = np.array([0.3, -0.7])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = s2sad.value_and_grad(func, backend="numba")
        value, grad = g(x)
    messages = [str(w.message) for w in caught if issubclass(w.category,
                                                            s2sad.NumbaFallbackWarning)]
    assert len(messages) == 1 and f"the value of {name!r}" in messages[0]
    assert "test_unported.py:" in messages[0] and "\x1b[" not in messages[0]
    assert g.backend_used == "numpy"
    assert value == pytest.approx(func(x))
    np.testing.assert_allclose(grad, fd(func, (x,)), rtol=1e-7, atol=1e-9)
