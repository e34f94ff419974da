"""A write refused for array arguments may be one s2sad follows for list arguments
(a slice of a list is a new list, of an array a view): the API raises the refusal
for the arguments a call gives, not when the transform is made (fuzzer seed 190 was
refused at ``s2sad.grad(f)`` although called with a list).  References: central
finite differences on copies of the arguments."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import SharedWriteError

SOURCE = """
import numpy as np

def head_replaced(layers, scale):
    rest = layers[0:2]
    rest[0] = layers[1] * scale
    return np.sum(rest[0] * rest[1])
"""


def test_a_slice_written_into_is_followed_for_a_list(load):
    mod = load("deferred_slice", SOURCE)
    layers = [np.array([1.0, 2.0]), np.array([0.5, -1.5]), np.array([3.0, 0.0])]
    grad = s2sad.grad(mod.head_replaced, wrt=(0, 1))
    g_layers, g_scale = grad(layers, 2.0)
    # f = scale * sum(l1 * l1): d/dl1 = 2 scale l1, d/dscale = sum(l1 * l1)
    np.testing.assert_allclose(g_layers[1], 2 * 2.0 * layers[1])
    np.testing.assert_allclose(g_layers[0], 0.0)
    np.testing.assert_allclose(g_layers[2], 0.0)
    assert g_scale == pytest.approx(np.sum(layers[1] ** 2))
    value, tangent = s2sad.jvp(mod.head_replaced, wrt=1)(layers, 2.0, 1.0)
    assert tangent == pytest.approx(np.sum(layers[1] ** 2))


def test_the_same_write_into_an_array_is_refused_when_called(load):
    mod = load("deferred_slice_array", SOURCE)
    grad = s2sad.grad(mod.head_replaced)
    with pytest.raises(SharedWriteError) as info:
        grad(np.ones((3, 2)), 2.0)
    assert info.value.location.line == 6
    with pytest.raises(SharedWriteError):
        s2sad.jvp(mod.head_replaced, wrt=1)(np.ones((3, 2)), 2.0, 1.0)
