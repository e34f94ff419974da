"""Imports inside a differentiated function (refused before: "imports inside a
differentiated function are not supported"): one at the top level of the body binds a
name read as a free name of the function, in the entry and in a helper, for every
transform, to second order and in a written module; one in a branch, a name bound
again, a name read before its import are refused, located, saying what works."""

import importlib
import os
import sys

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads, finite_difference_gradient
from in_process import s2sad_command

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")
sys.path.insert(0, FIXTURES)
li = importlib.import_module("local_imports")

X = np.array([0.3, -0.7, 1.2])


def test_the_strangers_lazy_scipy_import():
    pytest.importorskip("scipy", reason="the fixture imports scipy.special")
    W = np.array([[0.1, 0.2, 0.3], [-0.2, 0.0, 0.4]])
    A = np.array([[1.0, 2.0], [0.5, -1.0]])
    y = np.array([0, 2])
    g = s2sad.grad(li.xent)(W, A, y)
    fd = finite_difference_gradient(lambda w: li.xent(w, A, y), (W,))
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("func", [li.scaled_sine, li.calls_helper_importing,
                                  li.import_after_arithmetic])
def test_local_imports_match_finite_differences(func):
    check_grads(func, (X,), modes=("reverse", "forward"))


def test_hand_derivative_through_a_helper_importing():
    # d/dx [sum((pi sin x)^2) + |x|] = 2 pi^2 sin x cos x + x/|x|
    expected = 2 * np.pi ** 2 * np.sin(X) * np.cos(X) + X / np.linalg.norm(X)
    np.testing.assert_allclose(s2sad.grad(li.calls_helper_importing)(X), expected, rtol=1e-12)


def test_second_order_and_jacobian():
    f = li.calls_helper_importing
    h = s2sad.hessian(f)(X)
    fd = np.array([finite_difference_gradient(
        lambda v: s2sad.grad(f)(v)[i], (X,)) for i in range(3)])
    np.testing.assert_allclose(h, fd, atol=1e-5)
    jac = s2sad.jacobian(li.scaled_sine)(X)
    np.testing.assert_allclose(jac, np.diag(np.pi * np.cos(X)), rtol=1e-12)


def test_a_submodule_imported_from_a_package():
    pytest.importorskip("scipy", reason="the fixture imports scipy.special")
    check_grads(li.submodule_from_package, (X,), modes=("reverse", "forward"))


@pytest.mark.parametrize("name, line", [("import_in_a_branch", 38),
                                        ("name_bound_again", 44),
                                        ("read_before_import", 51)])
def test_imports_not_at_the_top_are_refused_located(name, line):
    func = getattr(li, name)
    args = (X, True) if name == "import_in_a_branch" else (X,)
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(func, wrt=0)(*args)
    text = str(info.value)
    assert f"local_imports.py:{line}:" in text
    assert "this import inside a differentiated function is not supported" in text
    assert "top of the function's body" in text


def test_written_module_binds_the_imported_names(tmp_path):
    target = tmp_path / "li_grad.py"
    s2sad_command(["grad",
                    os.path.join(FIXTURES, "local_imports.py") + ":calls_helper_importing",
                    "-o", str(target)], check=True, cwd=os.getcwd())
    sys.path.insert(0, str(tmp_path))
    try:
        written = importlib.import_module("li_grad")
    finally:
        sys.path.remove(str(tmp_path))
    value, grad = written.calls_helper_importing_value_and_grad(X)
    assert value == pytest.approx(li.calls_helper_importing(X))
    np.testing.assert_allclose(grad, s2sad.grad(li.calls_helper_importing)(X), rtol=1e-12)


def test_one_alias_for_two_objects_in_two_helpers():
    # first order: each helper's code binds its own S; second order puts both bodies in
    # one function, where one name cannot hold both: refused, never one read as the other
    f = li.two_helpers_one_alias
    np.testing.assert_allclose(s2sad.grad(f)(X), np.cos(2 * X), rtol=1e-12)
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.hessian(f)(X)
    assert "local_imports.py:62:12:" in str(info.value)
    assert "'S' here is another object than the 'S' of a helper" in str(info.value)


def test_a_written_module_imports_locally_imported_ufuncs(tmp_path):
    """scipy.special's ufuncs name no module (``expit.__module__`` is None): the written
    module said "supplied by the caller" and raised NameError when called (stranger23d);
    it imports them from scipy.special now, and agrees with finite differences."""
    pytest.importorskip("scipy", reason="scipy is optional")
    target = tmp_path / "su_grad.py"
    s2sad_command(["grad",
                    os.path.join(FIXTURES, "local_imports.py") + ":scipy_ufuncs",
                    "-o", str(target)], check=True, cwd=os.getcwd())
    assert "from scipy.special import expit" in target.read_text()
    sys.path.insert(0, str(tmp_path))
    try:
        written = importlib.import_module("su_grad")
    finally:
        sys.path.remove(str(tmp_path))
    value, grad = written.scipy_ufuncs_value_and_grad(X)
    assert value == pytest.approx(li.scipy_ufuncs(X))
    np.testing.assert_allclose(grad, finite_difference_gradient(li.scipy_ufuncs, (X,), 0),
                               rtol=1e-6, atol=1e-9)
