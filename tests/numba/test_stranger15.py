"""backend="numba" on stranger15's programs (bug1, 2, 3, 8, 12): a dict parameter named
as the parameter it is, with advice that works; second-order code of pair loops and an
integer-array index compiled; a helper's keyword-only tangents passed by position; a
variable numba types two ways named at its lines, without machine paths; numba's
reflected-list deprecation about s2sad's own code kept from the user.  Every gradient is
checked against central finite differences or a derivative written by hand."""

import inspect
import re
import warnings

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="numba is an optional extra: pip install "
                                            "'s2sad[numba]'")

import numba_stranger15 as M  # noqa: E402
import s2sad  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402


def _run(make, *args):
    """``make()``'s function called on ``args``: (result, the function, the fallback
    messages, every warning's category)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = make()
        result = g(*args)
    messages = [str(w.message) for w in caught
                if issubclass(w.category, s2sad.NumbaFallbackWarning)]
    return result, g, messages, [w.category for w in caught]


def _line(func, text):
    lines, first = inspect.getsourcelines(func)
    return first + next(k for k, line in enumerate(lines) if text in line)


def _no_machine_text(message):
    assert " at 0x" not in message and ".cache" not in message
    assert "defined at" not in message and "\x1b[" not in message


# bug1: a dict parameter ----------------------------------------------------------------

def test_a_dict_parameter_is_named_as_the_parameter_it_is():
    x = np.linspace(-1, 1, 6)
    coef = {"a": 0.7, "b": 1.3}
    (value, grad), g, messages, _ = _run(
        lambda: s2sad.value_and_grad(M.iir, wrt=0, backend="numba"), x, coef)
    assert g.backend_used == "numpy" and len(messages) == 1
    message = messages[0]
    assert "the parameter 'coef' of iir" in message
    assert f"line {_line(M.iir, 'def iir')}: def iir(x, coef):" in message
    assert "a Python dict, which numba takes as no argument" in message
    assert "one parameter per key of 'coef'" in message
    assert "global" not in message and "pass it as an argument" not in message
    np.testing.assert_allclose(grad, fd(lambda x: M.iir(x, coef), (x,)), rtol=1e-6)


def test_a_dict_of_arrays_parameter_too_in_forward_mode():
    x, prm = np.array([0.5, -1.0, 2.0]), {"a": np.arange(3.0)}
    for make, args in ((lambda: s2sad.value_and_grad(M.weighted, wrt=0, backend="numba"),
                        (x, prm)),
                       (lambda: s2sad.jvp(M.weighted, wrt=0, backend="numba"),
                        (x, prm, np.ones(3)))):
        result, g, messages, _ = _run(make, *args)
        assert g.backend_used == "numpy" and len(messages) == 1
        assert "the parameter 'prm' of weighted" in messages[0]
        assert "global" not in messages[0]
        assert result[1] == pytest.approx(np.arange(3.0)) if len(args) == 2 else \
            result[1] == pytest.approx(0.0 + 1.0 + 2.0)   # (by hand: sum of a)


# bug2: second-order code of a pair loop; a variable numba types two ways ---------------

def _coulomb_grad(pos, q):
    """The gradient of ``coulomb`` with respect to ``pos``, by hand."""
    out = np.zeros_like(pos)
    for i in range(len(q)):
        for j in range(i + 1, len(q)):
            rij = pos[i] - pos[j]
            g = -q[i] * q[j] * rij / np.dot(rij, rij) ** 1.5
            out[i] += g
            out[j] -= g
    return out


def test_the_hessian_of_a_pair_loop_compiles_and_is_right():
    pos = np.array([[0.0, 0, 0], [1.1, 0.1, 0], [0.2, 1.2, 0.1]])
    q = np.array([1.0, -1.0, 0.5])
    h, g, messages, _ = _run(lambda: s2sad.hessian(M.coulomb, backend="numba"), pos, q)
    assert not messages and g.backend_used == "numba"
    reference = np.empty((3, 3, 3, 3))
    eps = 1e-6
    for index in np.ndindex(3, 3):
        up, down = pos.copy(), pos.copy()
        up[index] += eps
        down[index] -= eps
        reference[(...,) + index] = (_coulomb_grad(up, q) - _coulomb_grad(down, q)) / (2 * eps)
    np.testing.assert_allclose(h, reference, rtol=1e-5, atol=1e-7)
    v = np.ones_like(pos)
    hv, g, messages, _ = _run(lambda: s2sad.hvp(M.coulomb, backend="numba"), pos, q, v)
    assert not messages and g.backend_used == "numba"
    hv = hv[-1] if isinstance(hv, tuple) else hv
    np.testing.assert_allclose(hv, np.einsum("abcd,cd->ab", reference, v), rtol=1e-5,
                               atol=1e-7)


def test_a_variable_typed_two_ways_is_named_at_its_lines():
    x = np.array([1.0, 0.5])
    (value, grad), g, messages, _ = _run(
        lambda: s2sad.value_and_grad(M.scalar_loop, backend="numba"), np.array(0.7), x)
    assert g.backend_used == "numpy" and len(messages) == 1
    message = messages[0]
    _no_machine_text(message)
    assert "your variable 's' is array(float64, 0d, C) on one path and float64" in message
    assert f"line {_line(M.scalar_loop, 's = a')}: s = a" in message
    assert "for i in range" not in message and "rewrite" not in message
    assert "float(a)" in message
    expected = fd(lambda a: M.scalar_loop(a, x), (0.7,))
    assert float(grad) == pytest.approx(float(expected), rel=1e-6)
    # the advice works: a number compiles
    (value, grad), g, messages, _ = _run(
        lambda: s2sad.value_and_grad(M.scalar_loop, backend="numba"), 0.7, x)
    assert g.backend_used == "numba" and not messages
    assert grad == pytest.approx(float(expected), rel=1e-6)


def test_s2sads_own_adjoint_of_a_0d_argument_is_named_as_its_own():
    x = np.array([1.0, 0.5])
    (value, grad), g, messages, _ = _run(
        lambda: s2sad.value_and_grad(M.scaled_squares, backend="numba"), np.array(0.7), x)
    assert g.backend_used == "numpy" and len(messages) == 1
    message = messages[0]
    _no_machine_text(message)
    assert "the code s2sad generates for the adjoint 'a_bar'" in message
    assert "not of your code's types" in message and "rewrite" not in message
    assert "float(a)" in message
    assert float(grad) == pytest.approx(np.sum(x ** 2), rel=1e-12)   # (by hand)
    (value, grad), g, messages, _ = _run(   # the advice works
        lambda: s2sad.value_and_grad(M.scaled_squares, backend="numba"), 0.7, x)
    assert g.backend_used == "numba" and not messages
    assert grad == pytest.approx(np.sum(x ** 2), rel=1e-12)


def test_s2sads_own_tangent_typed_two_ways_is_named_as_its_own():
    from s2sad.api.numba_messages import _OWN_LIMITATION, UNIFY, two_types

    class Entry:
        depends_on = None
    text = ("Cannot unify float64 and array(float64, 1d, C) for 'rij_1_dot.2', defined at "
            "/somewhere/coulomb_hvp_1.py (3)")
    lines = ["def coulomb_hvp(pos, q, pos_dot):", "    # line 7: rij = pos[i] - pos[j]",
             "    rij_1_dot = rij_2_dot"]
    what, todo = two_types(UNIFY.search(text), Entry(), lines, M.coulomb, "?")
    assert "the code s2sad generates for the tangent 'rij_1_dot'" in what
    assert "line 7: rij = pos[i] - pos[j]" in what and "/somewhere" not in what
    assert todo == _OWN_LIMITATION


# bug3: an index of integer arrays ------------------------------------------------------

def test_an_index_of_integer_arrays_compiles():
    pos = np.array([[0.0, 0, 0], [1.1, 0.1, 0], [0.2, 1.2, 0.1]])
    (value, grad), g, messages, _ = _run(
        lambda: s2sad.value_and_grad(M.pair_energy, backend="numba"), pos)
    assert g.backend_used == "numba" and not messages
    np.testing.assert_allclose(grad, fd(M.pair_energy, (pos,)), rtol=1e-6)


@pytest.mark.parametrize("idx", [np.array([0, 2, 2, -1]), np.array([1])])
def test_one_integer_array_adds_each_position_named_twice(idx):
    x = np.array([0.3, -0.4, 1.2, 0.9])
    (value, grad), g, messages, _ = _run(
        lambda: s2sad.value_and_grad(M.picked, backend="numba"), x, idx)
    assert g.backend_used == "numba" and not messages
    expected = np.zeros(4)
    np.add.at(expected, idx, 2.0 * np.cos(x[idx]))   # (by hand)
    np.testing.assert_allclose(grad, expected, rtol=1e-12)


def test_rows_picked_by_integer_arrays():
    from s2sad.backends.numba_runtime import add_into

    @numba.njit
    def rows(x_bar, index, g):
        return add_into(x_bar, index, g)
    index = np.array([0, 2, 0])
    g = np.arange(6.0).reshape(3, 2)
    expected = np.zeros((3, 2))
    np.add.at(expected, index, g)
    np.testing.assert_array_equal(rows(np.zeros((3, 2)), index, g), expected)
    expected = np.zeros((3, 2))
    np.add.at(expected, (index, np.array([1, 1, 1])), 1.5)
    np.testing.assert_array_equal(
        rows(np.zeros((3, 2)), (index, np.array([1, 1, 1])), 1.5), expected)


def test_a_runtime_helper_numba_does_not_take_is_named_as_s2sads():
    x, mask = np.array([0.3, -0.4, 1.2, 0.9]), np.array([True, False, True, True])
    (value, grad), g, messages, _ = _run(
        lambda: s2sad.value_and_grad(M.picked, backend="numba"), x, mask)
    assert g.backend_used == "numpy" and len(messages) == 1
    message = messages[0]
    _no_machine_text(message)
    assert "the generated code's call of runtime helper 'add_at_key'" in message
    assert "add_at_key(array(float64, 1d, C), array(bool, 1d, C)" in message
    assert f"grad of line {_line(M.picked, 'return')}" in message
    assert "rewrite" not in message and "found for signature:" not in message
    np.testing.assert_allclose(grad, np.where(mask, 2.0 * np.cos(x), 0.0), rtol=1e-12)


def test_a_runtime_helper_numba_does_not_take_is_named_without_an_address():
    from s2sad.api.numba_backend import own_construct
    text = ("No implementation of function Function(<function add_at_key at 0x7f00aa>) found "
            "for signature:\n \n >>> add_at_key(array(float64, 1d, C), array(bool, 1d, C), "
            "array(float64, 1d, C))\n")
    own = own_construct(text)
    assert own.startswith("its runtime helper 'add_at_key' (s2sad.backends.numba_runtime)")
    assert "add_at_key(array(float64, 1d, C), array(bool, 1d, C)" in own
    assert own_construct(text.replace("add_at_key", "my_function")) is None


# bug8: a helper's tangent with keyword-only tangents ----------------------------------

def test_a_helpers_keyword_only_tangents_compile():
    x, v = np.array([0.3, -0.2, 0.7]), np.array([1.0, 2.0, -1.0])
    (value, tangent), g, messages, _ = _run(
        lambda: s2sad.jvp(M.energy, backend="numba"), x, v)
    assert g.backend_used == "numba" and not messages
    assert value == pytest.approx(np.sum(2.0 * x * x)) and \
        tangent == pytest.approx(np.sum(4.0 * x * v))   # (by hand)


def test_the_numba_target_passes_keyword_only_tangents_by_position():
    from s2sad.backends.numba_target import to_numba
    text = to_numba(s2sad.jvp(M.energy).source, "energy_jvp", wrapper=True)
    assert "def helper_jvp_v(v, k, v_dot):" in text
    assert re.search(r"helper_jvp_v\(x_item, 2\.0, x_item_dot\)", text)


def test_keyword_calls_left_as_they_are_where_they_cannot_be_made_positional():
    from s2sad.backends.numba_tangents import positional_keywords
    text = ("def h(v, *, v_dot):\n    return v + v_dot\n\n\n"
            "def f(x, x_dot):\n    g = h\n    return h(x, v_dot=x_dot)\n")
    assert positional_keywords(text, "f") == text   # (h used other than called)
    text = "def h(v, *, v_dot):\n    return v\n\n\ndef f(x, d):\n    return h(v_dot=d, v=x)\n"
    assert "def h(v, v_dot):" in positional_keywords(text, "f")
    assert "return h(x, d)" in positional_keywords(text, "f")


# bug12: a list argument --------------------------------------------------------------

def test_a_list_argument_shows_no_numba_deprecation_of_s2sads_code():
    xs, w = [np.ones(2), 2 * np.ones(2)], 0.7
    (value, grad), g, messages, categories = _run(
        lambda: s2sad.value_and_grad(M.list_sum, wrt=1, backend="numba"), xs, w)
    assert g.backend_used == "numba" and not messages
    assert not [c for c in categories if "Deprecation" in c.__name__]
    assert grad == pytest.approx(fd(lambda w: M.list_sum(xs, w), (w,)), rel=1e-6)


def test_the_filter_keeps_numbas_warning_about_other_functions():
    from s2sad.api.numba_messages import reflected_filter
    import types as pytypes
    module = pytypes.ModuleType("generated")
    module.f_value_and_grad = numba.njit(lambda xs: 0.0)
    quiet = reflected_filter(module)
    category = numba.core.errors.NumbaPendingDeprecationWarning
    text = ("\x1b[1m\nEncountered the use of a type that is scheduled for deprecation: type "
            "'reflected list' found for argument 'xs' of function '{}'.\n")
    def warn_each():
        for name in ("f_value_and_grad", "_check_indexes.<locals>.impl", "users_own"):
            warnings.warn(text.format(name), category)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet(warn_each)
    assert len(caught) == 1 and "of function 'users_own'" in str(caught[0].message)
