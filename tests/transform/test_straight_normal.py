"""``transform.gradient_normal.normalize_straight``: the front end of forward and reverse
mode reads a user's straight-line function (assignments of arithmetic and library calls to names,
then a ``return``) by the narrow walk second order reads gradient code with.  It gives
what the fence and the general normalizer give, it leaves everything else to them (the
fence's refusals worded as before), and jvp and grad through it match finite
differences."""

import numpy as np
import pytest

import s2sad
from s2sad.emit import render_function
from s2sad.errors import S2sadError
from s2sad.rules.loading import load_builtin_rules
from s2sad.syntax import anno, fence, nodes
from s2sad.syntax.normalize import normalize
from s2sad.syntax.parse import parse_function
from s2sad.transform.gradient_normal import normalize_straight

W = np.linspace(0.5, 1.5, 4)


@pytest.fixture(autouse=True)
def _rules():
    load_builtin_rules()


def nested(x, y):
    a = np.tanh(x * y + 0.5) * np.exp(-x * x)
    b = a * a / (1.0 + x * x)
    return np.sum(b) + np.sum(a) * y


def reductions(x, w):
    s = np.sum(x * w, axis=0)
    m = np.mean(np.sin(x), axis=1)
    return np.sum(s * s) + np.pi * np.dot(m, m) - np.max(np.stack([s, s]))


def rebinding(x):
    y = x * x
    y = np.sin(y) + y
    z = -y
    return z


def global_items(x):
    first = x[0] * W[1:3]
    return np.sum(first) + x[1:] @ W[:3]


def looped(x):
    total = x * 0.0
    for i in range(3):
        total = total + np.sin(x) * i
    return np.sum(total)


def branched(x):
    if np.sum(x) > 0:
        return np.sum(x * x)
    return np.sum(x)


def defaulted(x, c=2.0):
    return np.sum(np.sin(x) * c)


def helper(v):
    return v * 2.0


def annotated(x: complex):
    return np.sum(x * x)


def passes_a_helper(x):
    return np.sum(np.apply_along_axis(helper, 0, x))


def copies_into(x):
    y = x * 2.0
    z = np.copyto(y, x)
    return np.sum(y) + z


def annotations(node):
    """Every node's annotations the forward side reads, in order."""
    return [(type(n).__name__, getattr(n, "id", None), anno.get(n, anno.SOURCE),
             id(anno.get(n, anno.CALLEE)), anno.get(n, anno.USER_NAME),
             anno.get(n, anno.HELPER_NAME), getattr(n, "lineno", None),
             getattr(n, "col_offset", None)) for n in nodes.walk(node)]


@pytest.mark.parametrize("func", [nested, reductions, rebinding, global_items])
def test_the_narrow_normal_form_is_the_fenced_general_one(func):
    narrow = normalize_straight(parse_function(func))
    assert narrow is not None
    parsed = parse_function(func)
    fence.check(parsed)
    general = normalize(parsed)
    assert render_function(narrow.node, []) == render_function(general.node, [])
    assert annotations(narrow.node) == annotations(general.node)
    assert narrow.namer.taken() == general.namer.taken()
    assert narrow.free_names == general.free_names
    assert narrow.helpers.keys() == general.helpers.keys()
    assert all(narrow.free_objects[k] is general.free_objects[k] for k in general.free_objects)


@pytest.mark.parametrize("func", [looped, branched, defaulted, annotated, passes_a_helper,
                                  copies_into])
def test_other_code_takes_the_general_path(func):
    assert normalize_straight(parse_function(func)) is None


def test_an_argument_of_a_container_kind_takes_the_general_path():
    assert normalize_straight(parse_function(nested), {"x": ("list", "leaf")}) is None


def test_the_fence_still_refuses_what_it_refused():
    with pytest.raises(S2sadError, match="complex type"):
        s2sad.jvp(annotated)(np.ones(3), np.ones(3))
    with pytest.raises(S2sadError, match="copyto"):
        s2sad.jvp(copies_into)(np.ones(3), np.ones(3))


def test_an_overwrite_flag_is_still_refused():
    linalg = pytest.importorskip("scipy.linalg")

    def solved(a, b):
        return np.sum(linalg.solve(a, b, overwrite_a=True))

    assert normalize_straight(parse_function(solved)) is None
    with pytest.raises(S2sadError, match="overwrite_a"):
        s2sad.jvp(solved, wrt=1)(np.eye(2) * 2.0, np.ones(2), np.ones(2))
    with pytest.raises(S2sadError, match="overwrite_a"):
        s2sad.grad(solved, wrt=1)(np.eye(2) * 2.0, np.ones(2))


def test_jvp_through_it_matches_central_differences():
    rng = np.random.default_rng(5)
    x, v = rng.normal(size=4), rng.normal(size=4)
    eps = 1e-6
    for func, args in ((nested, (x, 0.7)), (global_items, (x,))):
        value, tangent = s2sad.jvp(func)(*args, v)
        expected = (func(x + eps * v, *args[1:]) - func(x - eps * v, *args[1:])) / (2 * eps)
        assert value == pytest.approx(func(*args))
        np.testing.assert_allclose(tangent, expected, rtol=1e-6, atol=1e-8)


def test_grad_through_it_matches_central_differences():
    rng = np.random.default_rng(6)
    x = rng.normal(size=4)
    eps = 1e-6
    for func, rest in ((nested, (0.7,)), (global_items, ())):
        columns = [(func(x + eps * e, *rest) - func(x - eps * e, *rest)) / (2 * eps)
                   for e in np.eye(4)]
        np.testing.assert_allclose(s2sad.grad(func)(x, *rest), columns, rtol=1e-6,
                                   atol=1e-8)
