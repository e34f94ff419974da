"""Issue 11, more of class 4 (values and types) and class 6 (messages): second
derivatives of ``x ** p`` at ``x == 0``, container outputs in vjp/jacobian,
located run-time refusals, and in-place writes that are not "statements with no
effect".

Every expected derivative here is derived by hand or by central finite
differences, never produced by s2sad itself.
"""

import numpy as np
import pytest

import s2sad
from s2sad.errors import S2sadError


def _fd_hessian(f, args, eps=1e-4):
    """Central second differences of a function of flat float arguments."""
    flat = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in args])
    sizes = [np.size(a) for a in args]
    shapes = [np.shape(a) for a in args]

    def call(v):
        parts, start = [], 0
        for size, shape in zip(sizes, shapes):
            part = v[start:start + size].reshape(shape)
            parts.append(float(part) if shape == () else part)
            start += size
        return float(f(*parts))

    n = flat.size
    hess = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            def at(si, sj):
                v = flat.copy()
                v[i] += si * eps
                v[j] += sj * eps
                return call(v)
            hess[i, j] = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * eps * eps)
    return hess


# ------------------------------------------------ x ** p, p differentiated too
# f = x ** p: f_xx = p (p - 1) x ** (p - 2), f_xp = f_px = x ** (p - 1) (1 + p ln x),
# f_pp = x ** p (ln x) ** 2.  At x == 0 (README convention: d/dp x ** p = 0 there):
# f_xx is 0 for p in {0, 1} or p > 2, f_xp is 0 for p > 1 and infinite for p <= 1
# (refused), f_pp is 0.

def power_sum(x, p):
    return np.sum(x ** p)


def power_scalar(x, p):
    return x ** p


def np_power_sum(x, p):
    return np.sum(np.power(x, p) * 2.0)


def _hand_blocks(x, p, scale=1.0):
    x = np.asarray(x, dtype=float)
    hxx = np.diag(scale * p * (p - 1) * x ** (p - 2))
    hxp = scale * x ** (p - 1) * (1 + p * np.log(x))
    hpp = scale * np.sum(x ** p * np.log(x) ** 2)
    return hxx, hxp, hpp


@pytest.mark.parametrize("func,scale", [(power_sum, 1.0), (np_power_sum, 2.0)])
@pytest.mark.parametrize("p", [0.0, 1.0, 1.3, 2.0, 2.5, -0.5])
def test_power_hessian_interior_matches_hand_and_fd(func, scale, p):
    x = np.array([0.7, 1.5])
    (hxx, hxp), (hpx, hpp) = s2sad.hessian(func, wrt=(0, 1))(x, p)
    exx, exp_, epp = _hand_blocks(x, p, scale)
    np.testing.assert_allclose(hxx, exx, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hxp, exp_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hpx, exp_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hpp, epp, rtol=1e-10, atol=1e-12)
    fd = _fd_hessian(func, (x, p))
    full = np.block([[hxx, hxp[:, None]], [hpx[None, :], np.array([[hpp]])]])
    np.testing.assert_allclose(full, fd, rtol=1e-4, atol=1e-5)


def test_power_hessian_zero_exponent_in_x_only_is_zero_at_zero():
    # x ** 0 is the constant 1: every second derivative in x is 0, also at x == 0
    hxx = s2sad.hessian(power_sum, wrt=0)(np.array([0.0, 1.5]), 0.0)
    np.testing.assert_array_equal(hxx, np.zeros((2, 2)))
    assert s2sad.hvp(power_scalar, wrt=0)(0.0, 0.0, 1.0) == 0.0


@pytest.mark.parametrize("p", [2.5, 3.0])
def test_power_hessian_at_zero_base_with_exponent_above_two(p):
    # at x0 == 0: f_xx = 0 (p > 2), f_xp = 0 (p > 1), f_pp = 0; x1 interior
    x = np.array([0.0, 1.5])
    (hxx, hxp), (hpx, hpp) = s2sad.hessian(power_sum, wrt=(0, 1))(x, p)
    np.testing.assert_allclose(hxx, np.diag([0.0, p * (p - 1) * 1.5 ** (p - 2)]))
    np.testing.assert_allclose(hxp, [0.0, 1.5 ** (p - 1) * (1 + p * np.log(1.5))])
    np.testing.assert_allclose(hpx, hxp)
    np.testing.assert_allclose(hpp, 1.5 ** p * np.log(1.5) ** 2)
    assert np.all(np.isfinite(hxx)) and np.isfinite(hpp)


def test_power_hessian_at_zero_base_square():
    # x ** 2 at x == 0 with p differentiated: f_xx = 2, f_xp = 0, f_pp = 0
    (hxx, hxp), (hpx, hpp) = s2sad.hessian(power_scalar, wrt=(0, 1))(0.0, 2.0)
    assert (hxx, hxp, hpx, hpp) == (2.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize("p", [0.0, 0.5, 1.0])
def test_power_mixed_partial_that_diverges_is_refused(p):
    # f_xp = x ** (p - 1) (1 + p ln x) has no finite value at x == 0 for p <= 1:
    # refused, in both orders (symmetric), never nan or an arbitrary number
    with pytest.raises(S2sadError, match="mixed partial"):
        s2sad.hessian(power_scalar, wrt=(0, 1))(0.0, p)
    with pytest.raises(S2sadError, match="mixed partial"):
        s2sad.hvp(power_scalar, wrt=(0, 1))(0.0, p, (1.0, 0.0))
    with pytest.raises(S2sadError, match="mixed partial"):
        s2sad.hvp(power_scalar, wrt=(0, 1))(0.0, p, (0.0, 1.0))
    with pytest.raises(S2sadError, match="mixed partial") as info:
        s2sad.hessian(power_sum, wrt=(0, 1))(np.array([0.0, 1.5]), p)
    assert info.value.location.line == _line_of(power_sum, "x ** p")
    assert info.value.location.filename == __file__


def test_power_hvp_direction_away_from_the_divergent_entry_is_exact():
    # x = [0, 1.5], p = 0, v = ([0, 1], 0): H v = (H_xx v_x, H_px v_x) needs only the
    # column of x1, which is finite: H_xx = 0 (p == 0), H_p,x1 = 1.5 ** -1
    hx, hp = s2sad.hvp(power_sum, wrt=(0, 1))(np.array([0.0, 1.5]), 0.0,
                                              (np.array([0.0, 1.0]), 0.0))
    np.testing.assert_array_equal(hx, [0.0, 0.0])
    np.testing.assert_allclose(hp, 1 / 1.5)


def test_power_first_order_unchanged_at_zero():
    # README: d/dx x ** p = 0 where p == 0, d/dp x ** p = 0 at x == 0
    assert s2sad.grad(power_scalar, wrt=(0, 1))(0.0, 0.0) == (0.0, 0.0)
    assert s2sad.grad(power_scalar, wrt=(0, 1))(0.0, 1.0) == (1.0, 0.0)
    _, t = s2sad.jvp(power_scalar, wrt=(0, 1))(0.0, 2.0, 1.0, 1.0)
    assert t == 0.0


# ------------------------------------------- vjp cotangents of container outputs
# outputs: s = sum(x ** 2) (gradient 2x), t = sum(x) (gradient 1), u = 2x (vjp 2 v)

def out_with_constant(x):
    return np.sum(x ** 2), 1.0


def out_list(x):
    return [np.sum(x ** 2), np.sum(x)]


def out_list_one(x):
    return [np.sum(x ** 2)]


def out_dict(x):
    return {"a": np.sum(x ** 2), "b": x * 2.0}


def out_nested(x):
    return np.sum(x ** 2), [x * 2.0, {"k": np.sum(x)}]


X2 = np.array([1.0, 2.0])


def test_vjp_tuple_output_given_one_number_is_a_clear_error():
    _, pullback = s2sad.vjp(out_with_constant)(X2)
    with pytest.raises(s2sad.errors.CotangentError, match="tuple of 2"):
        pullback(1.0)
    np.testing.assert_allclose(pullback((1.0, 0.0)), 2 * X2)
    np.testing.assert_allclose(pullback([3.0, 5.0]), 6 * X2)   # a list for a tuple


def test_vjp_list_output_takes_a_tuple_of_the_same_length():
    _, pullback = s2sad.vjp(out_list)(X2)
    np.testing.assert_allclose(pullback((1.0, 2.0)), 2 * X2 + 2.0)
    np.testing.assert_allclose(pullback([1.0, 2.0]), 2 * X2 + 2.0)
    with pytest.raises(s2sad.errors.CotangentError, match="list of 2"):
        pullback((1.0, 2.0, 3.0))


def test_vjp_list_output_given_a_number_names_the_list():
    _, pullback = s2sad.vjp(out_list_one)(X2)
    with pytest.raises(s2sad.errors.CotangentError, match="list of 1"):
        pullback(1.0)
    np.testing.assert_allclose(pullback([1.5]), 3 * X2)


def test_vjp_dict_output_missing_or_extra_key_is_a_clear_error():
    _, pullback = s2sad.vjp(out_dict)(X2)
    with pytest.raises(s2sad.errors.CotangentError, match=r"missing \['b'\]"):
        pullback({"a": 1.0})
    with pytest.raises(s2sad.errors.CotangentError, match="unknown"):
        pullback({"a": 1.0, "b": np.ones(2), "c": 1.0})
    with pytest.raises(s2sad.errors.CotangentError, match="dict with keys"):
        pullback(1.0)
    v = np.array([0.5, -1.0])
    np.testing.assert_allclose(pullback({"a": 1.0, "b": v}), 2 * X2 + 2 * v)


def test_vjp_nested_output_checks_every_level():
    _, pullback = s2sad.vjp(out_nested)(X2)
    v = np.array([0.5, -1.0])
    np.testing.assert_allclose(pullback((1.0, [v, {"k": 3.0}])), 2 * X2 + 2 * v + 3.0)
    with pytest.raises(s2sad.errors.CotangentError,
                       match=r"output\[1\]\[0\]: expected shape \(2,\), got \(3,\)"):
        pullback((1.0, [np.ones(3), {"k": 3.0}]))
    with pytest.raises(s2sad.errors.CotangentError, match=r"output\[1\]\[1\]: expected a dict"):
        pullback((1.0, [v, 3.0]))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_of_a_dict_output_is_a_dict(mode):
    J = s2sad.jacobian(out_dict, mode=mode)(X2)
    assert list(J) == ["a", "b"]
    np.testing.assert_allclose(J["a"], 2 * X2)              # by hand
    np.testing.assert_allclose(J["b"], 2.0 * np.eye(2))


# ------------------------------------------- writes into repeated positions
# numpy's y[[0, 0, 1]] = v (and += v) keeps one write per position, the last:
# every mode differentiates exactly that

def repeat_add(x):
    y = np.zeros(3)
    y[[0, 0, 1]] += x
    return np.sum(y * np.array([1.0, 2.0, 3.0]))


def repeat_store(x):
    y = x * 1.0
    y[[0, 0, 1]] = x[[1, 2, 0]] * 2.0
    return np.sum(y * y)


def repeat_store_2d(X):
    Y = X * 1.0
    Y[:, [2, 0, 2]] = X[:, [0, 1, 1]] ** 2
    return np.sum(Y * np.arange(6.0).reshape(2, 3))


def repeat_store_broadcast(x):
    y = x * 1.0
    y[np.array([1, 1, 2])] = x[0] * 3.0
    return np.sum(y * np.array([1.0, 2.0, 5.0]))


def _fd_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        g[i] = (f(up) - f(down)) / (2 * eps)
    return g


@pytest.mark.parametrize("func,x", [
    (repeat_add, np.array([1.0, 2.0, 3.0])),
    (repeat_store, np.array([1.0, 2.0, 3.0])),
    (repeat_store_2d, np.array([[0.5, 1.5, -1.0], [2.0, -0.5, 1.0]])),
    (repeat_store_broadcast, np.array([0.7, 2.0, 3.0])),
])
def test_repeated_write_positions_agree_in_every_mode(func, x):
    expected = _fd_grad(func, x)
    np.testing.assert_allclose(s2sad.grad(func)(x), expected, rtol=1e-6, atol=1e-8)
    rng = np.random.default_rng(0)
    v = rng.normal(size=x.shape)
    _, t = s2sad.jvp(func)(x, v)
    np.testing.assert_allclose(t, np.sum(expected * v), rtol=1e-6, atol=1e-8)
    hv = s2sad.hvp(func)(x, v)
    fd_hv = (_fd_grad(func, x + 1e-4 * v) - _fd_grad(func, x - 1e-4 * v)) / 2e-4
    np.testing.assert_allclose(hv, fd_hv, rtol=1e-4, atol=1e-5)


def test_repeated_write_hand_derivatives():
    # repeat_add: y = [x1, x2, 0] so f = x1 + 2 x2
    np.testing.assert_array_equal(s2sad.grad(repeat_add)(np.array([1.0, 2.0, 3.0])),
                                  [0.0, 1.0, 2.0])
    # repeat_store: y = [2 x2, 2 x0, x2], f = 4 x0^2 + 5 x2^2, H = diag(8, 0, 10)
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(s2sad.grad(repeat_store)(x), [8.0, 0.0, 30.0])
    np.testing.assert_array_equal(s2sad.hvp(repeat_store)(x, np.ones(3)), [8.0, 0.0, 10.0])


# ------------------------------------------- run-time refusals name the source line
import inspect  # noqa: E402

J = 1j


def complex_global(x):
    return np.sum(np.abs(x * J))


def _complex_closure():
    k = 2j

    def complex_closure(x):
        return np.sum(np.abs(x * k))
    return complex_closure


complex_closure = _complex_closure()


def _line_of(func, text):
    lines, first = inspect.getsourcelines(func)
    return first + next(i for i, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("func,name", [(complex_global, "J"), (complex_closure, "k")])
@pytest.mark.parametrize("call", [
    lambda f, x: s2sad.grad(f)(x),
    lambda f, x: s2sad.value_and_grad(f)(x),
    lambda f, x: s2sad.vjp(f)(x)[1](1.0),
    lambda f, x: s2sad.jvp(f)(x, x),
    lambda f, x: s2sad.hvp(f)(x, x),
    lambda f, x: s2sad.hessian(f)(x),
])
def test_complex_free_value_is_refused_at_its_use(func, name, call):
    with pytest.raises(s2sad.errors.ValueTypeError, match="complex") as info:
        call(func, np.array([1.0, 2.0]))
    loc = info.value.location
    assert loc is not None and loc.line == _line_of(func, f"x * {name}")
    assert loc.filename == __file__ and f"'{name}'" in str(info.value)


def none_on_one_branch(x):
    if x > 0:
        return x * 2.0
    return None


def none_by_falling_off(x):
    y = x * 3.0
    if x > 0:
        return y


@pytest.mark.parametrize("func,text", [(none_on_one_branch, "return None"),
                                       (none_by_falling_off, "if x > 0")])
@pytest.mark.parametrize("call", [
    lambda f: s2sad.grad(f)(-1.0),
    lambda f: s2sad.value_and_grad(f)(-1.0),
    lambda f: s2sad.vjp(f)(-1.0),
    lambda f: s2sad.jvp(f)(-1.0, 1.0),
    lambda f: s2sad.hvp(f)(-1.0, 1.0),
    lambda f: s2sad.hessian(f)(-1.0),
])
def test_none_output_names_the_return_that_gives_it(func, text, call):
    with pytest.raises(s2sad.errors.ValueTypeError, match="is None") as info:
        call(func)
    assert info.value.location is not None
    assert info.value.location.line == _line_of(func, text)
    # the path that returns a number still works: d/dx 2x = 2, d/dx 3x = 3
    assert s2sad.grad(func)(1.0) == (2.0 if func is none_on_one_branch else 3.0)


# ------------------------------------------- in-place calls are not "no effect"

def fill_in_place(x):
    a = x * 2.0
    a.fill(1.0)
    return np.sum(a * x)


def sort_in_place(x):
    a = x * 2.0
    a.sort()
    return np.sum(a * x)


def copyto_in_place(x):
    a = x * 2.0
    b = x * 3.0
    np.copyto(a, b)
    return np.sum(a)


def sin_out(x):
    a = x * 2.0
    np.sin(a, out=a)
    return np.sum(a)


def add_out(x):
    a = x * 2.0
    np.add(a, x, out=a)
    return np.sum(a)


def floor_out_assigned(x):
    o = x * 2.0
    y = np.floor(x, out=o)   # (the write into o was dropped: o read as it was before)
    return np.sum(o * x)


def exp_out_nested(x):
    o = x * 2.0
    z = np.exp(x, out=o) + 1.0
    return np.sum(o * z)


def put_in_place(x):
    a = x * 2.0
    a.put([0], 1.0)
    return np.sum(a)


def partition_in_place(x):
    a = x * 2.0
    a.partition(1)
    return np.sum(a * x)


@pytest.mark.parametrize("func,text,hint", [
    (fill_in_place, "a.fill(1.0)", "np.full_like"),
    (sort_in_place, "a.sort()", "a = np.sort(a)"),
    (copyto_in_place, "np.copyto(a, b)", "a = b.copy()"),
    (sin_out, "np.sin(a, out=a)", "a[...] = np.sin(a)"),
    (add_out, "np.add(a, x, out=a)", "a[...] = np.add(a, x)"),
    (floor_out_assigned, "y = np.floor(x, out=o)", "o[...] = np.floor(x)"),
    (exp_out_nested, "z = np.exp(x, out=o) + 1.0", "o[...] = np.exp(x)"),
    (put_in_place, "a.put([0], 1.0)", "flat[indices] = values"),
    (partition_in_place, "a.partition(1)", "np.partition"),
])
@pytest.mark.parametrize("call", [lambda f: s2sad.grad(f), lambda f: s2sad.jvp(f)])
def test_in_place_call_is_refused_with_a_true_message(func, text, hint, call):
    with pytest.raises(s2sad.errors.UnsupportedSyntaxError, match="in place") as info:
        call(func)(np.array([1.0, -2.0, 3.0]), np.ones(3))
    message = str(info.value)
    assert "no effect" not in message and "remove the statement" not in message
    assert hint in message
    assert info.value.location.line == _line_of(func, text)


def _scaled(x, out=None):
    y = x * 3.0
    return y if out is None else y + out


def helper_with_out_parameter(x):
    o = x * 2.0
    return np.sum(_scaled(x, out=o) * x)   # 5 x . x


def test_a_helper_of_the_users_taking_out_is_differentiated_not_refused():
    x = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(s2sad.grad(helper_with_out_parameter)(x), 10.0 * x)


def real_attribute(x):
    return np.sum(x.real * x)


def np_real(x):
    return np.sum(np.real(x) * x)


def imag_attribute(x):
    return np.sum(x.imag * x + x)


def astype_mask(x):
    return np.sum((x > 0).astype(float) * x)


def where_mask(x):
    return np.sum(np.where(x > 0, 1.0, 0.0) * x)


@pytest.mark.parametrize("func,grad,hess", [
    # sum(x * x): gradient 2x, Hessian 2 I; sum(0 * x + x): gradient 1, Hessian 0
    (real_attribute, lambda x: 2 * x, 2.0),
    (np_real, lambda x: 2 * x, 2.0),
    (imag_attribute, lambda x: np.ones_like(x), 0.0),
    # the hint's spelling of (x > 0).astype(float) * x: gradient 1 where x > 0
    (where_mask, lambda x: (x > 0) * 1.0, 0.0),
])
def test_real_imag_and_the_mask_hint_work_in_every_mode(func, grad, hess):
    x = np.array([1.0, -2.0, 3.0])
    v = np.array([0.5, 1.0, -1.5])
    np.testing.assert_allclose(s2sad.grad(func)(x), grad(x))
    np.testing.assert_allclose(s2sad.jvp(func)(x, v)[1], np.dot(grad(x), v))
    np.testing.assert_allclose(s2sad.hvp(func)(x, v), hess * v)


def astype_int(x):
    return np.sum(x.astype(int) * x)


def astype_bool(x):
    return np.sum(x.astype(bool) * x)


def astype_float_copy(x):
    a = x.astype(float)
    a[0] = 5.0              # a copy: x is unchanged
    return np.sum(a * x) + np.sum(x)


def array_int_of_list(x):
    return np.sum(np.array([x[0], x[1] * 2.0], dtype=int) * x)


def array_float_of_list(x):
    return np.sum(np.array([x[0], x[1] * 2.0], dtype=float) * x)


XA = np.array([1.5, -2.3])   # away from the jumps of int()


@pytest.mark.parametrize("func,grad,hess", [
    # sum((x > 0) x): gradient (x > 0), Hessian 0
    ("astype_mask", lambda x: (x > 0) * 1.0, np.zeros((2, 2))),
    # int(x) is constant: sum(int(x) x) has gradient int(x), Hessian 0
    ("astype_int", lambda x: np.trunc(x), np.zeros((2, 2))),
    ("astype_bool", lambda x: (x != 0) * 1.0, np.zeros((2, 2))),
    # f = 5 x0 + x1^2 + x0 + x1
    ("astype_float_copy", lambda x: np.array([6.0, 2 * x[1] + 1]), np.diag([0.0, 2.0])),
    # y = trunc([x0, 2 x1]) is constant: the gradient is y
    ("array_int_of_list", lambda x: np.trunc([x[0], 2 * x[1]]), np.zeros((2, 2))),
    # f = x0^2 + 2 x1^2
    ("array_float_of_list", lambda x: np.array([2 * x[0], 4 * x[1]]), np.diag([2.0, 4.0])),
])
def test_astype_and_array_dtype_in_every_mode(func, grad, hess):
    func = globals()[func]
    v = np.array([0.3, -0.7])
    expected = grad(XA)
    np.testing.assert_allclose(expected, _fd_grad(func, XA), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(s2sad.grad(func)(XA), expected, rtol=1e-12)
    np.testing.assert_allclose(s2sad.jvp(func)(XA, v)[1], expected @ v, rtol=1e-12)
    np.testing.assert_allclose(s2sad.hvp(func)(XA, v), hess @ v, atol=1e-12)


def test_an_attribute_of_an_object_a_local_holds_is_a_constant():
    # (refused before objattr23, with a hint; h.k of h = _HOLDER is the constant 2.0)
    np.testing.assert_allclose(s2sad.grad(_uses_self_k)(np.ones(2)), [2.0, 2.0])


class _Holder:
    k = 2.0


_HOLDER = _Holder()


def _uses_self_k(x):
    h = _HOLDER
    return np.sum(x * h.k)
