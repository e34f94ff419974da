"""False refusals and untrue messages found by a stranger (refusals3): each refusal's
message names the user's own names and what is refused; each construct made to work is
checked against central finite differences or a derivative written by hand."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import S2sadError
from s2sad.testing import check_grads

import fixtures.refusals3 as r3

MODES = ("reverse", "forward")


def _refusal(f, *args):
    with pytest.raises(S2sadError) as info:
        s2sad.value_and_grad(f)(*args)
    return str(info.value)


def test_a_name_renamed_apart_is_shown_as_the_user_wrote_it():
    message = _refusal(r3.renamed_in_a_closure, np.array([0.3, -0.7]))
    assert "'k += ...'" in message and "k = k + ..." in message and "k_h" not in message


def test_mutual_recursion_names_the_function_it_goes_through():
    message = _refusal(r3.mutual_recursion, 1.5)
    assert "the local function 'a' calls itself through 'b'" in message


@pytest.mark.parametrize("f, args", [(r3.global_list_on_one_path, (1.5, True)),
                                     (r3.global_list_through_a_name, (1.5,)),
                                     (r3.global_list_extended, (1.5,))])
def test_a_write_into_a_global_list_calls_it_a_list(f, args):
    message = _refusal(f, *args)
    assert "'G'" in message and "list" in message and "array" not in message
    assert "np.copy" not in message
    assert r3.G == [1.0, 2.0]


def test_modular_pow_is_refused_as_such():
    message = _refusal(r3.modular_pow, 3.0, 2.0)
    assert "three-argument pow" in message and "not differentiable" in message
    assert "a ** b" in message and "register" not in message


def test_update_with_pairs_of_a_list_works():
    x = 0.7
    # d = {'a': 3x, 'b': 2x}: 6 x^2
    value, grad = s2sad.value_and_grad(r3.update_with_pairs)(x)
    assert value == pytest.approx(6 * x * x) and grad == pytest.approx(12 * x)
    check_grads(r3.update_with_pairs, (x,), modes=MODES)
    check_grads(r3.update_with_a_list_of_pairs, (x,), modes=MODES)
    value = s2sad.value_and_grad(r3.update_with_a_list_of_pairs)(x)[0]
    assert value == pytest.approx(r3.update_with_a_list_of_pairs(x))


def test_pow_with_a_none_modulus_is_a_power():
    a, b = 1.3, 2.5
    grads = s2sad.grad(r3.pow_without_modulus, wrt=(0, 1))(a, b)
    assert grads[0] == pytest.approx(b * a ** (b - 1) + 2 * a)
    assert grads[1] == pytest.approx(a ** b * np.log(a))
    check_grads(r3.pow_without_modulus, (a, b), wrt=0, modes=MODES)


def test_a_helper_merging_into_the_callers_dict_with_or_equals():
    """d |= {...} in a helper is d.update({...}): the caller's dict gets the items."""
    x = 0.8
    value, grad = s2sad.value_and_grad(r3.merged_by_a_helper)(x)
    # x * 2x + sin x
    assert value == pytest.approx(2 * x * x + np.sin(x))
    assert grad == pytest.approx(4 * x + np.cos(x))
    value, grad = s2sad.value_and_grad(r3.merged_in_place_by_a_helper)(x)
    assert value == pytest.approx(3 * x ** 3) and grad == pytest.approx(9 * x * x)
    for f in (r3.merged_by_a_helper, r3.merged_in_place_by_a_helper):
        check_grads(f, (x,), modes=MODES)


@pytest.mark.parametrize("f, expected, derivative", [
    # sum over i of x * (x i), then x * (2x): 5 x^2
    (r3.def_in_a_loop_called_after, lambda x: 5 * x * x, lambda x: 10 * x),
    (r3.lambda_in_a_loop_reads_its_target, lambda x: np.sin(2.5 * x),
     lambda x: 2.5 * np.cos(2.5 * x)),
    # j = 0: sin(2x x); j = 1: sin(4x x)
    (r3.lambda_in_an_inner_loop, lambda x: np.sin(2 * x * x) + np.sin(4 * x * x),
     lambda x: 4 * x * np.cos(2 * x * x) + 8 * x * np.cos(4 * x * x)),
    (r3.def_in_a_loop_rebound_after, lambda x: x * np.cos(x),
     lambda x: np.cos(x) - x * np.sin(x)),
])
def test_a_local_function_defined_in_a_loop_and_called_after_it(f, expected, derivative):
    """The call reads the names the body reads free when it runs: the loop's last
    values, or what they were bound to after it (refusals3)."""
    x = 0.7
    value, grad = s2sad.value_and_grad(f)(x)
    assert value == pytest.approx(expected(x)) and value == pytest.approx(f(x))
    assert grad == pytest.approx(derivative(x))
    check_grads(f, (x,), modes=MODES)


@pytest.mark.parametrize("f, args, words", [
    (r3.def_in_a_loop_of_maybe_no_trip, (0.7, 2), "may run no trip"),
    (r3.def_in_a_loop_with_defaults, (0.7,), "with defaults"),
])
def test_a_local_function_defined_in_a_loop_refused_where_it_cannot_follow(f, args, words):
    message = _refusal(f, *args)
    assert "'g'" in message and words in message and "refusals3.py:" in message


@pytest.mark.parametrize("f, derivative", [
    (r3.dict_parameter_updated_by_a_helper, lambda w, x: 2.0 * w),
    (r3.dict_parameter_written_by_a_helper, lambda w, x: w * np.cos(x)),
])
def test_a_dict_parameter_passed_to_a_helper_writing_into_it(f, derivative):
    """Was refused at run time: the dict was checked on entry as an array (found by the
    fuzzer's helper merging into a dict parameter)."""
    w, x = np.array([1.0, 2.0]), np.array([0.3, 0.4])
    prm = {"W": w, "b": np.array([0.5, 0.5])}
    grad = s2sad.grad(f, wrt=1)(prm, x)
    assert grad == pytest.approx(derivative(w, x))
    check_grads(f, (dict(prm), x), wrt=1, modes=MODES)


@pytest.mark.parametrize("f, grad", [
    # a * 2b: [2b, 2a]
    (r3.merged_items_of_an_array, lambda a, b: [2 * b, 2 * a]),
    (r3.merged_a_named_dict, lambda a, b: [2 * b, 2 * a]),
    # (a b) * 2b = 2 a b^2: [2 b^2, 4 a b]
    (r3.merged_a_dict_call_then_written, lambda a, b: [2 * b * b, 4 * a * b]),
])
def test_a_helper_merging_a_dict_into_the_callers_dict(f, grad):
    """fixfwd2: a helper's bare `d |= {"b": v * 2.0}` (v an item of the caller's array)
    was refused as a discarded call; `d |= e` of a dict e as an item write."""
    x = np.array([1.3, -0.6])
    np.testing.assert_allclose(s2sad.grad(f)(x), grad(*x))
    check_grads(f, (x,), modes=MODES)


@pytest.mark.parametrize("x, grad", [
    # breaks at i = 1: x0 x1
    (np.array([1.0, 2.0, 3.0]), lambda x: [x[1], x[0], 0.0]),
    # never breaks: i = 2 after the loop, x0 x2
    (np.array([0.5, 1.0, 1.2]), lambda x: [x[2], 0.0, x[0]]),
])
def test_def_in_a_loop_with_a_break_called_after(x, grad):
    """fixfwd2: refused as 'defined in a branch or a loop'; Python calls the function
    the last trip (the one that broke) defined, reading that trip's loop variable."""
    f = r3.def_in_a_loop_with_a_break
    value, g = s2sad.value_and_grad(f)(x)
    assert value == pytest.approx(f(x))
    np.testing.assert_allclose(g, grad(x))
    check_grads(f, (x,), modes=MODES)


def test_lambda_in_a_loop_with_a_break_called_after():
    f, x = r3.lambda_in_a_loop_with_a_break, np.array([1.0, 2.0, 3.0])
    # breaks at i = 1: s = 2 x0^2 + 2 x0 x1 + 1, then h(x1) = 2 x1^2 + 1
    value, g = s2sad.value_and_grad(f)(x)
    assert value == pytest.approx(f(x)) == pytest.approx(16.0)
    np.testing.assert_allclose(g, [4 * x[0] + 2 * x[1], 2 * x[0] + 4 * x[1], 0.0])
    check_grads(f, (x,), modes=MODES)
    check_grads(f, (np.array([0.2, 0.3, 0.1, 0.4]),), modes=MODES)   # no break


def test_def_in_a_loop_after_its_break_is_refused_with_the_reason():
    # the trip that breaks skips the def: Python calls an earlier trip's g, or none
    with pytest.raises(S2sadError, match="after a break or return") as info:
        s2sad.grad(r3.def_in_a_loop_after_its_break)(np.array([1.0, 2.0, 3.0]))
    assert "before the first 'if ...: break'" in info.value.hint
    assert "return g(x[0])" in info.value.location.code
