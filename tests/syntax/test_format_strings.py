"""Format strings in a differentiated function (``params[f"W{i}"]``, the usual MLP key, and
``"W{}".format(i)``) are lowered to ``"W" + format(i, "")``: they build strings, through
which no derivative flows.  References are central finite differences in float64."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.syntax import formatting
from s2sad.testing import finite_difference_gradient


def mlp_fstring(params, X):
    h = X
    for i in range(2):
        h = np.tanh(h @ params[f"W{i}"] + params[f"b{i}"])
    return np.sum(h ** 2)


def mlp_format(params, X):
    h = X
    for i in range(2):
        h = np.tanh(h @ params["W{}".format(i)] + params["b{0}".format(i)])
    return np.sum(h ** 2)


def keyed_by_spec_and_conversion(params, x):
    s = 0.0
    for i in range(2):
        width = 2
        s = s + np.sum(params[f"w{i:02d}"] * x) + np.sum(params[f"{'v'!s}{i:>{width}}"] * x)
    return s


def keyed_by_keyword(params, x):
    total = 0.0
    for i in range(2):
        total = total + np.sum(params["{name}_{k}".format(name="w", k=i)] * x ** 2)
    return total


def _params(keys, rng):
    return {k: rng.normal(size=(3, 3) if k[0] == "W" else 3) for k in keys}


def _fd_dict(f, params, X):
    """The gradient dict by central differences, key by key."""
    out = {}
    for key in params:
        def moved(value, key=key):
            return f({**params, key: value}, X)
        out[key] = finite_difference_gradient(moved, (params[key],), 0)
    return out


@pytest.mark.parametrize("f", [mlp_fstring, mlp_format])
def test_mlp_keys_made_by_format_strings(f):
    rng = np.random.default_rng(3)
    params = _params(["W0", "b0", "W1", "b1"], rng)
    X = rng.normal(size=(4, 3))
    got = s2sad.grad(f)(params, X)
    expected = _fd_dict(f, params, X)
    for key in params:
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-6, atol=1e-9)
    _, tangent = s2sad.jvp(f, wrt=1)(params, X, np.ones_like(X))
    np.testing.assert_allclose(
        tangent, np.sum(finite_difference_gradient(lambda x: f(params, x), (X,), 0)),
        rtol=1e-6)


def test_specs_nested_specs_conversions_and_keywords():
    rng = np.random.default_rng(4)
    params = {"w00": rng.normal(size=3), "w01": rng.normal(size=3),
              "v 0": rng.normal(size=3), "v 1": rng.normal(size=3),
              "w_0": rng.normal(size=3), "w_1": rng.normal(size=3)}
    x = np.array([0.3, -0.2, 0.5])
    for f in (keyed_by_spec_and_conversion, keyed_by_keyword):
        expected = finite_difference_gradient(lambda v, f=f: f(params, v), (x,), 0)
        np.testing.assert_allclose(s2sad.grad(f, wrt=1)(params, x), expected, rtol=1e-6)


def format_shadowed(params, x):
    format = str.upper   # noqa: F841 (the f-string below still calls the builtin)
    return np.sum(params[f"w{0}"] * x)


def test_an_f_string_where_format_is_rebound_is_refused():
    params = {"w0": np.ones(3)}
    assert format_shadowed(params, np.ones(3)) == 3.0   # (Python's f-string: the builtin)
    with pytest.raises(UnsupportedSyntaxError, match="'format' is not the builtin here"):
        s2sad.grad(format_shadowed, wrt=1)(params, np.ones(3))


def attribute_field(params, x):
    return np.sum(params["w{0.real}".format(0)] * x)


def test_a_format_field_reading_an_attribute_keeps_its_refusal():
    with pytest.raises(UnsupportedSyntaxError, match="format"):
        s2sad.grad(attribute_field, wrt=1)({"w0": np.ones(3)}, np.ones(3))


@pytest.mark.parametrize("text, args, kwargs", [
    ("W{}", (3,), {}), ("{0}-{1}-{0}", (1, "a"), {}), ("{:>4}|{!r}", (7, "q"), {}),
    ("{a}{b:.2f}", (), {"a": "x", "b": 1.23456}), ("{{literal}} {}", (2,), {}),
])
def test_the_lowered_format_call_gives_python_s_string(text, args, kwargs):
    import gast
    call = gast.parse(f"{text!r}.format(*ARGS, **KW)").body[0].value
    call.args = [gast.Constant(value=a, kind=None) for a in args]
    call.keywords = [gast.keyword(arg=k, value=gast.Constant(value=v, kind=None))
                     for k, v in kwargs.items()]
    expression = gast.Expression(body=formatting.lowered(call))
    code = compile(gast.gast_to_ast(gast.fix_missing_locations(expression)), "<t>", "eval")
    assert eval(code) == text.format(*args, **kwargs)


def keyed_by_str(params, x):
    s = 0.0
    for i in range(2):
        s = s + np.sum(params["w" + str(i)] * x)
    return s


def test_generation_raises_no_numpy_warning_for_builtin_names(recwarn):
    # (s2sad's lookup of a builtin's name among numpy's touched np.str, whose
    # FutureWarning is an error under -W error)
    import warnings
    params = {"w0": np.array([1.0, 2.0]), "w1": np.array([0.5, -1.0])}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = s2sad.grad(keyed_by_str, wrt=1)(params, np.array([0.3, 0.4]))
    np.testing.assert_allclose(got, [1.5, 1.0], rtol=1e-12)   # by hand: w0 + w1


def key_of_a_differentiated_value(p):
    d = {f"{p[0]:.1f}": p[0]}
    return d["0.3"] * 3.0


def test_a_key_formatting_a_differentiated_value_in_every_mode():
    # (format is declared without a derivative: the key is a string; forward mode
    # refused it for want of a tangent rule for format)
    p = np.array([0.3, -0.7])
    np.testing.assert_allclose(s2sad.grad(key_of_a_differentiated_value)(p), [3.0, 0.0])
    _, tangent = s2sad.jvp(key_of_a_differentiated_value)(p, np.array([1.0, 2.0]))
    assert tangent == 3.0
    np.testing.assert_allclose(s2sad.hvp(key_of_a_differentiated_value)(p, np.ones(2)),
                               [0.0, 0.0])


def format_held_in_a_name(p):
    fmt = "W{}"
    d = {fmt.format(i): p[i] for i in range(2)}
    return d["W1"] * d["W0"]


def format_held_in_a_name_as_hinted(p):
    fmt = "W{}"
    d = {str.format(fmt, i): p[i] for i in range(2)}
    return d["W1"] * d["W0"]


def format_held_in_a_rebound_name(p):
    fmt = "V{}"
    if p[0] > 0:
        fmt = "W{}"
    d = {fmt.format(i): p[i] for i in range(2)}
    return d["W1"] * d["W0"]


def test_format_on_a_name_bound_once_is_lowered_as_the_literal():
    # (a name bound once to a literal, before, and never rebound: see formatting)
    p = np.array([0.3, -0.7])
    np.testing.assert_allclose(s2sad.grad(format_held_in_a_name)(p), [-0.7, 0.3])
    _, tangent = s2sad.jvp(format_held_in_a_name)(p, np.array([1.0, 1.0]))
    np.testing.assert_allclose(tangent, -0.4)


def test_format_on_a_rebound_name_is_refused_with_a_hint_that_works():
    p = np.array([0.3, -0.7])
    with pytest.raises(UnsupportedSyntaxError, match=r"str\.format\(fmt, i\)"):
        s2sad.grad(format_held_in_a_rebound_name)(p)
    np.testing.assert_allclose(s2sad.grad(format_held_in_a_name_as_hinted)(p), [-0.7, 0.3])
    _, tangent = s2sad.jvp(format_held_in_a_name_as_hinted)(p, np.array([1.0, 1.0]))
    np.testing.assert_allclose(tangent, -0.4)


def writes_through_an_f_string_key(x):
    p = {f"W{i}": x * (i + 1.0) for i in range(2)}
    for i in range(2):
        p[f"W{i}"][0] = x[1] * p[f"W{i}"][0]
    return np.sum(p["W0"] * p["W1"])


def test_a_message_shows_the_f_string_as_written():
    with pytest.raises(UnsupportedSyntaxError) as caught:
        s2sad.grad(writes_through_an_f_string_key)(np.array([0.3, -0.4, 0.7]))
    text = str(caught.value)
    assert "p[f'W{i}'].copy()" in text and "format(" not in text


def format_method_with_format_shadowed(params, x):
    format = str.upper   # noqa: F841 ("w{}".format(0) does not call it in Python)
    return np.sum(params["w{}".format(0)] * x)


def test_a_format_call_where_format_is_rebound_is_refused():
    params = {"w0": np.ones(3)}
    assert format_method_with_format_shadowed(params, np.ones(3)) == 3.0
    with pytest.raises(UnsupportedSyntaxError, match="'format' is not the builtin here"):
        s2sad.grad(format_method_with_format_shadowed, wrt=1)(params, np.ones(3))
