"""Gradient code of functions of lists, dicts and np.einsum, differentiated again: in
reverse mode (reverse over reverse), forward mode (forward over reverse) and to third
order (a Hessian-vector product of a function of the gradient), against central finite
differences.  The inner gradients call only the container and einsum helpers whose
adjoint rules are in ``s2sad.rules.runtime_adjoints_structure``.

The gradient's source is written to a module as s2sad generates it, less its
``ensure_scalar_output`` check (a statement, not yet differentiable: issue 15's
composition of derivatives makes it so).
"""

import importlib.util

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads

INNER = '''
import numpy as np


def of_list(xs, w):
    return (np.sum(np.sin(sum(xs))) + np.sum(np.cos(xs[1]) ** 2) + np.sin(xs[0][0])
            + np.sum(np.sin(list(xs)[2])) + np.sum(np.sin(np.cos(w))))


def of_dict(d, w):
    return (np.sum(np.sin(d["u"])) + np.sum(np.cos(d.get("v", w)))
            + np.sum(np.sin(sorted([d["u"][0], d["v"][1]]))) + np.sum(np.cos(np.sin(w))))


def of_einsum(a, b):
    return (np.sum(np.sin(np.einsum("ij,jk->ik", a, b)))
            + np.sum(np.cos(np.einsum("ij,ij->i", a, a))) + np.sum(np.einsum("ii", a) ** 3))
'''

OUTER = '''
import numpy as np
from inner_grads import {name}_value_and_grad


def outer(x, w):
    value, (x_bar, w_bar) = {name}_value_and_grad(x, w)
    return value + np.sum(np.cos(w_bar)) + np.sum(np.stack({items}) ** 2)
'''


def _load(path, name, text):
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gradients(tmp_path_factory):
    """The inner functions' gradient code, one module (importable as ``inner_grads``)."""
    import sys
    where = tmp_path_factory.mktemp("twice")
    inner = _load(where / "inner_functions.py", "inner_functions", INNER)
    sources = []
    for name in ("of_list", "of_dict", "of_einsum"):
        source = s2sad.grad(getattr(inner, name), wrt=(0, 1)).source
        sources.append("\n".join(line for line in source.splitlines()
                                 if "ensure_scalar_output(" not in line))
    _load(where / "inner_grads.py", "inner_grads", "\n\n".join(sources))
    sys.path.insert(0, str(where))
    yield where
    sys.path.remove(str(where))
    sys.modules.pop("inner_grads", None)


def _args(name):
    rng = np.random.default_rng(7)
    if name == "of_list":
        return [rng.standard_normal(3) for _ in range(3)], rng.standard_normal(2)
    if name == "of_dict":
        return {"u": rng.standard_normal(3), "v": rng.standard_normal(3)}, rng.standard_normal(3)
    return rng.standard_normal((3, 3)), rng.standard_normal((3, 2))


ITEMS = {"of_list": "x_bar", "of_dict": "[x_bar['u'], x_bar['v']]", "of_einsum": "[x_bar]"}


@pytest.mark.parametrize("name", sorted(ITEMS))
def test_the_gradient_differentiated_in_both_modes(gradients, name):
    outer = _load(gradients / f"outer_{name}.py", f"outer_{name}",
                  OUTER.format(name=name, items=ITEMS[name])).outer
    for wrt in (0, 1):
        check_grads(outer, _args(name), wrt=wrt, modes=("reverse", "forward"), rtol=1e-4,
                    atol=1e-6)


@pytest.mark.parametrize("name", sorted(ITEMS))
def test_a_hessian_vector_product_of_a_function_of_the_gradient(gradients, name):
    outer = _load(gradients / f"outer3_{name}.py", f"outer3_{name}",
                  OUTER.format(name=name, items=ITEMS[name])).outer
    x, w = _args(name)
    v = np.random.default_rng(3).standard_normal(np.shape(w))
    hv = s2sad.hvp(outer, wrt=1)(x, w, v)
    grad = s2sad.grad(outer, wrt=1)
    eps = 1e-5
    expected = (grad(x, w + eps * v) - grad(x, w - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hv, expected, rtol=1e-4, atol=1e-6)
