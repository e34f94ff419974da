"""The fast path of numba-compiled gradients (s2sad.api.numba_fastpath): one check
written for the function at hand, then numba's dispatcher, skipping the general
per-call work; it gives way to the general path whenever anything it was made from
changed, and after a fallback to numpy.  Each test warms the fast path (two calls),
changes something, and checks the next calls see the change: values against
derivatives written by hand or central finite differences.
"""

import contextlib
import io
import warnings

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import s2sad  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402

SCALE = 0.5


def scaled_loop(x, n):
    for i in range(n):
        x = SCALE * x + np.sin(x)
    return x


def scaled_loop_slope(x, n, scale=None, sin=np.sin, cos=np.cos):
    """d scaled_loop / dx, written by hand."""
    scale = SCALE if scale is None else scale
    slope = 1.0
    for i in range(n):
        slope = slope * (scale + cos(x))
        x = scale * x + sin(x)
    return slope


def with_default(x, c=3.0):
    s = 0.0
    for i in range(2):
        s = s + c * x * x
    return s


def indexed(x, w):
    s = 0.0
    for i in range(len(x)):
        s = s + w * x[i] * x[i]
    return s


def squared_times(x, m):
    return x * (m * m)


def _numba_bound(gradient):
    cells = [c.cell_contents for c in gradient.__closure__]
    return [c for c in cells if type(c).__name__ == "NumbaBound"][0]


def _general_calls(monkeypatch, gradient):
    """A list that grows by one at each call going the general way."""
    bound, calls = _numba_bound(gradient), []
    general = bound.current

    def counted(args=(), kwargs=None):
        calls.append(args)
        return general(args, kwargs)

    monkeypatch.setattr(bound, "current", counted)
    return calls


@contextlib.contextmanager
def _strict():
    """No fallback to numpy goes unnoticed."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        yield


def test_the_fast_path_runs_the_compiled_code_and_gives_each_gradient_its_type(monkeypatch):
    g = s2sad.value_and_grad(scaled_loop, backend="numba")
    calls = _general_calls(monkeypatch, g)
    for _ in range(3):
        value, slope = g(0.3, 6)
        assert value == pytest.approx(scaled_loop(0.3, 6), rel=1e-12)
        assert slope == pytest.approx(scaled_loop_slope(0.3, 6), rel=1e-12)
        assert type(slope) is float
    fast = _numba_bound(g).fast
    assert fast and fast.__code__.co_filename.startswith("<s2sad numba fast path")
    assert len(calls) == 1 and g.backend_used == "numba"   # (the first call compiles)
    assert g(np.float64(0.3), 6)[1] == pytest.approx(scaled_loop_slope(0.3, 6), rel=1e-12)
    assert type(g(1, 6)[1]) is float   # an int argument: its gradient is a float
    assert g(1, 6)[1] == pytest.approx(scaled_loop_slope(1.0, 6), rel=1e-12)
    one = s2sad.grad(scaled_loop, wrt=(0,), backend="numba")   # a tuple of one gradient
    for _ in range(3):
        got = one(0.3, 6)
        assert type(got) is tuple and len(got) == 1 and type(got[0]) is float
        assert got[0] == pytest.approx(fd(scaled_loop, [0.3, 6]), rel=1e-6)
    assert _numba_bound(one).fast


def test_arrays_of_a_rank_the_code_is_made_for(monkeypatch):
    """The indexed loop's code is made for a 1-D x: its fast path checks the rank."""
    g = s2sad.grad(indexed, wrt=(0, 1), backend="numba")
    calls = _general_calls(monkeypatch, g)
    x = np.linspace(-1.0, 2.0, 5)
    for _ in range(3):
        gx, gw = g(x, 1.5)
        np.testing.assert_allclose(gx, 3.0 * x, rtol=1e-12)
        assert type(gx) is np.ndarray and gx.dtype == np.float64
        assert type(gw) is float and gw == pytest.approx(np.sum(x * x), rel=1e-12)
    assert len(calls) == 1
    np.testing.assert_allclose(gx, fd(indexed, [x, 1.5], 0), rtol=1e-6)


def test_a_rebound_global_is_read_by_the_next_call():
    global SCALE
    g = s2sad.grad(scaled_loop, backend="numba")
    try:
        with _strict():
            for _ in range(2):
                assert g(0.3, 6) == pytest.approx(scaled_loop_slope(0.3, 6), rel=1e-12)
            assert _numba_bound(g).fast
            SCALE = 0.8   # the same type: the compiled code reads it as an argument
            assert g(0.3, 6) == pytest.approx(scaled_loop_slope(0.3, 6, 0.8), rel=1e-12)
            assert g(0.3, 6) == pytest.approx(fd(scaled_loop, [0.3, 6]), rel=1e-6)
            SCALE = 2   # a new type: generated again
            assert g(0.3, 3) == pytest.approx(scaled_loop_slope(0.3, 3, 2.0), rel=1e-12)
            assert g(0.3, 3) == pytest.approx(scaled_loop_slope(0.3, 3, 2.0), rel=1e-12)
    finally:
        SCALE = 0.5
    assert g(0.3, 6) == pytest.approx(scaled_loop_slope(0.3, 6), rel=1e-12)


def test_a_changed_closure_cell_is_read():
    k = 2.0

    def cubic(x, n):
        s = 0.0
        for i in range(n):
            s = s + k * x * x * x
        return s

    g = s2sad.grad(cubic, backend="numba")
    for _ in range(2):
        assert g(0.5, 2) == pytest.approx(2 * 3.0 * k * 0.25, rel=1e-12)
    k = 5.0
    assert g(0.5, 2) == pytest.approx(2 * 3.0 * 5.0 * 0.25, rel=1e-12)
    assert g(0.5, 2) == pytest.approx(fd(cubic, [0.5, 2]), rel=1e-6)


def test_new_defaults_and_calls_that_leave_them_out(monkeypatch):
    g = s2sad.grad(with_default, backend="numba")
    calls = _general_calls(monkeypatch, g)
    for _ in range(2):
        assert g(0.5, 3.0) == pytest.approx(2 * 2 * 3.0 * 0.5, rel=1e-12)
    for _ in range(2):   # the default: the fast path binds it too
        assert g(0.5) == pytest.approx(2 * 2 * 3.0 * 0.5, rel=1e-12)
    assert len(calls) == 1
    with pytest.raises(TypeError):
        g()
    with pytest.raises(TypeError):
        g(0.5, 3.0, 1.0)
    with_default.__defaults__ = (4.0,)
    try:
        assert g(0.5) == pytest.approx(2 * 2 * 4.0 * 0.5, rel=1e-12)
        assert g(0.5) == pytest.approx(2 * 2 * 4.0 * 0.5, rel=1e-12)
        with_default.__defaults__ = (4,)   # an int: the same code, numba compiles anew
        assert g(0.5) == pytest.approx(2 * 2 * 4.0 * 0.5, rel=1e-12)
        assert g(0.5) == pytest.approx(2 * 2 * 4.0 * 0.5, rel=1e-12)
        with_default.__defaults__ = (2.0 + 1.0j,)   # complex: refused as an argument
        with pytest.raises(s2sad.S2sadError, match="complex"):
            g(0.5)
        with_default.__defaults__ = (4.0,)
        assert g(0.5, 1.0) == pytest.approx(2 * 2 * 1.0 * 0.5, rel=1e-12)
        assert g(0.5) == pytest.approx(fd(with_default, [0.5]), rel=1e-6)
    finally:
        with_default.__defaults__ = (3.0,)
    assert g(0.5) == pytest.approx(2 * 2 * 3.0 * 0.5, rel=1e-12)


def test_a_changed_code_object_is_generated_again():
    def f(x, n):
        for i in range(n):
            x = x * x
        return x

    def other(x, n):
        for i in range(n):
            x = 3.0 * x
        return x

    g = s2sad.grad(f, backend="numba")
    for _ in range(2):
        assert g(0.7, 2) == pytest.approx(4 * 0.7 ** 3, rel=1e-12)
    f.__code__ = other.__code__
    assert g(0.7, 2) == pytest.approx(9.0, rel=1e-12)
    assert g(0.7, 2) == pytest.approx(9.0, rel=1e-12)


def test_a_patched_numpy_function_is_seen(monkeypatch):
    g = s2sad.grad(scaled_loop, backend="numba")
    for _ in range(2):
        assert g(0.3, 4) == pytest.approx(scaled_loop_slope(0.3, 4), rel=1e-12)
    monkeypatch.setattr(np, "sin", np.tanh)
    got = g(0.3, 4)
    expected = fd(scaled_loop, [0.3, 4])
    monkeypatch.undo()
    assert got == pytest.approx(expected, rel=1e-6)
    tanh_slope = lambda x: 1.0 - np.tanh(x) ** 2   # noqa: E731
    assert got == pytest.approx(scaled_loop_slope(0.3, 4, sin=np.tanh, cos=tanh_slope),
                                rel=1e-12)
    assert g(0.3, 4) == pytest.approx(scaled_loop_slope(0.3, 4), rel=1e-12)


def test_other_dtypes_and_complex_arguments_take_the_general_path():
    g = s2sad.grad(indexed, backend="numba")
    x = np.linspace(-1.0, 2.0, 5)
    for _ in range(2):
        np.testing.assert_allclose(g(x, 1.5), 3.0 * x, rtol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", s2sad.NumbaFallbackWarning)
        got = g(x.astype(np.float32), 1.5)   # the argument's dtype (numba or numpy)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, 3.0 * x, rtol=1e-6)
    with pytest.raises(s2sad.S2sadError, match="complex"):
        g(x.astype(complex), 1.5)
    with pytest.raises(s2sad.S2sadError, match="complex"):
        g(x, 1.5 + 0.5j)
    reversed_x = x[::-1]   # not contiguous: numba compiles it anew, the general path checks it
    np.testing.assert_allclose(g(reversed_x, 1.5), 3.0 * reversed_x, rtol=1e-12)
    np.testing.assert_allclose(g(reversed_x, 1.5), 3.0 * reversed_x, rtol=1e-12)
    np.testing.assert_allclose(g(x, 1.5), 3.0 * x, rtol=1e-12)


def test_an_error_of_the_running_code_is_raised_by_the_general_path():
    g = s2sad.value_and_grad(indexed, backend="numba")
    x = np.linspace(-1.0, 2.0, 5)
    for _ in range(2):
        g(x, 1.0)
    with pytest.raises(TypeError):
        g(x)
    with pytest.raises(TypeError):
        g(x, 1.0, 2.0)


def test_a_new_signature_whose_integers_differ_falls_back_and_stays_on_numpy():
    """Warm with a float m, then an int m: numba compiles ``m * m`` of two integers,
    which the general path checks (numba's integers are 64 bits wide) and falls back;
    numpy runs from then on, the fast path gone."""
    g = s2sad.grad(squared_times, backend="numba")
    with _strict():
        for _ in range(2):
            assert g(0.5, 3.0) == pytest.approx(9.0, rel=1e-12)
        assert _numba_bound(g).fast and g.backend_used == "numba"
    with pytest.warns(s2sad.NumbaFallbackWarning, match="of two integers"):
        assert g(0.5, 2 ** 40) == float(2 ** 80)
    assert g.backend_used == "numpy"
    with _strict():   # (numpy runs: no new warning)
        assert g(0.5, 3.0) == pytest.approx(9.0, rel=1e-12)
        assert g(0.5, 2 ** 40) == float(2 ** 80)
    assert not _numba_bound(g).fast


def test_generated_loop_programs_through_the_fast_path(tmp_path, monkeypatch):
    """The fuzzer's numba campaign with each gradient called twice: the second call runs
    the fast path, and its result is the one checked against finite differences (the
    first, the general path's, is checked by tests/fuzz/test_fuzz_numba.py)."""
    from s2sad import fuzz
    monkeypatch.setenv("S2SAD_CACHE_DIR", str(tmp_path))
    real, fast_runs = s2sad.value_and_grad, []

    def twice(f, wrt=0, backend="numpy"):
        vg = real(f, wrt=wrt, backend=backend)

        def call(*args):
            vg(*args)   # compiles (or falls back); the fast path is made at the next call
            result = vg(*args)
            if vg.backend_used == "numba" and _numba_bound(vg).fast:
                fast_runs.append(f.__name__)
            return result
        return call

    monkeypatch.setattr(s2sad, "value_and_grad", twice)
    out = io.StringIO()
    report = fuzz.run_campaign(12, seed=116, modes=("numba",), max_statements=6,
                               features=fuzz.NUMBA_FEATURES, out=out, max_shrinks=1)
    failed = [r for r in report.records if r[1] == "fail"]
    assert failed == [], f"{report.summary()}\n{out.getvalue()}"
    assert len(fast_runs) >= 3, report.summary()
