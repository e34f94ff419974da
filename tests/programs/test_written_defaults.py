"""A parameter defaulting to None that the function writes into after ``if p is None:
p = ...``: the copy s2sad makes of a written argument keeps None as None (and a list a
list, a number a number), so ``p is None`` holds as in Python.  Checked against central
finite differences and derivatives by hand in every mode, with and without the argument."""

import numpy as np
import pytest

import s2sad
import written_defaults as wd
from s2sad.runtime import copy_of, copy_container
from s2sad.testing import check_grads

X = np.array([1.5, 2.0])


@pytest.mark.parametrize("f, rest", [
    (wd.buffer_default, ()), (wd.buffer_default, (np.ones(2),)),
    (wd.out_default, ()), (wd.out_default, (np.ones(3),)),
    (wd.list_default, ()), (wd.list_default, ([1.0],)),
    (wd.dict_default, ()), (wd.dict_default, ({},)),
    (wd.number_written_by_update, ()), (wd.number_written_by_update, (3.0,))])
def test_scalar_x_against_finite_differences(f, rest):
    check_grads(f, (1.5,) + rest, wrt=0, modes=("reverse", "forward") if not rest
                else ("reverse",))


def test_buffer_default_by_hand():
    # without buf: k = 2, sum(buf) = 2; with it: k = 3
    assert s2sad.value_and_grad(wd.buffer_default)(1.5) == (5.0, 2.0)
    assert s2sad.value_and_grad(wd.buffer_default)(1.5, np.zeros(2)) == (6.5, 3.0)
    assert s2sad.jvp(wd.buffer_default)(1.5, 1.0) == (5.0, 2.0)
    value, pullback = s2sad.vjp(wd.buffer_default)(1.5)
    assert (value, pullback(1.0)) == (5.0, 2.0)
    assert s2sad.grad(wd.out_default)(1.5) == 3.0
    assert s2sad.grad(wd.list_default)(1.5) == 2.0
    assert s2sad.jvp(wd.list_default)(1.5, 1.0) == (3.0, 2.0)


def test_caller_buffer_unchanged():
    buf = np.full(2, 7.0)
    assert s2sad.grad(wd.buffer_default)(1.5, buf) == 3.0
    np.testing.assert_array_equal(buf, [7.0, 7.0])


def test_vector_buffer_default_second_order():
    # f = x0 * x1**2 + 0 * x1 (buf = [x1**2, 0]): grad [x1**2, 2 x0 x1]
    x0, x1 = X
    grad = [x1 ** 2, 2 * x0 * x1]
    hess = np.array([[0.0, 2 * x1], [2 * x1, 2 * x0]])
    np.testing.assert_allclose(s2sad.grad(wd.vector_buffer_default)(X.copy()), grad)
    np.testing.assert_allclose(s2sad.jacobian(wd.vector_buffer_default)(X.copy()), grad)
    np.testing.assert_allclose(s2sad.hessian(wd.vector_buffer_default)(X.copy()), hess)
    v = np.array([1.0, -1.0])
    np.testing.assert_allclose(s2sad.hvp(wd.vector_buffer_default)(X.copy(), v), hess @ v)
    check_grads(wd.vector_buffer_default, (X.copy(),), modes=("reverse", "forward"))


def test_numba_backend_falls_back_or_works():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert s2sad.grad(wd.buffer_default, backend="numba")(1.5) == 2.0
        np.testing.assert_allclose(
            s2sad.grad(wd.vector_buffer_default, backend="numba")(X.copy()), [4.0, 6.0])


def test_written_module_keeps_none(tmp_path):
    from s2sad.cli.main import main
    out = tmp_path / "buffer_grad.py"
    source = wd.__file__
    assert main(["grad", f"{source}:buffer_default", "-o", str(out)]) == 0
    namespace = {}
    exec(compile(out.read_text(), str(out), "exec"), namespace)
    assert namespace["buffer_default_value_and_grad"](1.5) == (5.0, 2.0)


def test_copies_keep_the_type():
    for copier in (copy_of, copy_container):
        assert copier(None) is None
        assert copier(1.5) == 1.5 and type(copier(1.5)) is float
        assert copier((1.0, 2.0)) == (1.0, 2.0)
        items = [1.0, np.ones(2)]
        copied = copier(items)
        assert type(copied) is list and copied is not items
        zero_d = np.array(3.0)
        assert copier(zero_d).shape == () and copier(zero_d) is not zero_d
        assert type(copier({"a": 1.0})) is dict
    items = [np.ones(2)]
    assert copy_of(items)[0] is not items[0]   # (copy_of copies the items too)


@pytest.mark.parametrize("f", [wd.helper_left_to_none, wd.helper_given_a_buffer,
                               wd.helper_given_a_new_array])
def test_helpers_with_the_none_idiom(f):
    # a helper of the user's: 'if out is None: out = np.zeros(2)' then out[0] = ...; a
    # call leaving out to None writes into the helper's own array (nothing of the
    # caller's); a call passing one writes into it, as Python's does
    check_grads(f, (X,), modes=("reverse", "forward"))
    # hessian-vector product against central differences of central differences
    v, h, e = np.array([1.0, -0.5]), 1e-4, 1e-5

    def grad_fd(x):
        return np.array([(f(x + e * d) - f(x - e * d)) / (2 * e) for d in np.eye(2)])
    reference = (grad_fd(X + h * v) - grad_fd(X - h * v)) / (2 * h)
    np.testing.assert_allclose(s2sad.hvp(f)(X, v), reference, rtol=1e-5)


def test_helper_with_the_none_idiom_by_hand():
    # out_helper(x) = x0 x1: f = (x0 x1)^2 + (x0 x1)(x0 x1 + x1)
    x0, x1 = X
    value, grad = s2sad.value_and_grad(wd.helper_left_to_none)(X)
    assert value == pytest.approx((x0 * x1) ** 2 + x0 * x1 * (x0 * x1 + x1))
    np.testing.assert_allclose(grad, [2 * x0 * x1 ** 2 + 2 * x0 * x1 ** 2 + x1 * x1,
                                      2 * x0 ** 2 * x1 + 2 * x0 ** 2 * x1 + 2 * x0 * x1])


def test_a_helper_with_the_none_idiom_on_a_constant_leaves_its_default_alone():
    # by hand: none_idiom_helper(0.7) = 0.35 / 4 + 0.35 = 0.4375, d/dx = 0.4375
    value, grad = s2sad.value_and_grad(wd.calls_the_helper_on_a_constant)(1.5)
    assert value == pytest.approx(1.5 * 0.4375) and grad == pytest.approx(0.4375)
    assert s2sad.jvp(wd.calls_the_helper_on_a_constant)(1.5, 1.0)[1] == pytest.approx(0.4375)


def test_a_helper_writing_into_a_mutable_default_on_a_constant_is_refused_at_the_call():
    before = list(wd.list_default_helper.__defaults__[0])
    with pytest.raises(s2sad.errors.UnsupportedSyntaxError, match="leaves (it )?to its default"):
        s2sad.value_and_grad(wd.calls_the_list_default_helper_on_a_constant)(1.5)
    assert wd.list_default_helper.__defaults__[0] == before
