"""Fields of namedtuple arguments read by attribute (``p.W``): a namedtuple argument, an
item of a list, tuple or dict argument, a field of another namedtuple, a loop's item, a
helper's parameter; in every transform, against central finite differences computed
here leaf by leaf.  Code is made for the class of the argument: another class with the
same fields in another order gets its own.  What cannot be read so is refused at its
line, truly (a write into a field, ``_replace``, a class the arguments do not show)."""

import numpy as np
import pytest

import namedtuple_fields23 as m
import s2sad
import s2sad.runtime  # noqa: F401  (before s2sad.trees, which it imports)
from s2sad import trees
from s2sad.errors import FieldReadError, UnsupportedSyntaxError

RNG = np.random.default_rng(23)
X = RNG.normal(size=2)


def layer():
    return m.Layer(RNG.normal(size=(2, 2)) * 0.7, RNG.normal(size=2) * 0.7)


def _fd_grad(f, p, x, eps=1e-6):
    """d f / d p by central differences, leaf by leaf, in p's structure."""
    flat = [np.asarray(v, dtype=float) for v in trees.leaves(p)]
    grads = []
    for k, leaf in enumerate(flat):
        g = np.zeros(leaf.shape)
        for i in np.ndindex(leaf.shape):
            up, down = [v.copy() for v in flat], [v.copy() for v in flat]
            up[k][i] += eps
            down[k][i] -= eps
            g[i] = (f(_leaf_tree(p, up), x) - f(_leaf_tree(p, down), x)) / (2 * eps)
        grads.append(g if np.ndim(trees.leaves(p)[k]) else float(g))
    return trees.unflatten(p, grads)


def _leaf_tree(p, leaves):
    return trees.unflatten(p, [v if np.ndim(v) else float(v) for v in leaves])


def _flat(tree):
    return np.concatenate([np.ravel(v) for v in trees.leaves(tree)])


def _same_structure(got, like):
    """The same containers (each of the same class) as ``like``'s."""
    if isinstance(like, (list, tuple, dict)):
        assert type(got) is type(like)
    if isinstance(like, dict):
        assert list(got) == list(like)
        for k in like:
            _same_structure(got[k], like[k])
    elif isinstance(like, (list, tuple)):
        assert len(got) == len(like)
        for a, b in zip(got, like):
            _same_structure(a, b)


CASES = {
    "argument": (m.layer_loss, layer),
    "mixed with items and unpacking": (m.mixed_reads, layer),
    "items of a list": (m.item_fields, lambda: [layer(), layer()]),
    "items of a dict": (m.dict_fields, lambda: {"enc": layer(), "dec": layer()}),
    "nested namedtuples": (m.nested_fields, lambda: m.Model(layer(), 1.5)),
    "a loop over a list": (m.loop_fields, lambda: [layer(), layer(), layer()]),
    "a loop over a tuple": (m.loop_fields, lambda: (layer(), layer())),
    "items by a loop index": (m.indexed_loop_fields, lambda: [layer(), layer()]),
    "a helper given items": (m.helper_fields, lambda: [layer(), layer()]),
    "a helper in a loop": (m.helper_loop_fields, lambda: [layer(), layer()]),
    "bound to names": (m.bound_field, layer),
    "getattr with a constant name": (m.getattr_field, layer),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fields_in_reverse_mode(name):
    f, make = CASES[name]
    p = make()
    expected = _fd_grad(f, p, X)
    got = s2sad.grad(f)(p, X)
    _same_structure(got, p)
    np.testing.assert_allclose(_flat(got), _flat(expected), rtol=1e-6, atol=1e-8)
    value, got = s2sad.value_and_grad(f)(p, X)
    np.testing.assert_allclose(value, f(p, X), rtol=1e-12)
    np.testing.assert_allclose(_flat(got), _flat(expected), rtol=1e-6, atol=1e-8)
    value, pullback = s2sad.vjp(f)(p, X)
    np.testing.assert_allclose(_flat(pullback(2.0)), 2.0 * _flat(expected),
                               rtol=1e-6, atol=1e-8)
    jac = s2sad.jacobian(f)(p, X)
    _same_structure(jac, p)
    np.testing.assert_allclose(_flat(jac), _flat(expected), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(CASES))
def test_fields_in_forward_mode(name):
    f, make = CASES[name]
    p = make()
    direction = trees.unflatten(p, [np.cos(np.arange(np.size(v)) + k).reshape(np.shape(v))
                                    if np.ndim(v) else 0.3
                                    for k, v in enumerate(trees.leaves(p))])
    value, tangent = s2sad.jvp(f)(p, X, direction)
    np.testing.assert_allclose(value, f(p, X), rtol=1e-12)
    expected = np.dot(_flat(_fd_grad(f, p, X)), _flat(direction))
    np.testing.assert_allclose(tangent, expected, rtol=1e-6, atol=1e-8)


def _fd_hessian_x(f, p, x, h=1e-4):
    rows = []
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = h
        rows.append((_fd_grad_x(f, p, x + step) - _fd_grad_x(f, p, x - step)) / (2 * h))
    return np.array(rows)


def _fd_grad_x(f, p, x, eps=1e-6):
    return np.array([(f(p, x + e) - f(p, x - e)) / (2 * eps) for e in np.eye(x.size) * eps])


@pytest.mark.parametrize("name", ["argument", "items of a dict", "nested namedtuples",
                                  "a loop over a list", "a helper in a loop"])
def test_fields_in_second_order(name):
    f, make = CASES[name]
    p = make()
    hessian = _fd_hessian_x(f, p, X)
    np.testing.assert_allclose(s2sad.hessian(f, wrt=1)(p, X), hessian, rtol=1e-4, atol=1e-5)
    v = np.array([0.6, -1.1])
    np.testing.assert_allclose(s2sad.hvp(f, wrt=1)(p, X, v), hessian @ v,
                               rtol=1e-4, atol=1e-5)


def test_the_hessian_with_respect_to_a_namedtuple_has_its_class():
    p = layer()
    H = s2sad.hessian(m.layer_loss)(p, X)
    assert type(H) is m.Layer and type(H.W) is m.Layer
    # the rows for p.b: differences of the gradient's fields
    h = 1e-5
    for i in range(2):
        step = np.zeros(2)
        step[i] = h
        up = s2sad.grad(m.layer_loss)(m.Layer(p.W, p.b + step), X)
        down = s2sad.grad(m.layer_loss)(m.Layer(p.W, p.b - step), X)
        np.testing.assert_allclose(H.b.b[:, i], (up.b - down.b) / (2 * h), atol=1e-6)
        np.testing.assert_allclose(H.W.b[:, :, i], (up.W - down.W) / (2 * h), atol=1e-6)


def test_another_class_gets_its_own_code():
    """Swapped has Layer's fields in the other order: code made for Layer reads p.W as
    p[0], which is Swapped's b; each class gets code reading its own positions."""
    g = s2sad.grad(m.layer_loss)
    p = layer()
    q = m.Swapped(p.b.copy(), p.W.copy())
    first = g(p, X)
    second = g(q, X)
    assert type(second) is m.Swapped
    np.testing.assert_allclose(second.W, first.W)
    np.testing.assert_allclose(second.b, first.b)
    np.testing.assert_allclose(_flat(second), _flat(_fd_grad(m.layer_loss, q, X)),
                               rtol=1e-6, atol=1e-8)


def test_a_list_of_namedtuples_of_two_classes_is_refused_at_the_field():
    layers = [layer(), m.Swapped(np.ones(2), np.eye(2))]
    with pytest.raises(UnsupportedSyntaxError, match="'.W' is not supported") as info:
        s2sad.grad(m.loop_fields)(layers, X)
    assert info.value.location.line == _line(m.loop_fields, "layer.W @ h")
    assert "index it by position" in info.value.hint


def test_a_field_the_class_lacks_is_refused_at_its_line():
    with pytest.raises(UnsupportedSyntaxError, match="'.V' is not supported") as info:
        s2sad.grad(m.unknown_field)(layer(), X)
    assert info.value.location.line == _line(m.unknown_field, "p.V")


def test_an_attribute_of_arrays_only_is_refused_when_called():
    """Code made for numbers and arrays does not know p is a namedtuple: the derivative
    is made, and a call with arrays only raises the located refusal."""
    g = s2sad.grad(m.layer_loss)
    with pytest.raises(FieldReadError, match="reads the attribute '.W'") as info:
        g(np.eye(2), X)
    assert info.value.location.line == _line(m.layer_loss, "p.W @ x")
    with pytest.raises(UnsupportedSyntaxError, match="'.W'"):
        g([np.eye(2), np.ones(2)], X)
    p = layer()   # (then a namedtuple: its own code, which reads the fields)
    np.testing.assert_allclose(_flat(g(p, X)), _flat(_fd_grad(m.layer_loss, p, X)),
                               rtol=1e-6, atol=1e-8)


def test_the_cli_and_source_refuse_with_the_api_spelling():
    with pytest.raises(UnsupportedSyntaxError, match="reads the attribute '.W'") as info:
        s2sad.source(m.layer_loss)
    assert "through the Python API" in info.value.hint and "W, b = p" in info.value.hint


def test_a_field_written_is_refused_as_python_refuses_it():
    with pytest.raises(UnsupportedSyntaxError, match="namedtuple .Layer.") as info:
        s2sad.grad(m.write_field)(layer(), X)
    assert "cannot be set" in str(info.value) and "W = ..." in info.value.hint
    assert info.value.location.line == _line(m.write_field, "p.W = ")
    with pytest.raises(AttributeError):   # (what Python says of it)
        m.write_field(layer(), X)


def test_a_write_into_a_field_names_the_copy_that_works():
    with pytest.raises(UnsupportedSyntaxError, match="a write through p.W") as info:
        s2sad.grad(m.write_into_field)(layer(), X)
    assert "W = p.W.copy(); W[0, 0] = ..." in info.value.hint
    p = layer()
    got = s2sad.grad(m.write_into_copied_field)(p, X)   # the hint's spelling
    np.testing.assert_allclose(_flat(got), _flat(_fd_grad(m.write_into_copied_field, p, X)),
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("f, attr", [(m.replaced, "_replace"), (m.field_names, "_fields")])
def test_class_attributes_are_refused_at_their_line(f, attr):
    with pytest.raises(UnsupportedSyntaxError, match=f"'.{attr}' of a namedtuple") as info:
        s2sad.grad(f)(layer(), X)
    assert info.value.location.line == _line(f, attr)


def _line(f, text):
    import inspect
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("cls", [m.FrozenParams, m.Params])
def test_a_dataclass_is_refused_with_the_namedtuple_that_works(cls):
    """A dataclass argument is no container (ntuple23 chose the refusal): differentiated,
    its attribute is refused at its line when the derivative is called, in every
    transform; outside wrt, a constant (objattr23); the hint's NamedTuple with the same
    fields is differentiated."""
    p = cls(RNG.normal(size=(2, 2)), RNG.normal(size=2))
    calls = [lambda: s2sad.grad(m.layer_loss)(p, X), lambda: s2sad.vjp(m.layer_loss)(p, X),
             lambda: s2sad.hessian(m.layer_loss)(p, X)]
    for call in calls:
        with pytest.raises(UnsupportedSyntaxError, match="reads the attribute '.W'") as info:
            call()
        assert info.value.location.line == _line(m.layer_loss, "p.W @ x")
        assert "a dataclass is not taken apart: declare its class a typing.NamedTuple" \
            in info.value.hint
    # (outside wrt, an object's attributes are constants of the call: objattr23)
    _, gx = s2sad.value_and_grad(m.layer_loss, wrt=1)(p, X)
    np.testing.assert_allclose(gx, s2sad.testing.finite_difference_gradient(
        m.layer_loss, (p, X), 1), rtol=1e-6, atol=1e-8)
    _, tx = s2sad.jvp(m.layer_loss, wrt=1)(p, X, X)
    assert tx == pytest.approx(float(gx @ X), rel=1e-9)
    q = m.TypedParams(p.W, p.b)
    got = s2sad.grad(m.layer_loss)(q, X)
    assert type(got) is m.TypedParams
    np.testing.assert_allclose(_flat(got), _flat(_fd_grad(m.layer_loss, q, X)),
                               rtol=1e-6, atol=1e-8)


def test_a_field_named_like_an_arrays_attribute_is_refused_not_transposed():
    """p.T of a namedtuple with a field T: the field, or np.transpose of the tuple? Where
    the code is made that is not known: refused at its line, never np.transpose(p)
    (which numpy computes when the fields have one shape)."""
    a = RNG.normal(size=(2, 2))
    p = m.Transposed(a, RNG.normal(size=(2, 2)))
    with pytest.raises(UnsupportedSyntaxError, match="'.T' is an array's attribute") as info:
        s2sad.grad(m.array_named_field)(p, X)
    assert info.value.location.line == _line(m.array_named_field, "p.T @ x")
    assert "p[0]" in info.value.hint
    got = s2sad.grad(m.array_named_field_by_position)(p, X)   # the hint's spelling
    np.testing.assert_allclose(_flat(got),
                               _flat(_fd_grad(m.array_named_field_by_position, p, X)),
                               rtol=1e-6, atol=1e-8)


def test_a_direction_of_a_namedtuple_with_other_fields_is_refused():
    """A tangent or direction given as a namedtuple whose fields differ from the
    argument's (the same names in another order) was read by position: the direction
    along ``a`` taken along ``c`` (stranger23d, a wrong value).  Now a TangentError names
    both; the argument's own class (or a plain tuple, by position) gives df/da by hand."""
    x = np.array([0.3, -0.8])
    s = m.Pair(0.7, 1.3)
    da = s.c ** 2 * np.sum(x * np.cos(s.a * x))
    with pytest.raises(s2sad.errors.TangentError, match="fields a, c, got a SwappedPair"):
        s2sad.jvp(m.sines_of_a_pair)(s, x, m.SwappedPair(c=0.0, a=1.0))
    with pytest.raises(s2sad.errors.TangentError, match="fields a, c"):
        s2sad.hvp(m.sines_of_a_pair)(s, x, m.SwappedPair(c=0.0, a=1.0))
    assert s2sad.jvp(m.sines_of_a_pair)(s, x, m.Pair(a=1.0, c=0.0))[1] == pytest.approx(da)
    assert s2sad.jvp(m.sines_of_a_pair)(s, x, (1.0, 0.0))[1] == pytest.approx(da)


def test_a_module_objects_attributes_beside_a_namedtuple_argument():
    """Code made for a namedtuple argument read ``self.n`` of a module-level object's
    method as a namedtuple's field, refused in second order (fuzz seed 102, a merge of
    ntuple23 and objattr23): the module's object is read as it is."""
    p = layer()
    check = _fd_grad(m.fields_beside_an_object, p, X)
    np.testing.assert_allclose(_flat(s2sad.grad(m.fields_beside_an_object)(p, X)), _flat(check),
                               rtol=1e-6, atol=1e-8)
    hx = s2sad.hessian(m.fields_beside_an_object, wrt=1)(p, X)
    gx = lambda y: s2sad.grad(m.fields_beside_an_object, wrt=1)(p, y)   # noqa: E731
    fd = np.array([(gx(X + 1e-5 * e) - gx(X - 1e-5 * e)) / 2e-5 for e in np.eye(X.size)])
    np.testing.assert_allclose(hx, fd.T, rtol=1e-5, atol=1e-7)
