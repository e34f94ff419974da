"""The modules the CLI writes check what their caller gives them, as the API does
(stranger report r10_cli_vjp_cotangent_unchecked).  A ``--flavor vjp`` module's pullback
took a list cotangent for a dict output and gave zeros, took a dict missing keys as
zeros there, and raised a raw IndexError for a list one item short; a ``--mode forward``
module broadcast a (2, 2) tangent for a (2,) parameter into (2, 2) tangent outputs.  Now
the pullback raises ``CotangentError`` and the forward module ``TangentError``, naming
the path, with the API's own checks (``runtime.check_cotangent``, ``runtime.as_tangent``).
References: central finite differences of the source, or derivatives by hand."""

import importlib
import os
import sys
import textwrap

import numpy as np
import pytest

import s2sad
from s2sad.errors import CotangentError, TangentError
from s2sad.testing import finite_difference_gradient
from in_process import s2sad_command

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import functools

    import numpy as np

    def dout(x):
        d = {}
        for i in range(x.shape[0]):
            d[f"y{i}"] = x[i] ** (i + 1)
        return d

    def traj(x0, k):
        xs = [x0]
        x = x0
        for t in range(4):
            x = x + 0.1 * (-k * x + np.sin(x))
            xs.append(x)
        return xs

    def two(x, k):
        return x * k, np.sum(x ** 2)

    def wave(x, k):
        return np.sin(x) * k

    def pick(p):
        return p["a"] * p["b"][0]

    def cubic(x):
        return np.sum(x ** 3) + x[0] * x[1]

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(x, *args, scale=0.75, **kwargs):
            return scale * fn(x, *args, **kwargs) + 1.0
        return wrapper

    @deco
    def wrapped(x, y):
        return np.sum(np.sin(x)) * y
    """


@pytest.fixture
def written(tmp_path):
    """``written(func, *options)``: the module the CLI writes for ``func`` (and the
    source module)."""
    (tmp_path / "srcw.py").write_text(textwrap.dedent(SOURCE))
    loaded = []

    def write(func, *options):
        out = f"w_{func}_{len(loaded)}"
        proc = s2sad_command(["grad", f"srcw.py:{func}",
                               *options, "-o", f"{out}.py"],
                              cwd=tmp_path, capture_output=True, text=True, env=_ENV)
        assert proc.returncode == 0, proc.stderr
        loaded.append(out)
        return importlib.import_module(out), importlib.import_module("srcw")

    sys.path.insert(0, str(tmp_path))
    try:
        yield write
    finally:
        sys.path.remove(str(tmp_path))
        for name in loaded + ["srcw"]:
            sys.modules.pop(name, None)


def _pulled(f, args, cotangent_sum):
    """The finite-difference gradient of ``cotangent_sum(f(*args))`` in the first argument."""
    return finite_difference_gradient(lambda *a: cotangent_sum(f(*a)), args, 0)


def test_a_dict_output_s_pullback_refuses_a_list_and_missing_keys(written):
    module, source = written("dout", "--flavor", "vjp")
    x = np.array([0.5, -1.2, 0.8])
    _, pullback = module.dout_vjp(x)
    with pytest.raises(CotangentError, match=r"expected a dict with keys \['y0', 'y1', 'y2'\]"):
        pullback([1.0, 2.0, 0.0])   # gave zeros
    with pytest.raises(CotangentError, match=r"missing \['y1', 'y2'\]"):
        pullback({"y0": 1.0})   # gave [1, 0, 0]
    with pytest.raises(CotangentError):   # the API refuses the same
        s2sad.vjp(source.dout)(x)[1]([1.0, 2.0, 0.0])
    c = {"y0": 1.0, "y1": 2.0, "y2": 0.5}
    expected = np.array([c["y0"], 2 * c["y1"] * x[1], 3 * c["y2"] * x[2] ** 2])   # by hand
    np.testing.assert_allclose(pullback(c), expected, rtol=1e-12)
    np.testing.assert_allclose(pullback(c), s2sad.vjp(source.dout)(x)[1](c), rtol=1e-12)


def test_a_list_output_s_pullback_refuses_a_list_one_short_and_takes_a_tuple(written):
    module, source = written("traj", "--flavor", "vjp", "--wrt", "x0")
    x0, k = np.array([0.4, -0.2]), 0.7
    _, pullback = module.traj_vjp(x0, k)
    with pytest.raises(CotangentError, match="expected a list of 5"):
        pullback([np.ones(2)] * 4)   # a raw IndexError
    with pytest.raises(CotangentError, match=r"output\[2\]: expected shape \(2,\), got \(3,\)"):
        pullback([np.ones(2), np.ones(2), np.ones(3), np.ones(2), np.ones(2)])
    weights = [np.array([1.0, -0.5]) * (t + 1) for t in range(5)]
    expected = _pulled(source.traj, (x0, k),
                       lambda xs: sum(float(np.dot(w, v)) for w, v in zip(weights, xs)))
    given = list(weights)
    np.testing.assert_allclose(pullback(tuple(weights)), expected, rtol=1e-6)
    np.testing.assert_allclose(pullback(given), expected, rtol=1e-6)
    assert len(given) == 5   # the caller's list is not consumed


def test_a_tuple_output_s_pullback_checks_each_cotangent(written):
    module, source = written("two", "--flavor", "vjp", "--wrt", "x")
    x, k = np.array([1.0, 2.0]), 3.0
    _, pullback = module.two_vjp(x, k)
    with pytest.raises(CotangentError, match=r"output\[1\]: expected shape \(\), got \(2,\)"):
        pullback(np.ones(2), np.ones(2))
    u = np.array([0.5, -1.5])
    expected = _pulled(source.two, (x, k), lambda out: float(np.dot(u, out[0]) + 2.0 * out[1]))
    np.testing.assert_allclose(pullback(u, 2.0), expected, rtol=1e-6)


def test_a_forward_module_refuses_a_tangent_of_another_shape(written):
    module, source = written("wave", "--mode", "forward", "--wrt", "x,k")
    x, k = np.array([0.3, 0.7]), 2.0
    with pytest.raises(TangentError, match=r"'x'.*expected shape \(2,\), got \(2, 2\)"):
        module.wave_jvp(x, k, np.ones((2, 2)), 0.0)   # gave (2, 2) tangent outputs
    with pytest.raises(TangentError, match=r"'k'.*expected shape \(\), got \(2,\)"):
        module.wave_jvp(x, k, np.ones(2), np.ones(2))
    v = np.array([1.0, -2.0])
    value, tangent = module.wave_jvp(x, k, v, 0.5)
    h = 1e-6
    expected = (source.wave(x + h * v, k + h * 0.5) - source.wave(x - h * v, k - h * 0.5)) / (2 * h)
    np.testing.assert_allclose(tangent, expected, rtol=1e-6)
    np.testing.assert_allclose(value, source.wave(x, k))


def test_a_forward_module_refuses_a_tangent_of_another_structure(written):
    module, _ = written("pick", "--mode", "forward")
    p = {"a": 1.5, "b": np.array([2.0, 3.0])}
    with pytest.raises(TangentError, match=r"p: expected a dict with keys \['a', 'b'\]"):
        module.pick_jvp(p, [1.0, 2.0])
    _, tangent = module.pick_jvp(p, {"a": 1.0, "b": np.array([1.0, 0.0])})
    assert tangent == pytest.approx(1.0 * 2.0 + 1.5 * 1.0)   # by hand: b0 da + a db0


def test_an_hvp_module_refuses_a_direction_of_another_shape(written):
    module, _ = written("cubic", "--mode", "forward", "--flavor", "hvp")
    x = np.array([0.3, 0.7, -0.4])
    with pytest.raises(TangentError, match=r"expected shape \(3,\), got \(2,\)"):
        module.cubic_hvp(x, np.ones(2))
    v = np.array([1.0, 0.5, -2.0])
    hessian = np.diag(6.0 * x) + np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0.0]])   # by hand
    np.testing.assert_allclose(module.cubic_hvp(x, v)[-1], hessian @ v, rtol=1e-12)


def test_a_decorated_function_s_forward_module_checks_its_tangents(written):
    """The written function takes the wrapper's keyword-only parameter after the tangents
    (``f_jvp(x, y, x_dot, *, scale=0.75)``): the tangent is still told from the parameters."""
    module, _ = written("wrapped", "--mode", "forward", "--wrt", "x")
    x, y = np.array([0.3, -0.6]), 1.5
    with pytest.raises(TangentError, match=r"expected shape \(2,\), got \(2, 2\)"):
        module.wrapped_jvp(x, y, np.ones((2, 2)))
    v = np.array([1.0, 2.0])
    _, tangent = module.wrapped_jvp(x, y, v)
    assert tangent == pytest.approx(0.75 * y * np.dot(np.cos(x), v))   # by hand


def test_a_numba_forward_module_checks_its_tangents_in_its_wrapper(written):
    # (a --target numba forward module compiled no check: a (2, 2) tangent for a (2,)
    # parameter gave a wrong number, a list one numba's typing error; its wrapper, plain
    # Python, now runs the API's check before the compiled code)
    pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")
    module, source = written("wave", "--mode", "forward", "--wrt", "x,k", "--target", "numba")
    assert "as_tangent" not in module.wave_jvp_njit.py_func.__code__.co_names
    x, k = np.array([0.3, 0.7]), 2.0
    with pytest.raises(TangentError, match=r"'x'.*expected shape \(2,\), got \(2, 2\)"):
        module.wave_jvp(x, k, np.ones((2, 2)), 0.0)
    with pytest.raises(TangentError, match=r"'x'.*expected an array of shape \(2,\), got a list"):
        module.wave_jvp(x, k, [1.0, 1.0], 0.0)
    with pytest.raises(TangentError, match=r"'k'.*expected shape \(\), got \(2,\)"):
        module.wave_jvp(x, k, np.ones(2), np.ones(2))
    v = np.array([1.0, -2.0])
    value, tangent = module.wave_jvp(x, k, v, 0.5)
    h = 1e-6
    expected = (source.wave(x + h * v, k + h * 0.5) - source.wave(x - h * v, k - h * 0.5)) / (2 * h)
    np.testing.assert_allclose(tangent, expected, rtol=1e-6)
    np.testing.assert_allclose(value, source.wave(x, k))


def test_a_numba_hvp_module_checks_its_direction_in_its_wrapper(written):
    pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")
    module, source = written("cubic", "--mode", "forward", "--flavor", "hvp", "--target", "numba")
    x = np.array([0.3, 0.7, -0.4])
    with pytest.raises(TangentError, match=r"expected shape \(3,\), got \(3, 3\)"):
        module.cubic_hvp(x, np.ones((3, 3)))
    v = np.array([1.0, 0.5, -2.0])
    by_hand = 6.0 * x * v + np.array([v[1], v[0], 0.0])   # Hessian of sum(x^3) + x0 x1, by v
    np.testing.assert_allclose(module.cubic_hvp(x, v)[-1], by_hand, rtol=1e-10)
