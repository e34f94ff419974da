"""A statement of the user's whose result nothing reads still runs in the derivative, as
in Python: the derivative raises where the function raises (a check by Cholesky, a
helper raising or asserting, an index out of range, a float division by zero), in
grad, jvp, hvp and hessian alike.  A numpy call writing into an argument, or a helper
writing into a global, is refused wherever its result goes, as the call as a
statement is; ``t = xs.append(v)`` and ``t = d.update(...)`` work as the statement does.
Derivatives are checked against central differences, exceptions against Python's."""

import numpy as np
import pytest

import s2sad
from s2sad import pipeline
from s2sad.errors import UnsupportedSyntaxError
from s2sad.optimize import eliminate_dead, mark_unused_results
from s2sad.syntax import anno, gastify

import fixtures.unused_results as U
from fixtures.unused_results import (appended, asserted, checked_in_loop, cholesky_check,
                                     copy_into, divided, fill_diagonal, guarded, logged,
                                     multiply_at, out_of_range, updated)

def python_raises(f, *args):
    with pytest.raises(Exception) as info:
        f(*args)
    return info.type


RAISING = [
    (guarded, np.array([0.5, -0.3])),
    (asserted, np.array([0.5, -0.3])),
    (cholesky_check, np.array([[1.0, 2.0], [2.0, 1.0]])),
    (out_of_range, np.array([0.5, -0.3, 0.8])),
    (divided, 0.0),
    (checked_in_loop, np.array([0.5, 0.3])),
    (U.bare_index, np.array([0.5, -0.3, 0.8])),
    (U.bare_division, 0.0),
    (U.bare_missing_dict_item, np.array([0.5, -0.3])),
]


@pytest.mark.parametrize("f, x", RAISING, ids=[f.__name__ for f, _ in RAISING])
def test_every_transform_raises_what_python_raises(f, x):
    expected = python_raises(f, x)
    direction = np.ones_like(x) if isinstance(x, np.ndarray) else 1.0
    with pytest.raises(expected):
        s2sad.grad(f)(x)
    with pytest.raises(expected):
        s2sad.jvp(f)(x, direction)
    with pytest.raises(expected):
        s2sad.hvp(f)(x, direction)
    with pytest.raises(expected):
        s2sad.hessian(f)(x)


def central(f, x, v, eps=1e-6):
    return (f(x + eps * v) - f(x - eps * v)) / (2 * eps)


PASSING = [
    (guarded, np.array([0.5, 0.3])),
    (asserted, np.array([0.5, 0.3])),
    (cholesky_check, np.array([[2.0, 0.5], [0.5, 1.0]])),
    (out_of_range, np.array([0.5, -0.3, 0.8, 0.1, 0.2, 0.7])),
    (divided, 0.7),
    (U.bare_index, np.array([0.5, -0.3, 0.8, 0.1, 0.2, 0.7])),
    (U.bare_division, 0.7),
    (U.bare_dict_item, np.array([0.5, -0.3])),
]


@pytest.mark.parametrize("f, x", PASSING, ids=[f.__name__ for f, _ in PASSING])
def test_derivatives_where_the_check_passes(f, x):
    v = np.linspace(0.3, 1.1, np.size(x)).reshape(np.shape(x)) if np.ndim(x) else 0.9
    g = s2sad.grad(f)(x)
    assert np.isclose(np.sum(g * v), central(f, x, v), rtol=1e-6, atol=1e-8)
    value, tangent = s2sad.jvp(f)(x, v)
    assert np.isclose(value, f(x)) and np.isclose(tangent, central(f, x, v), rtol=1e-6)
    hv = s2sad.hvp(f)(x, v)
    expected = central(lambda y: np.sum(s2sad.grad(f)(y) * v), x, v)
    assert np.isclose(np.sum(hv * v), expected, rtol=1e-5, atol=1e-7)


def test_the_unused_result_stays_in_the_generated_code():
    for mode in ("reverse", "forward"):
        text = pipeline.generate(cholesky_check, ("A",), mode).emitted.text
        assert "    L = np.linalg.cholesky(A)\n" in text
    body = gastify.parse("def f(x):\n    spare = x * 2.0\n    copy = x\n"
                         "    y = x * x\n    return y\n").body[0].body
    mark_unused_results(body)
    kept = eliminate_dead(body)
    # the user's computation stays; a copy of a name runs nothing, and goes
    assert [s.targets[0].id for s in kept[:-1]] == ["spare", "y"]
    # unmarked dead code (s2sad's own) still goes
    fresh = gastify.parse("def f(x):\n    spare = x * 2.0\n    return x\n").body[0].body
    assert len(eliminate_dead(fresh)) == 1


def test_the_marks_of_straight_code_and_of_a_block_are_the_same():
    # (straight code is marked in one pass of its own; a block by the general one)
    lines = ["t = x * 2.0", "u = t + 1.0", "v = x", "a = x * 3.0", "a = x + 1.0",
             "r = a * v"]
    straight = "def f(x, c):\n" + "".join(f"    {line}\n" for line in lines) + \
        "    return r\n"
    nested = "def f(x, c):\n    if c:\n" + "".join(f"        {line}\n" for line in lines) + \
        "    return r\n"
    for source in (straight, nested):
        body = gastify.parse(source).body[0].body
        mark_unused_results(body)
        simple = body if len(body) > 2 else body[0].body
        marked = [k for k, stmt in enumerate(simple) if getattr(stmt, anno.RUN_UNUSED, False)]
        # t (read only by u), u (read by nothing), the first a (rebound unread); never
        # the copy v, nor what r reads
        assert marked == [0, 1, 3], source


IN_PLACE = [(fill_diagonal, "np.fill_diagonal"), (copy_into, "np.copyto"),
            (multiply_at, "np.multiply.at")]


@pytest.mark.parametrize("f, spelled", IN_PLACE, ids=[f.__name__ for f, _ in IN_PLACE])
def test_an_in_place_numpy_call_is_refused_wherever_its_result_goes(f, spelled):
    x = np.array([0.3, 1.2, -0.4, 0.8])
    for call in (lambda: s2sad.grad(f, wrt=1)(x, 1.3),
                 lambda: s2sad.jvp(f, wrt=1)(x, 1.3, 1.0),
                 lambda: s2sad.hvp(f, wrt=1)(x, 1.3, 1.0)):
        with pytest.raises(UnsupportedSyntaxError) as info:
            call()
        assert spelled in str(info.value) and "writes into its first argument" in str(info.value)
        assert "unused_results.py:" in str(info.value)


def test_a_helper_writing_a_global_is_refused_with_its_result_unused():
    for call in (lambda: s2sad.grad(logged)(np.ones(3)),
                 lambda: s2sad.jvp(logged)(np.ones(3), np.ones(3))):
        with pytest.raises(UnsupportedSyntaxError) as info:
            call()
        assert "record writes outside itself (LOG.append(...))" in str(info.value)
    assert U.LOG == []


@pytest.mark.parametrize("f", [appended, updated])
def test_an_assigned_list_or_dict_method_works_as_the_statement(f):
    x = np.array([0.5, -0.3, 0.8])
    value, g = s2sad.value_and_grad(f, wrt=1)(x, 1.3)
    fd = central(lambda k: f(x, k), 1.3, 1.0)
    assert np.isclose(value, f(x, 1.3)) and np.isclose(g, fd, rtol=1e-6)
    value, tangent = s2sad.jvp(f, wrt=1)(x, 1.3, 1.0)
    assert np.isclose(tangent, fd, rtol=1e-6)
    hv = s2sad.hvp(f, wrt=1)(x, 1.3, 1.0)
    second = central(lambda k: s2sad.grad(f, wrt=1)(x, k), 1.3, 1.0)
    assert np.isclose(hv, second, rtol=1e-5)


def test_an_assigned_print_runs_as_the_statement_once_per_call(capsys):
    x = np.array([0.5, -0.3])
    U.printed(x)
    once = capsys.readouterr().out
    assert once == "f at 0.5\n"
    h = s2sad.hessian(U.printed)(x)
    assert capsys.readouterr().out == once   # (once, as Python: not once per column)
    assert np.allclose(h, np.diag(6.0 * x))
    value, tangent = s2sad.jvp(U.printed)(x, np.ones(2))
    assert capsys.readouterr().out == once and np.isclose(tangent, np.sum(3.0 * x ** 2))
    assert np.allclose(s2sad.grad(U.printed)(x), 3.0 * x ** 2)
    assert capsys.readouterr().out == once
