"""The constructs GradBench's objectives are written with (issue 15, section 2), against
central finite differences in float64: reverse (value_and_grad, vjp), forward (jvp) and
second order (hvp against differences of finite-difference gradients, hessian), and the
command line.

* tuple assignment into items (``(s2[i], s2[i + 1]) = cell(...)``), of arrays and lists,
  nested (``(a, (b[0], c)) = ...``), in loops; targets assigned from left to right after
  the right side, as Python does (``((a, b), a)`` keeps the last ``a``: it kept the
  first, silently, before);
* starred items of displays (``(1, *w.shape, 1)``, ``[*w, v]``);
* docstrings in functions with early returns (refused before: the early return's flags
  came before the docstring, which became a statement "with no effect"), in helpers,
  nested functions and functions defined in loops; a string statement anywhere;
* writes through pairs of index arrays (``Ls[:, rows, cols] = l``), repeated or not.
"""

import sys
import textwrap

import numpy as np
import pytest

import gradbench_constructs as gc
import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads, finite_difference_gradient
from in_process import s2sad_command

X4 = np.array([0.3, -0.7, 1.1, 0.4])
X6 = np.array([0.3, -0.7, 1.1, 0.4, 0.9, -0.2])

CASES = [
    (gc.items_of_two_arrays, X4), (gc.item_and_name, X4), (gc.list_items, X4),
    (gc.list_display_target, X4), (gc.nested_item, X4), (gc.nested_names_keep_the_last, X4),
    (gc.nested_index_read_after_its_name, X4), (gc.item_then_its_index, X4),
    (gc.index_then_its_item, X4), (gc.rows_in_a_loop, X4),
    (gc.list_of_states_in_a_loop, X4),
    (gc.shape_around, X4), (gc.zeros_of_a_starred_shape, X4), (gc.starred_in_the_middle, X4),
    (gc.starred_rows, X4), (gc.starred_list_grown_in_a_loop, X4),
    (gc.docstring_early_return, X4), (gc.docstring_early_return, -X4),
    (gc.docstring_return_in_a_loop, X4), (gc.docstring_return_in_a_loop, 0.2 * X4),
    (gc.docstring_helpers, X4), (gc.docstring_helpers, -X4),
    (gc.docstring_nested_function, X4), (gc.docstring_function_in_a_loop, X4),
    (gc.string_as_a_comment, X4),
    (gc.lower_triangles, X6), (gc.lower_triangles_constant, X6), (gc.repeated_pairs, X6),
    (gc.repeated_by_negative_index, X6), (gc.broadcast_pairs, X6),
    (gc.pairs_after_an_ellipsis, X6), (gc.pairs_in_a_loop, X6), (gc.mask_write, X6),
]
IDS = [f"{f.__name__}-{i}" for i, (f, _) in enumerate(CASES)]


def _fd_hvp(f, x, v, h=1e-4):
    """H v by central differences of finite-difference gradients (nothing of s2sad's)."""
    plus = finite_difference_gradient(f, (x + h * v,))
    minus = finite_difference_gradient(f, (x - h * v,))
    return (plus - minus) / (2 * h)


@pytest.mark.parametrize("func, x", CASES, ids=IDS)
def test_reverse_and_forward_against_finite_differences(func, x):
    check_grads(func, (x.copy(),), modes=("reverse", "forward"))


@pytest.mark.parametrize("func, x", CASES, ids=IDS)
def test_hvp_against_finite_differences(func, x):
    v = np.linspace(-1.0, 0.8, x.size)
    np.testing.assert_allclose(s2sad.hvp(func)(x.copy(), v), _fd_hvp(func, x, v),
                               rtol=1e-4, atol=1e-5)


def test_the_order_of_the_targets_decides_the_values():
    # values of Python itself, and derivatives that follow them
    x = X4.copy()
    for func in (gc.nested_names_keep_the_last, gc.nested_index_read_after_its_name,
                 gc.item_then_its_index, gc.index_then_its_item):
        value, _ = s2sad.value_and_grad(func)(x.copy())
        assert value == pytest.approx(func(x.copy()))
    # ((a, b), a) = ((x0, x1), x2): a is x2 (the last target), by hand
    np.testing.assert_allclose(s2sad.grad(gc.nested_names_keep_the_last)(x),
                               [0.0, x[3], 10.0, x[1]])


def test_hessian_of_the_lstm_objective():
    rng = np.random.default_rng(3)
    main = rng.normal(size=(4, 8)) * 0.5
    extra = rng.normal(size=(3, 2)) * 0.5
    state = rng.normal(size=(4, 2)) * 0.5
    sequence = rng.normal(size=(4, 2))
    args = (main, extra, state, sequence)
    check_grads(gc.lstm_objective, args, wrt=(0, 1), modes=("reverse", "forward"))

    def of_extra(e):
        return gc.lstm_objective(main, e, state, sequence)

    H = np.asarray(s2sad.hessian(gc.lstm_objective, wrt=1)(*args)).reshape(6, 6)
    reference = np.stack([_fd_hvp(of_extra, extra, e.reshape(3, 2)).ravel()
                          for e in np.eye(6)])
    np.testing.assert_allclose(H, reference, rtol=1e-4, atol=1e-5)


def test_a_hessian_through_tuple_items_and_docstrings():
    for func in (gc.nested_item, gc.docstring_helpers, gc.lower_triangles):
        x = X6.copy() if func is gc.lower_triangles else X4.copy()
        H = s2sad.hessian(func)(x.copy())
        reference = np.stack([_fd_hvp(func, x, e) for e in np.eye(x.size)])
        np.testing.assert_allclose(H, reference, rtol=1e-4, atol=1e-5)


def test_an_attribute_in_a_tuple_target_is_refused_where_written():
    with pytest.raises(UnsupportedSyntaxError, match="cannot assign to an attribute") as err:
        s2sad.grad(gc.attribute_in_a_tuple_target)(X4.copy())
    assert "BOX.a, y = x[0], x[1]" in str(err.value)


MODEL = textwrap.dedent('''\
    import numpy as np


    def pair(a, b):
        """Two values."""
        if a > 5.0:
            return a, b
        return a * b, np.sin(a) + b


    def loss(x):
        """Items, a starred shape and index pairs."""
        s = np.zeros((*x.shape, 2))
        for i in range(2):
            (s[i, 0], (s[i + 1, 1], t)) = (x[i], pair(x[i], x[i + 2]))
            s[i, 1] = s[i, 1] + t
        rows, cols = np.array([1, 2]), np.array([0, 0])
        s[rows, cols] = s[rows, cols] * x[:2]
        return np.sum(s ** 2)
    ''')


@pytest.mark.parametrize("mode, flavor", [("reverse", "value_and_grad"),
                                          ("forward", "jvp"), ("forward", "hvp")])
def test_the_command_line(tmp_path, mode, flavor):
    (tmp_path / "model.py").write_text(MODEL, encoding="utf-8")
    proc = s2sad_command(["grad", "model.py:loss",
                           "--mode", mode, "--flavor", flavor], cwd=tmp_path,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    namespace = {}
    exec(compile(proc.stdout, "loss_derivative.py", "exec"), namespace)
    sys.path.insert(0, str(tmp_path))
    try:
        import model
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("model", None)
    x = np.array([0.3, -0.7, 1.1, 0.4])
    v = np.array([0.5, 1.0, -0.4, 0.2])
    grad = finite_difference_gradient(model.loss, (x,))
    if flavor == "value_and_grad":
        value, g = namespace["loss_value_and_grad"](x.copy())
        assert value == pytest.approx(model.loss(x.copy()))
        np.testing.assert_allclose(g, grad, rtol=1e-5, atol=1e-6)
    elif flavor == "jvp":
        value, tangent = namespace["loss_jvp"](x.copy(), v)
        assert tangent == pytest.approx(grad @ v, rel=1e-5)
    else:
        (value, g), hv = namespace["loss_hvp"](x.copy(), v)
        np.testing.assert_allclose(g, grad, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(hv, _fd_hvp(model.loss, x, v), rtol=1e-4, atol=1e-5)
