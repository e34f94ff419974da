"""A module the CLI writes does not see its arguments: a parameter added to a list or
to itself (``[xs[1]] + xs``, ``xs + xs``) may be a list concatenation or numpy's
sum of arrays.  The adjoint used to be added with ``+``
(two list adjoints concatenated: six arrays for a list of three, silently) or taken
whole as the sum's (``xs + xs``: eight for two).  Found by the fuzzer's command-line
mode (seed 15008).  The module now decides when it runs (``plus_bar``) and adds list
adjoints item by item.  References: central finite differences of the source."""

import importlib
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from s2sad.testing import finite_difference_gradient

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import numpy as np

    def prepended(xs):
        ls = [xs[1]] + xs
        return np.sum(ls[2] * xs[0])

    def doubled(xs):
        zs = xs + xs
        return np.sum(zs[0] * zs[3])

    def tuple_items(t):
        a, b = t
        return np.sum(a * b) + np.sum(t[0])
    """

A, B, C = np.array([1.0, 2.0]), np.array([3.0, -1.0]), np.array([0.5, 4.0])
CASES = {
    "prepended": [([A, B, C],), (np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 4.0]]),)],
    "doubled": [([A, B],), (np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.25], [2.0, 1.0]]),)],
    "tuple_items": [((A, B),)],
}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli_lists")
    (root / "list_params_src.py").write_text(textwrap.dedent(SOURCE))
    for func in CASES:
        wrt = "0"
        proc = subprocess.run([sys.executable, "-m", "s2sad", "grad",
                               f"list_params_src.py:{func}", "--wrt", wrt,
                               "-o", f"list_params_{func}.py"],
                              cwd=root, capture_output=True, text=True, env=_ENV)
        assert proc.returncode == 0, proc.stderr
    sys.path.insert(0, str(root))
    try:
        yield {func: importlib.import_module(f"list_params_{func}") for func in CASES}
    finally:
        sys.path.remove(str(root))


def _as_lists(g):
    return [np.asarray(item) for item in g] if isinstance(g, (list, tuple)) else np.asarray(g)


@pytest.mark.parametrize("func,args", [(f, a) for f, cases in CASES.items() for a in cases])
def test_the_gradient_of_a_list_parameter_added_to_a_list(written, func, args):
    source = importlib.import_module("list_params_src")
    value, *grads = getattr(written[func], f"{func}_value_and_grad")(*args)
    assert value == pytest.approx(getattr(source, func)(*args))
    for position, got in enumerate(grads):
        expected = finite_difference_gradient(getattr(source, func), args, argnum=position)
        got, expected = _as_lists(got), _as_lists(expected)
        if isinstance(expected, list):
            assert isinstance(got, list) and len(got) == len(expected)
            for g, e in zip(got, expected):
                np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-8)
        else:
            np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)


JOINED = """
    import numpy as np

    def joined(xs, ys):
        zs = xs + ys
        return np.sum(zs[1] * zs[2])

    def prefixed(xs, ys):
        zs = ys + xs
        s = 0.0
        for z in zs:
            s = s + np.sum(np.sin(z) * z)
        return s

    def framed(xs, ys):
        zs = ys + xs + ys
        return sum(np.sum(z * z) * (k + 1) for k, z in enumerate(zs))
    """
JOINED_ARGS = [([A, B], [C, 2.0 * A]), ((A, B), (C, 2.0 * A)),
               (np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([[0.5, 4.0], [2.0, 1.0]])),
               (A, np.array([[0.5, 4.0], [2.0, 1.0]]))]


def _load(path, name):
    namespace = {}
    exec(compile(path.read_text(), name, "exec"), namespace)
    return namespace


def _fd_along(f, args, position, direction, eps=1e-6):
    def moved(sign):
        changed = list(args)
        value = args[position]
        if isinstance(value, (list, tuple)):
            changed[position] = type(value)(v + sign * eps * d
                                            for v, d in zip(value, direction))
        else:
            changed[position] = value + sign * eps * direction
        return f(*changed)
    return (moved(1.0) - moved(-1.0)) / (2 * eps)


@pytest.mark.parametrize("func", ["joined", "prefixed", "framed"])
@pytest.mark.parametrize("wrt", ["xs", "ys", "xs,ys"])
def test_two_parameters_added_in_a_written_module(tmp_path, func, wrt):
    """Two parameters of unknown kind added (``xs + ys``, ``ys + xs``, ``ys + xs + ys``):
    lists or tuples concatenate, arrays add.  With one of them differentiated the
    module crashed (``ValueError``: the adjoint reduced as an array's in reverse mode,
    the tangent broadcast to the concatenation's shape in forward mode; fixcrash17)."""
    (tmp_path / "joined_src.py").write_text(textwrap.dedent(JOINED))
    for mode in ("reverse", "forward"):
        proc = subprocess.run([sys.executable, "-m", "s2sad", "grad", f"joined_src.py:{func}",
                               "--wrt", wrt, "--mode", mode, "-o", f"joined_{mode}.py"],
                              cwd=tmp_path, capture_output=True, text=True, env=_ENV)
        assert proc.returncode == 0, proc.stderr
    source = _load(tmp_path / "joined_src.py", "joined_src.py")[func]
    reverse = _load(tmp_path / "joined_reverse.py", "joined_reverse.py")
    forward = _load(tmp_path / "joined_forward.py", "joined_forward.py")
    names = wrt.split(",")
    for args in JOINED_ARGS[:2] if func == "joined" else JOINED_ARGS:   # (zs[2] of lists)
        value, grads = reverse[f"{func}_value_and_grad"](*args)
        assert value == pytest.approx(source(*args))
        grads = grads if len(names) > 1 else (grads,)
        directions = []
        for name, got in zip(names, grads):
            position = ["xs", "ys"].index(name)
            given = args[position]
            direction = [np.cos(np.arange(v.size) + 1.0).reshape(np.shape(v)) for v in given] \
                if isinstance(given, (list, tuple)) else np.cos(np.arange(given.size) + 1.0
                                                                ).reshape(given.shape)
            directions.append(direction)
            expected = _fd_along(source, args, position, direction)
            if isinstance(given, (list, tuple)):
                assert isinstance(got, (list, tuple)) and len(got) == len(given)
                dot = sum(np.sum(g * d) for g, d in zip(got, direction))
            else:
                dot = np.sum(got * direction)
            assert dot == pytest.approx(expected, rel=1e-6, abs=1e-8)
        tangents = [type(d)(d) if isinstance(d, tuple) else d for d in directions]
        if isinstance(args[0], tuple):
            tangents = [tuple(t) for t in tangents]
        got_value, tangent = forward[f"{func}_jvp"](*args, *tangents)
        assert got_value == pytest.approx(source(*args))
        expected = sum(_fd_along(source, args, ["xs", "ys"].index(n), d)
                       for n, d in zip(names, directions))
        assert tangent == pytest.approx(expected, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("func", ["joined", "prefixed", "framed"])
def test_two_parameters_added_through_the_api(tmp_path, func):
    """The same functions through the Python API (which sees the lists), one parameter
    differentiated, reverse and forward, against central differences."""
    import s2sad
    (tmp_path / "joined_api_src.py").write_text(textwrap.dedent(JOINED))
    sys.path.insert(0, str(tmp_path))
    try:
        source = getattr(importlib.import_module("joined_api_src"), func)
    finally:
        sys.path.remove(str(tmp_path))
    for args in JOINED_ARGS[:2]:
        direction = [np.array([0.3, -0.7]), np.array([1.1, 0.4])]
        expected = _fd_along(source, args, 0, direction)
        got = s2sad.grad(source, wrt="xs")(*args)
        assert sum(np.sum(g * d) for g, d in zip(got, direction)) == \
            pytest.approx(expected, rel=1e-6, abs=1e-8)
        tangent = s2sad.jvp(source, wrt="xs")(*args, type(args[0])(direction))[1]
        assert tangent == pytest.approx(expected, rel=1e-6, abs=1e-8)
