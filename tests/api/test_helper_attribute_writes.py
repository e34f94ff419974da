"""A helper of the user's (no rule) writing an attribute of an object it is given, in
a loop whose body reads the attribute: the reverse sweep took the read for invariant
(the last trip's value for every trip: 12 for 9).  Checked against central
differences in every first-order transform."""

import numpy as np
import pytest

import s2sad

import helper_attribute_writes as M

CASES = [("read_after", M.Counter), ("read_before", M.Counter), ("while_loop", M.Counter),
         ("set_in_a_loop", M.Counter),
         ("nested_attribute", M.Outer),
         ("objects_in_a_list", lambda: [M.Counter(), M.Counter()]),
         ("in_a_branch", M.Counter)]


@pytest.mark.parametrize("name, make", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("transform", ["grad", "vjp", "jvp"])
def test_each_trip_reads_the_value_the_helper_left(name, make, transform):
    f = getattr(M, name)
    x, h = 1.5, 1e-6
    expected = (f(x + h, make()) - f(x - h, make())) / (2 * h)
    if transform == "grad":
        found = s2sad.grad(f)(x, make())
    elif transform == "vjp":
        found = s2sad.vjp(f)(x, make())[1](1.0)
    else:
        found = s2sad.jvp(f)(x, make(), 1.0)[1]
    assert np.ndim(found) == 0
    assert float(found) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("name", ["module_object_given", "module_object_given_on",
                                  "local_alias_given", "attribute_given", "decorated",
                                  "alias_written", "method_written", "vars_written"])
def test_a_module_object_given_to_such_a_helper(name):
    """The reverse sweep reads a module's object again after the forward sweep: refused
    in reverse mode, located at the call passing it; forward mode reads it where Python
    does and is right."""
    f = getattr(M, name)
    x, h = np.array([0.5, 1.0]), 1e-6

    def fresh(v):
        M.SHARED.n = M.HOLDER.counter.n = M.TICKING.n = 1.0
        return f(v)
    e = np.array([h, 0.0])
    expected = (fresh(x + e) - fresh(x - e)) / (2 * h)
    for second, transform in ((False, lambda: s2sad.grad(f)(x)),
                              (False, lambda: s2sad.vjp(f)(x)[1](1.0)),
                              (True, lambda: s2sad.hessian(f)(x))):
        M.SHARED.n = M.HOLDER.counter.n = M.TICKING.n = 1.0
        with pytest.raises(s2sad.errors.UnsupportedSyntaxError) as caught:
            transform()
        text = str(caught.value)
        assert "helper_attribute_writes.py:" in text
        if not second:   # (second order puts the helper's body in place of its call: a
            # write in it is refused there, as such)
            assert any(f"'{n}' is read here" in text for n in ("SHARED", "HOLDER", "TICKING")) \
                and "into an object it is given" in text, text
    M.SHARED.n = M.HOLDER.counter.n = M.TICKING.n = 1.0
    assert s2sad.jvp(f)(x, np.array([1.0, 0.0]))[1] == pytest.approx(expected, rel=1e-6)


def test_a_module_object_no_such_helper_is_given_stays_differentiated():
    """Only the objects a call gives the helper count as written (a local object given,
    a module object read beside it: differentiated, not refused)."""
    f = M.local_object_beside_a_module_object
    x, h = np.array([0.5, 0.1, -0.3]), 1e-6
    expected = [(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(3)]
    np.testing.assert_allclose(s2sad.grad(f)(x), expected, rtol=1e-6)


def test_second_order_refuses_a_helper_s_setattr_as_the_write_it_is():
    with pytest.raises(s2sad.errors.UnsupportedSyntaxError) as caught:
        s2sad.hessian(M.set_in_a_loop)(np.array([0.5, 1.0]), M.Counter())
    assert "setattr(c, ...) changes the object c holds in place" in str(caught.value)
