"""Joining, splitting, selecting and sorting beyond the op table: the pieces of
``np.split`` used as people use them (unpacked, indexed, looped over) to second order,
the ``np.add.at`` writes, and the in-place spellings refused with the form to write
instead."""

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
    ("multiply_at", "'np.multiply.at(a, indices, values)' writes into its first argument",
     "a[indices[k]] = np.multiply(a[indices[k]], values[k])"),
    ("put_along", "'np.put_along_axis(a, ...)' writes into its first argument in place",
     "a[np.arange(a.shape[0])[:, None], indices] = values"),
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


def test_item_takes_several_indices_as_numpy_does(load):
    module = load("items", """
        def two(x):
            return x.item(0, 1) * 2.0
        """)
    expected = np.zeros((2, 3))
    expected[0, 1] = 2.0
    np.testing.assert_array_equal(s2sad.grad(module.two)(np.ones((2, 3))), expected)


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


ADD_AT = """
    import numpy as np

    I = np.array([0, 0, 2])

    def fresh(x, v):
        s = np.zeros(5)
        np.add.at(s, I, v)
        return np.sum(np.sin(s + x))

    def into_values(x, v):
        y = x * 1.0
        np.add.at(y, I, v * x[1])
        return np.sum(y * y)

    def subtract(x, v):
        y = np.sin(x)
        np.subtract.at(y, I, v)
        return np.sum(y * y * x)

    def read_before(x, v):
        y = x * 1.0
        z = np.sin(y)
        np.add.at(y, I, v)
        return np.sum(y * z)

    def in_a_loop(x, v):
        y = x * 1.0
        for k in range(3):
            np.add.at(y, I, v * y[1])
        return np.sum(y * y)

    def one_value(x, v):
        y = x * 2.0
        np.add.at(y, [1, 1], v[0])
        return np.sum(y ** 3)

    def two_axes(x, v):
        y = np.outer(x, x)
        np.add.at(y, (I, np.array([1, 1, 0])), v)
        return np.sum(y * y)
    """


@pytest.mark.parametrize("name", ["fresh", "into_values", "subtract", "read_before",
                                  "in_a_loop", "one_value", "two_axes"])
def test_add_at_writes_to_second_order(load, name):
    """np.add.at(a, i, v): a's adjoint passes through, v's gathers a's at each index
    (a repeated index twice); np.subtract.at the same negated."""
    f = getattr(load("add_at", ADD_AT), name)
    rng = np.random.default_rng(11)
    x, v = rng.standard_normal(5), rng.standard_normal(3)
    check_grads(f, (x, v), modes=("reverse", "forward"))
    for i, arg in enumerate((x, v)):
        d = rng.standard_normal(arg.shape)
        g = s2sad.grad(f, wrt=i)
        eps = 1e-6
        hi, lo = [x, v], [x, v]
        hi[i], lo[i] = arg + eps * d, arg - eps * d
        np.testing.assert_allclose(s2sad.hvp(f, wrt=i)(x, v, d), (g(*hi) - g(*lo)) / (2 * eps),
                                   rtol=2e-4, atol=2e-6)


def test_add_at_repeated_index_gathers_every_value(load):
    f = load("add_at_sum", ADD_AT).fresh
    x, v = np.zeros(5), np.array([1.0, 2.0, 3.0])
    # s = [3, 0, 3, 0, 0]: d/dv_k = cos(s[I[k]]), both values at index 0 alike
    np.testing.assert_allclose(s2sad.grad(f, wrt=1)(x, v), np.cos([3.0, 3.0, 3.0]))


def test_add_at_into_a_shared_array_is_refused_into_an_argument_differentiated(load):
    """Into an argument it writes into the copy made at the start, as x[[0, 0]] += v
    would (it was refused: stranger22a r9); the derivative by hand: 2 * x_new."""
    module = load("add_at_refused", """
        import numpy as np

        def into_argument(x, v):
            np.add.at(x, [0, 0], v)
            return np.sum(x * x)

        def shared(x, v):
            y = x * 1.0
            w = y[1:]
            np.add.at(y, [1, 1], v)
            return np.sum(w * w)

        def keyword(x, v):
            y = x * 1.0
            np.add.at(y, [1, 1], values=v)
            return np.sum(y)
        """)
    given = np.ones(4)
    np.testing.assert_allclose(s2sad.grad(module.into_argument)(given, np.ones(2)),
                               [6.0, 2.0, 2.0, 2.0])
    np.testing.assert_array_equal(given, np.ones(4))   # the caller's array as it was
    for f, said in ((module.shared, "would also change 'w'"),
                    (module.keyword, "with three positional arguments")):
        with pytest.raises(s2sad.errors.S2sadError) as info:
            s2sad.grad(f)(np.ones(4), np.ones(2))
        assert said in str(info.value)


def test_an_adjoint_that_is_a_written_array_survives_its_restoring(load):
    """The backward sweep restores an array written into in place (x[i] = tape.pop()):
    an adjoint that is that array itself (z's in y * z, read after the write) is
    copied first, or the restoring would change it."""
    module = load("restored", """
        import numpy as np

        def whole(x):
            y = x * 1.0
            z = y * y
            y[...] = y + 1.0
            return np.sum(y * z)

        def part(x, v):
            y = x * 1.0
            z = np.sin(y)
            y[1:3] = y[1:3] + v[:2]
            return np.sum(y * z)
        """)
    rng = np.random.default_rng(2)
    check_grads(module.whole, (rng.standard_normal(5),), modes=("reverse", "forward"))
    check_grads(module.part, (rng.standard_normal(5), rng.standard_normal(3)),
                modes=("reverse", "forward"))
