"""Lists and tuples as a stranger used them (issue 12, helper "listfix"): a list changed
through a name bound inside a loop body, a list changed while a loop runs over it,
``op=`` on an array two names or slots hold, tuple arguments changed, and the crashes
and false refusals around them.  Values against Python, derivatives against central
finite differences (reverse, forward, second order)."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import S2sadError
from s2sad.testing import check_grads

BOTH = ("reverse", "forward")
X = np.array([1.0, 2.0])
W = np.array([0.5, -1.0])


def _fd(f, w, eps=1e-6):
    return (f(w + eps) - f(w - eps)) / (2 * eps)


def _fd2(f, w, eps=1e-4):
    return (f(w + eps) - 2 * f(w) + f(w - eps)) / (eps * eps)


def _scalar_checks(f, w):
    """value and grad (reverse), jvp (forward) and hvp (second order) of a function of
    one float, against Python and central differences."""
    value, grad = s2sad.value_and_grad(f)(w)
    assert value == pytest.approx(f(w), rel=1e-12)
    assert grad == pytest.approx(_fd(f, w), rel=1e-6, abs=1e-8)
    value, tangent = s2sad.jvp(f)(w, 1.0)
    assert value == pytest.approx(f(w), rel=1e-12)
    assert tangent == pytest.approx(_fd(f, w), rel=1e-6, abs=1e-8)
    assert s2sad.hvp(f)(w, 1.0) == pytest.approx(_fd2(f, w), rel=1e-4, abs=1e-5)


# ---------------------------------------------------------------- 1. alias bound in a loop
def alias_in_loop_append(w):
    t = [1.0]
    for i in range(2):
        u = t
        u.append(w)
    return t[-1] * t[1]


def alias_in_loop_item(w):
    t = [1.0, 2.0]
    for i in range(2):
        u = t
        u[0] = u[0] * w
    return t[0] + t[1]


def alias_in_while_iadd(w):
    t = [1.0, 2.0]
    i = 0
    while i < 2:
        u = t
        u += [w * w]
        i = i + 1
    return t[-1] + t[0] * len(t)


def alias_in_loop_insert_pop(w):
    t = [1.0, 2.0]
    v = 0.0
    for i in range(2):
        u = t
        u.insert(0, w * 3.0)
        v = u.pop()
    return t[0] * t[1] + v


def alias_in_loop_two_steps(w):
    t = [w]
    for i in range(3):
        u = t
        v = u
        v.append(u[-1] * w)
    return t[-1] + len(t)


@pytest.mark.parametrize("f", [alias_in_loop_append, alias_in_loop_item,
                               alias_in_while_iadd, alias_in_loop_insert_pop,
                               alias_in_loop_two_steps], ids=lambda f: f.__name__)
def test_a_list_changed_through_a_name_bound_in_the_loop_body(f):
    _scalar_checks(f, 0.7)
    check_grads(f, (0.7,), modes=BOTH)
