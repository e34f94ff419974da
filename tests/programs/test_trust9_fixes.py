"""Three false refusals and an unlocated one (regression tests).  Each program that
Python runs is differentiated in every mode (value_and_grad, grad, vjp, jvp, hvp and
hessian where they apply) and compared with central finite differences or derivatives
written by hand; what Python would run differently stays refused, at the user's line."""

import inspect
import os
import sys
from pathlib import Path

import numpy as np
import pytest

import s2sad
import trust9_functions as tf
from s2sad.errors import S2sadError, UnsupportedSyntaxError, ValueTypeError
from s2sad.testing import check_grads, finite_difference_gradient
from in_process import s2sad_command

W = np.array([0.7, -1.2, 0.4])
w = np.array([0.3, 0.9, -0.5])
X = np.array([0.3, -0.4, 0.7])
V = np.array([0.5, -1.0, 2.0])


def _line(f, text):
    """The file line of the first line of ``f`` holding ``text``."""
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if text in line)


def _hvp_fd(f, args, i, v, eps=1e-4):
    """The Hessian of ``f`` along ``v`` for argument ``i``: central differences of the
    finite-difference gradient (steps of 1e-4: errors near 1e-8 either way)."""
    up, down = list(args), list(args)
    up[i], down[i] = args[i] + eps * v, args[i] - eps * v
    return (finite_difference_gradient(f, up, i, eps=eps)
            - finite_difference_gradient(f, down, i, eps=eps)) / (2 * eps)


def _every_mode(f, args, wrt, second=True):
    """value_and_grad, vjp and jvp (check_grads), grad, and hvp and hessian along the
    first ``wrt`` argument, against finite differences."""
    check_grads(f, args, wrt=wrt, modes=("reverse", "forward"))
    for i in wrt:
        np.testing.assert_allclose(s2sad.grad(f, wrt=i)(*args),
                                   finite_difference_gradient(f, args, i),
                                   rtol=1e-6, atol=1e-7)
    if second:
        i = wrt[0]
        v = np.linspace(-1.0, 1.0, np.size(args[i])).reshape(np.shape(args[i]))
        by_fd = _hvp_fd(f, args, i, v)
        np.testing.assert_allclose(s2sad.hvp(f, wrt=i)(*args, v), by_fd, rtol=1e-4, atol=1e-4)
        hessian = s2sad.hessian(f, wrt=i)(*args)
        np.testing.assert_allclose(np.tensordot(hessian, v, axes=np.ndim(v)), by_fd,
                                   rtol=1e-4, atol=1e-4)


# ------------------------------------------------ 1. items of a list, then the list changed
@pytest.mark.parametrize("f", [tf.unpacked_then_item_set, tf.unpacked_then_appended,
                               tf.unpacked_then_popped, tf.nested_unpacked_then_item_set,
                               tf.tuple_unpacked_then_list_item_set,
                               tf.dict_values_unpacked_then_written, tf.looped_then_item_set])
def test_items_taken_out_of_a_helpers_list_are_not_the_list(f):
    # an item unpacked from a list (or looped over) is another object than the list:
    # changing the list's slots leaves it as it is (it was refused as "the same list")
    _every_mode(f, (W.copy(), w.copy()), (0, 1))


def test_seed_31025_by_hand():
    # ls = [2W, w + 1]; ls[1] = (w + 1 + 2W) / 2; f = sum(ls[1] * 2W) + sum(w + 1)
    # df/dW = 2 (w + 1 + 2W) / 2 + 2W * 2 / 2 = w + 1 + 4W; df/dw = W + 1
    g_W, g_w = s2sad.grad(tf.unpacked_then_item_set, wrt=(0, 1))(W, w)
    np.testing.assert_allclose(g_W, w + 1.0 + 4.0 * W)
    np.testing.assert_allclose(g_w, W + 1.0)
    _, tangent = s2sad.jvp(tf.unpacked_then_item_set, wrt=(0, 1))(W, w, V, -V)
    assert tangent == pytest.approx(np.dot(w + 1.0 + 4.0 * W, V) - np.dot(W + 1.0, V))


@pytest.mark.parametrize("f, text, theirs", [
    (tf.unpacked_item_written, "e1[0] = 5.0", "ls"),
    (tf.helpers_item_written, "e1[0] = 5.0", "ls"),   # (pair returns new arrays: its list)
    (tf.unpacked_item_updated, "e1 += 1.0", "ls"),
    (tf.looped_item_written, "e[0] = 3.0", "ls"),
    (tf.unpacked_inner_list_appended, "a.append(W)", "ls"),
    (tf.helpers_inner_list_appended, "a.append(W)", "ls")])
def test_writes_into_the_object_an_item_holds_stay_refused(f, text, theirs):
    # Python changes the list's item too: refused where the write is, naming the list
    for mode in (s2sad.grad, s2sad.jvp):
        with pytest.raises(UnsupportedSyntaxError) as info:
            if mode is s2sad.grad:
                mode(f, wrt=(0, 1))(W.copy(), w.copy())
            else:
                mode(f, wrt=(0, 1))(W.copy(), w.copy(), V, V)
        where = info.value.location
        assert where.filename.endswith("trust9_functions.py")
        assert where.line == _line(f, text), str(info.value)
        assert repr(theirs) in info.value.message


def test_a_write_into_a_lists_item_stays_refused():
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(tf.item_of_list_written)(W.copy(), w.copy())
    assert info.value.location.line == _line(tf.item_of_list_written, "ls[0][0] = 5.0")


# ------------------------------------------------ 2. wrappers with parameters of their own
def test_a_wrappers_own_default_before_args():
    # with_offset(x, c, w) = 2 sum((x + c)^2 w): d/dx = 4 (x + c) w, d/dc = 4 sum((x + c) w)
    f = tf.with_offset
    np.testing.assert_allclose(s2sad.grad(f)(X, 0.1, w), 4.0 * (X + 0.1) * w)
    assert s2sad.grad(f, wrt="c")(X, 0.1, w) == pytest.approx(4.0 * np.sum((X + 0.1) * w))
    assert s2sad.grad(f, wrt=1)(X, 0.1, w) == pytest.approx(4.0 * np.sum((X + 0.1) * w))
    np.testing.assert_allclose(s2sad.grad(f, wrt=2)(X, 0.1, w), 2.0 * (X + 0.1) ** 2)
    # w by keyword leaves c to its default, as Python's call does
    np.testing.assert_allclose(s2sad.grad(f, wrt="w")(X, w=w), 2.0 * (X + 0.5) ** 2)
    value, tangent = s2sad.jvp(f, wrt="c")(X, 0.5, w, 1.0)
    assert value == pytest.approx(f(X, w=w))
    assert tangent == pytest.approx(4.0 * np.sum((X + 0.5) * w))
    _every_mode(f, (X, 0.1, w), (0, 1, 2))
    # too few positional arguments: Python's TypeError, not a derivative
    with pytest.raises(TypeError):
        f(X, w)
    with pytest.raises(TypeError):
        s2sad.grad(f)(X, w)


def test_a_wrappers_own_keyword_only_parameter():
    # with_shift(x, w, t) = sum((x - t)^2 w): d/dx = 2 (x - t) w, d/dt = -2 sum((x - t) w)
    f = tf.with_shift
    np.testing.assert_allclose(s2sad.grad(f)(X, w), 2.0 * (X - 0.25) * w)
    assert s2sad.grad(f, wrt="t")(X, w, t=0.1) == pytest.approx(-2.0 * np.sum((X - 0.1) * w))
    # counted after the positional ones: x, w, then t
    assert s2sad.grad(f, wrt=2)(X, w, t=0.1) == pytest.approx(-2.0 * np.sum((X - 0.1) * w))
    np.testing.assert_allclose(s2sad.grad(f, wrt=1)(X, w, t=0.1), (X - 0.1) ** 2)
    _every_mode(f, (X, w), (0, 1))
    g = lambda x, t: f(x, w, t=t)   # noqa: E731
    value, tangent = s2sad.jvp(f, wrt=("x", "t"))(X, w, V, 1.0, t=0.1)
    assert value == pytest.approx(g(X, 0.1))
    assert tangent == pytest.approx(np.dot(finite_difference_gradient(g, (X, 0.1), 0), V)
                                    + finite_difference_gradient(g, (X, 0.1), 1), rel=1e-6)


def test_a_wrapper_with_both_and_a_wrapped_default():
    # x, c, w, k (positional), then t (keyword-only)
    f = tf.with_both
    args = (X, 1.3, w)
    _every_mode(f, args, (0, 1, 2))
    grads = s2sad.grad(f, wrt=("t", "k"))(X, w=w, t=0.1, k=3.0)
    by_index = s2sad.grad(f, wrt=(4, 3))(X, 1.5, w, 3.0, t=0.1)
    h = lambda t, k: f(X, w=w, t=t, k=k)   # noqa: E731
    expected = (finite_difference_gradient(h, (0.1, 3.0), 0),
                finite_difference_gradient(h, (0.1, 3.0), 1))
    np.testing.assert_allclose(grads, expected, rtol=1e-6)
    np.testing.assert_allclose(by_index, expected, rtol=1e-6)


def test_stacked_wrappers_with_parameters_of_their_own():
    # sine(offset(shifted(f))): x, c, w, then t
    f = tf.stacked_own
    check_grads(f, (X, 0.1, w), modes=("reverse", "forward"))
    for i in range(3):
        np.testing.assert_allclose(s2sad.grad(f, wrt=i)(X, 0.1, w),
                                   finite_difference_gradient(f, (X, 0.1, w), i),
                                   rtol=1e-6, atol=1e-8)
    g = lambda t: f(X, 0.1, w, t=t)   # noqa: E731
    assert s2sad.grad(f, wrt="t")(X, 0.1, w, t=0.3) == pytest.approx(
        finite_difference_gradient(g, (0.3,), 0), rel=1e-6)
    with pytest.raises(UnsupportedSyntaxError, match="second derivatives of"):
        s2sad.hvp(f)(X, 0.1, w, V)   # (stacked: README, second order)


@pytest.mark.parametrize("f", [tf.calls_wrapped, tf.calls_wrapped_by_keyword])
def test_wrappers_with_parameters_of_their_own_called_by_a_function(f):
    _every_mode(f, (X, w), (0, 1), second=False)


def test_wrappers_with_parameters_of_their_own_through_the_cli(tmp_path):
    source = Path(tf.__file__)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for name, wrt in (("with_offset", "x,c"), ("with_shift", "x,t")):
        out = tmp_path / f"{name}_grad.py"
        proc = s2sad_command(["grad", f"{source}:{name}",
                               "--wrt", wrt, "-o", str(out)], cwd=source.parent, env=env,
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        namespace = {}
        exec(compile(out.read_text(), str(out), "exec"), namespace)
        gradient = namespace[f"{name}_value_and_grad"]
        if name == "with_offset":
            _, (g_x, g_c) = gradient(X, 0.1, w)
            np.testing.assert_allclose(g_x, 4.0 * (X + 0.1) * w)
            assert g_c == pytest.approx(4.0 * np.sum((X + 0.1) * w))
        else:
            _, (g_x, g_t) = gradient(X, w, t=0.1)
            np.testing.assert_allclose(g_x, 2.0 * (X - 0.1) * w)
            assert g_t == pytest.approx(-2.0 * np.sum((X - 0.1) * w))


# ------------------------------------------------ 3. a view read by a local function
@pytest.mark.parametrize("f", [tf.copied_before_write, tf.copied_in_loop_before_write,
                               tf.copied_by_method_before_branch_write])
def test_a_write_into_a_copy_does_not_reach_the_view_a_local_function_reads(f):
    _every_mode(f, (X.copy(),), (0,))


def test_copied_before_write_by_hand():
    # f = x0^2 + x1^2 + 2 x2 + x1 + x2 (d[0] replaced): gradient (2 x0, 2 x1 + 1, 3)
    np.testing.assert_allclose(s2sad.grad(tf.copied_before_write)(X),
                               [2 * X[0], 2 * X[1] + 1.0, 3.0])


@pytest.mark.parametrize("f", [tf.written_through_the_view, tf.copied_on_one_path_only,
                               tf.viewed_again_after_the_copy, tf.named_again_after_the_copy])
def test_a_write_that_reaches_the_view_stays_refused(f):
    for call in (lambda: s2sad.grad(f)(X.copy()), lambda: s2sad.jvp(f)(X.copy(), V)):
        with pytest.raises(UnsupportedSyntaxError) as info:
            call()
        assert "'v', read by the local function 'h'" in info.value.message
        assert info.value.location.line == _line(f, "return np.sum(v * v)")


# ------------------------------------------------ 4. a complex output, located
@pytest.mark.parametrize("call", [
    lambda f: s2sad.jvp(f)(-8.0, 1.0), lambda f: s2sad.vjp(f)(-8.0),
    lambda f: s2sad.hvp(f)(-8.0, 1.0), lambda f: s2sad.hessian(f)(-8.0),
    lambda f: s2sad.jacobian(f)(-8.0), lambda f: s2sad.grad(s2sad.grad(f))(-8.0)])
@pytest.mark.parametrize("f, text", [(tf.cube_root, "return x ** (1 / 3)"),
                                     (tf.complex_inside, "z = y ** 0.5")])
def test_a_complex_output_names_the_line_that_made_it(call, f, text):
    with pytest.raises(ValueTypeError) as info:
        call(f)
    where = info.value.location
    assert where is not None, str(info.value)
    assert where.filename.endswith("trust9_functions.py") and where.line == _line(f, text)
    assert "complex" in info.value.message and "np.cbrt" in info.value.hint


@pytest.mark.parametrize("make", [s2sad.grad, s2sad.value_and_grad])
def test_a_complex_output_of_a_gradient_is_located_too(make):
    with pytest.raises(ValueTypeError) as info:
        make(tf.cube_root)(-8.0)
    str(info.value)   # (an error raised in generated code is placed as it is shown)
    where = info.value.location
    assert where is not None and where.line == _line(tf.cube_root, "return x ** (1 / 3)")


def test_a_real_output_runs_no_search():
    # (the search runs generated code again: only where the output is complex)
    assert s2sad.jvp(tf.cube_root)(8.0, 1.0) == pytest.approx((2.0, 1.0 / 12.0))
    assert isinstance(ValueTypeError("x"), S2sadError)
