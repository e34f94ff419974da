"""The gradient's fast path (s2sad.api.fastpath): a check written for the function at
hand that skips the general per-call work, and gives way to it whenever anything it
was made from changed.  Each test calls a gradient once (the fast path is made),
changes something, and checks the next call sees the change: values against
derivatives written by hand or central finite differences.
"""

import sys
import types

import numpy as np
import pytest

import s2sad
from s2sad.errors import S2sadError
from s2sad.testing import finite_difference_gradient

SCALE = 2.0


def seed(x, w, y):
    return (np.dot(x, w) - y) ** 2


def scaled(x, w):
    return SCALE * np.sum(x * w)


def with_default(x, c=3.0):
    return c * np.sum(x * x)


def weighted_dot(a, b):
    return np.sum(a * b * b)


def _bound(func):
    cells = [c.cell_contents for c in func.__closure__]
    return [c for c in cells if type(c).__name__ == "Bound"][0]


def test_the_fast_path_is_made_and_gives_the_gradient_and_its_structure():
    rng = np.random.default_rng(0)
    x, w, y = rng.standard_normal(4), rng.standard_normal(4), 0.3
    expected = 2.0 * (np.dot(x, w) - y) * x
    g = s2sad.grad(seed, wrt=1)
    for _ in range(2):
        np.testing.assert_allclose(g(x, w, y), expected)
    assert _bound(g).fast   # (made for positional float64 arrays and numbers)
    value, (gw,) = s2sad.value_and_grad(seed, wrt=(1,))(x, w, y)
    assert value == pytest.approx((np.dot(x, w) - y) ** 2)
    np.testing.assert_allclose(gw, expected)
    gx, gy = s2sad.grad(seed, wrt=(0, 2))(x, w, y)
    np.testing.assert_allclose(gx, 2.0 * (np.dot(x, w) - y) * w)
    assert type(gy) is float and gy == pytest.approx(-2.0 * (np.dot(x, w) - y))
    np.testing.assert_allclose(gx, finite_difference_gradient(seed, (x, w, y), 0))


def test_a_rebound_global_is_read_by_the_next_call():
    global SCALE
    x, w = np.arange(3.0), np.ones(3)
    g = s2sad.grad(scaled)
    np.testing.assert_allclose(g(x, w), 2.0 * w)
    try:
        SCALE = 5.0
        np.testing.assert_allclose(g(x, w), 5.0 * w)
        SCALE = 1   # a new type: generated again
        np.testing.assert_allclose(g(x, w), w)
    finally:
        SCALE = 2.0
    np.testing.assert_allclose(g(x, w), 2.0 * w)


def test_a_patched_numpy_function_is_seen(monkeypatch):
    x, w, y = np.arange(3.0), np.ones(3), 0.5
    g = s2sad.grad(seed, wrt=1)
    np.testing.assert_allclose(g(x, w, y), 2.0 * (np.dot(x, w) - y) * x)
    monkeypatch.setattr(np, "dot", weighted_dot)
    got = g(x, w, y)
    monkeypatch.undo()
    expected = finite_difference_gradient(lambda x_, w_, y_: (np.sum(x_ * w_ * w_) - y_) ** 2,
                                          (x, w, y), 1)
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_new_defaults_and_keyword_calls():
    x = np.arange(1.0, 4.0)
    g = s2sad.grad(with_default)
    np.testing.assert_allclose(g(x), 6.0 * x)
    np.testing.assert_allclose(g(x, 0.5), 1.0 * x)
    np.testing.assert_allclose(g(x, c=0.25), 0.5 * x)
    with_default.__defaults__ = (4.0,)
    try:
        np.testing.assert_allclose(g(x), 8.0 * x)
    finally:
        with_default.__defaults__ = (3.0,)
    np.testing.assert_allclose(g(x), 6.0 * x)


def test_a_changed_closure_cell_is_read():
    k = 2.0

    def f(x):
        return k * np.sum(x * x)

    g = s2sad.grad(f)
    x = np.arange(3.0)
    np.testing.assert_allclose(g(x), 4.0 * x)
    k = 3.0
    np.testing.assert_allclose(g(x), 6.0 * x)


def test_other_arguments_take_the_general_path():
    x, w, y = np.arange(3.0), np.ones(3), 0.5
    g = s2sad.grad(seed, wrt=1)
    g(x, w, y)
    with pytest.raises(S2sadError, match="complex"):
        g(x, w.astype(complex), y)
    got = g(x, w.astype(np.float32), y)   # the argument's dtype
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, 2.0 * (np.dot(x, w) - y) * x, rtol=1e-6)
    gl = s2sad.grad(seed, wrt=1)(list(x), list(w), y)   # containers
    assert type(gl) is list and np.allclose(gl, 2.0 * (np.dot(x, w) - y) * x)
    np.testing.assert_allclose(g(x, w, np.float64(y)), 2.0 * (np.dot(x, w) - y) * x)
    with pytest.raises(TypeError):
        g(x, w)


def test_a_scalar_gradient_of_a_number_argument_is_a_float():
    def square(a):
        return a * a

    g = s2sad.grad(square)
    assert g(3.0) == 6.0 and type(g(3.0)) is float
    assert g(np.float64(2.0)) == 4.0


def several_numpy_names(x, w):
    return np.sum(np.tanh(x * w)) + np.dot(x, w)


def test_several_dotted_names_of_one_module_are_each_checked(monkeypatch):
    x, w = np.linspace(-1.0, 1.0, 3), np.linspace(0.5, 1.5, 3)
    g = s2sad.grad(several_numpy_names, wrt=1)
    np.testing.assert_allclose(g(x, w), x * (1.0 - np.tanh(x * w) ** 2) + x)
    monkeypatch.setattr(np, "tanh", np.sin)   # the second name read from np
    got = g(x, w)
    monkeypatch.undo()
    np.testing.assert_allclose(got, x * np.cos(x * w) + x)
    np.testing.assert_allclose(g(x, w), x * (1.0 - np.tanh(x * w) ** 2) + x)


# ------------------------------------------------ each check, with the fast path warm
# (issue 16: the fast path checks less, more cheaply; each test below makes it, then
# changes what one of its checks guards and compares with a derivative by hand or
# central finite differences)

def _warm(g, *args):
    """Call ``g`` until its fast path is made and taken; return its last result."""
    for _ in range(3):
        got = g(*args)
    assert _bound(g).fast
    return got


def _seed_bar(x, w, y):
    return 2.0 * (np.dot(x, w) - y) * x


def test_a_redefined_function_code_is_differentiated_anew():
    def f(x, w, y):
        return (np.dot(x, w) - y) ** 2

    def cubed(x, w, y):
        return (np.dot(x, w) - y) ** 3

    x, w, y = np.linspace(0.1, 0.9, 5), np.linspace(-1.0, 1.0, 5), 0.25
    g = s2sad.grad(f, wrt=1)
    np.testing.assert_allclose(_warm(g, x, w, y), _seed_bar(x, w, y))
    f.__code__ = cubed.__code__
    np.testing.assert_allclose(g(x, w, y), 3.0 * (np.dot(x, w) - y) ** 2 * x)
    np.testing.assert_allclose(_warm(g, x, w, y), 3.0 * (np.dot(x, w) - y) ** 2 * x)


def with_two_defaults(x, w, c=3.0, p=2):
    return c * np.sum(x * w) ** p


def test_new_defaults_with_the_fast_path_warm():
    x, w = np.linspace(0.1, 0.5, 4), np.linspace(1.0, 2.0, 4)
    g = s2sad.grad(with_two_defaults, wrt=1)
    s = np.sum(x * w)
    np.testing.assert_allclose(_warm(g, x, w, 0.5, 3), 0.5 * 3 * s ** 2 * x)
    old = with_two_defaults.__defaults__
    try:
        with_two_defaults.__defaults__ = (4.0, 3)   # new values, same types
        np.testing.assert_allclose(g(x, w, 0.5, 3), 0.5 * 3 * s ** 2 * x)   # all given
        np.testing.assert_allclose(g(x, w), 4.0 * 3 * s ** 2 * x)
        np.testing.assert_allclose(_warm(g, x, w, 2.0, 2), 2.0 * 2 * s * x)
        with_two_defaults.__defaults__ = (1, 1.5)   # new types
        np.testing.assert_allclose(g(x, w), 1.5 * s ** 0.5 * x)
        np.testing.assert_allclose(g(x, w, 2.0, 2), 2.0 * 2 * s * x)
        np.testing.assert_allclose(g(x, w, 1.0), 1.5 * s ** 0.5 * x)
    finally:
        with_two_defaults.__defaults__ = old
    np.testing.assert_allclose(g(x, w), 3.0 * 2 * s * x)


def test_float32_int_and_zero_dimensional_arguments_after_the_fast_path():
    x, w, y = np.linspace(0.1, 0.9, 5), np.linspace(-1.0, 1.0, 5), 0.25
    g = s2sad.grad(seed, wrt=1)
    _warm(g, x, w, y)
    x32, w32 = x.astype(np.float32), w.astype(np.float32)
    got = g(x32, w, y)   # a float32 array the gradient is not of
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, _seed_bar(x32.astype(float), w, y), rtol=1e-6)
    got = g(x, w32, y)   # the gradient of a float32 array is float32
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, _seed_bar(x, w32.astype(float), y), rtol=1e-5)
    xi = np.arange(5)
    np.testing.assert_allclose(g(xi, w, 2), _seed_bar(xi.astype(float), w, 2.0))
    np.testing.assert_allclose(g(x, w, np.array(y)), _seed_bar(x, w, y))   # a 0-d array
    np.testing.assert_allclose(g(x, w, np.float32(y)), _seed_bar(x, w, float(np.float32(y))),
                               rtol=1e-6)
    np.testing.assert_allclose(_warm(g, x, w, y), _seed_bar(x, w, y))
    gy = s2sad.grad(seed, wrt=2)
    assert type(_warm(gy, x, w, y)) is float
    assert gy(x, w, 1) == pytest.approx(-2.0 * (np.dot(x, w) - 1.0))
    assert type(gy(x, w, 1)) is float


def squared_residuals(x, w, y):
    return np.sum((np.dot(x, w) - y) ** 2)


def test_arguments_of_other_ranks_after_the_fast_path():
    rng = np.random.default_rng(3)
    x, w, y = rng.standard_normal(4), rng.standard_normal(4), 0.5
    g = s2sad.grad(squared_residuals, wrt=1)
    np.testing.assert_allclose(_warm(g, x, w, y), 2.0 * (np.dot(x, w) - y) * x)
    X, Y = rng.standard_normal((3, 4)), rng.standard_normal(3)
    for _ in range(2):   # a 2-D x, then back: each rank's own code
        got = g(X, w, Y)
        np.testing.assert_allclose(got, finite_difference_gradient(squared_residuals,
                                                                   (X, w, Y), 1), rtol=1e-6)
        np.testing.assert_allclose(got, 2.0 * X.T @ (X @ w - Y))
        np.testing.assert_allclose(g(x, w, y), 2.0 * (np.dot(x, w) - y) * x)
    W = rng.standard_normal((4, 2))   # a 2-D gradient
    np.testing.assert_allclose(g(x, W, np.ones(2)), np.outer(x, 2.0 * (x @ W - 1.0)))


def test_a_rebound_module_global_is_read(monkeypatch):
    import types

    from numpy import testing

    x, w, y = np.linspace(0.1, 0.9, 5), np.linspace(-1.0, 1.0, 5), 0.25
    g = s2sad.grad(seed, wrt=1)
    _warm(g, x, w, y)
    patched = types.ModuleType("patched_numpy")   # another module, its own np.dot
    patched.dot, patched.sum = weighted_dot, np.sum   # (weighted_dot reads np.sum)
    monkeypatch.setitem(sys.modules, "patched_numpy", patched)   # (the module imports it)
    monkeypatch.setitem(globals(), "np", patched)
    got = g(x, w, y)
    monkeypatch.undo()
    np.testing.assert_allclose(got, 2.0 * (np.sum(x * w * w) - y) * 2.0 * x * w)
    same = types.ModuleType("same_numpy")   # another module with numpy's own dot
    same.dot = np.dot
    monkeypatch.setitem(sys.modules, "same_numpy", same)
    monkeypatch.setitem(globals(), "np", same)
    for _ in range(3):
        testing.assert_allclose(g(x, w, y), 2.0 * (x @ w - y) * x)
    monkeypatch.undo()
    np.testing.assert_allclose(_warm(g, x, w, y), _seed_bar(x, w, y))
    same.dot = weighted_dot   # (the module the function no longer reads: nothing changes)
    np.testing.assert_allclose(g(x, w, y), _seed_bar(x, w, y))
    monkeypatch.delattr(np, "dot")   # a name gone from the module: refused, named
    with pytest.raises(S2sadError, match="np.dot does not exist"):
        g(x, w, y)
    monkeypatch.undo()
    np.testing.assert_allclose(_warm(g, x, w, y), _seed_bar(x, w, y))


def test_an_error_in_the_folded_code_names_the_users_line():
    from s2sad.errors import located_in_generated_code
    g = s2sad.grad(seed, wrt=1)
    x, w = np.ones(5), np.linspace(0.0, 1.0, 5)
    _warm(g, x, w, 0.3)
    with pytest.raises(ValueError, match="not aligned") as info:
        g(np.ones(4), w, 0.3)   # the same ranks: the fast path runs, numpy raises
    where = located_in_generated_code(info.value.__traceback__)
    assert where.line == seed.__code__.co_firstlineno + 1 and "np.dot(x, w)" in where.code


def clashing_names(args, w):
    value = args * w
    grads = np.sum(value * w)
    code = grads * 2.0
    fits, func = code, np.tanh(code)
    return func + fits


def test_the_folded_code_keeps_the_users_names_apart_from_its_own():
    a, w = np.linspace(0.1, 0.5, 4), np.linspace(-0.3, 0.6, 4)
    g = s2sad.grad(clashing_names, wrt=(0, 1))
    got = _warm(g, a, w)
    for i in (0, 1):
        np.testing.assert_allclose(got[i], finite_difference_gradient(clashing_names, (a, w), i),
                                   rtol=1e-6)


def early_return(x, w):
    s = np.sum(x * w)
    if s > 0.0:
        return s * s
    return np.sin(s)


def test_an_early_return_takes_the_fast_path_in_each_branch():
    x = np.linspace(0.1, 0.5, 4)
    g = s2sad.grad(early_return, wrt=1)
    for w in (np.linspace(0.2, 0.4, 4), np.linspace(-0.4, -0.2, 4)):   # each branch
        np.testing.assert_allclose(_warm(g, x, w),
                                   finite_difference_gradient(early_return, (x, w), 1), rtol=1e-6)


def seed_unfolded(x, w, y):
    return (np.dot(x, w) - y) ** 2


def test_the_unfolded_fast_path_where_the_code_cannot_be_folded(monkeypatch):
    """Code that returns elsewhere than at its end is called by the fast path's own
    function (see fastpath._made): the same checks, one call more."""
    from s2sad.api import fastpath
    monkeypatch.setattr(fastpath, "fold", lambda *args: None)
    x, w, y = np.linspace(0.1, 0.9, 5), np.linspace(-1.0, 1.0, 5), 0.25
    g = s2sad.grad(seed_unfolded, wrt=1)
    np.testing.assert_allclose(_warm(g, x, w, y), _seed_bar(x, w, y))
    assert _bound(g).fast.__name__ == "fast"
    np.testing.assert_allclose(g(x, w.astype(np.float32), y), _seed_bar(x, w, y), rtol=1e-6)
    monkeypatch.setattr(np, "dot", weighted_dot)
    got = g(x, w, y)
    monkeypatch.undo()
    np.testing.assert_allclose(got, 2.0 * (np.sum(x * w * w) - y) * 2.0 * x * w)
    np.testing.assert_allclose(_warm(g, x, w, y), _seed_bar(x, w, y))


def wave(a):
    return np.sin(a)


@s2sad.adjoint(wave)
def _wave_adjoint(y, y_bar, a):
    return y_bar * np.cos(a)


def summed_wave(x, w):
    return np.sum(wave(x * w))


def test_a_new_rule_is_used_with_the_fast_path_warm():
    x, w = np.linspace(0.1, 0.5, 4), np.linspace(1.0, 2.0, 4)
    g = s2sad.grad(summed_wave, wrt=1)
    np.testing.assert_allclose(_warm(g, x, w), x * np.cos(x * w))

    @s2sad.adjoint(wave)   # (a user's new rule for it: the derivative it states is used)
    def doubled(y, y_bar, a):
        return 2.0 * y_bar * np.cos(a)

    try:
        np.testing.assert_allclose(g(x, w), 2.0 * x * np.cos(x * w))
        np.testing.assert_allclose(_warm(g, x, w), 2.0 * x * np.cos(x * w))
    finally:
        s2sad.adjoint(wave)(_wave_adjoint)
    np.testing.assert_allclose(g(x, w), x * np.cos(x * w))


settings = types.ModuleType("fastpath_settings")   # a module whose number the code reads
settings.SCALE = 2.0


def scaled_by_settings(x):
    return settings.SCALE * np.sum(x * x)


def test_a_rebound_module_whose_attribute_the_code_reads(monkeypatch):
    x = np.linspace(0.1, 0.5, 4)
    first = settings
    other = types.ModuleType("fastpath_settings_2")
    other.SCALE = first.SCALE   # (the same number: the code still fits)
    monkeypatch.setitem(sys.modules, "fastpath_settings", first)   # (the module imports it)
    monkeypatch.setitem(sys.modules, "fastpath_settings_2", other)
    g = s2sad.grad(scaled_by_settings)
    np.testing.assert_allclose(_warm(g, x), 4.0 * x)
    monkeypatch.setitem(globals(), "settings", other)
    np.testing.assert_allclose(_warm(g, x), 4.0 * x)
    monkeypatch.setitem(globals(), "settings", first)
    np.testing.assert_allclose(_warm(g, x), 4.0 * x)
    other.SCALE = 5.0   # the module the function no longer reads
    np.testing.assert_allclose(g(x), 4.0 * x)
    first.SCALE = 3.0   # the one it reads
    try:
        np.testing.assert_allclose(g(x), 6.0 * x)
    finally:
        first.SCALE = 2.0
