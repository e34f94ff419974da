"""Iterators read whole where they are made: ``list(reversed(xs))``, ``tuple(zip(a, b))``,
``sum(reversed(xs))``, ``a, b, c = reversed(xs)``, ``a, b = map(f, xs)`` were false
refusals ("no derivative rule for reversed"); an ``itertools.combinations(...)`` bound to a
name and read twice, or in a loop it was made before, or given to a function that reads it
twice, was a WRONG VALUE (s2sad's list of its items gave them to every read; Python's
iterator gives them once) and is refused.  Values, gradients, tangents and
Hessian-vector products against Python's own values and central differences in float64."""

import numpy as np
import pytest

import iterators_read_whole as m
import s2sad

H = 1e-6
X = np.array([1.1, 2.0, 2.9])
V = np.array([0.6, -1.3, 0.4])


def fd(f, x):
    return np.array([(f(x + H * e) - f(x - H * e)) / (2 * H) for e in np.eye(len(x))])


def fd_hvp(f, x, v, h=1e-4):
    return (fd(f, x + h * v) - fd(f, x - h * v)) / (2 * h)


READ = [m.list_of_reversed, m.tuple_of_zip, m.list_of_enumerate, m.sum_of_reversed,
        m.max_of_reversed, m.sorted_zip, m.unpacked_reversed, m.unpacked_zip,
        m.unpacked_map, m.starred_reversed, m.enumerated_pairs_in_loop,
        m.reversed_each_trip, m.pairs_named_once, m.pairs_made_each_trip,
        m.pairs_listed_then_read_twice, m.pairs_given_to_a_reading_builtin,
        m.numpy_of_reversed]


@pytest.mark.parametrize("f", READ, ids=[f.__name__ for f in READ])
def test_value_and_gradient_are_pythons(f):
    value, grad = s2sad.value_and_grad(f)(X)
    np.testing.assert_allclose(value, f(X), rtol=1e-13)
    np.testing.assert_allclose(grad, fd(f, X), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("f", READ, ids=[f.__name__ for f in READ])
def test_tangent_is_the_directional_derivative(f):
    value, tangent = s2sad.jvp(f)(X, V)
    np.testing.assert_allclose(value, f(X), rtol=1e-13)
    along = (f(X + H * V) - f(X - H * V)) / (2 * H)
    np.testing.assert_allclose(tangent, along, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("f", READ, ids=[f.__name__ for f in READ])
def test_hessian_vector_product(f):
    np.testing.assert_allclose(s2sad.hvp(f)(X, V), fd_hvp(f, X, V), rtol=1e-5, atol=1e-5)


TWICE = [(m.pairs_read_twice, 99), (m.pairs_read_in_a_loop, 109),
         (m.pairs_listed_twice, 118), (m.pairs_given_to_a_function, 129),
         (m.pairs_named_then_given, 133), (m.pairs_read_in_a_branch_then_after, 184),
         (m.pairs_read_in_the_test_and_a_branch, 195)]


@pytest.mark.parametrize("f, line", TWICE, ids=[f.__name__ for f, _ in TWICE])
@pytest.mark.parametrize("transform", [s2sad.grad, s2sad.jvp, s2sad.hvp])
def test_an_iterator_read_other_than_once_is_refused_where_it_is_made(f, line, transform):
    args = (X,) if transform is s2sad.grad else (X, V)
    with pytest.raises(s2sad.errors.UnsupportedSyntaxError) as caught:
        transform(f)(*args)
    text = str(caught.value)
    assert f"iterators_read_whole.py:{line}:" in text, text
    assert "is not read once, whole, where it is made" in text, text
    assert "Python's iterator gives them once" in text and "list(" in text, text


def test_the_hint_leads_to_code_that_works():
    # (the listed form the hint names: read twice, each read gets every pair)
    x = X
    value, grad = s2sad.value_and_grad(m.pairs_listed_then_read_twice)(x)
    np.testing.assert_allclose(grad, fd(m.pairs_listed_then_read_twice, x), rtol=1e-6)


@pytest.mark.parametrize("f, example", [(m.zip_kept_under_a_name, "list(zip(x, y))"),
                                        (m.reversed_kept_under_a_name,
                                         "list(reversed(x))")])
def test_a_builtin_iterator_kept_under_a_name_says_how_to_read_it(f, example):
    with pytest.raises(s2sad.errors.UnsupportedSyntaxError) as caught:
        s2sad.grad(f)(X)
    text = str(caught.value)
    assert "not as an iterator kept under a name" in text and example in text, text
    assert "no derivative rule" not in text, text


BRANCHES = [m.pairs_read_in_one_branch_or_the_other, m.pairs_read_in_nested_branches,
            m.pairs_read_by_a_conditional_expression]
POINTS = [np.array([1.1, 2.0, 2.9]), np.array([-1.1, 2.0, 6.0]), np.array([0.7, -2.0, -1.5])]


@pytest.mark.parametrize("x", POINTS, ids=["first", "second", "third"])
@pytest.mark.parametrize("f", BRANCHES, ids=[f.__name__ for f in BRANCHES])
def test_an_iterator_read_once_in_either_branch_is_read_once(f, x):
    # (was refused: a read in each branch of an if counted as two reads; one branch runs)
    value, grad = s2sad.value_and_grad(f)(x)
    np.testing.assert_allclose(value, f(x), rtol=1e-13)
    np.testing.assert_allclose(grad, fd(f, x), rtol=1e-6, atol=1e-8)
    value, tangent = s2sad.jvp(f)(x, V)
    along = (f(x + H * V) - f(x - H * V)) / (2 * H)
    np.testing.assert_allclose(tangent, along, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(s2sad.hvp(f)(x, V), fd_hvp(f, x, V), rtol=1e-5, atol=1e-5)
