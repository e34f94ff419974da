"""backend="numba": gradients compiled by numba agree with the numpy backend and with
finite differences, or fall back to numpy with a NumbaFallbackWarning naming the line.

Compiles are slow (seconds each): each transform is built once per module and shared
(``_transform``); numba's on-disk cache (``cache=True``) makes later runs cheaper.
"""

import inspect
import warnings

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import s2sad  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402

import numba_functions as nf  # noqa: E402

RNG = np.random.default_rng(16)
PROGRAMS = {
    "scalar_loop": (nf.scalar_loop, [0.5, 40]),
    "rnn": (nf.rnn, [RNG.normal(size=(4, 4)) * 0.4, RNG.normal(size=(4, 3)) * 0.5,
                     RNG.normal(size=(6, 3)), RNG.normal(size=4) * 0.1]),
    "euler": (nf.euler, [0.7, 1.2, 50]),
    "indexed_sum_of_squares": (nf.indexed_sum_of_squares, [RNG.normal(size=7)]),
}
#: (program, transform) pairs numba must compile (no fallback): a regression is caught
MUST_COMPILE = {
    ("scalar_loop", "grad"), ("scalar_loop", "value_and_grad"), ("scalar_loop", "hvp"),
    ("rnn", "grad"), ("rnn", "value_and_grad"), ("rnn", "jvp"), ("rnn", "hvp"),
    ("euler", "grad"), ("euler", "value_and_grad"), ("euler", "jvp"),
    ("indexed_sum_of_squares", "grad"), ("indexed_sum_of_squares", "value_and_grad"),
    ("indexed_sum_of_squares", "jvp"),
}
_BUILT = {}


def _transform(kind, func, backend, **kw):
    """The transform, built once per module (numba compiles once per process)."""
    key = (kind, func, backend, tuple(sorted(kw.items())))
    if key not in _BUILT:
        _BUILT[key] = getattr(s2sad, kind)(func, backend=backend, **kw)
    return _BUILT[key]


def _call(kind, func, args, backend):
    """(result, fallback warnings) of ``kind`` of ``func`` at ``args`` (jvp and hvp
    along a direction of ones)."""
    f = _transform(kind, func, backend)
    extra = [np.ones_like(np.asarray(args[0]))] if kind in ("jvp", "hvp") else []
    if kind in ("jvp", "hvp") and np.ndim(args[0]) == 0:
        extra = [1.0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = f(*args, *extra)
    fell_back = [w for w in caught if issubclass(w.category, s2sad.NumbaFallbackWarning)]
    return result, fell_back, f


def _assert_same(a, b, rtol=1e-10, atol=1e-12):
    if isinstance(a, tuple):
        assert isinstance(b, tuple) and len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same(x, y, rtol, atol)
        return
    assert type(np.asarray(a).dtype) is type(np.asarray(b).dtype)
    assert np.shape(a) == np.shape(b)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


@pytest.mark.parametrize("kind", ["grad", "value_and_grad", "jvp", "hvp"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_programs_agree_with_numpy_and_finite_differences(name, kind):
    func, args = PROGRAMS[name]
    result, fell_back, f = _call(kind, func, args, "numba")
    expected, _, _ = _call(kind, func, args, "numpy")
    if (name, kind) in MUST_COMPILE:
        assert not fell_back, fell_back[0].message
        assert f.backend_used == "numba" and f.compile_seconds is not None
    else:   # compiled, or the numpy code ran with the warning
        assert (f.backend_used == "numba") != bool(fell_back)
    _assert_same(result, expected)
    x = args[0]
    gradient = fd(func, args, 0)
    if kind == "grad":
        np.testing.assert_allclose(result, gradient, rtol=1e-5, atol=1e-7)
    elif kind == "value_and_grad":
        np.testing.assert_allclose(result[0], func(*args), rtol=1e-12)
        np.testing.assert_allclose(result[1], gradient, rtol=1e-5, atol=1e-7)
    elif kind == "jvp":
        np.testing.assert_allclose(result[1], np.sum(gradient), rtol=1e-5, atol=1e-7)
    else:   # H @ ones: the derivative of the gradient along ones
        eps = 1e-5
        step = np.ones_like(np.asarray(x)) if np.ndim(x) else 1.0
        hi = s2sad.grad(func)(*([x + eps * step] + args[1:]))
        lo = s2sad.grad(func)(*([x - eps * step] + args[1:]))
        np.testing.assert_allclose(result, (hi - lo) / (2 * eps), rtol=1e-5, atol=1e-6)


def test_a_changed_global_is_read_at_each_call():
    """numba would freeze a global as a constant: the backend passes it as an argument."""
    g = s2sad.grad(nf.reads_a_global, backend="numba")
    before = g(0.3, 5)
    assert g.backend_used == "numba"
    try:
        nf.SCALE = 0.8
        after = g(0.3, 5)
        np.testing.assert_allclose(after, s2sad.grad(nf.reads_a_global)(0.3, 5), rtol=1e-12)
        np.testing.assert_allclose(after, fd(nf.reads_a_global, [0.3, 5]), rtol=1e-5)
        assert not np.isclose(after, before)
    finally:
        nf.SCALE = 0.5


def _dict_line():
    lines, start = inspect.getsourcelines(nf.reads_a_dict)
    return start + next(i for i, line in enumerate(lines) if "return" in line)


def test_fallback_warning_names_the_users_file_and_line():
    g = s2sad.value_and_grad(nf.reads_a_dict, backend="numba")
    with pytest.warns(s2sad.NumbaFallbackWarning) as caught:
        value, grad = g(0.5)
    message = str(caught[0].message)
    assert "numba_functions.py" in message and f"numba_functions.py:{_dict_line()}:" in message
    assert "reads_a_dict" in message and "backend='numpy'" in message
    assert issubclass(s2sad.NumbaFallbackWarning, UserWarning)
    assert g.backend_used == "numpy"
    np.testing.assert_allclose(grad, fd(nf.reads_a_dict, [0.5]), rtol=1e-6)
    np.testing.assert_allclose(value, nf.reads_a_dict(0.5))


def test_the_fallback_warning_can_be_made_an_error():
    g = s2sad.grad(nf.reads_a_dict, backend="numba")
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        with pytest.raises(s2sad.NumbaFallbackWarning, match=r"numba_functions\.py:\d+:\d+: "):
            g(0.5)


def test_an_error_of_the_running_code_propagates_as_with_numpy():
    """Only numba's compile errors fall back: the scalar-output check still refuses."""
    def vector(x):
        return np.sin(x)

    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        with pytest.raises(s2sad.NonScalarOutputError, match="s2sad.vjp"):
            s2sad.grad(vector, backend="numba")(np.ones(3))


def test_backend_errors_say_what_to_do(monkeypatch):
    with pytest.raises(s2sad.S2sadError, match="unknown backend 'jax'"):
        s2sad.grad(nf.scalar_loop, backend="jax")
    with pytest.raises(s2sad.S2sadError, match="pullback"):
        s2sad.vjp(nf.scalar_loop, backend="numba")
    with pytest.raises(s2sad.S2sadError, match="jvp"):
        s2sad.jacobian(nf.scalar_loop, backend="numba")
    from s2sad.api import numba_backend
    real = numba_backend.importlib.util.find_spec
    monkeypatch.setattr(numba_backend.importlib.util, "find_spec",
                        lambda name, *a: None if name == "numba" else real(name, *a))
    with pytest.raises(s2sad.S2sadError, match=r"pip install 's2sad\[numba\]'"):
        s2sad.hvp(nf.scalar_loop, backend="numba")


def test_hessian_and_gradient_of_gradient_under_numba():
    W, U, xs, h0 = PROGRAMS["rnn"][1]
    hessian = s2sad.hessian(nf.rnn, backend="numba")
    H = hessian(W, U, xs, h0)
    assert hessian.backend_used == "numba" and H.shape == W.shape + W.shape
    np.testing.assert_allclose(H, s2sad.hessian(nf.rnn)(W, U, xs, h0), rtol=1e-10, atol=1e-12)
    column = fd(lambda W_: s2sad.grad(nf.rnn)(W_, U, xs, h0)[0, 1], [W], 0)
    np.testing.assert_allclose(H[0, 1], column, rtol=1e-5, atol=1e-7)
    second = s2sad.grad(s2sad.grad(nf.euler), backend="numba")
    assert np.isclose(second(0.7, 1.2, 20), fd(s2sad.grad(nf.euler), [0.7, 1.2, 20]),
                      rtol=1e-5, atol=1e-8)
    assert second.backend_used in ("numba", "numpy")


def test_code_numba_runs_differently_from_numpy_falls_back():
    """numba's np.take of a 2-d index along an axis raises where numpy's runs: the numpy
    code decides, and from then on runs, with the warning (an error numpy raises too
    propagates: test_an_error_of_the_running_code_propagates_as_with_numpy)."""
    import ops_selection
    x = RNG.normal(size=(2, 3))
    x_dot = RNG.normal(size=(2, 3))
    f = s2sad.jvp(ops_selection.take_axis, backend="numba")
    with pytest.warns(s2sad.NumbaFallbackWarning, match="ops_selection.py"):
        value, tangent = f(x, x_dot)
    assert f.backend_used == "numpy"
    expected = s2sad.jvp(ops_selection.take_axis)(x, x_dot)
    np.testing.assert_allclose(value, expected[0])
    np.testing.assert_allclose(tangent, expected[1])
    np.testing.assert_allclose(tangent, np.take(x_dot, ops_selection.PAIRS, axis=1))


def _loop_then_index(x, n):
    for i in range(n):
        x = x * 1.1 + np.sin(x)
    return x * i


def test_a_loop_variable_read_after_its_loop_compiles_with_a_flag():
    """``i`` may hold no value (the loop may run no trip): numba has no "unbound", so the
    target keeps a flag beside ``i``; a call where the loop runs no trip raises s2sad's
    located error, as with numpy, and never a number."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        g = s2sad.value_and_grad(_loop_then_index, backend="numba")
        value, grad = g(0.3, 3)
    assert g.backend_used == "numba"
    assert value == pytest.approx(_loop_then_index(0.3, 3), rel=1e-12)
    assert grad == pytest.approx(fd(_loop_then_index, (0.3, 3), 0), rel=1e-6)
    with pytest.raises(s2sad.errors.UnboundVariableError, match="'i'"):
        g(0.3, 0)


def _scaled_in_place(x, n):
    y = x * 1.0
    for k in range(n):
        y *= 0.9
        y += np.sin(x)
    return np.sum(y * y)


def test_augmented_assignments_compile_under_numba():
    x = np.array([0.3, -0.7, 1.1])
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        g = s2sad.grad(_scaled_in_place, backend="numba")
        got = g(x, 4)
    assert g.backend_used == "numba"
    assert np.allclose(got, fd(_scaled_in_place, (x, 4), 0), rtol=1e-6)


def _negative_powers(x):
    s = 0.0
    for i in range(5):
        s = s + x * 2 ** (-i)
    return s


def _factorial_series(x):
    s, fact, p = 1.0, 1, 1.0
    for k in range(1, 30):
        p = p * x
        fact = fact * k
        s = s + p / fact
    return s


@pytest.mark.parametrize("f, x, value, slope", [
    (_negative_powers, 0.7, 0.7 * 1.9375, 1.9375),        # sum of 2**-i, i < 5
    (_factorial_series, 4.0, np.exp(4.0), np.exp(4.0)),    # 29! is past 2**63
])
def test_integer_products_numba_computes_otherwise_run_on_numpy(f, x, value, slope):
    """numba's integers are 64 bits wide (2 ** -1 is 0, 29! wraps around): the compiled
    code is checked for products of integers and the numpy code runs there, with the
    warning naming the line."""
    with pytest.warns(s2sad.NumbaFallbackWarning, match="of two integers"):
        g = s2sad.value_and_grad(f, backend="numba")
        got_value, got_slope = g(x)
    assert g.backend_used == "numpy"
    assert got_value == pytest.approx(value, rel=1e-10)
    assert got_slope == pytest.approx(slope, rel=1e-9)


def _paired_dot(x, y):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + x[i] * y[i]
    return s


def test_an_index_past_the_end_raises_as_with_numpy():
    """Compiled with boundscheck: numba would read past the end otherwise."""
    g = s2sad.value_and_grad(_paired_dot, wrt=(0, 1), backend="numba")
    with pytest.raises(IndexError):
        g(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.5, -1.0]))
