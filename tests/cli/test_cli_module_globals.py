"""A written module takes every kind of value a module global holds, through every import
form, in every flavor (stranger11's bugs 5, 6, 8, 9): numpy scalars of each dtype
(``np.float64(1e-3)``, ``np.log(2 * np.pi)``, ``np.int32(3)``, ``np.bool_(True)``), non-finite
floats (``float("inf")``, ``-np.inf``, ``math.inf``, ``float("nan")``), None, bools, tuples,
strings and complex numbers, and modules read dotted beside a name taken from them (``import
cfg`` with ``from cfg import SCALE``, ``import cfg as c``, ``from . import util`` in a package,
a helper of another module reading its own globals).  Each module imports, its globals check
passes where nothing was rebound, and its derivative is the finite differences of the
source's own function.  A ``--target numba`` module given float32 arrays computes the
gradient (bug 3: numba refused the mixed float64/float32 products)."""

import importlib
import os
import sys
import textwrap

import numpy as np
import pytest

import s2sad
from in_process import s2sad_command

#: the child processes import this s2sad (the test's sys.path)
_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

CFG = """
    import numpy as np
    SCALE = 0.5
    EPS = np.float64(1e-3)

    def act(z):
        return np.tanh(z) * SCALE + EPS * z
    """

SOURCE = """
    import math
    import numpy as np
    import {cfg}
    import {cfg} as c
    from {cfg} import SCALE, act

    F64 = np.float64(1e-3)
    F32 = np.float32(0.5)
    I64 = np.int64(2)
    I32 = np.int32(3)
    U8 = np.uint8(2)
    B = np.bool_(True)
    PB = True
    LOG2PI = np.log(2 * np.pi)
    INF = float("inf")
    NINF = -np.inf
    MINF = math.inf
    NAN = float("nan")
    MASK = None
    TUP = (1.5, 2.0)
    S = "a"
    C = complex(1.0, 2.0)
    CINF = complex(float("inf"), 0.0)

    def f(x):
        y = np.sum(np.minimum(x, INF) ** 2) * F64 + F32 * np.sum(x ** 2) + I64 * np.sum(x) * I32
        y = y + LOG2PI * np.sum(x) + np.sum(np.maximum(x, NINF)) + np.sum(np.minimum(x, MINF))
        y = y + U8 * np.sum(np.sin(x)) + {cfg}.SCALE * np.sum(x ** 3) + c.EPS * np.sum(x)
        y = y + SCALE * np.sum({helper}(x))
        if MASK is None and B and PB and S == "a" and NAN != NAN:
            y = y + TUP[0] * np.sum(x ** 2) + C.imag * np.sum(x) + CINF.imag * np.sum(x)
        return y
    """


def _finite_differences(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def _write_sources(tmp_path, name, helper="act"):
    cfg = f"{name}_cfg"
    (tmp_path / f"{cfg}.py").write_text(textwrap.dedent(CFG))
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(SOURCE.format(cfg=cfg, helper=helper)))
    return cfg


def _grad(cwd, target, out, *extra):
    proc = s2sad_command(["grad", target, "-o", out, *extra],
                          cwd=cwd, capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 0, proc.stderr
    text = (cwd / out).read_text()
    assert "= inf" not in text and "= nan" not in text   # (names no module binds)
    return text


def _imported(directory, *names):
    sys.path.insert(0, str(directory))
    try:
        return [importlib.import_module(n) for n in names]
    finally:
        sys.path.remove(str(directory))


def _forget(*names):
    for name in names:
        sys.modules.pop(name, None)


FLAVORS = {   # name -> (extra arguments, the gradient of the written module at x)
    "grad": ((), lambda m, x: m.f_value_and_grad(x)[1]),
    "vjp": (("--flavor", "vjp"), lambda m, x: m.f_vjp(x)[1](1.0)),
    "jvp": (("--mode", "forward"),
            lambda m, x: np.array([m.f_jvp(x, e)[1] for e in np.eye(x.size)])),
}


@pytest.mark.parametrize("flavor", sorted(FLAVORS))
def test_every_kind_of_global_and_import_form(tmp_path, flavor):
    name = f"src_kinds_{flavor}"
    cfg = _write_sources(tmp_path, name)
    extra, gradient = FLAVORS[flavor]
    text = _grad(tmp_path, f"{name}.py:f", f"{name}_d.py", *extra)
    assert f"import {cfg}\n" in text and f"import {cfg} as c\n" in text
    try:
        source, written = _imported(tmp_path, name, f"{name}_d")
        x = np.array([0.3, -0.7, 1.1])
        np.testing.assert_allclose(gradient(written, x), _finite_differences(source.f, x),
                                   rtol=1e-6, atol=1e-8)
    finally:
        _forget(name, cfg, f"{name}_d")


def test_hvp_module_of_every_kind_of_global(tmp_path):
    name = "src_kinds_hvp"
    cfg = _write_sources(tmp_path, name)
    _grad(tmp_path, f"{name}.py:f", f"{name}_d.py", "--mode", "forward", "--flavor", "hvp")
    try:
        source, written = _imported(tmp_path, name, f"{name}_d")
        x, v = np.array([0.3, -0.7, 1.1]), np.array([1.0, 0.5, -2.0])
        gradient = s2sad.grad(source.f)   # (checked against differences in the test above)
        h = 1e-5
        expected = (gradient(x + h * v) - gradient(x - h * v)) / (2 * h)
        np.testing.assert_allclose(written.f_hvp(x, v)[1], expected, rtol=1e-5, atol=1e-7)
    finally:
        _forget(name, cfg, f"{name}_d")


def test_numba_module_of_every_kind_of_global(tmp_path):
    name = "src_kinds_numba"
    # (np.tanh: numba takes no call of a helper of another module, whose derivative
    # returns its pullback, a closure; refused, located, by the numba target)
    cfg = _write_sources(tmp_path, name, helper="np.tanh")
    _grad(tmp_path, f"{name}.py:f", f"{name}_d.py", "--target", "numba")
    try:
        source, written = _imported(tmp_path, name, f"{name}_d")
        x = np.array([0.3, -0.7, 1.1])
        np.testing.assert_allclose(written.f_value_and_grad(x)[1],
                                   _finite_differences(source.f, x), rtol=1e-6, atol=1e-8)
    finally:
        _forget(name, cfg, f"{name}_d")


def test_a_numpy_scalar_global_is_checked_by_identity(tmp_path):
    """bug 6: ``EPS = np.float64(1e-3)`` made every call raise ReboundNameError; a real
    rebinding still raises."""
    name = "src_numpy_scalar"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent("""
        import numpy as np
        EPS = np.float64(1e-3)
        LOG2PI = np.log(2 * np.pi)
        K = np.float32(2.0)

        def g(x):
            return EPS * np.sum(x ** 2) + LOG2PI * K * np.sum(x)
        """))
    _grad(tmp_path, f"{name}.py:g", f"{name}_grad.py")
    try:
        source, written = _imported(tmp_path, name, f"{name}_grad")
        x = np.array([0.1, -0.2])
        value, gradient = written.g_value_and_grad(x)
        assert value == pytest.approx(source.g(x), rel=1e-12)
        np.testing.assert_allclose(gradient, 2e-3 * x + np.log(2 * np.pi) * 2.0, rtol=1e-6)
        source.EPS = np.float64(2e-3)   # rebound (an equal type, another value)
        with pytest.raises(s2sad.errors.ReboundNameError, match=f"{name}.EPS"):
            written.g_value_and_grad(x)
    finally:
        _forget(name, f"{name}_grad")


def test_a_package_module_read_dotted_beside_a_name_from_it(tmp_path):
    """bug 5 in a package: ``from . import util`` read as ``util.SCALE`` while a helper
    imported ``from .util import act`` reads SCALE."""
    package = tmp_path / "pkg_dotted"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "util.py").write_text(textwrap.dedent("""
        import numpy as np
        SCALE = 0.5

        def act(z):
            return np.tanh(z) * SCALE
        """))
    (package / "model.py").write_text(textwrap.dedent("""
        import numpy as np
        from . import util
        from .util import act

        def loss(x):
            return np.sum(act(x)) + util.SCALE * np.sum(x ** 2)
        """))
    text = _grad(package, "model.py:loss", "loss_grad.py")
    assert "import pkg_dotted.util as util\n" in text
    try:
        model, written = _imported(tmp_path, "pkg_dotted.model", "pkg_dotted.loss_grad")
        x = np.array([0.1, -0.2, 0.4])
        np.testing.assert_allclose(written.loss_value_and_grad(x)[1],
                                   _finite_differences(model.loss, x), rtol=1e-6)
    finally:
        _forget("pkg_dotted", "pkg_dotted.util", "pkg_dotted.model", "pkg_dotted.loss_grad")


def test_numba_module_given_float32_arrays(tmp_path):
    """bug 3: a float64 adjoint against a float32 X made numba refuse ``matmul_rhs_bar``."""
    name = "src_float32_numba"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent("""
        import numpy as np

        def ls(w, X, y):
            r = X @ w - y
            return np.sum(r ** 2) / X.shape[0]
        """))
    _grad(tmp_path, f"{name}.py:ls", f"{name}_grad.py", "--target", "numba")
    try:
        source, written = _imported(tmp_path, name, f"{name}_grad")
        rng = np.random.default_rng(3)
        w, X, y = rng.normal(size=3), rng.normal(size=(5, 3)), rng.normal(size=5)
        w, X, y = (a.astype(np.float32) for a in (w, X, y))
        value, gradient = written.ls_value_and_grad(w, X, y)
        w64, X64, y64 = (a.astype(np.float64) for a in (w, X, y))
        by_hand = 2.0 * X64.T @ (X64 @ w64 - y64) / 5
        np.testing.assert_allclose(gradient, by_hand, rtol=1e-10)
        assert value == pytest.approx(np.sum((X64 @ w64 - y64) ** 2) / 5, rel=1e-10)
        np.testing.assert_allclose(
            gradient, _finite_differences(lambda v: source.ls(v, X64, y64), w64), rtol=1e-6)
    finally:
        _forget(name, f"{name}_grad")


def test_numba_module_writing_into_a_float32_argument(tmp_path):
    """bug 3 where the function writes into an argument: its wrapper widens the arrays,
    then writes back into those given (``written_back``)."""
    name = "src_float32_writes"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent("""
        import numpy as np

        def ls(w, X, buf):
            buf[:] = X @ w
            return np.sum(buf ** 2)
        """))
    text = _grad(tmp_path, f"{name}.py:ls", f"{name}_grad.py", "--target", "numba")
    assert "written_back((w, X, buf), given)" in text
    try:
        (written,) = _imported(tmp_path, f"{name}_grad")
        w, X = np.array([0.5, -1.0, 2.0]), np.arange(12.0).reshape(4, 3) / 10
        float64_value, float64_gradient = written.ls_value_and_grad(w, X, np.zeros(4))
        by_hand = 2.0 * X.T @ (X @ w)
        np.testing.assert_allclose(float64_gradient, by_hand, rtol=1e-12)
        w32, X32 = w.astype(np.float32), X.astype(np.float32)
        value, gradient = written.ls_value_and_grad(w32, X32, np.zeros(4, np.float32))
        w64, X64 = w32.astype(np.float64), X32.astype(np.float64)
        np.testing.assert_allclose(gradient, 2.0 * X64.T @ (X64 @ w64), rtol=1e-10)
        assert value == pytest.approx(np.sum((X64 @ w64) ** 2), rel=1e-10)
    finally:
        _forget(f"{name}_grad")
