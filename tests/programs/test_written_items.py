"""Items of an array held in a list, a tuple or a dict, then the array written in place
(open finding ``items_of_a_written_parameter``, found by the None-buffer fuzz test, seed
3093): ``dl = [x[0], x[1] * 2.0]; x *= -0.75`` was refused as a write that "would also
change the list or tuple that holds 'x'".  An item of a 1-d array is a number, a copy,
and the write cannot change the list: differentiated now, in every mode, against
central finite differences.  Where an item is a view (a row of a 2-d array) Python's
write changes the list too: refused when the code runs, at the write, naming the
container.  The array itself, a slice, ``.T`` or a reshape in the list are views for
any rank: refused as before.  A local function reading such an item, called after the
write, gave a wrong value and derivative for a 2-d array: refused now the same way."""

import inspect

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads

import written_items as W

V = np.array([0.3, -0.7, 1.1])
M = np.array([[0.3, -0.7], [1.1, 0.5], [0.2, -0.4]])

NUMBERS = [W.items_then_scaled, W.tuple_items_then_added, W.dict_items_then_subtracted,
           W.nested_items_then_divided, W.appended_items_then_scaled,
           W.items_then_slice_written, W.items_then_whole_written, W.local_items_then_updated,
           W.items_in_a_helper, W.items_each_trip, W.items_read_by_a_lambda,
           W.item_read_by_a_local_function, W.item_read_by_a_lambda_called_before]

# (the function, the write's text: where the refusal points, the container it names)
ROWS = [(W.items_then_scaled, "x *= -0.75", "dl"), (W.tuple_items_then_added, "x += 1.5", "dl"),
        (W.dict_items_then_subtracted, "x -= 0.25", "dd"),
        (W.nested_items_then_divided, "x /= 3.0", "dl"),
        (W.appended_items_then_scaled, "x *= 0.5", "dl"),
        (W.items_then_slice_written, "x[1:] = x[1:] * 0.5", "dl"),
        (W.items_then_whole_written, "x[...] = np.tanh(x)", "dl"),
        (W.local_items_then_updated, "y -= 0.5", "dl"),
        (W.items_in_a_helper, "y *= 0.5", "dl"), (W.items_each_trip, "x *= 0.5", "acc"),
        (W.items_read_by_a_lambda, "x *= -0.75", "dl"),
        (W.item_read_by_a_local_function, "x *= 2.0", "a")]

VIEWS = [(W.whole_array_then_scaled, "x *= -0.75"), (W.tail_then_scaled, "x *= -0.75"),
         (W.transposed_then_added, "x += 1.5"), (W.reshaped_then_scaled, "x *= 2.0")]


def _central(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        g[i] = (f(up) - f(down)) / (2 * eps)
    return g


def _central_hessian(f, x, eps=1e-4):
    rows = []
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        rows.append(((_central(f, up, 1e-5) - _central(f, down, 1e-5)) / (2 * eps)).ravel())
    return np.array(rows)


def _where(func, text):
    """``file:line:`` of the statement ``text`` in ``func``'s source, or in the helper
    it calls."""
    for candidate in (func, W.scale_items):
        lines, start = inspect.getsourcelines(candidate)
        for k, line in enumerate(lines):
            if line.strip() == text:
                return f"written_items.py:{start + k}:"
    raise AssertionError(text)


@pytest.mark.parametrize("func", NUMBERS + [W.pair_items_then_scaled],
                         ids=lambda f: f.__name__)
def test_items_that_are_numbers_are_differentiated_in_every_mode(func):
    x0 = M if func is W.pair_items_then_scaled else V
    x = x0.copy()
    value, grad = s2sad.value_and_grad(func)(x)
    np.testing.assert_array_equal(x, x0)   # (the caller's array as it was)
    assert value == pytest.approx(func(x0.copy()), rel=1e-12)
    np.testing.assert_allclose(grad, _central(func, x0), atol=1e-6)
    check_grads(func, (x0.copy(),), modes=("reverse", "forward"))
    hess = np.asarray(s2sad.hessian(func)(x0.copy())).reshape(x0.size, x0.size)
    np.testing.assert_allclose(hess, _central_hessian(func, x0), atol=1e-4)


@pytest.mark.parametrize("func, text, container", ROWS, ids=[r[0].__name__ for r in ROWS])
def test_rows_of_a_matrix_written_in_place_are_refused_at_the_write(func, text, container):
    """Each row ``x[0]`` is a view of the matrix: Python's write changes the container's
    item too, which s2sad does not follow.  Refused where the code runs, in every mode."""
    runs = [lambda: s2sad.value_and_grad(func)(M.copy()),
            lambda: s2sad.jvp(func)(M.copy(), np.ones_like(M)),
            lambda: s2sad.vjp(func)(M.copy())[1](1.0),
            lambda: s2sad.hessian(func)(M.copy())]
    for run in runs:
        with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
            run()
        message = str(info.value)
        assert _where(func, text) in message
        assert f"may also change {container!r}" in message


@pytest.mark.parametrize("func, text", VIEWS, ids=[v[0].__name__ for v in VIEWS])
@pytest.mark.parametrize("x", [V, M], ids=["vector", "matrix"])
def test_views_in_a_container_are_refused_for_any_rank(func, text, x):
    for run in (lambda: s2sad.grad(func)(x.copy()),
                lambda: s2sad.jvp(func)(x.copy(), np.ones_like(x))):
        with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
            run()
        message = str(info.value)
        assert _where(func, text) in message
        assert "would also change the list or tuple that holds 'x'" in message


@pytest.mark.parametrize("func, words", [
    (W.copied_into_beside_items, "np.copyto(a, ...)"),
    (W.written_out_beside_items, "np.multiply(..., out=...)")])
def test_copyto_and_out_stay_refused_with_their_own_hint(func, words):
    """np.copyto and out= are refused wherever they are written (s2sad differentiates
    values): beside items of the array too, with their message, not the container's."""
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(func)(V.copy())
    assert words in str(info.value) and "written_items.py:" in str(info.value)
    assert "holds" not in str(info.value)


def test_a_local_function_called_before_the_write_reads_the_row_as_python_does():
    """Called only before the write, it reads the row before the change, as Python does:
    not refused for a matrix."""
    func = W.item_read_by_a_lambda_called_before
    value, grad = s2sad.value_and_grad(func)(M.copy())
    assert value == pytest.approx(func(M.copy()), rel=1e-12)
    np.testing.assert_allclose(grad, _central(func, M), atol=1e-6)


def test_the_open_finding_is_closed():
    from s2sad.fuzz.open_findings import OPEN_FINDINGS
    assert not any(row[-1] == "open:items_of_a_written_parameter" for row in OPEN_FINDINGS)
