"""A class's staticmethod (or a plain function read through its class) given to a helper
that calls it, ``integ(St.srhs, x, 2)``: a function s2sad can name where the code is made,
differentiated as a module-level function is (it was refused as "a value computed here",
found by stranger 25); a classmethod stays refused.  Against central differences."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError

SOURCE = """
import numpy as np


def integ(rhs, y0, n):
    y = y0
    for i in range(n):
        y = y + 0.1 * rhs(y)
    return y


class St:
    @staticmethod
    def srhs(y):
        return -0.2 * y ** 3

    def plain(y):
        return np.sin(y) * y

    @classmethod
    def crhs(cls, y):
        return -y


def static(x):
    return np.sum(integ(St.srhs, x, 2))


def plain(x):
    return np.sum(integ(St.plain, x, 3) ** 2)


def classmethod_given(x):
    return np.sum(integ(St.crhs, x, 2))
"""


def _central(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


@pytest.mark.parametrize("name", ["static", "plain"])
def test_a_class_function_given_is_differentiated(load, name):
    m = load("class_functions_given", SOURCE)
    f, x = getattr(m, name), np.array([0.5, 1.0, -0.7])
    expected = _central(f, x)
    np.testing.assert_allclose(s2sad.grad(f)(x), expected, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(s2sad.jvp(f)(x, np.eye(3)[1])[1], expected[1], rtol=1e-6)
    hessian = np.array([(s2sad.grad(f)(x + 1e-5 * e) - s2sad.grad(f)(x - 1e-5 * e)) / 2e-5
                        for e in np.eye(3)])
    np.testing.assert_allclose(s2sad.hessian(f)(x), hessian, rtol=1e-5, atol=1e-7)


def test_a_classmethod_given_stays_refused(load):
    m = load("class_functions_given", SOURCE)
    with pytest.raises(UnsupportedSyntaxError) as caught:
        s2sad.grad(m.classmethod_given)(np.array([0.5, 1.0]))
    assert "class_functions_given.py:" in str(caught.value)


DICT_SOURCE = """
class Params(dict):
    def scale(self, k):
        return k * 4.0 * self["w"]


def through_object(x, p):
    return p.scale(x)


def through_class(x, p):
    return Params.scale(p, x)
"""


def test_a_dict_subclass_method_is_refused_with_the_spelling_that_works(load):
    """(stranger 25: the hint said to pass the object as an argument, which it was)"""
    m = load("dict_subclass_methods", DICT_SOURCE)
    p = m.Params(w=2.0)
    with pytest.raises(UnsupportedSyntaxError) as caught:
        s2sad.grad(m.through_object)(1.3, p)
    text = str(caught.value)
    assert "hint: call the method through the class: Params.scale(p, ...)" in text, text
    assert "as an argument (its methods" not in text
    assert s2sad.grad(m.through_class)(1.3, p) == pytest.approx(8.0)
