"""Local functions read their definition's names, not their caller's (lexical scope).

A stranger found s2sad inlining a nested ``def`` or ``lambda`` with its free names
looked up where it is called: ``h``'s local ``k`` (or parameter ``k``, or a
parameter named like a module global) took the place of the ``k`` of the scope
defining ``g``, silently, in every mode; a closure appending to ``xs`` appended to
its caller's parameter ``xs``.  A local function calling a sibling defined after it
was refused with an untrue message.  Every value is compared with Python's own call,
every derivative with central finite differences (the Hessian-vector product with
central differences of finite-difference gradients).
"""

import gast
import numpy as np
import pytest

import closure_functions as cf
import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.syntax.normalize.hygiene import rename_shadowed
from s2sad.testing import check_grads, finite_difference_gradient

X = np.array([0.3, -1.2, 2.0])
V = np.array([0.5, 1.5, -0.7])

PROGRAMS = [cf.shadowed_by_local, cf.shadowed_by_parameter, cf.lambda_shadowed,
            cf.global_shadowed_by_sibling_parameter, cf.list_closure, cf.dict_closure,
            cf.sibling_defined_after, cf.three_levels, cf.loop_variable_late,
            cf.rebound_before_call, cf.comprehension_shadows, cf.calls_helper,
            cf.lambda_in_loop, cf.closure_list_in_callers_loop, cf.sibling_in_any_order,
            cf.comprehension_in_a_caller_shadows, cf.local_defaults,
            cf.siblings_called_by_keyword]


def _located_refusal(f, offset, text):
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(f)(X.copy())
    message = str(info.value)
    assert f"closure_functions.py:{f.__code__.co_firstlineno + offset}:" in message, message
    assert text in message, message
    assert "hint:" in message


def _hvp_fd(f, x, v):
    eps = 1e-3
    up = finite_difference_gradient(f, (x + eps * v,), eps=1e-5)
    down = finite_difference_gradient(f, (x - eps * v,), eps=1e-5)
    return (up - down) / (2 * eps)


@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_a_local_function_reads_its_definitions_names_in_every_mode(f):
    value, _ = s2sad.value_and_grad(f)(X.copy())
    assert value == pytest.approx(f(X.copy()), rel=1e-12)
    check_grads(f, (X,), modes=("reverse", "forward"))
    np.testing.assert_allclose(s2sad.hvp(f)(X.copy(), V), _hvp_fd(f, X, V),
                               rtol=1e-4, atol=1e-5)
    _, pullback = s2sad.vjp(f)(X.copy())
    np.testing.assert_allclose(pullback(1.0), finite_difference_gradient(f, (X,)),
                               rtol=1e-5, atol=1e-7)


def test_the_strangers_case_by_hand():
    # f = sum(2 x * 5 * x): Python's g reads f's k = 2.0, h's k = 5.0 scales it
    value, grad = s2sad.value_and_grad(cf.shadowed_by_local)(X.copy())
    assert value == pytest.approx(10.0 * np.sum(X * X))
    np.testing.assert_allclose(grad, 20.0 * X)
    # xs[-1] = 7 * (2 x), r = 2 x: d/dx (14 x . x + sum 2 x) = 28 x + 2
    np.testing.assert_allclose(s2sad.grad(cf.list_closure)(X.copy()), 28.0 * X + 2.0)


def test_a_recursive_local_function_is_refused_with_its_location():
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(cf.recursive)(X.copy())
    message = str(info.value)
    line = cf.recursive.__code__.co_firstlineno + 2
    assert f"closure_functions.py:{line}:" in message
    assert "the local function 'g' calls itself" in message


def test_a_call_before_the_definition_has_run_is_refused_with_its_location():
    # Python raises NameError: the sibling's 'def' has not run when g is called
    with pytest.raises(NameError):
        cf.called_before_definition(X.copy())
    for make in (s2sad.grad, s2sad.jvp):
        with pytest.raises(UnsupportedSyntaxError) as info:
            make(cf.called_before_definition)(*((X.copy(),) if make is s2sad.grad
                                                else (X.copy(), V)))
        message = str(info.value)
        line = cf.called_before_definition.__code__.co_firstlineno + 2
        assert f"closure_functions.py:{line}:" in message
        assert "'inner' is called before its definition has run" in message


def test_only_the_shadowing_names_of_nested_scopes_are_renamed():
    tree = gast.parse(
        "def f(x, G):\n"
        "    k = 2.0\n"
        "    def g(z):\n"
        "        return z * k * H\n"
        "    def h(z, k, H):\n"
        "        w = [g(z) for k in [1.0]]\n"
        "        return w[0] * k * H\n"
        "    def j(z):\n"
        "        return z\n"
        "    return h(x, 1.0, 2.0) + j(x)\n").body[0]
    # f's own names keep theirs; h's k (f binds k) and H (g reads the module's H) are
    # renamed, and so is the comprehension's k; g's and j's z: the first keeps it
    assert rename_shadowed(tree) == [("H", "H_h"), ("k", "k_h"), ("z", "z_h"),
                                     ("k", "k_comp"), ("z", "z_j")]
    names = {n.id for n in gast.walk(tree) if isinstance(n, gast.Name)}
    assert {"k", "z", "H", "k_h", "H_h", "z_h", "z_j", "k_comp", "x", "G"} <= names


def test_a_tree_without_local_functions_is_left_as_it_is():
    tree = gast.parse("def f(x):\n    a = [k for k in x]\n    k = 1.0\n"
                      "    return [k for k in a]\n").body[0]
    assert rename_shadowed(tree) == []


def test_a_local_functions_defaults_are_evaluated_at_its_definition():
    # c = 3 k with k = 2 when g's def runs, d = k = 5 when the lambda's runs:
    # f = sum((5 + 6) x . x) + sum(0.5 x . x), by hand
    value, grad = s2sad.value_and_grad(cf.local_defaults)(X.copy())
    assert value == pytest.approx(11.5 * np.sum(X * X))
    np.testing.assert_allclose(grad, 23.0 * X)


def test_a_default_the_function_changes_is_refused_at_the_call():
    # Python's later calls would see the appended list: s2sad's inlined bodies cannot
    _located_refusal(cf.default_changed, 4,
                     "the local function 'push' changes the default value of its "
                     "parameter 'acc'")


def test_a_local_function_with_star_args_is_refused_at_its_definition():
    _located_refusal(cf.star_args, 1, "local functions with *args")


def test_a_local_functions_own_name_read_before_it_is_bound_raises_as_python_does():
    # (was silently f's k = 2.0); the message spells the user's name, not the renamed one
    from s2sad.errors import UnboundVariableError
    with pytest.raises(UnboundLocalError):
        cf.read_before_its_own_assignment(X.copy())
    line = cf.read_before_its_own_assignment.__code__.co_firstlineno + 3
    for call in (lambda: s2sad.grad(cf.read_before_its_own_assignment)(X.copy()),
                 lambda: s2sad.jvp(cf.read_before_its_own_assignment)(X.copy(), V)):
        with pytest.raises(UnboundVariableError) as info:
            call()
        assert f"closure_functions.py:{line}:" in str(info.value)
        assert "local variable 'k' is read here" in str(info.value)
