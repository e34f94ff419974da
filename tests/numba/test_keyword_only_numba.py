"""Keyword-only parameters on the numba target: the njit function takes them by position,
the CLI module's Python wrapper keeps the user's signature (``def f_value_and_grad(x, *,
w=2.0)``) and the API binds each call to it.  They used to be refused as "s2sad's own
code", without a line (exit 2), and ``backend="numba"`` fell back with a warning located
in s2sad's own file.  Also: a module-level ``functools.partial`` with ``--target numba``
is refused at the partial's own line, with a hint that works (it used to quote a line of
s2sad's making and hint at a nested def, or write a module failing at its first call).
References: central finite differences of the user's functions."""

import importlib
import os
import sys
import textwrap
import warnings

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is not installed")

import s2sad  # noqa: E402
from s2sad.testing import finite_difference_gradient  # noqa: E402
from in_process import s2sad_command

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import functools
    import numpy as np

    W = np.array([0.5, -1.0])


    def f(x, *, w=2.0):
        return np.sum(np.exp(x * w))


    def g(x, s=1.5, *, w, m=W):
        return np.sum(np.exp(x * w) * m) * s


    def h(x, *, w=2.0):
        x[0] = 1.0
        return np.sum(x * w)


    def quad(x, A, b):
        return 0.5 * x @ A @ x - b @ x


    obj = functools.partial(quad, A=np.eye(2), b=np.ones(2))
    """

X = np.array([0.1, 0.2])
WV = np.array([0.3, 0.9])
#: (function, --wrt, extra words, the written function's name, args, kwargs)
CASES = [("f", "x", [], "f_value_and_grad", (X,), {}),
         ("f", "x", [], "f_value_and_grad", (X,), {"w": 3.0}),
         ("g", "x,w", [], "g_value_and_grad", (X,), {"w": WV}),
         ("g", "s,m", [], "g_value_and_grad", (X, 0.5), {"w": WV}),
         ("h", "x", [], "h_value_and_grad", (X,), {"w": 3.0})]


def _reference(source, name, args, kwargs, wrt):
    """Central finite differences of the user's function, for each name in ``wrt``."""
    func = getattr(source, name)
    full = {"x": args[0], "s": args[1] if len(args) > 1 else 1.5, "w": 2.0, "m": source.W}
    full.update(kwargs)
    order = ["x", "s", "w", "m"] if name == "g" else ["x", "w"]

    def call(*values):
        given = dict(zip(order, values))
        if name == "h":
            given["x"] = given["x"].copy()
        return func(given.pop("x"), **({"s": given.pop("s")} if "s" in given else {}), **given)
    values = tuple(full[k] for k in order)
    return [finite_difference_gradient(call, values, argnum=order.index(n)) for n in wrt]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("numba_kwonly")
    (root / "kwonly_src.py").write_text(textwrap.dedent(SOURCE))
    for i, (name, wrt, words, _, _, _) in enumerate(CASES):
        proc = s2sad_command(["grad", f"kwonly_src.py:{name}",
                               "--wrt", wrt, "--target", "numba", "-o", f"kwonly_{i}.py"]
                              + words, cwd=root, capture_output=True, text=True, env=_ENV)
        assert proc.returncode == 0, proc.stderr
    sys.path.insert(0, str(root))
    try:
        yield root, importlib.import_module("kwonly_src")
    finally:
        sys.path.remove(str(root))
        for key in [k for k in sys.modules if k.startswith("kwonly")]:
            del sys.modules[key]


@pytest.mark.parametrize("index", range(len(CASES)))
def test_the_cli_numba_module_keeps_keyword_only_parameters(written, index):
    root, source = written
    name, wrt, _, function, args, kwargs = CASES[index]
    module = importlib.import_module(f"kwonly_{index}")
    assert "@numba.njit" in (root / f"kwonly_{index}.py").read_text()
    copied = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
    value, grads = getattr(module, function)(*copied, **kwargs)
    names = wrt.split(",")
    grads = grads if len(names) > 1 else (grads,)
    for got, want in zip(grads, _reference(source, name, args, kwargs, names)):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("index", [0, 1, 2, 4])
def test_the_api_compiles_keyword_only_parameters_with_numba(written, index):
    _, source = written
    name, wrt, _, _, args, kwargs = CASES[index]
    names = tuple(wrt.split(","))
    gradient = s2sad.grad(getattr(source, name), wrt=names if len(names) > 1 else names[0],
                          backend="numba")
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        copied = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
        grads = gradient(*copied, **kwargs)
    assert gradient.backend_used == "numba"
    grads = grads if len(names) > 1 else (grads,)
    for got, want in zip(grads, _reference(source, name, args, kwargs, names)):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_a_numba_fallback_warning_points_at_the_user_s_call():
    holder = {"s": 2.0}

    def uses_a_dict(x):
        return np.sum(x) * holder["s"]
    gradient = s2sad.grad(uses_a_dict, backend="numba")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = sys._getframe().f_lineno + 1
        got = gradient(np.ones(2))
    found = [w for w in caught if issubclass(w.category, s2sad.NumbaFallbackWarning)]
    assert found, [str(w.message) for w in caught]
    assert (found[0].filename, found[0].lineno) == (__file__, line)
    np.testing.assert_allclose(got, [2.0, 2.0])   # by hand


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_partial_with_target_numba_is_refused_at_its_line_with_a_true_hint(written, mode):
    root, source = written
    proc = s2sad_command(["grad", "kwonly_src.py:obj",
                           "--mode", mode, "--target", "numba", "-o", f"obj_{mode}.py"],
                          cwd=root, capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 2, proc.stderr
    assert "kwonly_src.py:25:1: error:" in proc.stderr, proc.stderr
    assert "obj = functools.partial(quad" in proc.stderr
    assert "kwonly_src.py:quad --target numba" in proc.stderr
    assert not (root / f"obj_{mode}.py").exists()
    # the hint, followed: the function it calls, given the values the partial holds
    proc = s2sad_command(["grad", "kwonly_src.py:quad",
                           "--target", "numba", "-o", "quad_numba.py"],
                          cwd=root, capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 0, proc.stderr
    module = importlib.import_module("quad_numba")
    _, grad = module.quad_value_and_grad(X, *source.obj.args, **source.obj.keywords)
    np.testing.assert_allclose(grad, finite_difference_gradient(source.obj, (X,)),
                               rtol=1e-6, atol=1e-8)
    sys.modules.pop("quad_numba", None)
