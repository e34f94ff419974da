"""A module the CLI writes gives the derivative of a namedtuple parameter (read by
unpacking, by index or in a loop) as a namedtuple of the argument's class, as
``s2sad.grad`` does: it used to give a list (README, "Lists, tuples and dicts").  Reverse
(``value_and_grad``, ``vjp``) and forward (``jvp``, ``hvp``) modules; references: central
finite differences in float64."""

import collections
import importlib
import os
import sys
import textwrap

import numpy as np
import pytest
from in_process import s2sad_command

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import collections

    import numpy as np

    Pair = collections.namedtuple("Pair", "W b")

    def unpacked(p, x):
        W, b = p
        return np.sum(np.tanh(W @ x + b))

    def indexed(p, x):
        return np.sum(np.sin(p[0] @ x) * p[1]) + np.sum(p[-1] ** 2)

    def looped(p, x):
        s = 0.0
        for v in p:
            s = s + np.sum(np.cos(v)) * np.sum(x)
        return s

    def nested(layers, x):
        h = x
        for W, b in layers:
            h = np.tanh(W @ h + b)
        return np.sum(h * h)
    """

FUNCS = ("unpacked", "indexed", "looped", "nested")
FLAVORS = (("value_and_grad", "reverse"), ("vjp", "reverse"), ("jvp", "forward"),
           ("hvp", "forward"))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli_namedtuples")
    (root / "ntuple_params_src.py").write_text(textwrap.dedent(SOURCE))
    made = {}
    for func in FUNCS:
        for flavor, mode in FLAVORS:
            out = f"ntuple_params_{func}_{flavor}"
            proc = s2sad_command(["grad",
                                   f"ntuple_params_src.py:{func}", "--wrt", "0",
                                   "--mode", mode, "--flavor", flavor, "-o", f"{out}.py"],
                                  cwd=root, capture_output=True, text=True, env=_ENV)
            assert proc.returncode == 0, proc.stderr
            made[func, flavor] = out
    sys.path.insert(0, str(root))
    try:
        src = importlib.import_module("ntuple_params_src")
        yield src, {key: importlib.import_module(name) for key, name in made.items()}
    finally:
        sys.path.remove(str(root))


def _argument(src, func, rng):
    def pair():
        return src.Pair(rng.standard_normal((2, 3)), rng.standard_normal(2))
    if func == "nested":
        return [src.Pair(rng.standard_normal((3, 3)), rng.standard_normal(3)), pair()]
    if func == "looped":
        return src.Pair(rng.standard_normal(3), rng.standard_normal(2))
    return pair()


def _leaves(tree):
    return [leaf for item in tree for leaf in _leaves(item)] \
        if isinstance(tree, (list, tuple)) else [np.asarray(tree, dtype=float)]


def _rebuilt(like, leaves):
    """A tree of ``like``'s structure (namedtuples of their class) holding ``leaves``."""
    if isinstance(like, (list, tuple)):
        items = [_rebuilt(item, leaves) for item in like]
        return type(like)(*items) if hasattr(type(like), "_fields") else type(like)(items)
    return leaves.pop(0).reshape(np.shape(like))


def _central_gradient(f, p, x, eps=1e-6):
    """d f(p, x) / d p by central differences, in ``p``'s structure."""
    leaves = _leaves(p)
    flat = np.concatenate([leaf.ravel() for leaf in leaves])
    grad = np.zeros_like(flat)
    for i in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (f(_tree(p, up), x) - f(_tree(p, down), x)) / (2 * eps)
    return _tree(p, grad)


def _tree(like, flat):
    leaves, start = [], 0
    for leaf in _leaves(like):
        leaves.append(flat[start:start + leaf.size])
        start += leaf.size
    return _rebuilt(like, leaves)


def _assert_tree(got, expected, rtol=1e-6, atol=1e-8):
    """Same classes (a namedtuple of the argument's class), same values."""
    assert type(got) is type(expected), (type(got), type(expected))
    if isinstance(expected, (list, tuple)):
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            _assert_tree(g, e, rtol, atol)
    else:
        np.testing.assert_allclose(g := np.asarray(got), e := np.asarray(expected),
                                   rtol=rtol, atol=atol, err_msg=f"{g} != {e}")


def _dot(a, b):
    return sum(float(np.sum(u * v)) for u, v in zip(_leaves(a), _leaves(b)))


@pytest.mark.parametrize("func", FUNCS)
def test_each_module_gives_the_namedtuple_class_with_finite_difference_values(written, func):
    src, modules = written
    rng = np.random.default_rng(7)
    p, x = _argument(src, func, rng), rng.standard_normal(3)
    f = getattr(src, func)
    expected = _central_gradient(f, p, x)
    assert type(expected if func != "nested" else expected[0]) is src.Pair

    value, grad = getattr(modules[func, "value_and_grad"], f"{func}_value_and_grad")(p, x)
    assert value == pytest.approx(f(p, x), rel=1e-12)
    _assert_tree(grad, expected)
    _, pullback = getattr(modules[func, "vjp"], f"{func}_vjp")(p, x)
    _assert_tree(pullback(2.0), _tree(p, 2.0 * np.concatenate(
        [leaf.ravel() for leaf in _leaves(expected)])))
    # the same structure as the API's gradient
    import s2sad
    _assert_tree(grad, s2sad.grad(f)(p, x))

    direction = _tree(p, rng.standard_normal(sum(leaf.size for leaf in _leaves(p))))
    _, tangent = getattr(modules[func, "jvp"], f"{func}_jvp")(p, x, direction)
    assert tangent == pytest.approx(_dot(expected, direction), rel=1e-6, abs=1e-8)

    # the Hessian-vector product: central differences of the gradient along the direction
    (_, grad), product = getattr(modules[func, "hvp"], f"{func}_hvp")(p, x, direction)
    _assert_tree(grad, expected)
    eps = 1e-3   # (the inner differences at 1e-4: their truncation cancels in the quotient)
    flat_p = np.concatenate([leaf.ravel() for leaf in _leaves(p)])
    flat_d = np.concatenate([leaf.ravel() for leaf in _leaves(direction)])
    up = _leaves(_central_gradient(f, _tree(p, flat_p + eps * flat_d), x, 1e-4))
    down = _leaves(_central_gradient(f, _tree(p, flat_p - eps * flat_d), x, 1e-4))
    hv = np.concatenate([(u - d).ravel() for u, d in zip(up, down)]) / (2 * eps)
    _assert_tree(product, _tree(p, hv), rtol=1e-4, atol=1e-5)


def test_a_plain_tuple_and_list_keep_their_classes(written):
    src, modules = written
    rng = np.random.default_rng(3)
    p, x = _argument(src, "unpacked", rng), rng.standard_normal(3)
    expected = _central_gradient(src.unpacked, p, x)
    for container in (tuple, list):
        _, grad = modules["unpacked", "value_and_grad"].unpacked_value_and_grad(
            container(p), x)
        _assert_tree(grad, container(expected))


def test_the_runtime_helper_rebuilds_a_namedtuple_of_the_argument_s_class():
    from s2sad.runtime import tree_like
    Other = collections.namedtuple("Other", "a b c")
    x = Other(1.0, [2.0, (3.0, 4.0)], {"k": 5.0})
    got = tree_like([6.0, [7.0, [8.0, 9.0]], {"k": None}], x)
    assert type(got) is Other and type(got.b) is list and type(got.b[1]) is tuple
    assert got == Other(6.0, [7.0, (8.0, 9.0)], {"k": 0.0})
