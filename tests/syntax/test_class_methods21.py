"""Methods of the user's classes and the refusals found by stranger 21 (r3, r4, r6, r9,
r10, r11, r12).  Gradients against central finite differences (s2sad.testing), Hessians
against finite differences of a derivative written by hand; refusals located, and each
hint's spelling differentiated."""

import importlib.util
import itertools
import os
import sys

import numpy as np
import pytest

import s2sad
import class_methods21 as cm
from s2sad.testing import check_grads

X = np.array([0.3, -1.2, 0.7])
HERE = f"{os.sep}class_methods21.py:"


def fd_hessian(grad, x, h=1e-5):
    """Central differences of a gradient written by hand."""
    cols = []
    for i in range(len(x)):
        e = np.zeros_like(x)
        e[i] = h
        cols.append((grad(x + e) - grad(x - e)) / (2 * h))
    return np.array(cols).T


@pytest.mark.parametrize("f", [cm.ops_dot, cm.ops_put, cm.ops_clip, cm.through_object,
                               cm.static_through_object, cm.chain_items, cm.chain_tuples,
                               cm.chain_mixed, cm.appended_count, cm.words_literal,
                               cm.ravel_loop, cm.membership, cm.chain_row,
                               cm.chain_slice])
def test_first_derivatives_match_finite_differences(f):
    check_grads(f, (X,), modes=("reverse", "forward"))


def test_staticmethod_named_like_an_ndarray_method_is_the_users_function():
    assert np.allclose(s2sad.grad(cm.ops_dot)(X), 3.0)
    assert np.allclose(s2sad.grad(cm.ops_put)(X), 3 * X ** 2)


def test_hessian_through_staticmethod_and_method_called_through_the_class():
    # K.outer = 2 sum(sin x x^2): the derivative 2 (cos x x^2 + 2 x sin x) by hand
    grad_outer = lambda x: 2 * (np.cos(x) * x ** 2 + 2 * x * np.sin(x))
    assert np.allclose(s2sad.hessian(cm.K.outer)(X), fd_hessian(grad_outer, X), atol=1e-6)
    assert np.allclose(s2sad.hvp(cm.K.outer)(X, np.ones(3)),
                       fd_hessian(grad_outer, X) @ np.ones(3), atol=1e-6)
    # K.meth = 3 sum(cos x x): the derivative 3 (cos x - x sin x)
    grad_meth = lambda x: 3 * (np.cos(x) - x * np.sin(x))
    assert np.allclose(s2sad.hessian(cm.K.meth, wrt=1)(cm.K(), X), fd_hessian(grad_meth, X),
                       atol=1e-6)


def test_method_of_a_module_level_object_follows_the_object():
    grad_pure = lambda x: np.tanh(x) + x * (1 - np.tanh(x) ** 2)
    assert np.allclose(s2sad.grad(cm.through_object)(X), grad_pure(X))
    assert np.allclose(s2sad.hessian(cm.through_object)(X), fd_hessian(grad_pure, X),
                       atol=1e-6)
    saved = cm.MODEL
    try:
        cm.MODEL = cm.Sub()        # another class: the code is made again (3 x^2)
        assert np.allclose(s2sad.grad(cm.through_object)(X), 3 * X ** 2)
        cm.MODEL.pure = lambda x: x   # set on the object: sum(x * x), 2 x
        assert np.allclose(s2sad.grad(cm.through_object)(X), 2 * X)
    finally:
        cm.MODEL = saved
    assert np.allclose(s2sad.grad(cm.through_object)(X), grad_pure(X))


def test_self_method_call_is_made_for_the_class_of_the_object_given():
    # (objattr23: refused before, 'self.act(...)'; now made for type(self) at the call)
    assert np.allclose(s2sad.grad(cm.Model.loss, wrt=1)(cm.Model(), X), 1 - np.tanh(X) ** 2)
    assert np.allclose(s2sad.grad(cm.Model.loss_ok, wrt=1)(cm.Model(), X),
                       1 - np.tanh(X) ** 2)
    # with no call, no class: s2sad.source says so, located, with the spelling that works
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.source(cm.Model.loss, wrt=1)
    assert HERE in str(info.value).splitlines()[0] and "self.act" in str(info.value)
    assert "Model.act(self, ...)" in info.value.hint


def test_string_method_hint_is_a_string_hint_and_the_literal_works():
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(cm.words)(X)
    assert HERE in str(info.value).splitlines()[0]
    assert "np.split" not in info.value.hint and "method of strings" in info.value.hint
    x = X[:2]
    assert np.allclose(s2sad.grad(cm.words_literal)(X)[:2], [2 * x[0] * x[1], x[0] ** 2])


def test_nditer_hint_loops_over_the_array():
    with pytest.raises(s2sad.S2sadError) as info:
        s2sad.grad(cm.nditer_loop)(X)
    assert HERE in str(info.value).splitlines()[0]
    assert "dtype=np.nditer" not in info.value.hint and "x.ravel()" in info.value.hint
    assert np.allclose(s2sad.grad(cm.ravel_loop)(X), 2 * X)


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements are Python 3.10+")
def test_match_is_refused_with_the_if_spelling():
    path = os.path.join(os.path.dirname(cm.__file__), "py310", "match_statement21.py")
    spec = importlib.util.spec_from_file_location("match_statement21", path)
    ms = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ms)
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(ms.matched)(X, "sq")
    assert "'match' statements" in str(info.value), str(info.value)
    assert f"{os.sep}match_statement21.py:" in str(info.value), str(info.value)
    assert "if/elif" in info.value.hint
    assert np.allclose(s2sad.grad(cm.matched_as_if)(X, "sq"), 2 * X)
    assert np.allclose(s2sad.grad(cm.matched_as_if)(X, "other"), 1.0)


def accumulated(x):
    return sum(itertools.accumulate(x))


def test_accumulate_without_a_function_is_not_said_to_be_given_one():
    with pytest.raises(s2sad.S2sadError) as info:
        s2sad.grad(accumulated)(X)
    assert "given a function" not in str(info.value)
    assert "np.cumsum" in info.value.hint
    # the spelling the hint gives: sum of running sums, d/dx_i = n - i
    assert np.allclose(s2sad.grad(lambda x: np.sum(np.cumsum(x)))(X), [3.0, 2.0, 1.0])


def test_hessian_of_chained_assignments():
    # chain_tuples = x0 x1 + x1 x0^2
    grad = lambda x: np.array([x[1] + 2 * x[0] * x[1], x[0] + x[0] ** 2, 0.0])
    assert np.allclose(s2sad.hessian(cm.chain_tuples)(X), fd_hessian(grad, X), atol=1e-6)


def test_a_set_of_constants_tested_for_membership_is_a_constant():
    w = np.array([1.0, 2.0, 1.0])   # k in {"a", "c"}: 1, else 2
    assert np.allclose(s2sad.grad(cm.membership)(X), 2 * w * X + [1.5, 0.5, 1.5])
    assert np.allclose(s2sad.hessian(cm.membership)(X), np.diag(2 * w))


def test_a_method_of_a_parameter_runs_the_class_of_the_object_given():
    assert np.allclose(s2sad.grad(cm.loss_of_model, wrt=1)(cm.Model(), X),
                       1 - np.tanh(X) ** 2)
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.source(cm.loss_of_model, wrt=1)
    assert HERE in str(info.value).splitlines()[0] and "model.act" in str(info.value)
    assert "Model.act(model, ...)" in info.value.hint


@pytest.mark.parametrize("method", ["loss", "loss_get"])
def test_self_method_named_like_an_array_or_dict_method_is_the_classes(method):
    # (it crashed in numpy: self.sum(x) was read as np.sum(self, x)); sum(x^3), sum(2 x)
    want = 3 * X ** 2 if method == "loss" else np.full(3, 2.0)
    assert np.allclose(s2sad.grad(getattr(cm.Shadow, method), wrt=1)(cm.Shadow(), X), want)
    assert np.allclose(s2sad.grad(cm.Shadow.loss_ok, wrt=1)(cm.Shadow(), X), 3 * X ** 2 + 2)


def test_a_method_of_an_object_whose_class_has_no_name_says_to_name_it(monkeypatch):
    with pytest.raises(s2sad.NoDerivativeRuleError) as info:
        s2sad.grad(cm.through_hidden)(X)
    assert HERE in str(info.value).splitlines()[0] and "class Hidden" in str(info.value)
    assert "Hidden = type(HIDDEN)" in info.value.hint
    monkeypatch.setattr(cm, "Hidden", type(cm.HIDDEN), raising=False)   # the hint, followed
    assert np.allclose(s2sad.grad(cm.through_hidden)(X),
                       np.tanh(X) + X * (1 - np.tanh(X) ** 2))


def test_a_second_order_refusal_names_the_class_attribute_and_its_line():
    # W.e is a decorator's wrapper; the module-level e (another function) is not the one
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.hessian(cm.W.outer)(X)
    text = str(info.value)
    assert "'W.e'" in text and "decorator's wrapper" in text
    line = next(i for i, t in enumerate(open(cm.__file__), 1) if "@_wrapping" in t) - 1
    assert f"class_methods21.py:{line})" in text   # (its def, from its first decorator)
    assert np.allclose(s2sad.grad(cm.W.outer)(X), 2 * (np.cos(X) * X ** 2 + 2 * X * np.sin(X)))


def test_a_bound_method_calling_its_class_method_through_self_gets_the_class_spelling():
    with pytest.raises(s2sad.SourceUnavailableError) as info:
        s2sad.grad(cm.Model().loss)(X)
    assert "s2sad.grad(Model.loss, wrt=1)(obj, x)" in info.value.hint
    # the spelling the hint gives (self.act(x) runs Model.act)
    assert np.allclose(s2sad.grad(cm.Model.loss, wrt=1)(cm.Model(), X), 1 - np.tanh(X) ** 2)


def test_a_chained_assignment_of_one_list_to_a_name_and_an_item_is_one_list():
    with pytest.raises(s2sad.S2sadError) as info:
        s2sad.grad(cm.chain_shared_list)(X)
    assert HERE in str(info.value).splitlines()[0] and "'ys'" in str(info.value)
