"""A list changed in place inside an expression that also uses it (a wrong value and
gradient before: ``xs.append(xs.pop(0) * 0.5)`` appended to the list as it was before the
pop, the pop lost).  Values, gradients, tangents and Hessian-vector products against
Python's own values and central differences in float64."""

import numpy as np
import pytest

import lists_changed_in_expression as m
import s2sad

H = 1e-6


def fd(f, x, *rest):
    if np.ndim(x):
        return np.array([(f(x + H * e, *rest) - f(x - H * e, *rest)) / (2 * H)
                         for e in np.eye(len(x))])
    return (f(x + H, *rest) - f(x - H, *rest)) / (2 * H)


CASES = [(m.append_popped, (0.3,)), (m.append_popped_loop, (0.3, 3)),
         (m.queue_mix, (0.3, 4)), (m.rotate, (0.3, 5)), (m.through_alias, (0.3,)),
         (m.extend_popped, (0.3,)), (m.popped_first, (0.3,)),
         (m.extended_in_place, (0.3,)), (m.item_of_popped, (0.3,)),
         (m.arrays, (np.array([0.3, 0.7]),))]


@pytest.mark.parametrize("f, args", CASES, ids=[c[0].__name__ for c in CASES])
def test_value_and_gradient_are_pythons(f, args):
    value, grad = s2sad.value_and_grad(f)(*args)
    np.testing.assert_allclose(value, f(*args), rtol=1e-13)
    np.testing.assert_allclose(grad, fd(f, *args), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("f, args", CASES, ids=[c[0].__name__ for c in CASES])
def test_tangent_is_the_directional_derivative(f, args):
    x = args[0]
    v = np.array([0.6, -1.3]) if np.ndim(x) else 0.7
    value, tangent = s2sad.jvp(f)(*args, v)
    np.testing.assert_allclose(value, f(*args), rtol=1e-13)
    along = (f(x + H * v, *args[1:]) - f(x - H * v, *args[1:])) / (2 * H)
    np.testing.assert_allclose(tangent, along, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("f, args", [c for c in CASES if not np.ndim(c[1][0])],
                         ids=[c[0].__name__ for c in CASES if not np.ndim(c[1][0])])
def test_second_derivative(f, args):
    x, rest = args[0], args[1:]
    by_differences = (fd(f, x + 1e-4, *rest) - fd(f, x - 1e-4, *rest)) / 2e-4
    np.testing.assert_allclose(s2sad.hvp(f)(*args, 1.0), by_differences, rtol=1e-4,
                               atol=1e-3)   # (values near 100: differences of differences)


@pytest.mark.parametrize("f, col", [(m.held_then_popped, 22), (m.held_in_display, 14),
                                    (m.joined_with_popped, 16)])
def test_a_list_held_while_a_later_part_changes_it_is_refused_at_the_change(f, col):
    with pytest.raises(s2sad.errors.UnsupportedSyntaxError) as caught:
        s2sad.grad(f)(0.3)
    text = str(caught.value)
    assert f"lists_changed_in_expression.py:" in text and f":{col}:" in text, text
    assert "holds the list 'xs'" in text and "v = xs.pop(...)" in text, text
