"""Attributes of objects a function is given, read as constants, and methods called
through them, made for the class of each call's object (objattr23).  Gradients against
central finite differences in float64 (s2sad.testing.check_grads) or derivatives written
by hand; the refusals that stay, located."""

import os

import numpy as np
import pytest

import s2sad
import object_attributes23 as oa
from s2sad.testing import check_grads

X = np.array([0.3, -0.2, 0.5])
X2 = np.array([0.3, -0.2])
HERE = f"{os.sep}object_attributes23.py:"


def fd(f, x, h=1e-6):
    """Central differences of a scalar or vector function of x (columns per x_i)."""
    cols = []
    for i in range(len(x)):
        e = np.zeros_like(x)
        e[i] = h
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    return np.array(cols).T


CASES = [
    (oa.Model.loss, oa.Model(), X), (oa.Model.loss_act, oa.Model(), X),
    (oa.Model.loss_chain, oa.Model(), X), (oa.Model.loss_loop, oa.Model(), X),
    (oa.Model.loss_scaled, oa.Model(), X), (oa.Model.loss_act, oa.Sinus(), X),
    (oa.Model.loss_chain, oa.Sinus(), X), (oa.Net.nested, oa.Net(), X2),
    (oa.Net.looped, oa.Net(), X2), (oa.model_act, oa.Sinus(), X),
]


@pytest.mark.parametrize("f, obj, x", CASES)
def test_first_derivatives_match_finite_differences(f, obj, x):
    check_grads(f, (obj, x), wrt=1, modes=("reverse", "forward"))
    want = fd(lambda v: f(obj, v), x)
    np.testing.assert_allclose(s2sad.grad(f, wrt=1)(obj, x), want, rtol=1e-6, atol=1e-8)
    value, g = s2sad.value_and_grad(f, wrt=1)(obj, x)
    assert value == pytest.approx(f(obj, x)) and np.allclose(g, want, atol=1e-7)
    v = np.linspace(0.5, 1.0, len(x))
    np.testing.assert_allclose(s2sad.jvp(f, wrt=1)(obj, x, v)[1], want @ v, atol=1e-7)
    np.testing.assert_allclose(s2sad.vjp(f, wrt=1)(obj, x)[1](1.0), want, atol=1e-7)


def test_a_config_objects_attributes_are_constants():
    cfg = oa.Config()
    np.testing.assert_allclose(s2sad.grad(oa.with_config)(X, cfg), 6.0 * X)
    cfg.power = 3   # read at each call (an int in the code's arithmetic)
    np.testing.assert_allclose(s2sad.grad(oa.with_config)(X, cfg), 9.0 * X ** 2)


@pytest.mark.parametrize("obj", [oa.Model(), oa.Sinus()])
@pytest.mark.parametrize("f", [oa.Model.loss_act, oa.Model.loss_chain, oa.Model.loss])
def test_second_derivatives_through_self_methods(f, obj):
    grad = lambda v: s2sad.grad(f, wrt=1)(obj, v)
    want = fd(grad, X, h=1e-5)
    np.testing.assert_allclose(s2sad.hessian(f, wrt=1)(obj, X), want, atol=1e-6)
    v = np.array([1.0, -0.5, 0.25])
    np.testing.assert_allclose(s2sad.hvp(f, wrt=1)(obj, X, v), want @ v, atol=1e-6)


def test_jacobian_and_vjp_of_a_vector_output():
    for obj in (oa.Model(), oa.Sinus()):
        want = fd(lambda v: oa.Model.outputs(obj, v), X)
        np.testing.assert_allclose(s2sad.jacobian(oa.Model.outputs, wrt=1)(obj, X), want,
                                   atol=1e-7)
        value, pullback = s2sad.vjp(oa.Model.outputs, wrt=1)(obj, X)
        u = np.array([1.0, 2.0, -1.0])
        np.testing.assert_allclose(pullback(u), u @ want, atol=1e-7)


def test_a_subclass_gets_its_own_code_and_the_cache_keeps_both(monkeypatch):
    g = s2sad.grad(oa.Model.loss_act, wrt=1)
    base, sinus = oa.Model(), oa.Sinus()
    tanh = lambda v: 2 * np.tanh(v) * (1 - np.tanh(v) ** 2)   # d sum(tanh^2)
    sin = lambda v: 2 * np.sin(v) * np.cos(v)                  # d sum(sin^2)
    np.testing.assert_allclose(g(base, X), tanh(X))
    np.testing.assert_allclose(g(sinus, X), sin(X))
    from s2sad import pipeline
    made = []
    real = pipeline.generate
    monkeypatch.setattr(pipeline, "generate", lambda *a, **k: made.append(a) or real(*a, **k))
    for _ in range(3):   # alternating classes: no code made again
        np.testing.assert_allclose(g(base, X), tanh(X))
        np.testing.assert_allclose(g(sinus, X), sin(X))
    assert made == []
    np.testing.assert_allclose(g(oa.Twice(), X), 8.0 * X)   # a class not seen: made for it
    assert made


def test_a_method_replaced_on_the_class_makes_the_code_again(monkeypatch):
    g = s2sad.grad(oa.Model.loss_act, wrt=1)
    obj = oa.Sinus()
    np.testing.assert_allclose(g(obj, X), 2 * np.sin(X) * np.cos(X))
    monkeypatch.setattr(oa.Sinus, "act", lambda self, z: z * 3.0)
    np.testing.assert_allclose(g(obj, X), 18.0 * X)


def test_an_attribute_rebound_between_calls_is_read_at_each_call():
    obj = oa.Model()
    g = s2sad.grad(oa.Model.loss, wrt=1)
    first = g(obj, X)
    obj.W = 2.0 * obj.W
    np.testing.assert_allclose(g(obj, X), fd(lambda v: oa.Model.loss(obj, v), X), atol=1e-7)
    assert not np.allclose(first, g(obj, X))


@pytest.mark.parametrize("change", ["rebound", "in place", "nested in place", "list item"])
def test_a_pullback_after_an_attribute_changed_raises_changed_since(change):
    obj, f = (oa.Model(), oa.Model.loss) if change in ("rebound", "in place") else \
        (oa.Net(), oa.Net.nested if change == "nested in place" else oa.Net.looped)
    x = X if isinstance(obj, oa.Model) else X2
    want = fd(lambda v: f(obj, v), x)
    value, pullback = s2sad.vjp(f, wrt=1)(obj, x)
    np.testing.assert_allclose(pullback(1.0), want, atol=1e-7)   # (unchanged: the gradient)
    if change == "rebound":
        obj.W = obj.W * 3.0
    elif change == "in place":
        obj.W *= 3.0
    elif change == "nested in place":
        obj.layer.W[0, 0] = 7.0
    else:
        obj.layers[1].b[0] = -2.0
    with pytest.raises(s2sad.errors.ChangedSinceError) as info:
        pullback(1.0)
    assert "reads as a constant" in str(info.value)


@pytest.mark.parametrize("transform", [s2sad.grad, s2sad.jvp, s2sad.vjp, s2sad.hessian])
def test_an_attribute_of_a_differentiated_object_is_refused_at_it(transform):
    x = np.array([0.3, -0.2])
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        # (jvp: the object's own tangent is None, as it carries none; an array there is
        # a TangentError before the code is made for the object's class)
        args = (oa.Net(), x) + ((None,) if transform is s2sad.jvp else ())
        transform(oa.Net.nested, wrt=0)(*args)
    text = str(info.value)
    assert HERE in text.splitlines()[0] and "'self.layer.W'" in text, text
    assert "take the array as a parameter" in info.value.hint


def test_a_differentiated_config_object_is_refused_and_the_hint_works():
    cfg = oa.Config()
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(oa.with_config, wrt=(0, 1))(X, cfg)
    assert HERE in str(info.value).splitlines()[0] and "cfg.scale" in str(info.value)

    def spelled(x, scale):   # the hint: the value as a parameter
        return scale * np.sum(x ** 2)
    gx, gs = s2sad.grad(spelled, wrt=(0, 1))(X, cfg.scale)
    np.testing.assert_allclose(gx, 6.0 * X) and np.testing.assert_allclose(gs, np.sum(X ** 2))


def test_a_class_with_no_name_in_the_module_is_refused_naming_it():
    obj = oa.make_local_class()
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(oa.Model.loss_act, wrt=1)(obj, X)
    assert HERE in str(info.value).splitlines()[0] and "Local" in str(info.value)
    assert "import Local" in info.value.hint


def test_source_without_a_call_says_the_class_is_known_at_the_call():
    with pytest.raises(s2sad.errors.ObjectClassError) as info:
        s2sad.source(oa.Model.loss_act, wrt=1)
    assert HERE in str(info.value).splitlines()[0]
    assert "Model.act(self, ...)" in info.value.hint
    # attributes alone need no class: the code is made before any call
    assert "self_W = self.W" in s2sad.source(oa.Model.loss, wrt=1)


@pytest.mark.parametrize("method", ["through_a_name", "updated"])
def test_a_write_into_an_attributes_array_is_refused_and_the_copy_works(method):
    obj = oa.Writer()
    before = obj.W.copy()
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(getattr(oa.Writer, method), wrt=1)(obj, X)
    assert HERE in str(info.value).splitlines()[0] and "'self.W'" in str(info.value)
    assert ("np.copy(w)" if method == "through_a_name" else "w = w * ...") in info.value.hint
    np.testing.assert_array_equal(obj.W, before)   # (the object left as it was)
    want = fd(lambda v: oa.Writer.copied(obj, v), X)
    np.testing.assert_allclose(s2sad.grad(oa.Writer.copied, wrt=1)(obj, X), want, atol=1e-7)
    np.testing.assert_array_equal(obj.W, before)


def test_a_function_set_on_the_object_itself_is_refused_not_the_classes_run():
    obj = oa.Sinus()
    g = s2sad.grad(oa.Model.loss_act, wrt=1)
    np.testing.assert_allclose(g(obj, X), 2 * np.sin(X) * np.cos(X))
    obj.act = lambda z: z   # Python now calls this one, not Sinus.act
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        g(obj, X)
    assert HERE in str(info.value).splitlines()[0] and "set on the object" in str(info.value)
    del obj.act
    np.testing.assert_allclose(g(obj, X), 2 * np.sin(X) * np.cos(X))


@pytest.mark.parametrize("f", [oa.through_the_class, oa.through_the_object])
def test_a_module_level_objects_method_calling_self_methods(f, monkeypatch):
    def check():
        check_grads(f, (X,), modes=("reverse", "forward"))
        want = fd(lambda v: s2sad.grad(f)(v), X, h=1e-5)
        np.testing.assert_allclose(s2sad.hessian(f)(X), want, atol=1e-6)
    check()
    monkeypatch.setattr(oa, "STEPPER", oa.Stepper())   # another class: made again
    check()
    oa.STEPPER.act = lambda z: z   # set on the object: Python runs it, s2sad refuses
    for transform in (s2sad.grad, s2sad.hessian):
        with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
            transform(f)(X)
        assert HERE in str(info.value).splitlines()[0] and "set on the object" in str(info.value)


def test_a_written_argument_sharing_memory_with_an_attribute_is_refused_when_called():
    # (Python's call would change obj.W through x; s2sad writes into a copy of x)
    obj = oa.Scaler()
    with pytest.raises(s2sad.errors.SharedArgumentsError) as info:
        s2sad.grad(oa.Scaler.doubled, wrt=1)(obj, obj.W)
    assert HERE in str(info.value).splitlines()[0] and "'self'" in str(info.value)
    x = obj.W.copy()   # the hint: a copy, then 2 W
    np.testing.assert_allclose(s2sad.grad(oa.Scaler.doubled, wrt=1)(obj, x), 2.0 * obj.W)
    np.testing.assert_allclose(s2sad.jvp(oa.Scaler.doubled, wrt=1)(obj, x, np.ones(3))[1],
                               2.0 * np.sum(obj.W))


def test_a_classmethod_called_through_self_is_refused_naming_it():
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(oa.WithClassmethod.loss, wrt=1)(oa.WithClassmethod(), X)
    assert HERE in str(info.value).splitlines()[0] and "classmethod" in str(info.value)
    assert "WithClassmethod.twice" in str(info.value)


@pytest.mark.parametrize("obj", [oa.Model(), oa.Sinus()])
def test_the_numba_backend_runs_numpy_for_an_object_with_a_warning(obj):
    pytest.importorskip("numba", reason="numba is an optional extra")
    with pytest.warns(s2sad.NumbaFallbackWarning):
        got = s2sad.grad(oa.Model.loss_act, wrt=1, backend="numba")(obj, X)
    np.testing.assert_allclose(got, fd(lambda v: oa.Model.loss_act(obj, v), X), atol=1e-7)
