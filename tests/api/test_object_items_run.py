"""An item of an object computing it from the key, where the object is known only when
the code runs (a parameter, its attribute, a loop's item, unpacking, a local container,
a conditional, a method's self): checked when the generated code runs and refused,
located (it was read as a constant of the key: derivative 0, a wrong value).  Integer
keys, arrays and dicts read with a key carrying a derivative stay differentiated."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError

import object_items_run as M


def _derivative(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


TABLE2 = M.Table([0.0, 1.0, 2.0], [1.0, 0.0, 4.0])
REFUSED = [
    ("parameter", (M.TABLE,)),
    ("attribute_of_parameter", (M.HOLDER,)),
    ("loop_item", ([M.TABLE, TABLE2],)),
    ("unpacked", ((M.TABLE, TABLE2),)),
    ("local_dict", ()),
    ("conditional", (True,)),
    ("method_of_parameter", (M.HOLDER,)),
    ("method_of_module_object", ()),
    # (found by stranger 25: a subclass of dict or ndarray with its own __getitem__, a
    # dict's __missing__, an item keyed by another item: derivative 0 before)
    ("dict_subclass_global", ()),
    ("dict_subclass_parameter", (M.Cube(),)),
    ("missing_parameter", (M.Lazy(),)),
    ("array_subclass_global", ()),
    ("item_keyed_by_an_item", ()),
]


@pytest.mark.parametrize("name, rest", REFUSED, ids=[r[0] for r in REFUSED])
@pytest.mark.parametrize("transform", ["grad", "jvp", "vjp", "hessian"])
def test_refused_where_the_key_carries_a_derivative(name, rest, transform):
    f = getattr(M, name)
    x = 0.5
    assert _derivative(lambda v: f(v, *rest), x) != 0.0   # (the derivative a read drops)
    with pytest.raises(UnsupportedSyntaxError) as caught:
        if transform == "grad":
            s2sad.grad(f)(x, *rest)
        elif transform == "jvp":
            s2sad.jvp(f)(x, *rest, 1.0)
        elif transform == "vjp":
            s2sad.vjp(f)(x, *rest)[1](1.0)
        else:
            s2sad.hessian(f)(np.array(x), *rest)
    text = str(caught.value)
    # (where the object is known when the code is made, the refusal names it)
    owner = {"dict_subclass_global": "Cube", "dict_subclass_parameter": "Cube",
             "missing_parameter": "Lazy", "array_subclass_global": "Interpolated"}.get(
        name, "Table")
    method = "__missing__" if owner == "Lazy" else "__getitem__"
    assert f"object of class {owner}, whose {method} computes the item from the key" in text \
        or f"an object of class {owner} whose {method} computes the item from the key" in text
    assert "object_items_run.py:" in text, text
    assert f"{owner}.{method}(" in text or f".{method}(key)" in text, text


def test_the_refusal_points_at_the_read():
    with pytest.raises(UnsupportedSyntaxError) as caught:
        s2sad.grad(M.loop_item)(0.5, [M.TABLE])
    location = caught.value.location
    source = open(M.__file__).read().splitlines()
    assert source[location.line - 1].strip() == "s = s + t[x]"


@pytest.mark.parametrize("x", [0.25, 1.5])
def test_the_hinted_spelling_is_differentiated(x):
    f = M.hinted
    expected = _derivative(lambda v: f(v, TABLE2), x)
    assert s2sad.grad(f)(x, TABLE2) == pytest.approx(expected, rel=1e-6)
    assert s2sad.jvp(f)(x, TABLE2, 1.0)[1] == pytest.approx(expected, rel=1e-6)


def test_integer_keys_arrays_and_dicts_stay_differentiated():
    plain = M.Plain([1.0, 2.0, 3.0, 4.0])
    for x in (0.3, 0.8, 1.2):
        assert s2sad.grad(M.integer_key)(x, plain) == pytest.approx(
            _derivative(lambda v: M.integer_key(v, plain), x), rel=1e-6)
    x, w = np.array([0.2, 0.5]), np.arange(5.0)
    assert np.allclose(s2sad.grad(M.cast_key)(x, w), w[(x * 3.0).astype(int)])
    g = s2sad.grad(M.dict_float_key)(x, {0.2: 3.0})
    assert np.allclose(g, [0.0, 3.0])
