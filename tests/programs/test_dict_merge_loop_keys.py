"""``r = p | q`` of two dict arguments followed by a loop over ``r``'s keys (``for k in r:
r[k]``), where nothing in the code shows ``r`` to be a dict: the arguments' kinds decide
(a regression: it was refused), checked against central finite differences and by hand;
``m1 | m2`` of boolean array arguments stays a mask, ``x | y`` of float arrays is refused."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads

P = {"a": 0.7, "b": 1.3}
Q = {"b": 0.9, "c": -0.3}


@pytest.fixture
def module(load):
    return load("dict_merge_loop_keys", """
        import numpy as np

        def keys_loop(p, q):
            r = p | q
            s = 0.0
            for k in r:
                s = s + r[k] * r[k]
            return s

        def keys_loop_arrays(p, q):
            r = q | p
            s = 0.0
            for k in r:
                s = s + np.sum(r[k] ** 2)
            return s

        def masks(x, m1, m2):
            return np.sum(np.where(m1 | m2, x, 0.0) ** 2)

        def floats(x, y):
            return np.sum((x | y) * 1.0)
        """)


def test_loop_over_the_keys_of_a_merge_of_dict_arguments(module):
    check_grads(module.keys_loop, (dict(P), dict(Q)), modes=("reverse", "forward"))
    gp, gq = s2sad.grad(module.keys_loop, wrt=(0, 1))(dict(P), dict(Q))
    assert gp == {"a": 1.4, "b": 0.0}   # q's "b" wins
    assert gq == pytest.approx({"b": 1.8, "c": -0.6})


def test_loop_over_the_keys_of_a_merge_of_dicts_of_arrays(module):
    p = {"a": np.array([1.0, -2.0]), "b": np.array([0.5])}
    q = {"b": np.array([3.0]), "c": np.array([0.25, 0.5])}
    check_grads(module.keys_loop_arrays, (p, q), modes=("reverse", "forward"))


def test_bitwise_or_of_boolean_masks_is_not_a_merge(module):
    x = np.array([1.0, 2.0, 3.0])
    g = s2sad.grad(module.masks)(x, np.array([True, False, False]),
                                 np.array([False, False, True]))
    np.testing.assert_allclose(g, [2.0, 0.0, 6.0])


def test_bitwise_or_of_float_arrays_is_refused(module):
    with pytest.raises(UnsupportedSyntaxError, match=r"operator '\|'"):
        s2sad.grad(module.floats)(np.array([1.0]), np.array([2.0]))
