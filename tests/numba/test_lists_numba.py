"""List-building loops under backend="numba" (and ``--target numba``): ``xs.append(v)``
in a loop, then ``sum(xs)``, ``xs[-1]``, ``np.array(xs)``, ``np.stack(xs)``; lists of
numbers and of arrays; a list comprehension.  Before, every such gradient ran numpy (the
numba runtime had no ``list_bar``/``repeat_bar``), and an empty list carried around a
loop by copies (``xs_1 = xs_2``) could not be typed by numba.  Each gradient is compared
with central finite differences written here and with the numpy backend's; where numba
cannot compile s2sad's code, the fallback warning says the code is s2sad's."""

import importlib.util
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="numba is an optional extra: pip install "
                                            "'s2sad[numba]'")

import numba_lists as M  # noqa: E402
import s2sad  # noqa: E402
from s2sad.backends.numba_aliases import with_list_aliases_merged  # noqa: E402
from in_process import s2sad_command

VECTOR = np.array([0.3, -0.2, 0.5])
SCALAR_CASES = [M.append_sum, M.append_last, M.comprehension, M.numbers_np_array]
ARRAY_CASES = [M.append_array_sum, M.append_np_array, M.append_stack, M.array_items_last,
               M.comprehension_arrays]


#: the place of the extend in the fixture, as messages give it
EXTEND = "numba_lists.py:{}:9".format(
    1 + Path(M.__file__).read_text().splitlines().index("        xs.extend([x * i, np.sin(x)])"))
#: the command line's processes import this s2sad
ENV = {**os.environ, "PYTHONPATH": str(Path(s2sad.__file__).resolve().parents[1])}


def central(f, x, n, h=1e-6):
    """d f(x, n) / dx by central differences (x a float or an array)."""
    if np.ndim(x) == 0:
        return (f(x + h, n) - f(x - h, n)) / (2 * h)
    out = np.zeros(x.shape)
    for k in range(x.size):
        step = np.zeros(x.shape)
        step.flat[k] = h
        out.flat[k] = (f(x + step, n) - f(x - step, n)) / (2 * h)
    return out


def _numba_grad(f, x, n):
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        g = s2sad.value_and_grad(f, backend="numba")
        value, grad = g(x, n)
    assert g.backend_used == "numba"
    return value, grad


@pytest.mark.parametrize("f", SCALAR_CASES + ARRAY_CASES, ids=lambda f: f.__name__)
def test_gradient_compiles_and_is_right(f):
    x = 0.3 if f in SCALAR_CASES else VECTOR
    value, grad = _numba_grad(f, x, 5)
    assert value == pytest.approx(f(x, 5), rel=1e-12)
    np.testing.assert_allclose(grad, central(f, x, 5), rtol=1e-6, atol=1e-9)
    numpy_value, numpy_grad = s2sad.value_and_grad(f)(x, 5)
    np.testing.assert_allclose(grad, numpy_grad, rtol=1e-12, atol=1e-14)


def test_a_list_of_rows_of_an_array_read_later_compiles():
    # (appending views of y to a list changes no array: the check that the list's
    # change leaves y as it is compiles under numba too)
    y = np.array([[0.3, -0.2, 0.5], [0.1, 0.7, -0.4]])
    value, grad = _numba_grad(M.append_rows, y, 3)
    assert value == pytest.approx(M.append_rows(y, 3), rel=1e-12)
    np.testing.assert_allclose(grad, central(M.append_rows, y, 3), rtol=1e-6, atol=1e-9)


def test_list_of_arrays_gradient_is_an_array_of_its_own():
    x = VECTOR.copy()
    _, grad = _numba_grad(M.append_array_sum, x, 3)
    assert not np.shares_memory(grad, x)
    grad += 1.0   # (an in-place step on the gradient changes nothing else)
    np.testing.assert_array_equal(x, VECTOR)


@pytest.mark.parametrize("f", [M.append_sum, M.comprehension, M.append_array_sum,
                               M.append_np_array], ids=lambda f: f.__name__)
def test_jvp_compiles_and_is_right(f):
    x = 0.3 if f in SCALAR_CASES else VECTOR
    t = 1.0 if np.ndim(x) == 0 else np.array([0.5, -1.0, 0.25])
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        jvp = s2sad.jvp(f, backend="numba")
        value, tangent = jvp(x, 4, t)
    assert jvp.backend_used == "numba"
    h = 1e-6
    expected = (f(x + h * t, 4) - f(x - h * t, 4)) / (2 * h)
    assert value == pytest.approx(f(x, 4), rel=1e-12)
    assert tangent == pytest.approx(expected, rel=1e-6, abs=1e-9)


def test_hessian_vector_product_of_a_list_sum_compiles():
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        hvp = s2sad.hvp(M.append_sum, wrt=0, backend="numba")
        got = hvp(0.3, 4, 1.0)
    assert hvp.backend_used == "numba"
    h = 1e-5
    grad = s2sad.grad(M.append_sum, wrt=0)
    expected = (grad(0.3 + h, 4) - grad(0.3 - h, 4)) / (2 * h)
    assert got == pytest.approx(expected, rel=1e-6)


def test_benchmark_workload_compiles():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    try:
        import workloads
    finally:
        sys.path.pop(0)
    value, grad = _numba_grad(workloads.list_append, 0.4, 200)
    assert value == pytest.approx(workloads.list_append(0.4, 200), rel=1e-12)
    assert grad == pytest.approx(central(workloads.list_append, 0.4, 200), rel=1e-6)


def test_extend_of_an_empty_list_falls_back_naming_s2sads_code():
    g = s2sad.value_and_grad(M.extend_loop, backend="numba")
    with pytest.warns(s2sad.NumbaFallbackWarning) as caught:
        value, grad = g(0.3, 4)
    assert g.backend_used == "numpy"
    message = str(caught[0].message)
    assert "s2sad's generated code passes to its runtime helper 'list_extend'" in message
    assert "s2sad's code, not yours" in message
    assert f"{EXTEND}: xs.extend([x * i, np.sin(x)])" in message
    assert "rewrite that line" not in message   # (never the user's line to blame)
    assert value == pytest.approx(M.extend_loop(0.3, 4))
    assert grad == pytest.approx(central(M.extend_loop, 0.3, 4), rel=1e-6)


def test_sum_of_no_arrays_runs_numpy_and_says_so():
    # sum([]) is the number 0 in Python: numba, which types the sum an array, cannot
    # give it; the numpy code runs (and is right), the warning says why
    g = s2sad.value_and_grad(M.append_array_sum, backend="numba")
    with pytest.warns(s2sad.NumbaFallbackWarning, match="empty list of arrays"):
        value, grad = g(VECTOR, 0)
    assert g.backend_used == "numpy"
    assert value == 0.0
    np.testing.assert_array_equal(grad, np.zeros(3))


def test_cli_module_runs_and_is_right(tmp_path):
    source = Path(M.__file__)
    (tmp_path / source.name).write_text(source.read_text())
    for f, x in [(M.append_sum, 0.3), (M.append_stack, VECTOR), (M.comprehension, 0.3)]:
        out = tmp_path / f"{f.__name__}_numba.py"
        done = s2sad_command(["grad",
                               f"{source.name}:{f.__name__}", "--wrt", "x", "--target",
                               "numba", "-o", out.name],
                              cwd=tmp_path, capture_output=True, text=True, env=ENV)
        assert done.returncode == 0, done.stderr
        assert "def " in out.read_text() and "list_bar(" in out.read_text()
        spec = importlib.util.spec_from_file_location(out.stem, out)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        value, grad = getattr(module, f"{f.__name__}_value_and_grad")(x, 5)
        assert value == pytest.approx(f(x, 5), rel=1e-12)
        np.testing.assert_allclose(grad, central(f, x, 5), rtol=1e-6, atol=1e-9)


def test_cli_refuses_the_extend_of_an_empty_list(tmp_path):
    source = Path(M.__file__)
    (tmp_path / source.name).write_text(source.read_text())
    done = s2sad_command(["grad",
                           f"{source.name}:extend_loop", "--wrt", "x", "--target", "numba",
                           "-o", "out.py"],
                          cwd=tmp_path, capture_output=True, text=True, env=ENV)
    assert done.returncode == 2
    assert EXTEND in done.stderr and "not yours" in done.stderr
    assert not (tmp_path / "out.py").exists()


# ---- the merge of a list's names (pure text: numba_aliases) ----

_CHAIN = '''\
from s2sad.runtime import zeros_like


def f(x, n):
    xs = []
    xs_1 = xs
    for i in range(n):
        xs_1.append(x * i)
        xs_2 = xs_1
        xs_1 = xs_2
    return sum(xs_1)
'''


def _run(text, *args):
    scope = {}
    exec(compile(text, "<test>", "exec"), scope)
    return scope["f"](*args)


def test_copies_of_a_list_made_empty_become_its_name():
    merged = with_list_aliases_merged(_CHAIN)
    assert "xs_1" not in merged and "xs_2" not in merged
    assert "xs.append(x * i)" in merged and "return sum(xs)" in merged
    assert _run(merged, 2.0, 4) == _run(_CHAIN, 2.0, 4) == 12.0


def test_a_list_made_in_a_loop_keeps_its_names():
    text = _CHAIN.replace("    xs = []\n    xs_1 = xs\n    for i in range(n):\n",
                          "    xs_1 = [x]\n    for i in range(n):\n        xs = []\n"
                          "        ys = xs\n")
    assert with_list_aliases_merged(text) == text


def test_a_name_bound_to_another_list_keeps_its_names():
    text = _CHAIN.replace("        xs_1 = xs_2\n", "        xs_1 = list(xs_2)\n")
    merged = with_list_aliases_merged(text)
    assert "xs_1" in merged and _run(merged, 2.0, 4) == _run(text, 2.0, 4)


def test_forward_pushes_of_a_list_and_its_tangent_become_appends():
    text = '''\
from s2sad.runtime import list_push, zeros_like


def f(x, n):
    xs = []
    xs_1 = xs
    xs_1_dot = zeros_like(xs_1)
    for i in range(n):
        xs_2 = list_push(xs_1, x * i)
        xs_2_dot = list_push(xs_1_dot, 1.0 * i)
        xs_1 = xs_2
        xs_1_dot = xs_2_dot
    return sum(xs_1), sum(xs_1_dot)
'''
    merged = with_list_aliases_merged(text)
    assert "xs.append(x * i)" in merged and "xs_1_dot.append(1.0 * i)" in merged
    assert "xs_1_dot = []" in merged and "list_push(" not in merged
    assert _run(merged, 2.0, 4) == _run(text, 2.0, 4) == (12.0, 6.0)


def test_zeros_of_a_list_appended_to_before_stay():
    text = '''\
from s2sad.runtime import zeros_like


def f(x):
    xs = []
    xs.append(x)
    t = zeros_like(xs)
    return t
'''
    assert "zeros_like(xs)" in with_list_aliases_merged(text)


# ---- the fuzzer's list-building loops under numba (NUMBA_LIST_FEATURES) ----

def test_fuzzed_list_loops_compile_on_numba_and_are_right(tmp_path, monkeypatch):
    """The first generated programs appending to a list in a loop (then ``sum``,
    ``acc[-1]``, ``np.array``, ``np.stack``) are checked on numba itself: not a fallback."""
    from s2sad import fuzz
    from s2sad.fuzz.constructs import NUMBA_LIST_FEATURES
    monkeypatch.setenv("S2SAD_CACHE_DIR", str(tmp_path))
    seeds = [s for s in range(200) if ".append(" in
             fuzz.generate(s, NUMBA_LIST_FEATURES, max_statements=4).source][:3]
    assert len(seeds) == 3
    (tmp_path / "programs").mkdir()
    loader = fuzz._Loader(str(tmp_path / "programs"))
    try:
        for seed in seeds:
            prog = fuzz.generate(seed, NUMBA_LIST_FEATURES, max_statements=4)
            with warnings.catch_warnings():
                warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
                outcome = fuzz.check_program(prog, ("numba",), {"numba": prog.features},
                                             loader)
            assert (outcome.status, outcome.modes_checked) == ("pass", ("numba",)), \
                (seed, outcome.reason, outcome.message)
    finally:
        loader.close()
