"""An item of an object computing it from the key (``np.interp`` in ``__getitem__``) is
refused, located, wherever the object is reached: a module's object's attribute, an item
of a module's list or dict, through a local (it was read as a constant, its derivative
0: a wrong value); the hinted spelling and a constant key are differentiated."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError

import object_items_followed as M

X = np.array([0.5, 1.5])


def _differences(f, x, h=1e-6):
    out = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        out[i] = (f(x + e) - f(x - e)) / (2 * h)
    return out


@pytest.mark.parametrize("name, spelled", [("through_attribute", "HOLDER.table"),
                                           ("through_list_item", "TABLES[0]"),
                                           ("through_dict_item", "FIXED['t']")])
@pytest.mark.parametrize("transform", ["grad", "jvp"])
def test_refused_where_the_key_carries_a_derivative(name, spelled, transform):
    f = getattr(M, name)
    with pytest.raises(UnsupportedSyntaxError) as caught:
        if transform == "grad":
            s2sad.grad(f)(X)
        else:
            s2sad.jvp(f)(X, np.ones(2))
    text = str(caught.value)
    assert f"{spelled}[...] reads an item of {spelled}" in text, text
    assert "object_items_followed.py:" in text, text
    assert f"Table.__getitem__({spelled}, key)" in text, text


@pytest.mark.parametrize("name", ["hinted", "constant_key"])
def test_the_hinted_spelling_and_a_constant_key_are_differentiated(name):
    f = getattr(M, name)
    np.testing.assert_allclose(s2sad.grad(f)(X), _differences(f, X), rtol=1e-6, atol=1e-8)
    tangent = s2sad.jvp(f)(X, np.array([1.0, -2.0]))[1]
    np.testing.assert_allclose(tangent, _differences(f, X) @ np.array([1.0, -2.0]),
                               rtol=1e-6, atol=1e-8)
