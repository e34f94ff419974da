"""Keyword arguments of numpy functions that were refused though their derivative is
simple: ``dtype=`` of the reductions and scans, ``initial=`` / ``where=`` of ``np.max``
and ``np.min``, memory orders, ``x.astype(t, copy=False)``, and ``np.linalg.lstsq``'s
third derivative.  Values here against derivatives written by hand or central finite
differences; the op table (``rows_keywords.py``) checks each form to second order."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import NoDerivativeRuleError, S2sadError
from s2sad.runtime.scans import OrderLimitError
from s2sad.testing import check_grads

M = np.array([[0.2, 0.5, 0.1], [0.7, 0.7, -1.0], [0.0, 0.1, 0.2]])
W = np.array([1.0, 2.0, 3.0])


def _fd(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        hi, lo = x.copy(), x.copy()
        hi[i] += eps
        lo[i] -= eps
        grad[i] = (f(hi) - f(lo)) / (2 * eps)
    return grad


def test_a_float32_dtype_gives_the_gradient_in_the_arguments_dtype(load):
    module = load("kw_float32", """
        import numpy as np

        def f(x):
            return np.sum(np.sin(x), dtype=np.float32) + x.mean(dtype='float32')
        """)
    x = np.linspace(0.1, 1.0, 6).reshape(2, 3)
    grad = s2sad.grad(module.f)(x)
    assert grad.dtype == np.float64
    np.testing.assert_allclose(grad, np.cos(x) + 1.0 / 6.0, rtol=1e-6)
    _, tangent = s2sad.jvp(module.f)(x, np.ones_like(x))
    np.testing.assert_allclose(tangent, np.sum(np.cos(x)) + 1.0, rtol=1e-5)


def test_the_default_dtype_is_not_written_into_the_derivative(load):
    module = load("kw_default", """
        import numpy as np

        def f(x):
            return np.sum(np.cumsum(x * x, axis=0)) + np.reshape(x, (9,))[0]
        """)
    for source in (s2sad.grad(module.f).source, s2sad.jvp(module.f).source):
        code = "\n".join(line for line in source.splitlines()
                         if not line.lstrip().startswith("#"))
        assert "np.cumsum" in code and "dtype" not in code and "order" not in code


def test_max_with_initial_shares_a_tie_with_it_and_gives_nothing_where_it_wins(load):
    module = load("kw_initial", """
        import numpy as np

        W = np.array([1.0, 2.0, 3.0])

        def f(x):
            return np.sum(np.max(x, axis=1, initial=0.5) * W)
        """)
    # row 0: 0.5 ties with initial (half of 1.0); row 1: two 0.7 share 2.0; row 2: initial
    expected = np.array([[0.0, 0.5, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(s2sad.grad(module.f)(M.copy()), expected)
    _, tangent = s2sad.jvp(module.f)(M.copy(), np.ones_like(M))
    assert tangent == pytest.approx(np.sum(expected))


def test_min_with_where_and_initial_against_finite_differences(load):
    module = load("kw_where", """
        import numpy as np

        def f(x):
            return np.sum(x.min(axis=0, initial=1.0, where=x > -0.5) ** 2)
        """)
    x = np.array([[0.2, 1.5, -2.0], [0.7, 0.6, -1.0], [0.4, 1.2, 3.0]])
    np.testing.assert_allclose(s2sad.grad(module.f)(x.copy()), _fd(module.f, x), atol=1e-8)
    check_grads(module.f, (x,), modes=("reverse", "forward"))


def test_an_initial_that_carries_a_derivative_is_refused_where_it_is_written(load):
    module = load("kw_initial_active", """
        import numpy as np

        def f(x, v):
            return np.max(x, initial=v)
        """)
    with pytest.raises(NoDerivativeRuleError, match="np.maximum") as info:
        s2sad.grad(module.f, wrt=1)(M.copy(), 0.3)
    assert info.value.location.line == 5


# ('A': differentiated, test_reshape_order_a; an order a name holds: test_reshape_order_held)
def test_a_reshape_order_other_than_c_f_or_a_is_refused_where_it_is_written(load):
    module = load("kw_reshape_k", """
        import numpy as np

        def f(x, o='A'):
            return np.sum(np.reshape(x, (9,), order='K') * np.arange(9.0))
        """)
    # (the message names every order s2sad differentiates, 'A' too: it said
    # "order='C' or order='F'" alone before)
    with pytest.raises(NoDerivativeRuleError, match=r"order='C', order='F' or order='A'\n") \
            as info:
        s2sad.grad(module.f)(M.copy())
    assert info.value.location.line == 5


def test_fortran_reshape_and_copies_against_a_derivative_by_hand(load):
    module = load("kw_fortran", """
        import numpy as np

        def f(x):
            y = x.reshape((9,), order='F') * np.arange(9.0)
            return np.sum(y) + np.sum(np.asfortranarray(x).copy(order='F').ravel('K'))
        """)
    # d/dx of sum(x.ravel('F') * arange): x[i, j] is read at i + 3 j; the second term is
    # the sum of x
    expected = np.arange(9.0).reshape((3, 3), order="F") + 1.0
    np.testing.assert_allclose(s2sad.grad(module.f)(M.copy()), expected)


def test_astype_copy_false_is_a_view_whose_writes_are_checked(load):
    module = load("kw_astype", """
        import numpy as np

        def reads(x):
            y = x.astype(np.float64, copy=False)
            return np.sum(y * y * x)

        def writes(x):
            y = x.astype(float, copy=False)
            y[0] = 0.0
            return np.sum(x * x)

        def writes_a_copy(x):
            y = x.astype(float, copy=True)
            y[0] = 0.0
            return np.sum(x * y)
        """)
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(s2sad.grad(module.reads)(x.copy()), 3.0 * x ** 2)
    for transform in (lambda f: s2sad.grad(f)(x.copy()),
                      lambda f: s2sad.jvp(f)(x.copy(), np.ones(3))):
        with pytest.raises(S2sadError, match="writing into 'y' may also change 'x', which "
                                             "is read later"):
            transform(module.writes)   # (x itself: a float64 x is already float)
    # y is a copy: x * y's gradient is y + x where y follows x
    np.testing.assert_allclose(s2sad.grad(module.writes_a_copy)(x.copy()), [0.0, 4.0, 6.0])


LSTSQ = """
    import numpy as np
    import s2sad

    B = np.array([[1.0, 0.5], [0.2, 1.5], [0.3, -0.7]])
    V = np.array([[0.3, -0.2], [0.1, 0.4], [0.5, 0.2]])

    def f(A):
        x = np.linalg.lstsq(A, B, rcond=None)[0]
        return np.sum(x * x)

    def third(A):
        return np.sum(s2sad.hvp(f)(A, V))

    def f_s(A):
        r = np.linalg.lstsq(A, B, rcond=None)
        return np.sum(r[0] * r[0]) + np.sum(r[3] ** 3)

    def third_s(A):
        return np.sum(s2sad.hvp(f_s)(A, V))
    """
A = np.array([[1.0, 0.2], [0.3, 2.0], [0.5, 0.1]])


def test_the_third_derivative_of_lstsq_in_its_matrix(load):
    module = load("kw_lstsq", LSTSQ)
    np.testing.assert_allclose(s2sad.grad(module.third)(A.copy()), _fd(module.third, A),
                               rtol=1e-5, atol=1e-7)


def test_the_third_derivative_of_lstsq_through_its_singular_values_is_refused(load):
    module = load("kw_lstsq_s", LSTSQ)
    with pytest.raises(OrderLimitError, match=r"np\.linalg\.lstsq") as info:
        s2sad.grad(module.third_s)(A.copy())
    assert "svd_tangent" not in str(info.value) and "r[0], r[1]" in str(info.value)


def test_a_ufuncs_dtype_is_taken_when_float_and_refused_when_held_by_a_name(load):
    module = load("kw_ufunc", """
        import numpy as np

        def f(x):
            return np.sum(np.sin(x, dtype=np.float32) + np.multiply(x, x, dtype=float))

        def g(x, t):
            return np.sum(np.exp(x, dtype=t))
        """)
    x = np.linspace(0.1, 1.0, 4)
    np.testing.assert_allclose(s2sad.grad(module.f)(x.copy()), np.cos(x) + 2.0 * x, rtol=1e-6)
    with pytest.raises(NoDerivativeRuleError, match=r"np\.exp\(\.\.\., dtype=t\)") as info:
        s2sad.grad(module.g)(x.copy(), np.float64)
    assert info.value.location.line == 8


def test_median_overwrite_input_and_array_copy_take_only_what_keeps_the_values(load):
    module = load("kw_choices", """
        import numpy as np

        def kept(x):
            return np.sum(np.median(x, axis=0, overwrite_input=False) * np.array(x, copy=True))

        def sorts_in_place(x):
            return np.median(x * 1.0, overwrite_input=True)

        def may_be_x(x):
            return np.sum(np.array(x, copy=False))
        """)
    x = np.array([[0.3, 1.0, -0.2], [0.5, -1.0, 0.8], [0.1, 0.4, 2.0]])
    check_grads(module.kept, (x,), modes=("reverse", "forward"))
    for name, line in (("sorts_in_place", 8), ("may_be_x", 11)):
        with pytest.raises(NoDerivativeRuleError, match=r"with (overwrite_input=False|copy=True)") \
                as info:
            s2sad.grad(getattr(module, name))(x.copy())
        assert info.value.location.line == line


def test_the_nan_reductions_take_a_float_dtype(load):
    module = load("kw_nan_dtype", """
        import numpy as np

        def f(x):
            return (np.sum(np.nanvar(x, axis=0, dtype=np.float64)) + np.nanstd(x, dtype=float)
                    + np.nanprod(x, dtype=np.float64) + np.sum(np.nancumsum(x, dtype=float))
                    + np.sum(np.nancumprod(x, axis=1, dtype='float64')))
        """)
    x = np.array([[0.3, np.nan, -0.2], [0.5, -1.0, 0.8], [np.nan, 0.4, 2.0]])
    grad = s2sad.grad(module.f)(x.copy())
    finite = ~np.isnan(x)
    numeric = np.zeros_like(x)
    for i in zip(*np.nonzero(finite)):
        hi, lo = x.copy(), x.copy()
        hi[i] += 1e-6
        lo[i] -= 1e-6
        numeric[i] = (module.f(hi) - module.f(lo)) / 2e-6
    np.testing.assert_allclose(grad[finite], numeric[finite], rtol=1e-5, atol=1e-7)
    assert np.all(grad[~finite] == 0.0)   # (NaN entries: a zero derivative)
