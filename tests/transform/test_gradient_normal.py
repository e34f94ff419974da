"""``transform.gradient_normal``: the narrow normalizer of s2sad's own straight-line
gradient code, which second order (forward over reverse) reads.  It gives what the
general normalizer gives (same statements and names, same annotations, same namer), it
leaves code outside its preconditions to the general one, and hvp and hessian through it
match finite differences of gradients written by hand."""

import dataclasses

import gast
import numpy as np
import pytest

import s2sad
from s2sad.api.entries import compiled_gradient, reverse_entry
from s2sad.emit import render_function
from s2sad.rules.loading import load_builtin_rules
from s2sad.syntax import anno, fence, nodes
from s2sad.syntax.normalize import normalize
from s2sad.syntax.parse import parse_function
from s2sad.transform.gradient_normal import normalize_gradient
from s2sad.transform.second_order import prepare_gradient_code


@pytest.fixture(autouse=True)
def _rules():
    load_builtin_rules()


def nested(x, y):
    a = np.tanh(x * y + 0.5) * np.exp(-x * x)
    b = a * a / (1.0 + x * x)
    return np.sum(b) + np.sum(a) * y


def nested_grad(x, y):   # by hand
    t = np.tanh(x * y + 0.5)
    e = np.exp(-x * x)
    a = t * e
    da = (1.0 - t * t) * y * e - 2.0 * x * a
    q = 1.0 + x * x
    db_da = 2.0 * a / q
    db_dx = -a * a * 2.0 * x / (q * q)
    return db_da * da + db_dx + da * y


def reductions(x, w):
    s = np.sum(x * w, axis=0)
    m = np.mean(np.sin(x), axis=1)
    return np.sum(s * s) + np.pi * np.dot(m, m) - np.max(np.stack([s, s]))


def rebinding(x):
    y = x * x
    y = np.sin(y) + y
    z = -y
    return np.sum(z * y)


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


def prepared(func, wrt):
    """The prepared gradient code second order reads (as ``pipeline.generate_forward``)."""
    rev = reverse_entry(func, wrt, "value_and_grad", inline_helpers=True)
    parsed = parse_function(compiled_gradient(func, rev))
    as_read = dataclasses.replace(parsed, closure=dict(parsed.closure))
    prepare_gradient_code(parsed, name=f"{func.__name__}_hvp")
    parsed.rewritten = True
    parsed.as_read = as_read
    return parsed


def annotations(node):
    """Every statement's and call's annotations the forward side reads, in order."""
    found = []
    for n in nodes.walk(node):
        found.append((type(n).__name__, getattr(n, "id", None),
                      anno.get(n, anno.SOURCE), id(anno.get(n, anno.CALLEE)),
                      anno.get(n, anno.USER_NAME), anno.get(n, anno.HELPER_NAME),
                      getattr(n, "lineno", None), getattr(n, "col_offset", None)))
    return found


@pytest.mark.parametrize("func, wrt", [(nested, ("x",)), (nested, ("x", "y")),
                                       (reductions, ("x",)), (rebinding, ("x",))])
def test_the_narrow_normal_form_is_the_general_one(func, wrt):
    parsed = prepared(func, wrt)
    narrow = normalize_gradient(parsed)
    assert narrow is not None
    fence.check(parsed)
    general = normalize(parsed)
    assert render_function(narrow.node, []) == render_function(general.node, [])
    assert annotations(narrow.node) == annotations(general.node)
    assert narrow.namer.taken() == general.namer.taken()
    assert narrow.free_names == general.free_names
    assert narrow.helpers.keys() == general.helpers.keys()
    assert all(narrow.free_objects[k] is general.free_objects[k] for k in general.free_objects)


@pytest.mark.parametrize("func", [looped, branched, defaulted])
def test_other_code_takes_the_general_path(func):
    assert normalize_gradient(prepared(func, ("x",))) is None


def test_hvp_and_hessian_through_it_match_finite_differences():
    rng = np.random.default_rng(3)
    x, y, v = rng.normal(size=4), 0.7, rng.normal(size=4)
    eps = 1e-6
    expected = (nested_grad(x + eps * v, y) - nested_grad(x - eps * v, y)) / (2 * eps)
    np.testing.assert_allclose(s2sad.hvp(nested)(x, y, v), expected, rtol=1e-6, atol=1e-8)
    columns = [(nested_grad(x + eps * e, y) - nested_grad(x - eps * e, y)) / (2 * eps)
               for e in np.eye(4)]
    np.testing.assert_allclose(s2sad.hessian(nested)(x, y), np.array(columns).T,
                               rtol=1e-6, atol=1e-8)


def test_hvp_of_reductions_matches_finite_differences_of_its_gradient():
    rng = np.random.default_rng(4)
    x, w, v = rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    eps = 1e-5

    def gradient(x):   # by hand
        s = np.sum(x * w, axis=0)
        m = np.mean(np.sin(x), axis=1)
        stacked = np.stack([s, s])
        top = np.zeros_like(stacked)
        top[np.unravel_index(np.argmax(stacked), stacked.shape)] = 1.0
        ds = 2.0 * s - top.sum(axis=0)
        return w * ds + np.pi * 2.0 * (m / x.shape[1])[:, None] * np.cos(x)

    expected = (gradient(x + eps * v) - gradient(x - eps * v)) / (2 * eps)
    np.testing.assert_allclose(s2sad.hvp(reductions)(x, w, v), expected, rtol=1e-5,
                               atol=1e-7)


def test_the_gradient_read_through_its_header_is_the_compiled_one():
    """``emit_readable``: the function second order reads the gradient through (its body
    never compiled) reads as the compiled module's: the same tree, lines and names."""
    from s2sad.emit import compile_module
    from s2sad.emit_readable import readable_function
    rev = reverse_entry(reductions, ("x",), "value_and_grad", inline_helpers=True)
    values = {name: rev.current(reductions, name) for name in rev.free}
    read, run = readable_function(rev.emitted, values), compile_module(rev.emitted, values)
    assert read is not run and read.__code__.co_filename == run.__code__.co_filename
    a, b = parse_function(read), parse_function(run)
    assert gast.dump(a.node) == gast.dump(b.node)
    assert [(n.lineno, n.col_offset) for n in a.node.body] == \
        [(n.lineno, n.col_offset) for n in b.node.body]
    assert (a.lines, a.line_offset, a.filename) == (b.lines, b.line_offset, b.filename)
    names = {n.id for n in nodes.walk(a.node) if isinstance(n, gast.Name)}
    assert all(a.resolve(n, None) is b.resolve(n, None) for n in names)
