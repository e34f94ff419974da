"""A function passed as an argument and called (refused before: "calling the local value
'f' is not supported"): a module-level function, a lambda or partial bound to a module
name, numpy's function, passed to a helper by name, two levels down, left to a helper's
default, chosen by a branch naming each; the differentiated function's own parameter given
a function at each call (its code made per function, never served for another) or left to
its default.  Every transform and second order against central finite differences or a
derivative by hand; a written module; the refusals located, saying what works."""

import functools
import importlib
import os
import sys

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads, finite_difference_gradient
from in_process import s2sad_command

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")
sys.path.insert(0, FIXTURES)
fa = importlib.import_module("function_arguments")

Y0 = np.array([1.0, 2.0, -0.5])
K = 0.7


def _fd_second(f, k, y0, h=1e-4):
    """d/dk of s2sad's gradient in k, by central differences (second order's reference)."""
    return (s2sad.grad(f)(k + h, y0) - s2sad.grad(f)(k - h, y0)) / (2 * h)


def _fd_k2(f, k, y0, h=1e-4):
    """d2f/dk2 by central differences of f alone."""
    return (f(k + h, y0) - 2 * f(k, y0) + f(k - h, y0)) / (h * h)


def test_the_strangers_integrator_by_hand():
    # y = y0 (1 - 0.1 k)^3, so d/dk sum(y^2) = -0.6 sum(y0^2) (1 - 0.1 k)^5
    expected = -0.6 * np.sum(Y0 ** 2) * (1 - 0.1 * K) ** 5
    assert s2sad.grad(fa.loss)(K, Y0) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("func", [fa.loss, fa.loss_many, fa.loss_rules, fa.loss_called_twice,
                                  fa.loss_twice_down],
                         ids=lambda f: f.__name__)
def test_helpers_given_functions_match_finite_differences(func):
    check_grads(func, (K, Y0), wrt=(0, 1), modes=("reverse", "forward"))
    assert s2sad.hessian(func)(K, Y0) == pytest.approx(_fd_k2(func, K, Y0), rel=1e-4, abs=1e-5)


@pytest.mark.parametrize("square", [False, True])
def test_a_function_chosen_by_a_branch_naming_each(square):
    check_grads(fa.loss_branch, (K, Y0, square), wrt=(0, 1), modes=("reverse", "forward"))


def test_the_entry_given_a_function_in_every_transform():
    for f in (fa.rhs, fa.rhs_square, fa.RHS_LAMBDA, np.tanh,
              lambda y, k: np.cos(k) * y):
        def at(y0, k, f=f):
            return fa.euler(f, y0, k) if not isinstance(f, np.ufunc) else fa.step(f, y0 * k)
        if isinstance(f, np.ufunc):
            jac = s2sad.jacobian(fa.step, wrt=1)(f, Y0 * K)
            fd = finite_difference_gradient(lambda y: np.sum(fa.step(f, y) * [1.0, 2.0, 3.0]),
                                            (Y0 * K,))
            np.testing.assert_allclose(jac.T @ [1.0, 2.0, 3.0], fd, rtol=1e-6)
            continue
        fd_y = np.array([finite_difference_gradient(lambda y: at(y, K)[i], (Y0,))
                         for i in range(3)])
        fd_k = np.array([finite_difference_gradient(lambda k: at(Y0, k)[i], (K,))
                         for i in range(3)])
        np.testing.assert_allclose(s2sad.jacobian(fa.euler, wrt=1)(f, Y0, K), fd_y, rtol=1e-6,
                                   atol=1e-9)
        np.testing.assert_allclose(s2sad.jacobian(fa.euler, wrt=2)(f, Y0, K), fd_k, rtol=1e-6,
                                   atol=1e-9)
        ct = np.array([0.3, -1.0, 2.0])
        value, pullback = s2sad.vjp(fa.euler, wrt=1)(f, Y0, K)
        np.testing.assert_allclose(value, at(Y0, K), rtol=1e-12)
        np.testing.assert_allclose(pullback(ct), ct @ fd_y, rtol=1e-6, atol=1e-9)
        _, tangent = s2sad.jvp(fa.euler, wrt=1)(f, Y0, K, ct)
        np.testing.assert_allclose(tangent, fd_y @ ct, rtol=1e-6, atol=1e-9)


def test_the_entry_given_a_function_to_second_order():
    for f in (fa.rhs, fa.rhs_square, fa.RHS_LAMBDA):
        def scalar(k, y0, f=f):
            return fa.loss_passes_on(k, y0, f)
        hess = s2sad.hessian(fa.loss_passes_on)(K, Y0, f)
        assert hess == pytest.approx(_fd_k2(scalar, K, Y0), rel=1e-4, abs=1e-5)
        hvp = s2sad.hvp(fa.loss_passes_on, wrt=1)(K, Y0, f, np.array([1.0, 0.0, 2.0]))
        fd = np.array([(s2sad.grad(fa.loss_passes_on, wrt=1)(K, Y0 + 1e-5 * e, f)
                        - s2sad.grad(fa.loss_passes_on, wrt=1)(K, Y0 - 1e-5 * e, f)) / 2e-5
                       for e in np.eye(3)])
        np.testing.assert_allclose(hvp, fd.T @ [1.0, 0.0, 2.0], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("func", [fa.loss_default, fa.loss_passes_on], ids=lambda f: f.__name__)
def test_a_function_default_and_one_given(func):
    check_grads(func, (K, Y0), wrt=(0, 1), modes=("reverse", "forward"))
    check_grads(func, (K, Y0, fa.rhs_square), wrt=(0, 1), modes=("reverse", "forward"))
    check_grads(func, (K, Y0, lambda y, k: np.tanh(k * y)), wrt=(0, 1),
                modes=("reverse", "forward"))
    check_grads(func, (K, Y0, functools.partial(fa.scaled_rhs, c=2.5)), wrt=(0, 1),
                modes=("reverse", "forward"))


def test_the_cache_never_serves_code_made_for_another_function():
    grad = s2sad.grad(fa.loss_default)
    expected = {}
    for c in (0.5, 1.5, 2.5, 0.5, 1.5):
        f = lambda y, k, c=c: -c * k * y   # noqa: E731 - a new object (maybe at an old id)
        got = grad(K, Y0, f)
        fd = finite_difference_gradient(lambda k: fa.loss_default(k, Y0, f), (K,))
        assert got == pytest.approx(fd, rel=1e-6)
        expected.setdefault(c, got)
        assert got == expected[c]
        assert grad(K, Y0) == pytest.approx(       # the default, in between
            finite_difference_gradient(lambda k: fa.loss_default(k, Y0), (K,)), rel=1e-6)


def test_a_changed_default_or_rebound_global_makes_the_code_again(monkeypatch):
    grad = s2sad.grad(fa.loss_default)
    before = grad(K, Y0)
    monkeypatch.setattr(fa.loss_default, "__defaults__", (fa.rhs_square,))
    after = grad(K, Y0)
    assert after == pytest.approx(finite_difference_gradient(
        lambda k: fa.loss_default(k, Y0), (K,)), rel=1e-6)
    assert after != pytest.approx(before)
    helper = s2sad.grad(fa.loss)
    first = helper(K, Y0)
    monkeypatch.setattr(fa, "rhs", fa.rhs_square)   # loss now passes rhs_square
    assert helper(K, Y0) == pytest.approx(finite_difference_gradient(
        lambda k: fa.loss(k, Y0), (K,)), rel=1e-6)
    assert helper(K, Y0) != pytest.approx(first)


@pytest.mark.parametrize("name, line, col, what", [
    ("loss_lambda_written", 72, 25, "given a lambda written in the call"),
    ("loss_local_choice", 77, 25, "given the local value 'f'")])
def test_a_function_s2sad_cannot_name_is_refused_at_the_call(name, line, col, what):
    func = getattr(fa, name)
    args = (K, Y0, True) if name == "loss_local_choice" else (K, Y0)
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(func)(*args)
    text = str(info.value)
    assert f"function_arguments.py:{line}:{col}:" in text, text
    assert f"euler calls its parameter 'f', {what} (calling the" in text
    assert "module-level function" in text and "in each branch" in text


def test_the_entry_called_without_a_function_is_refused_saying_what_works():
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.jacobian(fa.euler, wrt=1)(None, Y0, K)
    text = str(info.value)
    assert "function_arguments.py:24:" in text
    assert "calling the parameter 'f' is supported where it holds a function" in text
    assert "s2sad.grad(g, wrt=1)(rhs, y0)" in text and "a written module" in text


def _written(tmp_path, name, *extra):
    return s2sad_command(["grad",
                           os.path.join(FIXTURES, "function_arguments.py") + ":" + name,
                           "-o", str(tmp_path / f"{name}_grad.py"), *extra],
                          capture_output=True, text=True)


def test_a_written_module_of_helpers_given_functions(tmp_path):
    done = _written(tmp_path, "loss_many", "--wrt", "k")
    assert done.returncode == 0, done.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        written = importlib.import_module("loss_many_grad")
    finally:
        sys.path.remove(str(tmp_path))
    value, grad = written.loss_many_value_and_grad(K, Y0)
    assert value == pytest.approx(fa.loss_many(K, Y0), rel=1e-12)
    assert grad == pytest.approx(finite_difference_gradient(
        lambda k: fa.loss_many(k, Y0), (K,)), rel=1e-6)


def test_a_written_module_refuses_a_function_parameter(tmp_path):
    done = _written(tmp_path, "loss_default", "--wrt", "k")
    assert done.returncode != 0
    assert "function_arguments.py:55:25" in done.stderr
    assert "the parameter 'f' of loss_default takes a function (its default rhs)" in done.stderr


def test_a_parameter_without_default_passed_on_to_a_helper():
    for f in (fa.rhs, fa.rhs_square, lambda y, k: np.tanh(k * y)):
        check_grads(fa.loss_given, (K, Y0, f), wrt=(0, 1), modes=("reverse", "forward"))
        assert s2sad.hessian(fa.loss_given)(K, Y0, f) == pytest.approx(
            _fd_k2(lambda k, y0: fa.loss_given(k, y0, f), K, Y0), rel=1e-4, abs=1e-5)
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(fa.loss_given)(K, Y0, 3.0)
    text = str(info.value)
    assert "function_arguments.py:91:25:" in text
    assert "euler calls its parameter 'f', given loss_given's parameter 'f'" in text


def test_a_written_module_refuses_a_parameter_called_through_a_helper(tmp_path):
    done = _written(tmp_path, "loss_given", "--wrt", "k")
    assert done.returncode != 0
    assert "function_arguments.py:91:25" in done.stderr
    assert "a written module (s2sad grad F.py:g) cannot take one" in done.stderr


def test_a_default_with_a_rule_in_process_and_refused_in_a_written_module(tmp_path):
    check_grads(fa.loss_rule_default, (K, Y0), wrt=(0, 1), modes=("reverse", "forward"))
    check_grads(fa.loss_rule_default, (K, Y0, np.tanh), wrt=(0, 1), modes=("reverse", "forward"))
    done = _written(tmp_path, "loss_rule_default", "--wrt", "k")   # (rules not loaded before)
    assert done.returncode != 0
    assert "the parameter 'f' of loss_rule_default takes a function (its default sin)" \
        in done.stderr


def test_a_helper_given_a_function_reads_its_own_modules_globals():
    """The helper made for the function it is given reads np and a constant from its
    module (stranger23d: "name 'np' is not defined (read by sine_of)", whenever the
    function passed did not read them itself); every transform against differences."""
    check_grads(fa.loss_reading_globals, (K, Y0), wrt=(0, 1), modes=("reverse", "forward"))
    assert s2sad.hessian(fa.loss_reading_globals)(K, Y0) == pytest.approx(
        _fd_k2(fa.loss_reading_globals, K, Y0), rel=1e-4, abs=1e-6)
