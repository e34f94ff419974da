"""Joining, splitting, selecting and sorting beyond the op table: the pieces of
``np.split`` used as people use them (unpacked, indexed, looped over) to second order,
and the in-place spellings refused with the form to write instead."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads

SPLITS = """
    import numpy as np

    def unpacked(x):
        a, b = np.split(x, 2)
        return np.sum(np.sin(a) * b)

    def indexed(x):
        parts = np.split(x, 3)
        return np.sum(np.sin(parts[1]))

    def looped(x):
        s = 0.0
        for p in np.split(x, [1, 4]):
            s = s + np.sum(p * p * p)
        return s

    def along_columns(x):
        left, right = np.hsplit(x, [1])
        return np.sum(np.cos(left) * np.sum(right ** 2, axis=1, keepdims=True))

    def uneven(x):
        parts = np.array_split(x, 3, axis=1)
        return np.sum(parts[0] ** 2) + np.sum(np.sin(parts[2]))

    def where_indices(x):
        i = np.where(x > 0)
        return np.sum(x[i] ** 2)
    """


def _hvp_matches(f, x, v):
    g = s2sad.grad(f)
    eps = 1e-6
    expected = (g(x + eps * v) - g(x - eps * v)) / (2 * eps)
    np.testing.assert_allclose(s2sad.hvp(f)(x, v), expected, rtol=2e-4, atol=2e-6)


@pytest.mark.parametrize("name, shape", [
    ("unpacked", (6,)), ("indexed", (6,)), ("looped", (6,)), ("along_columns", (3, 4)),
    ("uneven", (2, 7)), ("where_indices", (5,))])
def test_split_pieces_unpacked_indexed_and_looped_to_second_order(load, name, shape):
    f = getattr(load("splits", SPLITS), name)
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)
    check_grads(f, (x,), modes=("reverse", "forward"))
    _hvp_matches(f, x, rng.standard_normal(shape))


def test_sort_at_ties_gives_each_tied_element_one_place():
    """The convention at ties: equal values are matched in the order they come in, so
    each tied element receives the adjoint of one sorted place (the gradient is one of
    the one-sided derivatives), in both modes."""
    import ops_selection as F   # np.sort(x) * [1, 2, 3, 4]: a weight per sorted place
    x = np.array([[2.0, 1.0, 2.0, 0.5]])
    g = s2sad.vjp(F.sort_last)(x)[1](np.ones((1, 4)))
    np.testing.assert_allclose(g, [[3.0, 2.0, 4.0, 1.0]])
    t = s2sad.jvp(F.sort_last)(x, np.array([[1.0, 0.0, 0.0, 0.0]]))
    np.testing.assert_allclose(np.asarray(t[1]), [[0.0, 0.0, 3.0, 0.0]])


IN_PLACE = """
    import numpy as np

    I = np.array([0, 0, 2])

    def add_at(x, v):
        y = x * 1.0
        np.add.at(y, I, v)
        return np.sum(y * y)

    def subtract_at(x, v):
        y = x * 1.0
        np.subtract.at(y, I, v)
        return np.sum(y * y)

    def multiply_at(x, v):
        y = x * 1.0
        np.multiply.at(y, I, v)
        return np.sum(y * y)

    def put_along(x, v):
        y = x * 1.0
        np.put_along_axis(y, np.array([[0], [2]]), v, axis=1)
        return np.sum(y * y)

    def sort_method(x, v):
        y = x * v[0]
        y.sort()
        return np.sum(y * y)
    """


@pytest.mark.parametrize("name, said, hint", [
    ("add_at", "'np.add.at(a, indices, values)' writes into its first argument in place",
     "a = a + np.bincount(indices, weights=values, minlength=a.size)"),
    ("subtract_at", "'np.subtract.at(a, indices, values)'",
     "a = a - np.bincount(indices, weights=values, minlength=a.size)"),
    ("multiply_at", "'np.multiply.at(a, indices, values)'",
     "a[indices[k]] = np.multiply(a[indices[k]], values[k])"),
    ("put_along", "'np.put_along_axis(a, ...)' writes into its first argument in place",
     "a[np.arange(len(a))[:, None], indices] = values"),
    ("sort_method", "'.sort()' changes the array it is called on in place",
     "a = np.sort(a)"),
])
def test_in_place_writes_are_refused_with_the_form_to_write_instead(load, name, said, hint):
    f = getattr(load("in_place", IN_PLACE), name)
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(f)(np.ones((2, 3)) if name == "put_along" else np.ones(5), np.ones(3))
    assert said in str(info.value)
    assert hint in str(info.value)


def test_the_forms_without_a_write_are_differentiable(load):
    module = load("no_write", """
        import numpy as np

        I = np.array([0, 0, 2])

        def scatter_add(x, v):
            y = x + np.bincount(I, weights=v, minlength=x.size)
            return np.sum(y * y)

        def scatter_multiply(x, v):
            a = x.copy()
            for k in range(len(I)):
                a[I[k]] = np.multiply(a[I[k]], v[k])
            return np.sum(a * a)
        """)
    rng = np.random.default_rng(5)
    for f in (module.scatter_add, module.scatter_multiply):
        check_grads(f, (rng.standard_normal(5), rng.standard_normal(3)),
                    modes=("reverse", "forward"))
    # the repeated index 0 adds both weights: d/dv0 = d/dv1 = 2 y[0]
    x, v = np.zeros(5), np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(s2sad.grad(module.scatter_add, wrt=1)(x, v), [6.0, 6.0, 6.0])


def test_item_with_several_indices_says_to_pass_one_tuple(load):
    module = load("items", """
        def two(x):
            return x.item(0, 1) * 2.0
        """)
    with pytest.raises(s2sad.errors.S2sadError) as info:
        s2sad.grad(module.two)(np.ones((2, 3)))
    assert "ndarray.item" in str(info.value)


def test_split_pieces_are_views_so_writes_through_them_are_refused(load):
    """np.split's pieces share memory with the array split: a write into a piece changes
    the array (and the reverse), which s2sad refuses rather than miss."""
    module = load("split_views", """
        import numpy as np

        def into_piece(x):
            y = x * 1.0
            a, b = np.split(y, 2)
            a[0] = 5.0
            return np.sum(y * y)

        def into_whole(x):
            y = x * 1.0
            a, b = np.split(y, 2)
            y[0] = 5.0
            return np.sum(a * b)

        def update_piece(x):
            y = x * 1.0
            b = np.hsplit(y, 2)[1]
            b *= 2.0
            return np.sum(y * y)
        """)
    for f in (module.into_piece, module.into_whole, module.update_piece):
        with pytest.raises(UnsupportedSyntaxError) as info:
            s2sad.grad(f)(np.ones(4))
        assert "may also change" in str(info.value)
