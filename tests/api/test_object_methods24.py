"""Objects and methods read together (fixobj24): attributes of a list attribute's items
beside a method through self, a list of objects given outside wrt, a method of a class
imported into the function's module, a method through self given a function.  Values
against central finite differences in float64 (grad, vjp, jvp, hessian); the neighbours
that stay refused, located."""

import os
from collections import namedtuple

import numpy as np
import pytest

import s2sad
import object_layers24 as ol
import object_methods24 as om
from s2sad.errors import UnsupportedSyntaxError

HERE = f"{os.sep}object_methods24.py:"
X = np.array([0.3, -0.4])


def fd_grad(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(len(x))])


def fd_hessian(f, x, h=1e-4):
    return np.array([(fd_grad(f, x + h * e, 1e-5) - fd_grad(f, x - h * e, 1e-5)) / (2 * h)
                     for e in np.eye(len(x))])


def net():
    return om.Net([om.Layer(np.array([[1.0, 0.5], [-0.3, 0.8]]), np.array([0.1, -0.2])),
                   om.Layer(np.array([[0.7, -0.2], [0.4, 1.1]]), np.array([0.0, 0.3]))])


def check(f, before, x, second=True):
    """grad, vjp, jvp (and hessian) of ``f(*before, x)`` with respect to x against central
    differences."""
    wrt = len(before)
    scalar = lambda v: f(*before, v)   # noqa: E731
    want = fd_grad(scalar, x)
    np.testing.assert_allclose(s2sad.grad(f, wrt=wrt)(*before, x), want, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(s2sad.vjp(f, wrt=wrt)(*before, x)[1](1.0), want, atol=1e-7)
    v = np.array([0.6, -1.3])
    np.testing.assert_allclose(s2sad.jvp(f, wrt=wrt)(*before, x, v)[1], want @ v, atol=1e-7)
    if second:
        np.testing.assert_allclose(s2sad.hessian(f, wrt=wrt)(*before, x),
                                   fd_hessian(scalar, x), rtol=1e-5, atol=1e-6)


def test_list_attributes_items_beside_a_method_through_self():
    check(om.Net.loss, (net(),), X)
    check(om.Net.first, (net(),), X)


def test_a_list_of_objects_given_outside_wrt():
    check(om.loss_list, (net().layers,), X)
    p = om.P(np.array([[0.2, 0.1], [0.0, -0.5]]), np.array([0.3, 0.3]))
    check(om.loss_mixed, (net().layers, p), X)


def test_a_method_of_a_class_imported_into_the_module():
    layer = ol.Dense(np.array([[1.0, 0.5], [-0.3, 0.8]]), np.array([0.1, -0.2]))
    check(om.loss_imported, (layer,), X)


def test_a_class_with_no_name_in_the_module_is_refused_saying_so():
    with pytest.raises(UnsupportedSyntaxError, match="Hidden has no name in the module") as e:
        s2sad.grad(om.loss_imported, wrt=1)(ol.Hidden(np.eye(2)), X)
    assert HERE in str(e.value) and "import Hidden" in str(e.value)


@pytest.mark.parametrize("f", [om.Net.through_self, om.Net.through_class])
def test_a_method_through_self_given_a_function(f):
    check(f, (net(),), X)


def test_a_lambda_written_in_a_method_call_stays_refused():
    with pytest.raises(UnsupportedSyntaxError, match="a lambda written in the call") as e:
        s2sad.grad(om.Net.lambda_given, wrt=1)(net(), X)
    assert HERE in str(e.value)


def test_fields_of_namedtuples_of_two_classes_stay_refused():
    Q = namedtuple("Q", ["W", "b"])
    ps = [om.P(np.eye(2), np.zeros(2)), Q(np.eye(2), np.ones(2))]
    with pytest.raises(UnsupportedSyntaxError, match="the attribute '.W' is not supported"):
        s2sad.grad(om.fields_two_classes, wrt=1)(ps, X)


def test_an_attribute_of_a_differentiated_item_stays_refused():
    with pytest.raises(UnsupportedSyntaxError, match="reads the attribute '.W' of a value "
                                                     "that is differentiated") as e:
        s2sad.grad(om.loss_mixed, wrt=0)([np.eye(2)], om.P(np.eye(2), np.zeros(2)), X)
    assert HERE in str(e.value)


@pytest.mark.parametrize("f", [om.call_object, om.call_object_dunder,
                               om.class_attribute_through_dunder])
def test_a_callable_object_and_dunder_class(f):
    check(f, (), X)


def test_a_callable_object_is_called_as_its_class_call():
    want = om.M.W * np.cos(X) * np.sum(X) + om.M(X)   # by hand
    np.testing.assert_allclose(s2sad.grad(om.call_object)(X), want, rtol=1e-12)


def test_self_dunder_class_in_a_method():
    obj = om.Callable(np.array([0.5, -1.5]))
    check(om.Callable.scaled, (obj,), X)
    np.testing.assert_allclose(s2sad.grad(om.Callable.scaled, wrt=1)(obj, X),
                               2.0 * 2.0 * obj.W * X)


def test_a_callable_object_of_an_unnamed_class_is_refused_by_its_name():
    with pytest.raises(s2sad.errors.NoDerivativeRuleError) as e:
        s2sad.grad(om.call_unnamed_class)(X)
    assert "no derivative rule for N" in str(e.value) and " at 0x" not in str(e.value)
    assert HERE in str(e.value)


def test_a_module_objects_methods_given_functions_and_called_objects():
    check(om.through_module_object, (), X)


def test_self_called_and_given_a_function_in_a_method_given_the_object():
    check(om.step_loss, (om.Stepper(),), X)


def test_a_method_of_an_item_is_refused_with_hints_that_work():
    acting = om.Acting(np.array([[1.0, 0.5], [0.2, -1.0]]), np.array([0.1, -0.2]))
    holder = om.Holder([acting])
    for f in (om.Holder.item_method, om.Holder.item_through_class):
        with pytest.raises(UnsupportedSyntaxError) as e:
            s2sad.grad(f, wrt=1)(holder, X)
        assert HERE in str(e.value) and "as an argument" in str(e.value)
    check(om.layer_given, (acting,), X)   # (the object given: its class's fwd and act)


def test_a_method_of_an_attributes_item_is_refused_with_a_hint_that_works():
    plain = om.Plain([ol.Dense(np.array([[1.0, 0.5], [0.2, -1.0]]), np.array([0.1, -0.2]))])
    with pytest.raises(UnsupportedSyntaxError) as e:
        s2sad.grad(om.Plain.item_call, wrt=1)(plain, X)
    message = str(e.value)
    assert HERE in message and ".fwd(self.layers[0], ...)" in message and "Dense.fwd" in message
    assert "array methods" not in message
    check(om.Plain.item_hinted, (plain,), X)
