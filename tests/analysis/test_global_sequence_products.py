"""A global list or tuple in ``* / // % ** @`` with a differentiated array (``L * x``,
which numpy computes with an array made from the list) crashed inside the generated
code (``unbroadcast(1.0 * L, x)``: TypeError, stranger21b r1) where a list parameter
or literal is refused: a global, or a copy of one, holding a list or tuple is refused
there too, located, with a hint that works; one rebound from an array to a list
between two calls is refused at the second.  References: derivatives by hand."""

import numpy as np
import pytest

import global_sequence_products as m
import s2sad

X = np.array([0.3, -1.2, 0.7])


@pytest.mark.parametrize("f, line, name", [(m.global_list_product, 9, "L"),
                                           (m.global_tuple_quotient, 13, "T"),
                                           (m.copy_of_a_global_list, 18, None)])
@pytest.mark.parametrize("transform", ["grad", "jvp"])
def test_a_global_sequence_in_a_product_is_refused_where_it_is_read(f, line, name, transform):
    with pytest.raises(s2sad.errors.UnsupportedSyntaxError) as caught:
        if transform == "grad":
            s2sad.grad(f)(X)
        else:
            s2sad.jvp(f)(X, np.ones(3))
    text = str(caught.value)
    assert f"global_sequence_products.py:{line}:" in text, text
    assert "in arithmetic with a differentiated value" in text, text
    assert "np.asarray(" in text, text
    if name:
        assert f"np.asarray({name})" in text, text


def test_the_hint_leads_to_code_that_works():
    w = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(s2sad.grad(m.global_list_as_array)(X), 2 * w * X + 1 / w)
    _, tangent = s2sad.jvp(m.global_list_as_array)(X, np.ones(3))
    assert tangent == pytest.approx(np.sum(2 * w * X + 1 / w))
    np.testing.assert_allclose(s2sad.grad(m.list_global_added)(X), w)   # (+ of lists: kept)


def test_a_global_rebound_from_an_array_to_a_list_is_refused_at_the_next_call():
    g = s2sad.grad(m.global_rebound)
    np.testing.assert_allclose(g(X), 2 * m.A * X)
    saved = m.A
    m.A = [1.0, 2.0, 3.0]
    try:
        with pytest.raises(s2sad.errors.UnsupportedSyntaxError, match="np.asarray\\(A\\)"):
            g(X)
    finally:
        m.A = saved
    np.testing.assert_allclose(g(X), 2 * m.A * X)
