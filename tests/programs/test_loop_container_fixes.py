"""False refusals in loops over lists and dicts (fixloop20), against central finite
differences in float64: gradients (value_and_grad, vjp), jvp, and hvp against central
differences of finite-difference gradients (nothing of s2sad's in the references).

1. ``v op= e`` on a number a list or tuple holds (``tot += x[i]; out.append(tot)``): a
   number gets a new value, so it goes on; an array (updated in place, the list's item
   too) or a list is still refused, where it runs;
2. a list grown through a second name in a nested loop (``b = q``; ``b.append`` in the
   inner loop), or rebound to a name holding it (``c = b ... b = c``): one list
   throughout, not "two names holding different values" (hvp and hessian too);
3. ``d.update({f"k{i}": v})`` and ``d |= {...}`` with a computed key, in a loop;
4. a second-order refusal of a write through a row names the user's array (``X``), not
   s2sad's copy or version of it (``X_1``);
5. a decorator without functools.wraps: its wrapper is differentiated when its
   parameters are named, and refused at its def when it takes *args/**kwargs.
"""

import numpy as np
import pytest

import loop_container_fixes as lc
import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads, finite_difference_gradient

X4 = np.array([0.5, -1.0, 2.0, 0.3])
V4 = np.array([0.3, 1.0, -0.5, 0.7])
BOTH = ("reverse", "forward")

CASES = [lc.running_total, lc.running_product, lc.tuple_then_update,
         lc.alias_nested_append, lc.alias_rebound_in_loop,
         lc.update_computed_key, lc.merge_computed_key, lc.update_mixed_keys,
         lc.update_overwrites_by_computed_key, lc.cubed_energy]


def _fd_hvp(f, x, v, h=1e-4):
    """H v by central differences of finite-difference gradients."""
    plus = finite_difference_gradient(f, (x + h * v,))
    minus = finite_difference_gradient(f, (x - h * v,))
    return (plus - minus) / (2 * h)


@pytest.mark.parametrize("func", CASES, ids=lambda f: f.__name__)
def test_grad_and_jvp_against_finite_differences(func):
    check_grads(func, (X4.copy(),), modes=BOTH)
    check_grads(func, (-0.7 * X4,), modes=BOTH)


@pytest.mark.parametrize("func", CASES, ids=lambda f: f.__name__)
def test_hvp_and_hessian_against_finite_differences(func):
    expected = _fd_hvp(func, X4, V4)
    assert np.allclose(s2sad.hvp(func)(X4.copy(), V4), expected, rtol=1e-4, atol=1e-5)
    hessian = s2sad.hessian(func)(X4.copy())
    assert np.allclose(hessian @ V4, expected, rtol=1e-4, atol=1e-5)


def test_running_total_of_a_python_list():
    xs = [0.5, -1.0, 2.0]
    got = s2sad.grad(lc.running_total)(xs)
    # out[-1] * out[0] = (x0^2 + x1^2 + x2^2) * x0^2, by hand
    s = sum(v * v for v in xs)
    expected = [2 * xs[0] * s + 2 * xs[0] * xs[0] ** 2, 2 * xs[1] * xs[0] ** 2,
                2 * xs[2] * xs[0] ** 2]
    assert np.allclose(got, expected, rtol=1e-12)


def test_op_assign_on_an_array_a_list_holds_is_still_refused_where_it_runs():
    line = lc.array_in_list_updated.__code__.co_firstlineno + 4
    for run in (lambda: s2sad.grad(lc.array_in_list_updated)(X4.copy()),
                lambda: s2sad.jvp(lc.array_in_list_updated)(X4.copy(), V4)):
        with pytest.raises(UnsupportedSyntaxError,
                           match="would also change the list or tuple that holds 'acc'") as info:
            run()
        assert f"loop_container_fixes.py:{line}:" in str(info.value)
        assert "acc = acc + ..." in str(info.value)


def test_two_names_that_part_in_a_loop_are_still_refused():
    with pytest.raises(UnsupportedSyntaxError, match="'b' and 'q' hold the same list"):
        s2sad.grad(lc.alias_rebound_to_other_value)(X4.copy())


def test_update_with_computed_keys_does_not_name_a_call_the_user_did_not_write():
    # (d |= {...} was refused as 'the keys of d.update({...}) must be constants')
    value, grad = s2sad.value_and_grad(lc.merge_computed_key)(X4.copy())
    assert value == pytest.approx(lc.merge_computed_key(X4.copy()))
    assert np.allclose(grad, [1.0, 2 * X4[1], 2 * X4[2], 2 * X4[3]], rtol=1e-12)


@pytest.mark.parametrize("func, array", [(lc.rows_written_in_argument, "X"),
                                         (lc.rows_written_in_version, "M")])
def test_second_order_row_write_refusal_names_the_users_array(func, array):
    X = np.array([[0.1, 0.2], [0.3, 0.4]])
    check_grads(func, (X.copy(),), modes=("reverse",))
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.hvp(func)(X.copy(), np.ones_like(X))
    text = str(info.value)
    assert f"a part of '{array}'" in text and f"({array}[i, ...] = ...)" in text
    assert f"{array}_1" not in text


def test_decorator_without_wraps():
    x = np.array([0.3, -0.7])
    check_grads(lc.cubed_energy, (x,), modes=BOTH)
    # f(x) = sum((3x)^3) + sum(x): H = diag(162 x), by hand
    assert np.allclose(s2sad.hvp(lc.cubed_energy)(x, np.array([1.0, 0.5])),
                       162 * x * np.array([1.0, 0.5]), rtol=1e-12)
    with pytest.raises(UnsupportedSyntaxError, match="takes \\*args or \\*\\*kwargs") as info:
        s2sad.grad(lc.star_energy)(x)
    line = lc._star_decorator.__code__.co_firstlineno + 1
    assert f"loop_container_fixes.py:{line}:" in str(info.value)
    assert "functools.wraps" in str(info.value)
