"""``s2sad grad --target numba`` forward modules keep f's signature (defaults, keyword-only
tangents) as the numpy modules do, in jvp and hvp; an integer array given to a numba
module where numba's compiled code cannot take it is an s2sad error naming the user's line
and what to do, not numba's raw TypingError."""

import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

from s2sad.errors import S2sadError  # noqa: E402
from in_process import s2sad_command

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "numba_cli_signatures.py"
SRC = "numba_cli_signatures.py"


def _write(where, spec, out, *options):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    proc = s2sad_command(["grad", f"{SRC}:{spec}", *options,
                           "-o", out], cwd=where, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    path = where / out
    module_spec = importlib.util.spec_from_file_location(f"nbsig_{path.stem}", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module, path.read_text()


def _signature(text, name):
    return re.search(rf"^def {name}\((.*)\):$", text, re.M).group(1)


@pytest.fixture(scope="module")
def where(tmp_path_factory):
    place = tmp_path_factory.mktemp("nbsig")
    shutil.copy(FIXTURE, place / SRC)
    return place


def _central(f, x, v, h=1e-6):
    return (f(x + h * v) - f(x - h * v)) / (2 * h)


def test_numba_jvp_keeps_the_default_and_a_keyword_only_tangent(where):
    numpy_mod, numpy_text = _write(where, "scaled", "scaled_jvp.py", "--mode", "forward")
    numba_mod, numba_text = _write(where, "scaled", "scaled_jvp_nb.py", "--mode", "forward",
                                   "--target", "numba")
    assert _signature(numba_text, "scaled_jvp") == "x, c=0.5, *, x_dot"
    assert _signature(numba_text, "scaled_jvp") == _signature(numpy_text, "scaled_jvp")
    x, v = np.array([0.1, 0.2, -0.7]), np.array([1.0, -0.5, 2.0])
    value, tangent = numba_mod.scaled_jvp(x, x_dot=v)   # c: its default
    expected = _central(lambda t: np.sum(np.sin(t) * 0.5), x, v)
    assert value == pytest.approx(np.sum(np.sin(x)) * 0.5, rel=1e-12)
    assert tangent == pytest.approx(expected, rel=1e-7)
    assert tangent == pytest.approx(numpy_mod.scaled_jvp(x, x_dot=v)[1], rel=1e-12)
    value, tangent = numba_mod.scaled_jvp(x, c=3.0, x_dot=v)
    assert tangent == pytest.approx(6 * expected, rel=1e-7)
    with pytest.raises(TypeError):   # the tangent is keyword-only, as numpy's
        numba_mod.scaled_jvp(x, 0.5, v)


def test_numba_jvp_keeps_the_users_keyword_only_parameters(where):
    _, numpy_text = _write(where, "keywords", "kw_jvp.py", "--mode", "forward")
    numba_mod, numba_text = _write(where, "keywords", "kw_jvp_nb.py", "--mode", "forward",
                                   "--target", "numba")
    assert _signature(numba_text, "keywords_jvp") == _signature(numpy_text, "keywords_jvp")
    x, v = np.array([0.3, -1.1]), np.array([0.5, 2.0])
    _, tangent = numba_mod.keywords_jvp(x, x_dot=v, d=3)
    assert tangent == pytest.approx(3 * 2.0 * np.sum(np.cos(x) * v), rel=1e-12)   # by hand


def _loss_grad(x, W, c=0.5):   # by hand: f = c sum(tanh(W x)) + sum(x^3)
    s = 1 - np.tanh(W @ x) ** 2
    return c * W.T @ s + 3 * x ** 2, c * np.outer(s, x)


def test_numba_hvp_keeps_the_default_and_keyword_only_tangents(where):
    _, numpy_text = _write(where, "loss", "loss_hvp.py", "--mode", "forward", "--flavor",
                           "hvp", "--wrt", "x,W")
    numba_mod, numba_text = _write(where, "loss", "loss_hvp_nb.py", "--mode", "forward",
                                   "--flavor", "hvp", "--wrt", "x,W", "--target", "numba")
    assert _signature(numba_text, "loss_hvp") == "x, W, c=0.5, *, x_dot, W_dot"
    assert _signature(numba_text, "loss_hvp") == _signature(numpy_text, "loss_hvp")
    rng = np.random.default_rng(3)
    x, W = rng.normal(size=3), rng.normal(size=(3, 3))
    xd, Wd = rng.normal(size=3), rng.normal(size=(3, 3))
    (value, grads), (hx, hW) = numba_mod.loss_hvp(x, W, x_dot=xd, W_dot=Wd)
    h = 1e-6
    plus, minus = _loss_grad(x + h * xd, W + h * Wd), _loss_grad(x - h * xd, W - h * Wd)
    np.testing.assert_allclose(grads[0], _loss_grad(x, W)[0], rtol=1e-12)
    np.testing.assert_allclose(hx, (plus[0] - minus[0]) / (2 * h), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(hW, (plus[1] - minus[1]) / (2 * h), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_an_integer_array_numba_cannot_take_is_a_located_s2sad_error(where, mode):
    out = f"mv_{mode}_nb.py"
    module, _ = _write(where, "mv", out, "--wrt", "W", "--mode", mode, "--target", "numba")
    call = module.mv_value_and_grad if mode == "reverse" else (
        lambda x, W: module.mv_jvp(x, W, W_dot=np.ones((3, 3))))
    x, W = np.array([1, 2, -1]), np.eye(3) * 0.3
    with pytest.raises(S2sadError) as caught:
        call(x, W)
    message = str(caught.value)
    assert "numba_cli_signatures.py:19:5" in message and "W @ x" in message
    assert "the argument x is an integer or bool array" in message
    assert "x.astype(float)" in message and "--target numpy" in message
    # the advice works: float arrays, the numpy module's numbers and central differences
    value, result = call(x.astype(float), W)
    numpy_mod, _ = _write(where, "mv", f"mv_{mode}.py", "--wrt", "W", "--mode", mode)
    numpy_call = numpy_mod.mv_value_and_grad if mode == "reverse" else (
        lambda x, W: numpy_mod.mv_jvp(x, W, W_dot=np.ones((3, 3))))
    np.testing.assert_allclose(result, numpy_call(x, W)[1], rtol=1e-12)   # (ints: numpy's)
    f = lambda M: np.sum(np.tanh(M @ x))   # noqa: E731
    if mode == "forward":
        assert result == pytest.approx(_central(f, W, np.ones((3, 3))), rel=1e-7)
    else:
        for i, j in [(0, 0), (1, 2), (2, 1)]:
            e = np.zeros((3, 3))
            e[i, j] = 1.0
            assert result[i, j] == pytest.approx(_central(f, W, e), rel=1e-6, abs=1e-9)
