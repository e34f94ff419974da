"""A loop whose target is one name taking a whole item of ``enumerate`` or ``zip``
(``for t in zip(enumerate(a), b)``, ``for p in enumerate(a)``, ``for t in zip(a, b)``),
read by index (``t[0][1]``) or unpacked later: Python runs it, and s2sad lowers it to
the loop unpacking the items into names of their own, binding the name to the tuple of
them first in the body (once refused: "unpack zip() into one name per sequence").
Checked against central finite differences, in reverse and forward mode."""

import numpy as np
import pytest

import s2sad

A = np.array([1.0, 2.0, 3.0])
B = np.array([4.0, 5.0, 6.0])


def zip_enumerate_one_name(a, b):
    s = 0.0
    for t in zip(enumerate(a), b):
        s = s + t[0][1] * t[1] * t[0][0]
    return s


def zip_one_name(a, b):
    s = 0.0
    for t in zip(a, b):
        s = s + t[0] * t[1]
    return s


def enumerate_one_name(a, b):
    s = 0.0
    for p in enumerate(a):
        s = s + p[0] * p[1] * b[p[0]]
    return s


def unpacked_pair(a, b):
    s = 0.0
    for (i, x), y in zip(enumerate(a), b):
        s = s + i * x * y
    return s


def pair_named_in_zip(a, b):
    s = 0.0
    for q, y in zip(enumerate(a, 1), b):
        s = s + q[1] * y * q[0]
    return s


def enumerate_zip_one_name(a, b):   # the tuple unpacked after the loop
    s = 0.0
    for p in enumerate(zip(a, b)):
        s = s + p[0] * p[1][0] * p[1][1]
    c, d = p
    return s + c * d[1]


def reversed_zip_one_name(a, b):   # the last item read after the loop
    s = 0.0
    for t in reversed(list(zip(a, b))):
        s = s * 0.5 + t[0] * t[1]
    return s + t[0]


def zip_one_name_break(a, b):
    s = 0.0
    t_item0 = 2.0   # (a user's name like the lowered one's)
    for t in zip(enumerate(a, 1), b):
        if t[1] > 5.5:
            break
        s = s + t[0][1] * t[1] * t[0][0] * t_item0
    return s


def comprehension_one_name(a, b):
    return sum([t[0] * t[1] for t in zip(a, b)])


PROGRAMS = [zip_enumerate_one_name, zip_one_name, enumerate_one_name, unpacked_pair,
            pair_named_in_zip, enumerate_zip_one_name, reversed_zip_one_name,
            zip_one_name_break, comprehension_one_name]


def fd(f, a, b, h=1e-6):
    ga = np.array([(f(a + h * e, b) - f(a - h * e, b)) / (2 * h) for e in np.eye(a.size)])
    gb = np.array([(f(a, b + h * e) - f(a, b - h * e)) / (2 * h) for e in np.eye(b.size)])
    return ga, gb


@pytest.mark.parametrize("f", PROGRAMS)
def test_reverse(f):
    ga, gb = s2sad.grad(f, wrt=(0, 1))(A.copy(), B.copy())
    ea, eb = fd(f, A, B)
    np.testing.assert_allclose(ga, ea, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gb, eb, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("f", PROGRAMS)
def test_forward(f):
    direction = np.array([0.3, -1.0, 0.7])
    value, tangent = s2sad.jvp(f)(A.copy(), B.copy(), direction)
    assert value == pytest.approx(f(A, B))
    assert tangent == pytest.approx(float(fd(f, A, B)[0] @ direction), rel=1e-6)


def items_one_name(p):
    s = 0.0
    for kv in p.items():
        s = s + np.sum(kv[1] ** 2) * len(kv[0])
    return s


def enumerate_items_one_name(p):
    s = 0.0
    for t in enumerate(p.items()):
        s = s + np.sum(np.sin(t[1][1])) * (t[0] + 1)
    return s


@pytest.mark.parametrize("f", [items_one_name, enumerate_items_one_name])
def test_dict_items_one_name(f):
    p = {"a": np.array([1.0, 2.0]), "bb": np.array([3.0, -4.0])}
    got = s2sad.grad(f)({k: v.copy() for k, v in p.items()})
    h = 1e-6
    for k, v in p.items():
        for j in range(v.size):
            up = {n: w.copy() for n, w in p.items()}
            down = {n: w.copy() for n, w in p.items()}
            up[k][j] += h
            down[k][j] -= h
            assert got[k][j] == pytest.approx((f(up) - f(down)) / (2 * h), rel=1e-6)
