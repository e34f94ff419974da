"""The vjp module the CLI writes (``--flavor vjp``) gives, at each pullback call, the
gradient at the arguments it was called with, as ``s2sad.vjp`` does: after the caller
changes an argument in place (an optimizer's step ``x -= lr * g``; an array, an array in
a list, an array in a dict) or the output it was given, its pullback read the new arrays
beside the old tape and silently gave a gradient of no point.  References: central
finite differences of the source function at the original values."""

import copy
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

SOURCE = """
    import numpy as np

    def layer(x, xs, d):
        h = np.tanh(d["W"] @ x + xs[0])
        return h * x[0] + xs[1] * d["b"]

    def writes(x, a, b):
        x[0] = x[0] * 3.0
        return np.sin(x) * a * b[1]

    def act(x):
        return np.exp(x * 2.0)

    def twice(a, b):
        return a * np.cos(b)
    """


def _written(tmp_path, name, func, wrt):
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(SOURCE))
    proc = s2sad_command(["grad", f"{name}.py:{func}",
                           "--wrt", wrt, "--flavor", "vjp", "-o", f"{name}_{func}.py"],
                          cwd=tmp_path, capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 0, proc.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        source = importlib.import_module(name)
        return source, importlib.import_module(f"{name}_{func}"), \
            (tmp_path / f"{name}_{func}.py").read_text()
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)
        sys.modules.pop(f"{name}_{func}", None)


def _leaves(tree):
    """The arrays of ``tree`` (an array, a list, a dict), in order."""
    if isinstance(tree, np.ndarray):
        return [tree]
    items = tree.values() if isinstance(tree, dict) else tree
    return [leaf for item in items for leaf in _leaves(item)]


def _differences(func, args, index, u, h=1e-6):
    """Central differences of ``u . func(*args)`` along each item of argument ``index``."""
    grads = []
    for k, leaf in enumerate(_leaves(args[index])):
        g = np.zeros_like(leaf)
        for i in np.ndindex(leaf.shape):
            values = []
            for step in (h, -h):
                moved = copy.deepcopy(args)
                _leaves(moved[index])[k][i] += step
                values.append(np.sum(u * func(*moved)))
            g[i] = (values[0] - values[1]) / (2 * h)
        grads.append(g)
    return grads


def _arguments():
    rng = np.random.default_rng(7)
    return (rng.normal(size=3), [rng.normal(size=2), rng.normal(size=2)],
            {"W": rng.normal(size=(2, 3)), "b": rng.normal(size=2)})


@pytest.mark.parametrize("change", ["array", "list", "dict"])
def test_pullback_is_at_the_call_after_an_in_place_change(tmp_path, change):
    name = f"src_vjp_copies_{change}"
    source, written, text = _written(tmp_path, name, "layer", "x,xs,d")
    assert "x, xs, d = vjp_copies(x, xs, d)" in text
    args = _arguments()
    original = copy.deepcopy(args)
    u = np.array([0.7, -1.3])
    value, pullback = written.layer_vjp(*args)
    np.testing.assert_allclose(value, source.layer(*original))
    x, xs, d = args
    if change == "array":
        x -= 0.1   # an optimizer's step, in place
    elif change == "list":
        xs[0] *= 2.0
        xs[1] -= 0.5
    else:
        d["W"] += 1.0
        d["b"][0] = 4.0
    x_bar, xs_bar, d_bar = pullback(u)
    for index, got in enumerate((x_bar, xs_bar, d_bar)):
        for g, want in zip(_leaves(got), _differences(source.layer, original, index, u)):
            np.testing.assert_allclose(g, want, rtol=1e-6, atol=1e-8)


def test_output_changed_in_place(tmp_path):
    source, written, text = _written(tmp_path, "src_vjp_output", "act", "x")
    assert "x = vjp_copies(x)" in text and "output = act\n    return output_copy(output), act_pullback" in text
    x = np.array([0.3, -0.7, 1.1])
    u = np.array([1.0, -2.0, 0.5])
    value, pullback = written.act_vjp(x)
    value *= 3.0   # the caller's copy: the pullback reads its own (exp's adjoint reads it)
    x -= 0.5
    want = _differences(source.act, (np.array([0.3, -0.7, 1.1]),), 0, u)[0]
    np.testing.assert_allclose(pullback(u), want, rtol=1e-6)


def test_arguments_of_a_writing_function(tmp_path):
    source, written, text = _written(tmp_path, "src_vjp_writes", "writes", "x,a")
    assert "x, a, b, kept = vjp_arguments(writes_vjp, x, a, b)" in text
    assert "check_kept(kept)" in text
    u = np.array([1.0, -2.0, 0.5])
    x = np.array([0.3, -0.7, 1.1])
    W = np.array([[0.5, 1.5, -1.0], [2.0, -0.4, 0.8]])
    value, pullback = written.writes_vjp(x, W[1], W)   # a and b share memory, unwritten
    original = (np.array([0.3, -0.7, 1.1]), W[1].copy(), W.copy())
    np.testing.assert_allclose(x, original[0])   # the caller's x is not written into
    x -= 0.1   # a copy: the pullback does not read it
    x_bar, a_bar = pullback(u)
    np.testing.assert_allclose(x_bar, _differences(source.writes, original, 0, u)[0], rtol=1e-6)
    np.testing.assert_allclose(a_bar, _differences(source.writes, original, 1, u)[0], rtol=1e-6)
    W[1, 0] = 9.0   # used as given (it shares memory): the pullback refuses, never mixes
    with pytest.raises(s2sad.errors.ChangedSinceError, match="'a' given to writes_vjp"):
        pullback(u)


def test_an_array_given_twice_stays_one_array(tmp_path):
    source, written, _ = _written(tmp_path, "src_vjp_twice", "twice", "a,b")
    a = np.array([0.5, 1.0, -2.0])
    u = np.array([1.0, 0.5, -1.0])
    value, pullback = written.twice_vjp(a, a)
    original = (a.copy(), a.copy())
    a *= 4.0
    a_bar, b_bar = pullback(u)
    np.testing.assert_allclose(a_bar, _differences(source.twice, original, 0, u)[0], rtol=1e-6)
    np.testing.assert_allclose(b_bar, _differences(source.twice, original, 1, u)[0], rtol=1e-6)


GLOBALS_SOURCE = """
    import numpy as np

    G = np.array([1.0, 2.0])

    def reads_g(x):
        return np.sin(x * G)
    """


def test_a_global_changed_in_place_before_the_pullback_is_refused(tmp_path):
    from s2sad.errors import ChangedSinceError
    (tmp_path / "gsrc.py").write_text(textwrap.dedent(GLOBALS_SOURCE))
    proc = s2sad_command(["grad", "gsrc.py:reads_g",
                           "--flavor", "vjp", "-o", "gsrc_vjp.py"],
                          cwd=tmp_path, capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 0, proc.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        source = importlib.import_module("gsrc")
        module = importlib.import_module("gsrc_vjp")
        x = np.array([0.3, -0.4])
        _, pullback = module.reads_g_vjp(x)
        by_hand = np.cos(x * source.G) * source.G   # d/dx sin(x G), u = 1
        np.testing.assert_allclose(pullback(np.ones(2)), by_hand, rtol=1e-12)
        source.G *= 3.0
        with pytest.raises(ChangedSinceError, match="'G', which reads_g reads outside"):
            pullback(np.ones(2))
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("gsrc", None)
        sys.modules.pop("gsrc_vjp", None)
