"""A CLI module of a function that reads values from its closure (``model = make(A, k)``,
a decorator's argument, a module function calling ``act = make_act(B)``): the written
module reads each value from the closure of the user's module's function when imported
and checks at each call that the cell still holds it.  It used to write only a comment
(``# A: ndarray object supplied by the caller``), exit 0, and raise NameError at its first
call.  References: central finite differences of the user's own function."""

import importlib
import os
import sys
import textwrap

import numpy as np
import pytest
from in_process import run_cli, s2sad_command

from s2sad.errors import ReboundNameError
from s2sad.testing import finite_difference_gradient

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import functools
    import numpy as np


    def make(A, k):
        def apply(x):
            return np.sum(np.tanh(A @ x)) * k
        return apply


    def make_mixed(Ws, cfg, t, arr0d):
        def apply(x):
            return (np.sum(np.tanh(Ws[0] @ x) * Ws[1]) * cfg["s"] + t[0] * x[0]
                    + arr0d * x[1])
        return apply


    def weight(w):
        def deco(fn):
            @functools.wraps(fn)
            def wrapper(x):
                return fn(x * w)
            return wrapper
        return deco


    def make_act(B):
        def act(x):
            return np.tanh(B @ x)
        return act


    def scaled(s):
        def deco(fn):
            def wrapper(x):
                return fn(x) * s
            return wrapper
        return deco


    model = make(np.array([[1.0, 0.5], [0.3, -0.4]]), 2.0)
    mixed = make_mixed([np.array([[1.0, 0.5], [0.3, -0.4]]), np.array([2.0, -1.0])],
                       {"s": 0.5}, (3.0,), np.float64(0.25))


    @weight(np.array([1.0, 2.0]))
    def decorated(x):
        return np.sum(np.sin(x))


    act = make_act(np.array([[0.7, -0.2], [0.1, 0.9]]))


    def calls_act(x):
        return np.sum(act(x))


    nested = scaled(1.5)(make(np.array([[0.2, 0.5], [0.3, 0.4]]), 3.0))


    def make_counter():
        scale = np.array([1.0, 2.0])

        def set_scale(value):
            nonlocal scale
            scale = value

        def f(x):
            return np.sum(np.exp(x * scale))
        return f, set_scale


    counted, set_scale = make_counter()
    """

X = np.array([0.3, 0.7])
NAMES = ["model", "mixed", "decorated", "calls_act", "nested", "counted"]
#: (suffix, extra command-line words, flavor)
MODES = [("grad", [], "value_and_grad"), ("vjp", ["--flavor", "vjp"], "vjp"),
         ("jvp", ["--mode", "forward"], "jvp"),
         ("hvp", ["--mode", "forward", "--flavor", "hvp"], "hvp"),
         ("numba", ["--target", "numba"], "value_and_grad"),
         ("numbajvp", ["--mode", "forward", "--target", "numba"], "jvp")]
#: what the CLI refuses, located, for a reason of its own (not the closure's values)
REFUSED = {("calls_act", "hvp"), ("nested", "hvp"),   # a closure helper: first order only
           ("mixed", "numba"), ("mixed", "numbajvp"),   # numba takes no Python dict
           ("decorated", "numba"), ("calls_act", "numba"), ("nested", "numba")}  # pullbacks
_NUMBA = importlib.util.find_spec("numba") is not None


def _module_name(name, suffix):
    return f"closure_{name}_{suffix}"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli_closures")
    (root / "closures_src.py").write_text(textwrap.dedent(SOURCE))
    for name in NAMES:
        for suffix, words, _ in MODES:
            if suffix.startswith("numba") and not _NUMBA:
                continue
            code, stderr = run_cli(["grad", f"closures_src.py:{name}", "-o",
                                    f"{_module_name(name, suffix)}.py"] + words, root)
            if (name, suffix) in REFUSED:
                assert code == 2, stderr
                assert "closures_src.py:" in stderr, stderr   # located
                continue
            assert code == 0, stderr
    sys.path.insert(0, str(root))
    try:
        yield root, importlib.import_module("closures_src")
    finally:
        sys.path.remove(str(root))
        for key in [k for k in sys.modules if k.startswith("closure")]:
            del sys.modules[key]


def _function(module, flavor, f):
    return getattr(module, f"{f.__name__}_{flavor}")


def _check(module, flavor, f):
    fn = _function(module, flavor, f)
    expected = finite_difference_gradient(f, (X,))
    if flavor == "value_and_grad":
        value, grad = fn(X)
    elif flavor == "vjp":
        value, pullback = fn(X)
        grad = pullback(1.0)
    elif flavor == "jvp":
        direction = np.array([1.0, -2.0])
        value, tangent = fn(X, direction)
        assert tangent == pytest.approx(expected @ direction, rel=1e-6)
        grad = expected
    else:   # hvp: the gradient, and the Hessian times a direction against FD of the gradient
        direction = np.array([1.0, -2.0])
        (value, grad), product = fn(X, direction)
        by_fd = (finite_difference_gradient(f, (X + 1e-4 * direction,))
                 - finite_difference_gradient(f, (X - 1e-4 * direction,))) / 2e-4
        np.testing.assert_allclose(product, by_fd, rtol=1e-4, atol=1e-6)
    assert value == pytest.approx(f(X))
    np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-8)


CASES = [(name, mode) for name in NAMES for mode in MODES
         if (name, mode[0]) not in REFUSED]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1][0]}")
def test_a_closure_s_written_module_gives_the_finite_differences(written, case):
    (name, (suffix, _, flavor)) = case
    if suffix.startswith("numba") and not _NUMBA:
        pytest.skip("numba is not installed")
    _, source = written
    module = importlib.import_module(_module_name(name, suffix))
    _check(module, flavor, getattr(source, name))


@pytest.mark.parametrize("suffix", ["grad", "jvp", "numba"])
def test_an_array_changed_in_place_is_read_and_a_rebound_cell_is_an_error(written, suffix):
    if suffix.startswith("numba") and not _NUMBA:
        pytest.skip("numba is not installed")
    _, source = written
    flavor = {"grad": "value_and_grad", "jvp": "jvp", "numba": "value_and_grad"}[suffix]
    module = importlib.import_module(_module_name("counted", suffix))
    scale = source.counted.__closure__[0].cell_contents
    saved = scale.copy()
    try:
        scale[:] = [0.5, -1.5]   # in place: the module reads the new items
        _check(module, flavor, source.counted)
        source.set_scale(np.array([3.0, 1.0]))   # the cell rebound: an error, not old values
        with pytest.raises(ReboundNameError, match="closure value scale"):
            _function(module, flavor, source.counted)(X, *([np.ones(2)] if flavor == "jvp" else []))
    finally:
        source.set_scale(scale)
        scale[:] = saved


def test_a_copied_number_rebound_in_its_cell_is_an_error(tmp_path):
    (tmp_path / "num_src.py").write_text(textwrap.dedent("""
        import numpy as np

        def make(k):
            def f(x):
                return np.sum(x ** 2) * k
            def set_k(value):
                nonlocal k
                k = value
            return f, set_k

        f, set_k = make(2.0)
        """))
    proc = s2sad_command(["grad", "num_src.py:f", "-o",
                           "num_grad.py"], cwd=tmp_path, capture_output=True, text=True,
                          env=_ENV)
    assert proc.returncode == 0, proc.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("num_grad")
        source = importlib.import_module("num_src")
        _, grad = module.f_value_and_grad(X)
        np.testing.assert_allclose(grad, 4.0 * X)   # by hand
        source.set_k(3.0)
        with pytest.raises(ReboundNameError, match="no longer 2.0"):
            module.f_value_and_grad(X)
    finally:
        sys.path.remove(str(tmp_path))
        for key in ("num_grad", "num_src"):
            sys.modules.pop(key, None)


def test_a_closure_no_module_name_reaches_is_refused_located(tmp_path):
    (tmp_path / "hidden_src.py").write_text(textwrap.dedent("""
        import types
        import numpy as np

        def make(A):
            def apply(x):
                return np.sum(A @ x)
            return apply

        ns = types.SimpleNamespace(model=make(np.eye(2)))
        """))
    proc = s2sad_command(["grad", "hidden_src.py:ns.model",
                           "-o", "hidden_grad.py"], cwd=tmp_path, capture_output=True,
                          text=True, env=_ENV)
    if proc.returncode == 2 and "closure" not in proc.stderr:
        pytest.skip(f"the CLI takes no such target: {proc.stderr}")
    assert proc.returncode == 2, proc.stderr
    assert "hidden_src.py:7:" in proc.stderr and "'A' from its closure" in proc.stderr
    assert not (tmp_path / "hidden_grad.py").exists()


def test_check_keeps_closure_modules_up_to_date(written):
    root, _ = written
    proc = s2sad_command(["check", "."], cwd=root,
                          capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 0, proc.stderr
    assert "0 up to date" not in proc.stderr
