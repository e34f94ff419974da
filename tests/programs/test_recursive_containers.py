"""Recursive helpers over nested containers mixing lists, tuples, dicts, numbers and
arrays, built in the caller or passed as arguments, in every mode (grad, vjp, jvp, the
CLI's modules) against central finite differences.

Before: reverse mode dropped the gradient of one kind of item of a list mixing lists and
numbers (``tree_sum([x[0], [x[1]]])`` gave ``[0.66, 0]``), and crashed over nested
tuples (tuple + list) and dicts (``add_into`` of a number): the copy of the helper made
for an item of unknown kind took its parameter for a number because the base case
squares it (``t ** 2``), and so added adjoints with ``+`` (a list's concatenation);
so with ``hasattr`` for the test (which forward mode refused, having no rule).  A
helper specialized on a list argument was refused for the base case it never runs
(``np.sin(t) * t``), and a helper over both lists and dicts read every argument as a
dict.  Second derivatives of a recursive helper stay refused, located, as the README
says."""

import importlib
import sys

import numpy as np
import pytest

import s2sad
from s2sad.cli.main import main as cli_main
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads, finite_difference_gradient

import fixtures.recursive_containers as rc

X = np.array([0.33, -1.21, 0.7])

ENTRIES = ["mixed_list", "mixed_list_swapped", "mixed_generator", "nested_tuple",
           "tuple_and_list", "nested_dict", "everything", "everything_list",
           "with_constants", "base_case_first", "weighted_by_depth", "switched_on_type",
           "mapped_then_totalled", "mapped_item", "flattened", "built_then_passed",
           "tested_by_attributes", "tested_as_arrays", "tested_as_mapping"]


@pytest.mark.parametrize("name", ENTRIES)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_recursive_helper_over_a_tree_built_in_the_caller(name, mode):
    check_grads(getattr(rc, name), (X,), modes=(mode,))


def test_the_reported_gradients_by_hand():
    """x0**2 + x1**2 whichever kind of item comes first (the stranger's report)."""
    x = X[:2]
    for f in (rc.mixed_list, rc.mixed_list_swapped, rc.nested_tuple):
        np.testing.assert_allclose(s2sad.grad(f)(x), 2 * x, rtol=1e-12)
        np.testing.assert_allclose(s2sad.vjp(f)(x)[1](1.0), 2 * x, rtol=1e-12)
    np.testing.assert_allclose(s2sad.grad(rc.nested_dict)(X), 2 * X, rtol=1e-12)


TREES = [
    {"a": [0.3, (1.2, np.array([0.1, 0.2]))], "b": -0.5},
    [0.3, (1.2, [np.array([0.1, 0.2]), {"z": 0.4}])],
    (0.3, [1.2, {"q": (0.5,)}]),
    [[0.3], 1.2, [[np.array([0.7, -0.4])]]],
]


@pytest.mark.parametrize("tree", range(len(TREES)))
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_recursive_helper_over_a_tree_passed_as_the_argument(tree, mode):
    check_grads(rc.summed_param, (TREES[tree],), modes=(mode,))
    check_grads(rc.mapped_param, (TREES[tree], 0.7), modes=(mode,))


def test_a_product_with_a_list_that_runs_stays_refused():
    """The base case of a helper specialized on a list is left out of the check, never a
    product that runs with the list."""
    with pytest.raises(UnsupportedSyntaxError, match="a list in arithmetic") as info:
        s2sad.grad(rc.product_of_list)([0.3, 1.2])
    assert "recursive_containers.py" in str(info.value)
    check_grads(rc.product_of_list, (np.array([0.3, 1.2]),), modes=("reverse", "forward"))


@pytest.mark.parametrize("name", ["mixed_list", "nested_dict", "everything"])
@pytest.mark.parametrize("second", ["hessian", "hvp"])
def test_second_derivatives_of_a_recursive_helper_are_refused_located(name, second):
    f = getattr(rc, name)
    with pytest.raises(UnsupportedSyntaxError, match="calls itself") as info:
        if second == "hessian":
            s2sad.hessian(f)(X)
        else:
            s2sad.hvp(f)(X, np.ones(3))
    message = str(info.value)
    assert "recursive_containers.py:" in message and "write the recursion as a loop" in message


@pytest.mark.parametrize("flavor", ["value_and_grad", "vjp"])
def test_cli_modules(tmp_path, monkeypatch, flavor):
    """The modules the CLI writes (reverse mode, both flavors) give the same gradients."""
    monkeypatch.chdir(tmp_path)
    source = rc.__file__
    names = ["mixed_list", "tuple_and_list", "everything", "mapped_then_totalled"]
    for name in names:
        out = tmp_path / f"rc_{name}_{flavor}.py"
        assert cli_main(["grad", f"{source}:{name}", "--flavor", flavor, "-o", str(out)]) == 0
    sys.path.insert(0, str(tmp_path))
    try:
        for name in names:
            module = importlib.import_module(f"rc_{name}_{flavor}")
            if flavor == "vjp":
                value, pullback = getattr(module, f"{name}_vjp")(X)
                grad = pullback(1.0)
            else:
                value, grad = getattr(module, f"{name}_value_and_grad")(X)
            assert value == pytest.approx(getattr(rc, name)(X))
            expected = finite_difference_gradient(getattr(rc, name), (X,))
            np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-8)
    finally:
        sys.path.remove(str(tmp_path))
        for name in names:
            sys.modules.pop(f"rc_{name}_{flavor}", None)


@pytest.mark.parametrize("tree", range(len(TREES)))
def test_code_made_without_the_arguments(tree):
    """``s2sad.source`` (the CLI's code, which does not see the tree) over a tree passed
    as the argument: the gradient of every leaf, against finite differences by leaf."""
    ns = {}
    exec(s2sad.source(rc.summed_param), ns)
    value, grad = ns["summed_param_value_and_grad"](TREES[tree])
    assert value == pytest.approx(rc.summed_param(TREES[tree]))
    check_grads(rc.summed_param, (TREES[tree],))   # (the API's, specialized)
    np.testing.assert_allclose(_flat(grad), _flat(s2sad.grad(rc.summed_param)(TREES[tree])),
                               rtol=1e-12)
    h = 1e-6
    for path, leaf in _leaves(TREES[tree]):
        for i in range(np.size(leaf)):
            up, down = _moved(TREES[tree], path, i, h), _moved(TREES[tree], path, i, -h)
            fd = (rc.summed_param(up) - rc.summed_param(down)) / (2 * h)
            assert np.ravel(_at(grad, path))[i] == pytest.approx(fd, rel=1e-6, abs=1e-8)


def _flat(tree):
    return np.concatenate([np.ravel(leaf) for _, leaf in _leaves(tree)])


def _leaves(tree, path=()):
    if isinstance(tree, dict):
        return [p for k in tree for p in _leaves(tree[k], path + (k,))]
    if isinstance(tree, (list, tuple)):
        return [p for i, c in enumerate(tree) for p in _leaves(c, path + (i,))]
    return [(path, tree)]


def _at(tree, path):
    for key in path:
        tree = tree[key]
    return tree


def _moved(tree, path, i, h):
    if not path:
        moved = np.array(tree, dtype=float)
        moved.flat[i] += h
        return moved if np.ndim(tree) else float(moved)
    head, rest = path[0], path[1:]
    if isinstance(tree, dict):
        return {k: _moved(v, rest, i, h) if k == head else v for k, v in tree.items()}
    items = [_moved(c, rest, i, h) if j == head else c for j, c in enumerate(tree)]
    return tuple(items) if isinstance(tree, tuple) else items


@pytest.mark.parametrize("name", ["written_after_a_tuple_call", "written_after_a_recursive_call"])
def test_an_array_in_a_tuple_written_after_the_call(name):
    """An array held in a tuple passed to a helper, written into after the call: the
    helper's pullback reads the values it was called with (the argument's copy copied
    the tuple's arrays too; before, the vjp read the written array: a wrong pullback)."""
    f = getattr(rc, name)
    check_grads(f, (X,), modes=("reverse", "forward"))
