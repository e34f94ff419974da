"""Issue 16: a backward loop adds a parameter's adjoint in place (``W_bar += g``) in the
code made for float64 arrays (``analysis.dtypes``), and keeps ``W_bar = W_bar + g``
wherever the accumulator may alias, change dtype or change shape.

Every expected derivative is a central finite difference (``s2sad.testing``) or a
second difference of the function itself, never a value s2sad produced.
"""

import numpy as np
import pytest

import s2sad
from s2sad.analysis.dtypes import FLOAT64
from s2sad.api.core import CACHE
from s2sad.api.entries import reverse_entry
from s2sad.api.ranked import Ranked
from s2sad.testing import check_grads, finite_difference_gradient

import inplace_accumulators as ia
from in_process import s2sad_command

RNG = np.random.default_rng(1616)


def _rnn_args(dtype=np.float64):
    return tuple(np.asarray(a, dtype=dtype) for a in (
        0.4 * RNG.standard_normal((3, 4)), 0.4 * RNG.standard_normal((4, 4)),
        0.1 * RNG.standard_normal(4), RNG.standard_normal((5, 3)), np.zeros(4)))


def _w_args(dtype=np.float64):
    return (np.asarray(RNG.uniform(-1.0, 1.0, 3), dtype=dtype), RNG.standard_normal((5, 3)))


def _float64_text(func, wrt):
    """The reverse code the API runs for float64 arrays ``wrt``."""
    return reverse_entry(func, wrt, "value_and_grad", ranks=((FLOAT64, wrt),)).text


# ------------------------------------------------------------------ structure

def test_the_rnn_adds_its_weights_adjoints_in_place_as_float64_arrays():
    text = _float64_text(ia.rnn, ("Wx", "Wh", "b"))
    for name in ("Wx", "Wh", "b"):
        assert f"    {name}_bar += " in text, text
        assert f"{name}_bar = {name}_bar +" not in text
    assert " h_bar +=" not in text   # (a carried adjoint: a new value each step)
    general = s2sad.value_and_grad(ia.rnn, wrt=(0, 1, 2)).source   # no dtypes: the CLI's
    assert "+=" not in general
    assert "Wx_bar = Wx_bar + matmul_rhs_bar(" in general


def test_the_api_runs_the_float64_code_for_float64_arguments_only():
    g = s2sad.value_and_grad(ia.rnn, wrt=(0, 1, 2))
    g(*_rnn_args())
    keys = [k for k in CACHE.keys_for(ia.rnn.__code__) if k[1] == "value_and_grad"]
    assert any(k[-1] and k[-1][-1] == (FLOAT64, ("Wx", "Wh", "b")) for k in keys), keys


@pytest.mark.parametrize("func,wrt", [
    (ia.read_after, ("W",)),        # W_bar starts as the adjoint of W * c: not the sweep's
    (ia.fractional_power, ("w",)),  # (-8.0) ** (1 / 3) is complex
])
def test_an_accumulator_that_may_alias_or_change_dtype_allocates(func, wrt):
    text = _float64_text(func, wrt)
    assert f"{wrt[0]}_bar +=" not in text, text
    assert f"{wrt[0]}_bar = {wrt[0]}_bar + " in text, text


def test_an_addition_whose_shape_is_not_proven_allocates():
    from s2sad.transform.reverse.env import _keeps_shape
    import gast
    call = gast.parse("unbroadcast(g, w)").body[0].value
    other = gast.parse("unbroadcast(g, v)").body[0].value
    bare = gast.parse("g * x").body[0].value
    assert _keeps_shape(call, "w") and not _keeps_shape(other, "w")
    assert not _keeps_shape(bare, "w")


def test_only_real_arguments_of_at_most_64_bits_make_a_float64_key():
    ranked = Ranked(ia.pair, {FLOAT64: frozenset({"A", "B"})})
    W, xs = np.ones((3, 3)), np.ones((2, 3))
    assert ranked.key((W, W, xs), {}) == ((FLOAT64, ("A", "B")),)
    assert ranked.key((W.astype(np.float32), W, xs), {}) == ((FLOAT64, ("B",)),)
    assert ranked.key((W, W, xs.astype(np.int32)), {}) == ((FLOAT64, ("A", "B")),)
    for odd in (xs + 0j, xs.astype(np.longdouble), xs.tolist(), xs.astype(object)):
        assert ranked.key((W, W, odd), {}) is None
    assert ranked.key((W, W), {"xs": xs}) is None   # (keywords: general code)


def test_a_global_array_bound_to_another_dtype_makes_the_code_again():
    w, xs = _w_args()
    g = s2sad.grad(ia.global_array)
    original = ia.SCALE
    try:
        for scale, in_place in ((original, True), (original.astype(np.longdouble), False),
                                (original.astype(np.float32), True)):
            ia.SCALE = scale
            np.testing.assert_allclose(g(w, xs), _fd(ia.global_array, (w, xs), 0),
                                       rtol=1e-5, atol=1e-7)
            entry = reverse_entry(ia.global_array, ("w",), "value_and_grad",
                                  ranks=((FLOAT64, ("w",)),))
            assert ("w_bar += " in entry.text) is in_place, (scale.dtype, entry.text)
    finally:
        ia.SCALE = original


# ------------------------------------------------------------------ gradients

CASES = [
    (ia.rnn, _rnn_args, (0, 1, 2)),
    (ia.pair, None, (0, 1)),
    (ia.global_number, _w_args, 0),
    (ia.two_loops, _w_args, 0),
    (ia.in_branch, _w_args, 0),
    (ia.read_after, None, 0),
    (ia.global_float32, _w_args, 0),
]


def _args(func, make, dtype):
    if func is ia.pair:
        W = np.asarray(0.5 * RNG.standard_normal((3, 3)), dtype=dtype)
        return (W, W, RNG.standard_normal((4, 3)))   # one array, two parameters
    if func is ia.read_after:
        W = np.asarray(0.5 * RNG.standard_normal((3, 3)), dtype=dtype)
        return (W, RNG.standard_normal((4, 3)), W)    # c is W: the adjoint starts as W
    return make(dtype)


def _fd(func, args, index):
    as64 = tuple(np.asarray(a, dtype=np.float64) if isinstance(a, np.ndarray) else a
                 for a in args)
    return finite_difference_gradient(func, as64, argnum=index)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
@pytest.mark.parametrize("func,make,wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_gradients_agree_with_finite_differences(func, make, wrt, dtype):
    args = _args(func, make, dtype)
    if dtype is np.int64:   # small integers: an integer argument is a point too
        args = tuple(np.round(4 * a).astype(np.int64) if i in np.atleast_1d(wrt) else a
                     for i, a in enumerate(args))
    before = [np.copy(a) if isinstance(a, np.ndarray) else a for a in args]
    indices = wrt if isinstance(wrt, tuple) else (wrt,)
    for transform in (s2sad.grad, s2sad.value_and_grad):
        got = transform(func, wrt=wrt)(*args)
        got = got[1] if transform is s2sad.value_and_grad else got
        got = got if isinstance(wrt, tuple) else (got,)
        for index, g in zip(indices, got):
            tol = 2e-3 if dtype is np.float32 else 1e-5
            np.testing.assert_allclose(g, _fd(func, args, index), rtol=tol, atol=tol)
    for a, b in zip(args, before):   # no argument was written into
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("func,make,wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_every_mode_agrees_with_finite_differences(func, make, wrt):
    check_grads(func, _args(func, make, np.float64), wrt=wrt, modes=("reverse", "forward"))


def test_complex_arguments_are_refused_as_before():
    w, xs = _w_args()
    with pytest.raises(s2sad.S2sadError, match="complex"):
        s2sad.grad(ia.two_loops)(w + 0j, xs)
    with pytest.raises(s2sad.S2sadError, match="complex"):
        s2sad.grad(ia.two_loops)(w, xs + 0j)


def test_float64_then_float32_then_float64_calls_each_get_right_gradients():
    g = s2sad.grad(ia.two_loops)
    for dtype in (np.float64, np.float32, np.float64, np.int64):
        w, xs = _w_args()
        w = np.round(4 * w).astype(dtype) if dtype is np.int64 else w.astype(dtype)
        got = g(w, xs)
        np.testing.assert_allclose(got, _fd(ia.two_loops, (w, xs), 0), rtol=2e-3, atol=2e-3)
        assert got.dtype == (np.float64 if dtype is np.int64 else dtype)


def test_arrays_then_numbers_then_arrays_with_the_fast_path_warm():
    """The fast path made at a float64-array call (code adding in place) is not run
    for a number in that parameter's place, nor the other way round."""
    g = s2sad.grad(ia.two_loops)
    w, xs = _w_args()
    for value in (w, w, 0.7, 0.7, w, -1.3, w):
        got = g(value, xs)
        np.testing.assert_allclose(got, _fd(ia.two_loops, (value, xs), 0), rtol=1e-6, atol=1e-8)
        assert np.shape(got) == np.shape(value)


def _fd_hvp(func, args, index, v, eps=1e-4):
    """H v by central second differences of ``func`` itself."""
    x = np.asarray(args[index], dtype=float)
    out = np.zeros(x.size)

    def at(point):
        new = list(args)
        new[index] = point.reshape(x.shape)
        return float(func(*new))

    flat, dv = x.ravel(), np.ravel(v)
    for k in range(flat.size):
        e = np.zeros(flat.size)
        e[k] = eps
        out[k] = (at(flat + e + eps * dv) - at(flat + e - eps * dv)
                  - at(flat - e + eps * dv) + at(flat - e - eps * dv)) / (4 * eps * eps)
    return out.reshape(x.shape)


@pytest.mark.parametrize("func,make,wrt", [c for c in CASES if c[0] is not ia.rnn],
                         ids=[c[0].__name__ for c in CASES if c[0] is not ia.rnn])
def test_hessian_vector_products_and_hessians_agree_with_second_differences(func, make, wrt):
    args = _args(func, make, np.float64)
    index = wrt[0] if isinstance(wrt, tuple) else wrt
    v = RNG.uniform(-1.0, 1.0, np.shape(args[index]))
    got = s2sad.hvp(func, wrt=index)(*args, v)
    got = got[1] if isinstance(got, tuple) else got
    expected = _fd_hvp(func, args, index, v)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    hessian = np.asarray(s2sad.hessian(func, wrt=index)(*args))
    n = np.size(args[index])
    np.testing.assert_allclose(hessian.reshape(n, n) @ np.ravel(v), np.ravel(expected),
                               rtol=1e-4, atol=1e-5)


def test_the_rnn_hvp_agrees_with_second_differences():
    args = _rnn_args()
    v = RNG.uniform(-1.0, 1.0, args[1].shape)
    got = s2sad.hvp(ia.rnn, wrt=1)(*args, v)
    got = got[1] if isinstance(got, tuple) else got
    np.testing.assert_allclose(got, _fd_hvp(ia.rnn, args, 1, v), rtol=1e-4, atol=1e-5)


def test_the_cli_writes_the_general_code_and_it_agrees_with_finite_differences(tmp_path):
    import shutil
    import subprocess
    import sys
    from pathlib import Path
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "inplace_accumulators.py"
    shutil.copy(fixture, tmp_path / "inplace_accumulators.py")
    proc = s2sad_command(["grad",
                           "inplace_accumulators.py:rnn", "--wrt", "Wx,Wh,b", "-o", "g.py"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "g.py").read_text()
    assert "+=" not in text   # (no dtypes known: the allocating additions)
    namespace = {}
    exec(compile(text, "g.py", "exec"), namespace)
    args = _rnn_args()
    _, grads = namespace["rnn_value_and_grad"](*args)
    for index, g in enumerate(grads):
        np.testing.assert_allclose(g, _fd(ia.rnn, args, index), rtol=1e-5, atol=1e-7)


def test_the_optimize_pass_writes_only_marked_additions_in_place():
    import gast
    from s2sad.optimize import added_in_place
    from s2sad.syntax import anno
    marked, plain, renamed = (gast.parse(s).body[0] for s in (
        "w_bar = w_bar + g", "v_bar = v_bar + g", "w_bar = u_bar + g"))
    anno.set(marked, anno.ADD_IN_PLACE, True)
    anno.set(renamed, anno.ADD_IN_PLACE, True)   # (a pass changed it: stays as it is)
    out = added_in_place([marked, plain, renamed])
    assert [gast.unparse(s).strip() for s in out] == [
        "w_bar += g", "v_bar = v_bar + g", "w_bar = u_bar + g"]
