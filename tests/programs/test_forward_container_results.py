"""A jvp's tangent output that holds one tangent twice (``[v_dot, {"u": v_dot}]``, where the
tangent of ``y + v`` is ``v``'s own for a constant ``y``) is returned as arrays of their
own: the caller may write into one leaf without changing another (found by the fuzzer,
seed 15 once ``np.hypot`` joined its operations)."""

import numpy as np

import s2sad

C23 = np.array([[0.2, -0.4, 0.9], [1.1, 0.6, -0.3]])


def stacked(x, y):
    tp1 = (C23, y, np.stack([x, x]))
    v2 = sum(tp1)
    return [v2, {"u": y + v2, "W": y}]


def nested(x):
    v = np.sin(x)
    return [{"a": v, "b": v}]


def _leaves(tree):
    if isinstance(tree, dict):
        return [leaf for item in tree.values() for leaf in _leaves(item)]
    if isinstance(tree, (list, tuple)):
        return [leaf for item in tree for leaf in _leaves(item)]
    return [tree]


def test_the_leaves_of_a_tangent_output_share_no_memory():
    x, y, t = np.array([1.2, -0.8, -1.3]), np.array([1.1, 1.5, -0.8]), np.ones(3)
    _, tangent = s2sad.jvp(stacked, wrt=0)(x, y, t)
    # d/dx of sum((C23, y, stack([x, x]))) along t: stack([t, t]); W does not vary
    expected = [np.stack([t, t]), {"u": np.stack([t, t]), "W": np.zeros(3)}]
    leaves = _leaves(tangent)
    for got, want in zip(leaves, _leaves(expected)):
        np.testing.assert_allclose(got, want)
    for i, a in enumerate(leaves):
        for b in leaves[i + 1:]:
            assert not np.shares_memory(a, b)
    _, inner = s2sad.jvp(nested)(x, t)
    np.testing.assert_allclose(inner[0]["a"], np.cos(x) * t)
    assert not np.shares_memory(inner[0]["a"], inner[0]["b"])
