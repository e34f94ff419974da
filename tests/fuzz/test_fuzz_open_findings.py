"""Fuzzer findings of issue 17 (seeds 5120, 16269, 5005), as they were shrunk.

Each is checked against central finite differences (``check_grads``) in the modes
that failed, or, for an honest refusal, classified by the checker as it should be.
"""

import os
import textwrap

import numpy as np
import pytest

import s2sad
from s2sad import fuzz
from s2sad.testing import check_grads

C2 = np.array([0.5, -1.2])
C3 = np.array([0.3, -0.7, 1.1])


# False refusal (forward mode, seed 5120): the jvp of a helper updating an array in
# place (`v1 *= ...`, checked by `ensure_same_kind(v1, ...)` in its jvp code), composed
# into another helper's jvp that f calls: the helper's jvp code was read again as it
# was written, and its check statement refused as "an expression statement".
def scales_in_place(a, b):
    v1 = a * 1.0
    v1 *= b
    return v1 + C2


def calls_the_scaling_helper(a, b):
    return scales_in_place(np.sin(a), b)


def composes_a_jvp_of_an_in_place_helper(x, w):
    value, tangent = s2sad.jvp(calls_the_scaling_helper)(x, w, x * x)
    return np.sum(value * tangent) + w * np.sum(tangent)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_a_composed_jvp_keeps_its_helpers_in_place_checks(mode):
    check_grads(composes_a_jvp_of_an_in_place_helper, (np.array([0.4, -0.9]), 1.3),
                wrt=(0, 1), modes=(mode,))


def test_a_composed_jvp_of_an_in_place_helper_has_second_derivatives():
    x, w, v = np.array([0.4, -0.9]), 1.3, np.array([0.7, -0.2])
    hv = s2sad.hvp(composes_a_jvp_of_an_in_place_helper)(x, w, v)
    grad = s2sad.grad(composes_a_jvp_of_an_in_place_helper)
    eps = 1e-5
    expected = (grad(x + eps * v, w) - grad(x - eps * v, w)) / (2 * eps)
    np.testing.assert_allclose(hv, expected, rtol=1e-6, atol=1e-8)


# Crash (reverse mode, seed 16269): a helper returning a tuple display, its result
# concatenated with `+`: the kind of the helper's result was not known, so `tp8 + tp9`
# was differentiated as numpy's sum (`unbroadcast(tp14_bar, tp8)`); forward mode too.
def makes_a_pair(c):
    t6 = c[0] * C3
    return (t6, np.stack([t6, t6]))


def concatenates_a_helpers_tuple(y, xs):
    tp8 = makes_a_pair(xs)
    tp9 = (y,) + tp8
    tp14 = tp8 + tp9
    return np.dot(tp14[0] + tp14[4][1], C3) + np.sum(tp14[2] * tp14[3][0])


def concatenates_a_helpers_tuple_with_itself(xs):
    tp8 = makes_a_pair(xs)
    tp14 = tp8 + tp8
    return np.dot(tp14[0] * tp14[2], C3) + np.sum(tp14[3])


def makes_a_list_and_a_dict(c):
    if c[0] > 0.0:
        return [c * 2.0, c], {"a": c, "b": c * c}
    return [c, c * 3.0], {"a": c * c, "b": c}


def concatenates_a_helpers_list(c):
    items, table = makes_a_list_and_a_dict(c)
    both = items + [table["b"]]
    return np.sum(both[0] * both[2]) + np.sum(both[1])


Y = np.array([[0.321, 0.738, -0.675], [-0.228, -1.313, 0.124]])
XS = [np.array([-1.215, 1.285, 0.3]), np.array([1.022, -1.194, 0.2])]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func, args, wrt", [
    (concatenates_a_helpers_tuple, (Y, XS), (0, 1)),
    (concatenates_a_helpers_tuple_with_itself, (XS,), (0,)),
    (concatenates_a_helpers_list, (np.array([0.4, -0.3]),), (0,)),
    (concatenates_a_helpers_list, (np.array([-0.4, -0.3]),), (0,)),
])
def test_a_helpers_returned_display_is_concatenated(func, args, wrt, mode):
    check_grads(func, args, wrt=wrt, modes=(mode,))


# Seed 5005: second order over a composed jvp reaches the third derivative of the
# matrix norm `np.linalg.norm(a, 2)`, which s2sad does not compute: an honest refusal
# (OrderLimitError), which the checker counts as "second does not apply", never as a
# failure, while the other modes are checked.
ORDER_LIMIT_PROGRAM = '''
import numpy as np
import s2sad


def h1(a):
    return np.linalg.norm(a, 2) * a


def f(x):
    return np.sum(s2sad.jvp(h1)(x, x)[1])
'''


def test_an_order_limit_refusal_makes_the_mode_not_applicable(tmp_path):
    features = frozenset({"straight"})
    x = np.array([[0.3, -0.5, 1.2], [0.7, 0.1, -0.4]])
    prog = fuzz.Program(5, textwrap.dedent(ORDER_LIMIT_PROGRAM).lstrip(),
                        [fuzz.Param("x", "float", (2, 3), x)], (0,), "scalar", features)
    modes = ("reverse", "forward", "second")
    loader = fuzz._Loader(str(tmp_path / "programs"))
    os.makedirs(loader.dir, exist_ok=True)
    try:
        outcome = fuzz.check_program(prog, modes, {m: features for m in modes}, loader)
        assert (outcome.status, outcome.modes_checked, outcome.modes_na) == (
            "pass", ("reverse", "forward"), ("second",))
        alone = fuzz.check_program(prog, ("second",), {"second": features}, loader)
        assert (alone.status, alone.reason) == ("skip", "order-limit")
        assert "third derivative of the matrix norm ord=2" in alone.message
    finally:
        loader.close()


# Fixed (second derivatives at a pole, seeds 535 and 3040 of the float_pole programs): the
# hvp, hessian and grad(grad) of np.log(x) at the Python float 0.0 raised ZeroDivisionError
# without a location, from a temporary of a gradient statement (div = 1.0 / x of x_bar =
# 1.0 + 1.0 / x); the README promises a SingularPointError naming the line.
def log_at_its_pole(x):
    return x + np.log(x)


@pytest.mark.parametrize("call", [
    lambda: s2sad.hvp(log_at_its_pole)(0.0, 1.0),
    lambda: s2sad.hessian(log_at_its_pole)(0.0),
    lambda: s2sad.grad(s2sad.grad(log_at_its_pole))(0.0),
], ids=["hvp", "hessian", "grad-of-grad"])
def test_second_derivatives_at_a_log_pole_are_located(call):
    with np.errstate(divide="ignore"), pytest.raises(s2sad.errors.SingularPointError) as info:
        call()
    assert info.value.location is not None and info.value.location.line > 0
    assert "return x + np.log(x)" in str(info.value)
    assert fuzz.outside.OPEN_FINDINGS == {}
