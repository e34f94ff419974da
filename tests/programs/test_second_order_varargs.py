"""Second derivatives through a helper taking ``*args`` (its body goes in place of the
call, ``*xs`` bound to the tuple of the other positional arguments, as Python binds
it), and the refusal for a helper whose body cannot: it names that helper where the
call spells it, says why, and gives a hint that works (found by a stranger test: it
blamed the caller, with a hint already true of it).  Checked by hand."""

import functools

import numpy as np
import pytest

import s2sad

X = np.array([0.3, -0.7, 1.1, 0.4])
Y = np.array([0.5, 0.2, -0.3, 1.0])
U = np.array([1.0, -2.0, 0.5, 3.0])


def vsum(*xs):
    t = 0.0
    for v in xs:
        t = t + np.sum(v ** 2)
    return t


def scaled_sum(k, *xs, power=2.0):
    return k * vsum(xs[0], xs[-1]) ** (power / 2.0)


def use_varargs(a, b):
    return vsum(a, b, a * b)


def use_fixed_and_varargs(a, b):
    return scaled_sum(3.0, a, b * 2.0, a) + vsum(a)


def test_second_derivatives_through_a_varargs_helper():
    # sum a^2 + b^2 + (ab)^2: the Hessian in a is diag(2 + 2 b^2)
    np.testing.assert_allclose(s2sad.hvp(use_varargs)(X, Y, U), (2.0 + 2.0 * Y ** 2) * U)
    np.testing.assert_allclose(s2sad.hessian(use_varargs)(X, Y), np.diag(2.0 + 2.0 * Y ** 2))
    # 3 (sum a^2 + sum a^2) + sum a^2: the Hessian in a is 14 I
    np.testing.assert_allclose(s2sad.hvp(use_fixed_and_varargs)(X, Y, U), 14.0 * U)


def twice(fn):
    @functools.wraps(fn)
    def wrapper(v):
        return 2.0 * fn(v)
    return wrapper


def cubes_plain(v):
    return np.sum(v ** 3)


cubes = twice(cubes_plain)


@twice
def cubes_decorated(v):
    return np.sum(v ** 3)


def use_decorated(a):
    t = a * 2.0
    out = cubes_decorated(t)
    return out + 1.0


def use_plain(a):   # the hint followed: the plain function's body goes in place
    t = a * 2.0
    out = 2.0 * cubes_plain(t)
    return out + 1.0


def test_a_decorated_helper_is_named_where_it_is_called_with_a_hint_that_works():
    with pytest.raises(s2sad.errors.UnsupportedSyntaxError) as info:
        s2sad.hvp(use_decorated)(X, U)
    text = str(info.value)
    assert "'cubes_decorated'" in text and "decorator's wrapper" in text
    assert "'out' cannot" not in text
    where = info.value.location
    assert where.code.strip() == "out = cubes_decorated(t)" and where.column == 11
    assert "def cubes_decorated_plain(" in info.value.hint
    # 2 sum (2a)^3 = 16 sum a^3: the Hessian is diag(96 a)
    np.testing.assert_allclose(s2sad.hvp(use_plain)(X, U), 96.0 * X * U)
