"""scipy.special: rules loaded only once the user imported scipy.special, refusals by
name, the adjoint of logsumexp, and refusals of the numpy elementwise leftovers."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import s2sad

import rows_scipy_special

HAS_SCIPY = importlib.util.find_spec("scipy") is not None
PACKAGE = Path(s2sad.__file__).resolve().parent
needs_scipy = pytest.mark.skipif(not HAS_SCIPY, reason="scipy missing")


def test_scipy_rows_are_left_out_only_when_scipy_is_missing():
    if HAS_SCIPY:
        assert rows_scipy_special.SKIP_REASON is None and len(rows_scipy_special.ROWS) > 40
    else:
        assert rows_scipy_special.SKIP_REASON == "scipy missing"
        assert rows_scipy_special.ROWS == []


@needs_scipy
def test_an_unruled_scipy_special_function_is_refused_by_name_at_the_users_call():
    import special_calls as C
    with pytest.raises(s2sad.NoDerivativeRuleError) as info:
        s2sad.grad(C.unruled)(np.array([0.3, 1.2]))
    message = str(info.value)
    assert "no derivative rule for scipy.special.diric" in message
    assert "special_calls.py:9:" in message            # the user's call
    assert "_basic.py" not in message and "site-packages" not in message


@needs_scipy
def test_logsumexp_with_return_sign_is_refused():
    import special_calls as C
    a, b = np.array([0.1, 0.5, -0.3]), np.array([1.0, -0.5, 2.0])
    for differentiate in (s2sad.grad(C.logsumexp_signed), s2sad.grad(C.logsumexp_signed, wrt=1)):
        with pytest.raises(s2sad.S2sadError, match="scipy.special.logsumexp.*return_sign"):
            differentiate(a, b)
    with pytest.raises(s2sad.S2sadError, match="return_sign"):
        s2sad.jvp(C.logsumexp_signed)(a, b, np.ones(3))


@needs_scipy
def test_the_adjoint_of_logsumexp_is_one_exp_of_a_minus_y_times_the_adjoint():
    import special_calls as C
    source = s2sad.vjp(C.logsumexp_of).source
    pullback = "\n".join(line for line in source[source.index("def logsumexp_of_pullback"):]
                          .splitlines() if not line.strip().startswith("#"))
    assert pullback.count("np.exp(") == 1
    assert "max" not in pullback and "logsumexp(" not in pullback
    a = np.random.default_rng(0).standard_normal((3, 4))
    value, pullback_fn = s2sad.vjp(C.logsumexp_of)(a)
    g = np.array([0.5, -1.0, 2.0])
    expected = g[:, None] * np.exp(a - value[:, None])    # the softmax along axis 1
    np.testing.assert_allclose(pullback_fn(g), expected, rtol=1e-12)


def test_nan_to_num_in_place_is_refused():
    import ops_elementwise_more as C
    x = np.array([0.5, np.nan, 1.5])
    with pytest.raises(s2sad.S2sadError, match=r"np.nan_to_num\(x, copy=False\)"):
        s2sad.grad(C.nan_to_num_in_place)(x)
    with pytest.raises(s2sad.S2sadError, match="copy=False"):
        s2sad.jvp(C.nan_to_num_in_place)(x, np.ones(3))


def _run(tmp_path, code):
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(
                             [str(tmp_path), str(PACKAGE.parent)])})
    return out.stdout.strip().splitlines()


def test_a_gradient_of_numpy_code_imports_no_scipy(tmp_path):
    (tmp_path / "plain_user.py").write_text(
        "import numpy as np\n\n\ndef f(x):\n    return np.sum(np.sinc(x) * np.tanh(x))\n")
    lines = _run(tmp_path, "import sys, numpy as np, s2sad, plain_user\n"
                           "print(s2sad.grad(plain_user.f)(np.ones(3)).shape)\n"
                           "print(sorted(m for m in sys.modules if m.split('.')[0] == 'scipy'))\n"
                           "print('s2sad.rules.scipy_special' in sys.modules)\n")
    assert lines == ["(3,)", "[]", "False"]


@needs_scipy
def test_expit_differentiates_in_a_fresh_process_that_imported_scipy_special(tmp_path):
    (tmp_path / "special_user.py").write_text(
        "import numpy as np\nimport scipy.special\n\n\n"
        "def f(x):\n    return np.sum(scipy.special.expit(x))\n")
    lines = _run(tmp_path, "import sys, numpy as np, s2sad, special_user\n"
                           "print('s2sad.rules.scipy_special' in sys.modules)\n"
                           "x = np.array([-1.0, 0.0, 2.0])\n"
                           "g = s2sad.grad(special_user.f)(x)\n"
                           "e = 1.0 / (1.0 + np.exp(-x))\n"
                           "print(np.allclose(g, e * (1.0 - e), rtol=1e-13, atol=0.0))\n"
                           "print('s2sad.rules.scipy_special' in sys.modules)\n")
    assert lines == ["False", "True", "True"]


@needs_scipy
@pytest.mark.parametrize("name, param", [("gammainc", "a"), ("iv", "v")])
def test_a_differentiated_shape_or_order_is_refused_and_a_constant_one_costs_nothing(
        name, param):
    import special_calls as C
    fn = getattr(C, f"{name}_of")
    message = f"scipy.special.{name} has no derivative in its argument '{param}'"
    for transform, args in ((s2sad.grad, (1.5, 2.0)), (s2sad.jvp, (1.5, 2.0, 1.0))):
        with pytest.raises(s2sad.NoDerivativeRuleError, match=message) as info:
            transform(fn)(*args)
        assert "special_calls.py:" in str(info.value)   # located at the user's call
    assert s2sad.jvp(fn, wrt=1).source is not None
    h = 1e-6
    expected = (getattr(C, f"{name}_of")(1.5, 2.0 + h) - fn(1.5, 2.0 - h)) / (2 * h)
    assert abs(s2sad.grad(fn, wrt=1)(1.5, 2.0) - expected) < 1e-8
