"""A local function that writes into an array argument (np.add.at, an item write,
a[...] += v) is differentiated as a module-level one is: its writes reach the caller's
array, as Python's do (stranger18).  Checked in reverse (grad, vjp), forward (jvp) and
second order (hessian, hvp) against central finite differences; the refusals left
name two arrays, never one as sharing memory with itself."""

import numpy as np
import pytest

import s2sad
import nested_writing_helpers as nh
from s2sad.errors import S2sadError, SharedWriteError
from s2sad.testing import check_grads, finite_difference_gradient

X = np.array([0.3, 0.7, -0.2])
RNG = np.random.default_rng(1818)


def _hessian_fd(f, x):
    eps = 1e-4
    rows = []
    for k in range(x.size):
        step = np.zeros_like(x)
        step[k] = eps
        rows.append((finite_difference_gradient(f, (x + step,), 0)
                     - finite_difference_gradient(f, (x - step,), 0)) / (2 * eps))
    return np.array(rows)


@pytest.mark.parametrize("f", [nh.add_at_nested, nh.item_write_nested,
                               nh.whole_update_nested, nh.written_and_returned_nested,
                               nh.two_levels_in_a_loop, nh.view_read_later_hint_followed,
                               nh.augmented_number_parameter,
                               nh.helper_dict_then_module_writer,
                               nh.helper_dict_then_local_writer])
def test_a_local_function_writing_into_its_argument_in_every_mode(f):
    check_grads(f, (X.copy(),), modes=("reverse", "forward"))
    hessian = _hessian_fd(f, X)
    np.testing.assert_allclose(s2sad.hessian(f)(X.copy()), hessian, rtol=1e-4, atol=1e-4)
    v = RNG.normal(size=X.shape)
    np.testing.assert_allclose(s2sad.hvp(f)(X.copy(), v), hessian @ v, rtol=1e-4, atol=1e-4)


def test_the_reported_scatter_by_hand():
    # r = [x0 + x1, 0, x2]: d sum(r ** 2) = [2 (x0 + x1), 2 (x0 + x1), 2 x2]
    np.testing.assert_allclose(s2sad.grad(nh.add_at_nested)(X.copy()), [2.0, 2.0, -0.4])


def test_a_view_read_later_is_refused_with_a_hint_that_keeps_the_write():
    with pytest.raises(SharedWriteError, match="would also change 'w'") as info:
        s2sad.grad(nh.view_read_later)(X.copy())
    # copying r inside h would leave the caller's r as it is: the hint copies the view
    assert "w = np.copy(...)" in info.value.hint and "r = np.copy(r)" not in info.value.hint
    assert info.value.location.line == nh.view_read_later.__code__.co_firstlineno + 2


def test_a_refusal_never_names_one_array_as_sharing_memory_with_itself():
    with pytest.raises(S2sadError) as info:
        s2sad.grad(nh.same_name_view_passed)(X.copy())
    message = info.value.message
    assert "'r' in h" in message and "would also change 'r'" in message, message


def test_a_whole_parameter_updated_in_place_hints_the_write_into_the_callers_array():
    with pytest.raises(S2sadError, match="'a \\+= ...' may change 'r' too") as info:
        s2sad.grad(nh.augmented_whole_parameter)(X.copy())
    assert "a[...] += ..." in info.value.hint
