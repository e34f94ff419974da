"""Reverse mode through lists (append, index, sum, np.stack), dicts and comprehensions."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import finite_difference_gradient as fd

import container_functions as cf

RNG = np.random.default_rng(3)




W, H0 = RNG.normal(size=(3, 3)) * 0.5, RNG.normal(size=3)
CASES = [
    ("append_in_loop_then_sum", cf.append_loop, [0.4, 5], 0),
    ("stack_history_W", cf.stack_history, [W, H0, 3], 0),
    ("stack_history_h0", cf.stack_history, [W, H0, 3], 1),
    ("comprehensions", cf.comprehension, [0.3], 0),
    ("comprehension_over_rows", cf.over_rows, [RNG.normal(size=(3, 2))], 0),
    ("comprehension_with_if", cf.filtered, [np.array([0.5, -1.0, 2.0])], 0),
    ("dict_literal_W", cf.dict_literal, [W, H0, H0], 0),
    ("dict_literal_b", cf.dict_literal, [W, H0, H0], 1),
]


@pytest.mark.parametrize("label, func, args, wrt", CASES, ids=[c[0] for c in CASES])
def test_gradient_through_containers(label, func, args, wrt):
    g = s2sad.grad(func, wrt=wrt)(*args)
    np.testing.assert_allclose(g, fd(func, args, wrt), rtol=1e-5, atol=1e-7)


def _fd_entry(f, make, eps=1e-6):
    return (f(*make(eps)) - f(*make(-eps))) / (2 * eps)


def test_gradient_of_a_dict_parameter_is_a_dict():
    params = {"W": W, "b": H0}
    g = s2sad.grad(cf.dict_params)(params, H0)
    assert isinstance(g, dict) and sorted(g) == ["W", "b"]
    for key, shape_index in (("W", (0, 1)), ("b", (2,))):
        def make(eps, key=key, at=shape_index):
            moved = {k: v.copy() for k, v in params.items()}
            moved[key][at] += eps
            return moved, H0
        assert g[key][shape_index] == pytest.approx(_fd_entry(cf.dict_params, make), rel=1e-5, abs=1e-8)


def test_gradient_of_a_tuple_parameter_is_a_tuple():
    params = (W, H0)
    g = s2sad.grad(cf.params_tuple)(params, H0)
    assert isinstance(g, tuple) and g[0].shape == W.shape and g[1].shape == H0.shape

    def make(eps):
        return (W, H0 + np.array([0.0, eps, 0.0])), H0
    assert g[1][1] == pytest.approx(_fd_entry(cf.params_tuple, make), rel=1e-5)


def test_append_reads_as_a_value():
    text = s2sad.source(cf.append_loop)
    # appended in place, its adjoint popped (O(1) per trip in both sweeps)
    assert "xs_1.append(x_2)" in text
    assert "xs_1_bar.pop()" in text
