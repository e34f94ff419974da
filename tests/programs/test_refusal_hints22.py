"""Refusal hints that lead to working code (stranger22's findings 1-8): each refused
program's message says what Python does, and the code its hint gives, written out in
tests/fixtures/refusal_hints22.py, runs under s2sad, computes the refused function's value
(where the hint claims the same function) and has the gradient central differences give."""

import numpy as np
import pytest

import s2sad
import refusal_hints22 as rh
from s2sad.errors import NoDerivativeRuleError, UnsupportedSyntaxError, ValueTypeError
from s2sad.testing import check_grads, finite_difference_gradient

X = np.array([[0.3, 0.8], [0.5, 0.7], [1.5, 0.2]])
X2 = np.array([[0.3, 0.8], [1.2, 0.5]])
V4 = np.array([0.3, 0.8, 1.2, 0.5])
V3 = np.array([0.3, 1.2, 0.8])
MODES = ("reverse", "forward")


def _refusal(func, *args, kind=UnsupportedSyntaxError):
    with pytest.raises(kind) as info:
        s2sad.grad(func)(*args)
    return str(info.value), info.value.hint


def _same_function(refused, hinted, *args):
    """``hinted`` (the refused function written as the hint says) gives the refused
    function's value, in Python and under s2sad, and the gradient of central
    differences, in both modes."""
    def fresh():   # (np.copy(1) would be a 0-d array: an index array, not an int)
        return [np.copy(a) if isinstance(a, np.ndarray) else a for a in args]
    want = refused(*fresh())
    assert hinted(*fresh()) == pytest.approx(want, rel=1e-12)
    value, grad = s2sad.value_and_grad(hinted)(*fresh())
    assert value == pytest.approx(want, rel=1e-12)
    np.testing.assert_allclose(grad, finite_difference_gradient(refused, args), rtol=1e-6,
                               atol=1e-8)
    check_grads(hinted, args, wrt=0, modes=MODES)


# ----------------------------------------------------------- 1. chained writes
def test_a_chained_write_through_a_copy_says_python_changes_nothing():
    message, hint = _refusal(rh.chained_copy, X.copy())
    assert "refusal_hints22.py:12:5" in message
    assert "writes into a copy" in message and "Python leaves Y as it is" in message
    assert hint.startswith("remove the statement (it changes nothing)")
    assert "Y[[1, 2][0]] = ..." in hint
    assert "Y[[1, 2], 0]" not in hint   # (a different write: stranger22's finding)
    _same_function(rh.chained_copy, rh.chained_copy_removed, X.copy())
    # the element the user may have meant, written as the hint says: Y[1] = X[0, 0] * 3
    check_grads(rh.chained_copy_element, (X.copy(),), modes=MODES)
    Y = X * 1.0
    Y[1] = X[0, 0] * 3.0
    assert rh.chained_copy_element(X.copy()) == pytest.approx(np.sum(Y * X))


def test_a_chained_write_through_a_mask_hints_the_1d_index():
    y = np.array([0.3, 0.8, 0.5])
    message, hint = _refusal(rh.chained_mask, y.copy())
    assert "writes into a copy" in message and "z > 0.4" in message
    assert "z[np.flatnonzero(z > 0.4)[0]] = ... (of a 1-d array)" in hint
    assert "z[z > 0.4, 0]" not in hint   # (an IndexError of a 1-d array)
    _same_function(rh.chained_mask, rh.chained_mask_removed, y.copy())
    check_grads(rh.chained_mask_element, (y.copy(),), modes=MODES)
    z = y * 1.0
    z[1] = y[0] ** 2
    assert rh.chained_mask_element(y.copy()) == pytest.approx(np.sum(z * y))


def test_a_chained_write_by_a_name_says_both_cases():
    message, hint = _refusal(rh.chained_name, X.copy(), 1)
    assert "not x[i][j]" in message
    assert "if i is an integer, write Y[i, 0] = ... (the same write)" in hint
    assert "Y[i] is a copy and Python's write changes nothing (remove it)" in hint
    _same_function(rh.chained_name, rh.chained_name_hint, X.copy(), 1)


def test_a_chained_write_through_a_slice_hints_one_subscript_naming_the_same_items():
    message, hint = _refusal(rh.chained_slice, X.copy())
    assert "Y[1:3] is a view of Y" in hint and "x[a:b][j] is x[a + j]" in hint
    assert "x[i, j] = ...;" not in hint   # (Y[1:3, 0] is another write)
    _same_function(rh.chained_slice, rh.chained_slice_hint, X.copy())


# ----------------------------------------------------------- 2. in-place numpy writes
@pytest.mark.parametrize("refused", [rh.put_flat, rh.put_method])
def test_put_hints_the_flattened_array(refused):
    message, hint = _refusal(refused, X2.copy())
    assert "in place" in message
    assert "flat = a.flatten(); flat[indices] = values; a = flat.reshape(a.shape)" in hint
    assert "indices index the flattened array" in hint
    _same_function(refused, rh.put_hint, X2.copy())


def test_place_hints_its_values_repeated_over_the_true_items():
    message, hint = _refusal(rh.place_cycled, V4.copy())
    assert "'np.place(a, ...)' writes into its first argument in place" in message
    assert "a[mask] = np.asarray(values)[np.arange(np.count_nonzero(mask)) % " \
           "len(values)]" in hint
    assert "np.where(mask, values, a)" not in hint   # (a ValueError for two values)
    _same_function(rh.place_cycled, rh.place_hint, V4.copy())


@pytest.mark.parametrize("refused, hinted, words", [
    (rh.along_rows, rh.along_rows_hint, "a[indices, np.arange(a.shape[1])] = values"),
    (rh.along_columns, rh.along_columns_hint,
     "a[np.arange(a.shape[0])[:, None], indices] = values"),
])
def test_put_along_axis_hints_the_recipe_of_its_axis(refused, hinted, words):
    message, hint = _refusal(refused, X2.copy())
    assert "np.put_along_axis" in message
    assert words in hint
    _same_function(refused, hinted, X2.copy())


@pytest.mark.parametrize("refused, hinted, words, args", [
    (rh.putmask_by_position, rh.putmask_hint,
     "a = np.where(mask, values, a) (values: of a's shape, or one value)", (V3.copy(),)),
    (rh.diagonal_filled, rh.diagonal_hint,
     "a[np.arange(n), np.arange(n)] = value, n = min(a.shape)",
     (np.array([[0.3, 0.8, 0.1], [1.2, 0.5, 0.7]]),)),
])
def test_putmask_and_fill_diagonal_hints_hold(refused, hinted, words, args):
    _, hint = _refusal(refused, *args)
    assert words in hint
    _same_function(refused, hinted, *args)


# ----------------------------------------------------------- 3. Y.flat[k] = v
def test_a_write_through_flat_hints_code_that_is_not_refused():
    message, hint = _refusal(rh.flat_write, X2.copy())
    assert "a write through Y.flat (Y.flat[3] = ...)" in message
    assert "flat = Y.flatten(); flat[3] = ...; Y = flat.reshape(Y.shape)" in hint
    assert "Y.flat.copy()" not in hint   # (.flat itself is refused)
    _same_function(rh.flat_write, rh.flat_write_hint, X2.copy())


# ----------------------------------------------------------- 4. a.resize(shape)
@pytest.mark.parametrize("refused, hinted", [(rh.resize_shrink, rh.resize_shrink_hint),
                                             (rh.resize_grow, rh.resize_grow_hint)])
def test_resize_hints_zeros_where_it_grows(refused, hinted):
    message, hint = _refusal(refused, V3.copy())
    assert "'.resize()' changes the array it is called on in place" in message
    assert "np.zeros(max(n - a.size, 0))" in hint and "fills the rest with zeros" in hint
    assert "a = np.resize(a, shape)" not in hint   # (no rule; it repeats the items)
    _same_function(refused, hinted, V3.copy())


# ----------------------------------------------------------- 5. y.shape = s
def test_assigning_shape_says_what_python_does_and_hints_reshape():
    message, hint = _refusal(rh.shape_set, V3.copy())
    assert "cannot assign to a" not in message
    assert "y.shape = (3, 1): it reshapes the array y holds in place" in message
    assert "y = y.reshape((3, 1))" in hint
    _same_function(rh.shape_set, rh.shape_set_hint, V3.copy())


def test_assigning_dtype_says_it_reads_the_bytes():
    message, hint = _refusal(rh.dtype_set, V3.copy())
    assert "y = y.view(t)" in message and "not converted" in message
    assert "y = y.astype(np.int64)" in hint and "a different function" in hint


def test_assigning_real_hints_the_write_into_the_array():
    message, hint = _refusal(rh.real_set, V3.copy())
    assert "y.real = x[0]" in message
    assert "y[...] = x[0]" in hint
    _same_function(rh.real_set, rh.real_set_hint, V3.copy())


def test_assigning_an_objects_attribute_says_so():
    message, hint = _refusal(rh.object_attribute, V3.copy())
    assert "assigning an attribute (b.w = x * 2.0)" in message
    assert "refusal_hints22.py:" in message
    assert "bind the value to a name (w = ...)" in hint


# ----------------------------------------------------------- 6. complex tangents
def test_a_complex_tangent_is_named_as_the_tangent():
    x = np.array([0.5, 1.0])
    with pytest.raises(ValueTypeError) as info:
        s2sad.jvp(rh.two_real, wrt=0)(x, 2.0, np.array([1j, 0]))
    assert str(info.value).startswith("the tangent given to the jvp of two_real for 'x' "
                                      "is complex (ndarray)")
    with pytest.raises(ValueTypeError) as info:
        s2sad.hvp(rh.two_real, wrt=0)(x, 2.0, np.array([1j, 0]))
    assert str(info.value).startswith("the direction v given to the hvp of two_real is "
                                      "complex (ndarray)")
    with pytest.raises(ValueTypeError, match="argument 1 of two_real is complex"):
        s2sad.jvp(rh.two_real, wrt=0)(x, 2j, np.ones(2))   # (an argument still is one)


# ----------------------------------------------------------- 7. lambdas given
def test_piecewise_of_lambdas_gets_the_select_hint():
    x = np.array([-0.3, 1.4, 0.2, 0.6])
    message, hint = _refusal(rh.piecewise_lambdas, x.copy(), kind=NoDerivativeRuleError)
    assert "no derivative rule for numpy.piecewise" in message
    assert "np.select(condlist, [f(x), g(x)])" in hint
    assert "lambda" not in message.splitlines()[0]
    _same_function(rh.piecewise_lambdas, rh.piecewise_hint, x.copy())


def test_max_with_a_lambda_key_gets_the_key_hint():
    x = np.array([-0.3, 1.4, 0.2, -0.6])
    message, hint = _refusal(rh.max_key_lambda, x.copy(), kind=NoDerivativeRuleError)
    assert "no derivative rule for max" in message
    assert "lambda" not in message.splitlines()[0]
    assert "xs[np.argmax([k(v) for v in xs])]" in hint
    _same_function(rh.max_key_lambda, rh.max_key_hint, x.copy())


def test_min_of_two_with_a_lambda_key_gets_the_key_hint():
    message, hint = _refusal(rh.min_key_lambda, 0.7, -0.4, kind=NoDerivativeRuleError)
    assert "xs[np.argmin([k(v) for v in xs])]" in hint and "xs = [a, b]" in hint
    for a, b in ((0.7, -0.4), (0.2, -0.9)):
        want = rh.min_key_lambda(a, b)
        value, grads = s2sad.value_and_grad(rh.min_key_hint, wrt=(0, 1))(a, b)
        assert value == want
        fd = [finite_difference_gradient(rh.min_key_lambda, (a, b), argnum=k)
              for k in (0, 1)]
        np.testing.assert_allclose(grads, fd, rtol=1e-6, atol=1e-8)


def test_max_with_a_default_gets_its_hint():
    x = np.array([0.3, 0.8])
    _, hint = _refusal(rh.max_default, x.copy(), kind=NoDerivativeRuleError)
    assert "max(xs, default=d) is max(xs) if len(xs) else d" in hint
    _same_function(rh.max_default, rh.max_default_hint, x.copy())


# ----------------------------------------------------------- 8. np.float32, wrt
def test_float32_of_a_value_is_a_cast():
    x = np.array([0.3, 0.7, 1.1])
    # f = x0 * sum(x) + x1 ** 2, x0 and x1 rounded to float32 where cast: by hand
    x32 = x.astype(np.float32).astype(np.float64)
    want = np.array([x.sum() + x32[0], x32[0] + 2.0 * x32[1], x32[0]])
    value, grad = s2sad.value_and_grad(rh.float32_cast)(x.copy())
    assert value == rh.float32_cast(x.copy())
    np.testing.assert_allclose(grad, want, rtol=1e-7)
    _, tangent = s2sad.jvp(rh.float32_cast)(x.copy(), np.array([0.0, 1.0, 0.0]))
    assert tangent == pytest.approx(want[1], rel=1e-7)


def test_wrt_takes_numpy_integers():
    x = np.array([0.5, 1.0])
    got = s2sad.grad(rh.two_real, wrt=np.int64(1))(x, 2.0)
    assert got == pytest.approx(np.sum(np.sin(x)))
    both = s2sad.grad(rh.two_real, wrt=(np.int32(0), "s"))(x, 2.0)
    np.testing.assert_allclose(both[0], 2.0 * np.cos(x))
    for refused in (np.bool_(True), True, 1.0):   # (after wrt=1: no cached one taken)
        s2sad.grad(rh.two_real, wrt=1)(x, 2.0)
        with pytest.raises(s2sad.errors.WrtError, match="parameter index or name"):
            s2sad.grad(rh.two_real, wrt=refused)(x, 2.0)
