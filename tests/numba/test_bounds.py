"""Index safety under numba: a function whose every index the numba target proves
(``backends.numba_bounds``) runs without numba's boundscheck, with checks before its
loops; any other keeps boundscheck.  Either way an index out of range raises IndexError
(through the API: numba's error, then the numpy code's own), never garbage."""

import ast
import gc
import importlib
import itertools
import os
import shutil
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import numba  # noqa: E402

import s2sad  # noqa: E402
from s2sad.api.numba_backend import NumbaBound  # noqa: E402
from s2sad.backends.numba_bounds import prove  # noqa: E402
from s2sad.backends.numba_runtime import check_index, check_index_in_loop  # noqa: E402
from s2sad.backends.numba_runtime import check_indexes  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402

import numba_bounds_functions as bf  # noqa: E402
from in_process import s2sad_command

RNG = np.random.default_rng(7)


def _numba_text(func):
    """The numba module text the API compiled for ``func`` (the one module it made)."""
    texts = {getattr(c, "numba_text", None) for o in gc.get_objects()
             if type(o) is NumbaBound and o.func is func for c in o.compiled.values()}
    assert len(texts) == 1 and None not in texts, texts
    return texts.pop()


def _decorator(text, name):
    tree = ast.parse(text)
    func = next(f for f in tree.body if isinstance(f, ast.FunctionDef) and f.name == name)
    return text.splitlines()[func.lineno - 2].strip()


def _python_error(x, offset, start, stop, step):
    """Python's own verdict: the message of the first IndexError of the loop, or None."""
    for i in range(start, stop, step):
        try:
            x[i + offset]
        except IndexError as exc:
            return str(exc)
    return None


@numba.njit(boundscheck=False)
def _indexes_compiled(x, offset, start, stop, step):
    check_indexes(x, 0, offset, start, stop, step)


def _error(call, *args):
    try:
        call(*args)
    except IndexError as exc:
        return str(exc)
    return None


def test_check_indexes_agrees_with_numpy_on_every_small_range():
    """Every range of starts, stops, steps (both signs) and offsets over a 4-array: the
    check raises exactly where numpy's loop would, with numpy's message (the first
    index out of range in the loop's order), compiled and from Python."""
    x = np.arange(4.0)
    for offset, start, stop, step in itertools.product(range(-7, 7), range(-6, 7), range(-6, 7),
                                                       (-3, -2, -1, 1, 2, 3)):
        expected = _python_error(x, offset, start, stop, step)
        assert _error(_indexes_compiled, x, offset, start, stop, step) == expected
        assert _error(check_indexes, x, 0, offset, start, stop, step) == expected


def test_check_index_and_check_index_in_loop():
    @numba.njit(boundscheck=False)
    def one(x, i):
        check_index(x, 0, i)

    @numba.njit(boundscheck=False)
    def second_axis(x, i):
        check_index(x, 1, i)

    @numba.njit(boundscheck=False)
    def in_loop(x, i, n):
        check_index_in_loop(x, 0, i, 0, n, 1)

    x, grid = np.arange(4.0), np.zeros((2, 3))
    assert _error(one, x, 3) is None and _error(one, x, -4) is None
    assert _error(one, x, 4) == "index 4 is out of bounds for axis 0 with size 4"
    assert _error(one, x, -5) == "index -5 is out of bounds for axis 0 with size 4"
    assert _error(second_axis, grid, 3) == "index 3 is out of bounds for axis 1 with size 3"
    assert _error(in_loop, x, 9, 0) is None   # a loop of no trip reads nothing
    assert _error(in_loop, x, 9, 1) == "index 9 is out of bounds for axis 0 with size 4"
    assert _error(in_loop, [1.0, 2.0], 2, 1) == "index 2 is out of bounds for axis 0 with size 2"
    with pytest.raises(IndexError):
        check_index(x, 0, 4)   # from Python too


# (function, valid arguments, arguments reading out of range or None, proven)
CASES = {
    "paired": (bf.paired, (RNG.normal(size=4), RNG.normal(size=4)),
               (RNG.normal(size=3), RNG.normal(size=4)), True),
    "one_too_many": (bf.one_too_many, None, (RNG.normal(size=3),), True),
    "shifted": (bf.shifted, (RNG.normal(size=4), 3, 4), (RNG.normal(size=4), 5, 4), False),
    "neighbours": (bf.neighbours, (RNG.normal(size=5),), None, False),
    "grid": (bf.grid, (RNG.normal(size=(2, 3)), 2, 3), (RNG.normal(size=(2, 3)), 3, 3), True),
    "grid, second axis": (bf.grid, None, (RNG.normal(size=(2, 3)), 2, 4), True),
    "ends": (bf.ends, (RNG.normal(size=4), 3), (RNG.normal(size=3), 2), True),
    "rebound": (bf.rebound, (RNG.normal(size=4), 4), (RNG.normal(size=4), 5), False),
    "sliced": (bf.sliced, (RNG.normal(size=5), 5), (RNG.normal(size=5), 6), True),
    "guarded": (bf.guarded, (RNG.normal(size=3), 6), None, True),
    "by_index_array": (bf.by_index_array, (RNG.normal(size=4), np.array([0, 3, -1])),
                       (RNG.normal(size=4), np.array([0, 4])), False),
}


def _value_and_grad(func):
    return s2sad.value_and_grad(func, wrt=0, backend="numba")


@pytest.mark.parametrize("name", sorted(n for n, case in CASES.items() if case[1] is not None))
def test_in_range_runs_compiled_and_right(name):
    func, good, _, proven = CASES[name]
    g = _value_and_grad(func)
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)   # no false IndexError
        value, grad = g(*good)
    assert g.backend_used == "numba"
    np.testing.assert_allclose(value, func(*good), rtol=1e-12)
    np.testing.assert_allclose(grad, fd(func, list(good)), rtol=1e-6, atol=1e-8)
    text = _numba_text(func)
    name_ = f"{func.__name__}_value_and_grad"
    if proven:
        assert _decorator(text, name_).startswith("@numba.njit(cache=True)")
    else:
        assert _decorator(text, name_) == "@numba.njit(cache=True, boundscheck=True)"


@pytest.mark.parametrize("name", sorted(n for n, case in CASES.items() if case[2] is not None))
def test_out_of_range_raises_index_error(name):
    func, _, bad, _ = CASES[name]
    with pytest.raises(IndexError):
        func(*bad)   # the user's own code raises
    with pytest.raises(IndexError):
        _value_and_grad(func)(*bad)


def test_the_indexed_loop_is_checked_before_its_loops_not_by_numba():
    """The issue's indexed loop: one check per array before each loop, no boundscheck."""
    x = RNG.normal(size=9)
    g = _value_and_grad(bf.one_too_many)
    with pytest.raises(IndexError, match="index 9 is out of bounds for axis 0 with size 9"):
        g(x)
    text = _numba_text(bf.one_too_many)
    assert _decorator(text, "one_too_many_value_and_grad").startswith(
        "@numba.njit(cache=True)  # indexes checked")
    loops = [line.strip() for line in text.splitlines() if line.strip().startswith("for ")]
    assert loops == ["for i in range(add):", "for i in range(add - 1, -1, -1):"]
    checks = [line.strip() for line in text.splitlines() if "check_indexes(" in line]
    assert checks == ["check_indexes(x, 0, 0, 0, add, 1)", "check_indexes(x, 0, 0, add - 1, -1, -1)",
                      "check_indexes(x_bar, 0, 0, add - 1, -1, -1)"]


def test_forward_mode_raises_too():
    x, y = RNG.normal(size=4), RNG.normal(size=4)
    f = s2sad.jvp(bf.paired, wrt=0, backend="numba")
    _, tangent = f(x, y, np.ones(4))
    assert f.backend_used == "numba"
    np.testing.assert_allclose(tangent, fd(bf.paired, [x, y]) @ np.ones(4), rtol=1e-6)
    with pytest.raises(IndexError):
        f(x[:3], y, np.ones(3))


def test_second_order_raises_too():
    """The hessian of ``grid`` (by hand: 2 on the diagonal of the entries it reads)."""
    A = RNG.normal(size=(3, 4))
    hessian = s2sad.hessian(bf.grid, wrt=0, backend="numba")
    expected = np.zeros((3, 4, 3, 4))
    for i, j in itertools.product(range(2), range(3)):
        expected[i, j, i, j] = 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        np.testing.assert_allclose(hessian(A, 2, 3), expected, atol=1e-12)
    assert hessian.backend_used == "numba"
    with pytest.raises(IndexError):
        hessian(A, 2, 5)


# ------------------------------------------------------------------ the prover alone

def _proof(source):
    """``prove`` over a module text written like generated code."""
    tree = ast.parse(source)
    func = next(s for s in tree.body if isinstance(s, ast.FunctionDef))
    return prove(func, source, {"zeros_like": "zeros_like", "add_at": "add_at",
                                "Stack": "Stack"}, {"tape"}, {"np"})


def _function(body):
    return "import numpy as np\n\n\ndef f(x, y, n):\n" + body


@pytest.mark.parametrize("body", [
    # a name bound in the loop: the check before the loop would read another array
    "    for i in range(n):\n        x = y\n        s = x[k]\n",
    # an index of another kind: another name, an expression, an array
    "    for i in range(n):\n        s = x[k]\n",
    "    for i in range(n):\n        s = x[2 * i]\n",
    "    for i in range(n):\n        s = x[y[i]]\n",
    "    s = x[..., 0]\n",
    "    s = x[None, 0]\n",
    # the loop variable bound again in its loop
    "    for i in range(n):\n        i = i + 1\n        s = x[i]\n",
    # read after its loop (the last value, or no value)
    "    for i in range(n):\n        pass\n    s = x[i]\n",
    # a call that may index or change a list's length
    "    for i in range(n):\n        y.append(1.0)\n        s = x[i]\n",
    "    s = add_at(x, 3, 1.0)\n",
    "    s = np.take(x, 9)\n",
    "    s = helper(x)\n",
    # a subscript evaluated only sometimes within its statement, or deleted
    "    s = x[0] if n else 0.0\n",
    "    s = n and x[0]\n",
    "    del x[0]\n",
    # the index in the target it rebinds
    "    n, x[n] = 1, 2.0\n",
])
def test_what_is_not_proven(body):
    assert _proof(_function(body)) is None


def test_what_is_proven_and_where_its_checks_go():
    source = _function(
        "    for i in range(len(y) - 1):\n"            # 5: hoisted before the loop
        "        s = x[i + 1] * x[i - 1] + x[0] + x[i, 2] + x[i:]\n"
        "        if s:\n"
        "            s = y[i]\n"                       # 8: not at the top level of the loop
        "    for j in reversed(range(1, n, 2)):\n"     # 9: the descending range written out
        "        y[j] += 1.0\n"
        "        y.shape[0]\n"                         # a shape's item: numba checks it
        "        for k in range(n):\n"                 # 12: j does not change in this loop
        "            s = x[j, k]\n"
        "        while s:\n"
        "            s = x[j]\n"                       # 15: in a while loop
        "    for i in range(n):\n"                     # 16: it can leave early
        "        s = x[i]\n"
        "        if s:\n"
        "            break\n"
        "    return x[-1]\n")                          # 20: no loop
    assert _proof(source) == [
        (5, "    check_indexes(x, 0, 1, 0, len(y) - 1, 1)"),
        (5, "    check_indexes(x, 0, -1, 0, len(y) - 1, 1)"),
        (5, "    check_index_in_loop(x, 0, 0, 0, len(y) - 1, 1)"),
        (5, "    check_indexes(x, 0, 0, 0, len(y) - 1, 1)"),
        (5, "    check_index_in_loop(x, 1, 2, 0, len(y) - 1, 1)"),
        (8, "            check_index(y, 0, i)"),
        (9, "    check_indexes(y, 0, 0, 1 + (n - 1 - 1) - (n - 1 - 1) % 2, 1 - 1, -2)"),
        (12, "        check_index_in_loop(x, 0, j, 0, n, 1)"),
        (12, "        check_indexes(x, 1, 0, 0, n, 1)"),
        (15, "            check_index(x, 0, j)"),
        (17, "        check_index(x, 0, i)"),
        (20, "    check_index(x, 0, -1)"),
    ]


# ------------------------------------------------------------------ the command line

ROOT = Path(__file__).resolve().parents[2]


def test_cli_numba_module_raises_where_numpy_does(tmp_path):
    """A ``--target numba`` module has no numpy code to fall back to: its compiled code
    itself must raise (it would read garbage without boundscheck or a check).  (These
    modules hold the general code, whose adjoint writes ``add_item(x_bar, i, g)`` are
    not proven: they keep numba's boundscheck.)"""
    shutil.copy(ROOT / "tests" / "fixtures" / "numba_bounds_functions.py", tmp_path)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH",
                                                                                  "")]))
    for func in ("paired", "one_too_many", "grid"):
        proc = s2sad_command(["grad",
                               f"numba_bounds_functions.py:{func}", "--wrt", "0", "--target",
                               "numba", "-o", f"{func}_grad.py"], cwd=tmp_path, env=env,
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        paired = importlib.import_module("paired_grad").paired_value_and_grad
        one_too_many = importlib.import_module("one_too_many_grad").one_too_many_value_and_grad
        grid = importlib.import_module("grid_grad").grid_value_and_grad
    finally:
        sys.path.remove(str(tmp_path))
    x, y, A = RNG.normal(size=4), RNG.normal(size=4), RNG.normal(size=(2, 3))
    value, grad = paired(x, y)
    np.testing.assert_allclose(grad, fd(bf.paired, [x, y]), rtol=1e-6)
    _, grad = grid(A, 2, 2)
    np.testing.assert_allclose(grad, fd(bf.grid, [A, 2, 2]), rtol=1e-6, atol=1e-9)
    for call, args in ((paired, (x[:3], y)), (one_too_many, (x,)), (grid, (A, 3, 2)),
                       (grid, (A, 2, 4))):
        with pytest.raises(IndexError):
            call(*args)
        with pytest.raises(IndexError):   # as the user's own code does
            getattr(bf, call.__name__.replace("_value_and_grad", ""))(*args)


def test_add_into_of_a_basic_index_is_numbas_item_addition():
    """The numpy text adds an item's adjoint with add_into (lazy for Dask); the numba
    target writes it x[i] += g where the index is basic (numbers, slices, range loops'
    variables), so numba adds in place and numba_bounds proves the index; an index that
    may be an integer array (np.add.at: repeats add up) keeps the helper."""
    from s2sad.backends.numba_target import with_item_additions
    text = textwrap.dedent("""\
        from s2sad.runtime import add_into, zeros_like
        def f_grad(x, picks, g):
            x_bar = zeros_like(x)
            x_bar = add_into(x_bar, 0, g)
            x_bar = add_into(x_bar, slice(1, None, None), g * 2.0)
            x_bar = add_into(x_bar, (slice(None, -1, None), 2), g)
            x_bar = add_into(x_bar, picks, g)
            for i in reversed(range(3)):
                x_bar = add_into(x_bar, i, g)
            for k in range(3):
                k = picks
                x_bar = add_into(x_bar, k, g)
            return x_bar
        """)
    lines = with_item_additions(text).splitlines()
    assert lines[3:7] == ["    x_bar[0] += g", "    x_bar[1:] += g * 2.0",
                          "    x_bar[:-1, 2] += g", "    x_bar = add_into(x_bar, picks, g)"]
    assert lines[8] == "        x_bar[i] += g"
    assert lines[11] == "        x_bar = add_into(x_bar, k, g)"   # k is rebound: maybe an array
