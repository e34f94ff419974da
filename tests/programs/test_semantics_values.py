"""Issue 11, class 4 (values and types) and class 6 (misleading messages).

Every expected derivative here is derived by hand or by central finite differences,
never produced by s2sad itself.
"""

import re

import numpy as np
import pytest

import s2sad
import s2sad.errors  # noqa: F401  (s2sad.errors.* below)
from s2sad.testing import finite_difference_gradient


# ------------------------------------------------------------ zero exponents
# d/dx x**0 = 0 everywhere (x**0 is the constant 1), also at x = 0; d/dx x**p at
# x = 0 is 1 for p = 1 and 0 for p = 2; d/dp x**p at x = 0 is taken as 0 (README).

def power_zero(x):
    return x ** 0


def power_zero_array(x):
    return np.sum(np.power(x, 0) * 3.0)


def power_param(x, p):
    return x ** p


def power_param_array(x, p):
    return np.sum(np.power(x, p))


def square(x):
    return x ** 2


def first_power(x):
    return x ** 1


def root(x):
    return x ** 0.5


def cube_root_sum(x):
    return np.sum(x ** (1.0 / 3.0))


def test_a_fractional_power_at_zero_has_an_infinite_slope_for_floats_too():
    # x ** 0.5 at 0.0 is 0.0 and its slope the pole of sqrt: inf, as for numpy's numbers;
    # a Python float once raised ZeroDivisionError (0.0 ** -0.5) from the generated code
    for x in (0.0, np.float64(0.0)):
        assert s2sad.value_and_grad(root)(x) == (0.0, np.inf)
        assert s2sad.jvp(root)(x, 1.0) == (0.0, np.inf)
    g = s2sad.grad(cube_root_sum)(np.array([0.0, 8.0]))
    assert g[0] == np.inf and np.isclose(g[1], 1.0 / 12.0, rtol=1e-14, atol=0.0)
    assert s2sad.grad(root)(4.0) == 0.25   # by hand: 0.5 / sqrt(4)


def test_zero_exponent_reverse_and_forward_at_zero():
    assert s2sad.value_and_grad(power_zero)(0.0) == (1.0, 0.0)
    assert s2sad.jvp(power_zero)(0.0, 1.0) == (1.0, 0.0)
    value, grad = s2sad.value_and_grad(power_zero_array)(np.zeros(3))
    assert value == 9.0 and np.array_equal(grad, np.zeros(3))
    value, tangent = s2sad.jvp(power_zero_array)(np.zeros(3), np.ones(3))
    assert value == 9.0 and tangent == 0.0


@pytest.mark.parametrize("p, dx", [(0.0, 0.0), (1.0, 1.0), (2.0, 0.0), (3.0, 0.0)])
def test_parameter_exponent_at_zero(p, dx):
    gx, gp = s2sad.grad(power_param, wrt=(0, 1))(0.0, p)
    assert (gx, gp) == (dx, 0.0)
    _, tx = s2sad.jvp(power_param, wrt=0)(0.0, p, 1.0)
    _, tp = s2sad.jvp(power_param, wrt=1)(0.0, p, 1.0)
    assert (tx, tp) == (dx, 0.0)
    gx, gp = s2sad.grad(power_param_array, wrt=(0, 1))(np.zeros(2), p)
    assert np.array_equal(gx, np.full(2, dx)) and gp == 0.0
    assert not np.isnan(s2sad.hvp(power_param, wrt=0)(0.0, p, 1.0))


def test_parameter_exponent_away_from_zero_matches_finite_differences():
    x, p = np.array([0.5, 1.5, 2.0]), 2.5
    gx, gp = s2sad.grad(power_param_array, wrt=(0, 1))(x, p)
    np.testing.assert_allclose(gx, finite_difference_gradient(power_param_array, (x, p), 0),
                               rtol=1e-6)
    np.testing.assert_allclose(gp, finite_difference_gradient(power_param_array, (x, p), 1),
                               rtol=1e-6)
    # hand-derived: d/dx x**p = p x**(p-1), d2/dx2 = p (p-1) x**(p-2)
    np.testing.assert_allclose(s2sad.hvp(power_param, wrt=0)(1.5, 2.5, 1.0),
                               2.5 * 1.5 * 1.5 ** 0.5)


def test_second_derivatives_of_powers_at_zero():
    assert s2sad.hvp(square)(0.0, 1.0) == 2.0
    assert s2sad.hvp(first_power)(0.0, 1.0) == 0.0
    assert s2sad.hvp(power_zero)(0.0, 1.0) == 0.0
    assert s2sad.hvp(power_param, wrt=0)(0.0, 2.0, 1.0) == 2.0
    assert s2sad.hvp(power_param, wrt=0)(0.0, 1.0, 1.0) == 0.0
    assert s2sad.hvp(power_param, wrt=0)(0.0, 0.0, 1.0) == 0.0
    h = s2sad.hessian(power_zero_array)(np.zeros(2))
    assert np.array_equal(h, np.zeros((2, 2)))


def test_constant_exponents_read_as_before():
    assert "2.0 * x" in s2sad.source(square)
    assert "x ** 0" in s2sad.source(power_zero) and "power_slope(x, 0)" in s2sad.source(power_zero)


def test_hessian_of_power_in_base_and_exponent_is_hand_derived():
    x, p = 1.5, 2.5
    h = s2sad.hessian(power_param, wrt=(0, 1))(x, p)
    expected = ((p * (p - 1) * x ** (p - 2), x ** (p - 1) * (1 + p * np.log(x))),
                (x ** (p - 1) * (1 + p * np.log(x)), x ** p * np.log(x) ** 2))
    np.testing.assert_allclose(np.array(h, dtype=float), np.array(expected), rtol=1e-12)


# ------------------------------------------------------- non-numeric outputs

def returns_none(x):
    return None


def returns_string(x):
    y = x * 2.0
    return "done"


def returns_none_by_name(x):
    out = None if x > 0 else None
    return out


@pytest.mark.parametrize("fn", [returns_none, returns_string])
def test_constant_non_numeric_output_is_refused_at_generation(fn):
    with pytest.raises(s2sad.errors.ValueTypeError) as info:
        s2sad.value_and_grad(fn)(2.0)
    err = info.value
    assert err.location is not None and err.location.filename == __file__
    assert "has no gradient" in err.message
    with pytest.raises(s2sad.errors.ValueTypeError, match="not a number"):
        s2sad.jvp(fn)(2.0, 1.0)
    with pytest.raises(s2sad.errors.ValueTypeError, match="not a number"):
        s2sad.vjp(fn)(2.0)


def test_non_numeric_output_by_name_is_refused_when_the_code_runs():
    with pytest.raises(s2sad.errors.ValueTypeError, match="the output of returns_none_by_name is None"):
        s2sad.grad(returns_none_by_name)(2.0)
    with pytest.raises(s2sad.errors.ValueTypeError):
        s2sad.hvp(returns_none_by_name)(2.0, 1.0)


# ------------------------------------------------------------ complex values

def abs_of_rotated(z):
    return abs(1j * z)


def abs_of_complex_cast(z):
    return np.sum(np.abs(z.astype(complex)))


def abs_of_complex128(z):
    return np.abs(np.complex128(z))


def abs_of_complex_array(z):
    a = np.zeros(2, dtype="complex128")
    a[0] = z
    return np.sum(np.abs(a))


def plain_abs(z):
    return np.sum(np.abs(z))


def scaled_by(x, c):
    return np.sum(np.abs(c * x))


COMPLEX_CONSTANT = 1j


def scaled_by_global(x):
    return np.sum(np.abs(COMPLEX_CONSTANT * x))


@pytest.mark.parametrize("fn, column", [(abs_of_rotated, 16), (abs_of_complex_cast, 35),
                                        (abs_of_complex128, 19), (abs_of_complex_array, 27)])
def test_complex_intermediates_are_refused_where_written(fn, column):
    for make in (lambda: s2sad.grad(fn)(np.array(2.0)), lambda: s2sad.jvp(fn)(2.0, 1.0)):
        with pytest.raises(s2sad.errors.UnsupportedSyntaxError, match="complex") as info:
            make()
        loc = info.value.location
        assert loc.filename == __file__ and loc.column == column


def test_complex_arguments_tangents_and_cotangents_are_refused():
    z = np.array([1.0 + 2.0j, -1.0j])
    for call in (lambda: s2sad.grad(plain_abs)(z), lambda: s2sad.value_and_grad(plain_abs)(z),
                 lambda: s2sad.vjp(plain_abs)(z), lambda: s2sad.jvp(plain_abs)(z, z),
                 lambda: s2sad.hvp(plain_abs)(z, z), lambda: s2sad.hessian(plain_abs)(z),
                 lambda: s2sad.jacobian(plain_abs)(z),
                 lambda: s2sad.grad(scaled_by)(np.ones(2), 1j),
                 lambda: s2sad.jvp(plain_abs)(np.ones(2), z)):
        with pytest.raises(s2sad.errors.S2sadError, match="complex"):
            call()
    _, pullback = s2sad.vjp(lambda_free_identity)(np.ones(2))
    with pytest.raises(s2sad.errors.ValueTypeError, match="complex"):
        pullback(np.array([1j, 1.0]))


def lambda_free_identity(x):
    return x * 2.0


def test_complex_value_from_a_global_is_refused_when_the_code_runs():
    # the two spellings abs(1j * x) and abs(x) must not give gradients of opposite sign:
    # the complex one is refused, the real one matches finite differences
    with pytest.raises(s2sad.errors.S2sadError, match="complex"):
        s2sad.grad(scaled_by_global)(np.array([1.5, -2.0]))
    with pytest.raises(s2sad.errors.S2sadError, match="complex"):
        s2sad.jvp(scaled_by_global)(np.array([1.5, -2.0]), np.ones(2))
    x = np.array([1.5, -2.0])
    np.testing.assert_allclose(s2sad.grad(plain_abs)(x),
                               finite_difference_gradient(plain_abs, (x,), 0))


def test_none_cotangent_is_refused():
    _, pullback = s2sad.vjp(lambda_free_identity)(np.ones(2))
    with pytest.raises(s2sad.errors.ValueTypeError, match="cotangent .* is None"):
        pullback(None)


# ---------------------------------------------- integer and bool arrays written into

def write_into_int(x):
    a = np.zeros(3, dtype=int)
    a[0] = x
    return np.sum(a) * 1.0


def write_into_bool(x):
    a = np.zeros(3, dtype=bool)
    a[1:] = x * 2.0
    return np.sum(a) * 1.0


def add_into_int_element(x):
    a = np.zeros(3, dtype=int)
    a[0] += x
    return np.sum(a) * 1.0


def add_into_int_array(x):
    a = np.zeros(3, dtype=int)
    a += x
    return np.sum(a) * 1.0


def write_into_argument(x, a):
    for i in range(2):
        a[i] = x * i
    return np.sum(a * x)


def float_and_int_arrays(x):
    a = np.zeros(3)
    a[0] = x * x
    b = np.zeros(3, dtype=int)
    b[1] = 2
    b += 1
    return np.sum(a * a + a * b)


INT_CASES = [(write_into_int, (2.5,), (3, 5)), (write_into_bool, (2.5,), (3, 5)),
             (add_into_int_element, (2.5,), (3, 5)), (add_into_int_array, (2.5,), (3, 5)),
             (write_into_argument, (2.5, np.zeros(3, dtype=int)), (3, 9))]


def _line_of(fn, offset):
    return fn.__code__.co_firstlineno + offset - 1


@pytest.mark.parametrize("fn, args, where", INT_CASES)
def test_differentiated_writes_into_integer_arrays_are_refused_with_a_location(fn, args, where):
    line, column = _line_of(fn, where[0]), where[1]
    calls = [lambda: s2sad.value_and_grad(fn)(*args), lambda: s2sad.vjp(fn)(*args),
             lambda: s2sad.jvp(fn)(*args, 1.0), lambda: s2sad.hvp(fn)(*args, 1.0)]
    for call in calls:
        with pytest.raises(s2sad.errors.ValueTypeError) as info:
            call()
        loc = info.value.location
        assert (loc.filename, loc.line, loc.column) == (__file__, line, column)


def test_float_arrays_and_constant_writes_into_int_arrays_still_differentiate():
    # f = x**4 + x**2 * 0 (b[0] = 1 after b += 1): f' = 4x^3 + 2x, f'' = 12x^2 + 2
    x = 1.5
    value, g = s2sad.value_and_grad(float_and_int_arrays)(x)
    assert value == float_and_int_arrays(x)
    np.testing.assert_allclose(g, 4 * x ** 3 + 2 * x)
    np.testing.assert_allclose(s2sad.jvp(float_and_int_arrays)(x, 1.0)[1], 4 * x ** 3 + 2 * x)
    np.testing.assert_allclose(s2sad.hvp(float_and_int_arrays)(x, 1.0), 12 * x ** 2 + 2)


# ------------------------------------------------------------- class 6: messages

def dict_items_loop(p):
    t = 0.0
    for k, v in sorted(p.items()):   # (sorted(p.items()) is supported too)
        t = t + v * p.setdefault("b", 1.0)
    return t


def list_index(x):
    xs = [x, x * 2.0]
    return xs.index(x) * x


class Holder:
    def __init__(self):
        self.k = 2.0


def reads_attribute(m, x):
    return m.k * x


def array_method_unknown(x):
    return x.cumsum_twice()


@pytest.mark.parametrize("fn, args, bad, good", [
    (dict_items_loop, ({"a": 1.0},), "np.items", "for k, v in d.items()"),
    (list_index, (1.0,), "np.index", "build a new list"),
    (reads_attribute, (Holder(), 1.0), "np.real", "take the array as a parameter"),
    (array_method_unknown, (np.ones(2),), "np.cumsum_twice", "outside the differentiated"),
])
def test_hints_suggest_only_what_exists(fn, args, bad, good):
    # (m.k of an m not differentiated is a constant, objattr23: d(2 x)/dx; refused for m)
    if fn is reads_attribute:
        assert s2sad.grad(fn, wrt=1)(*args) == 2.0
    with pytest.raises(s2sad.errors.UnsupportedSyntaxError) as info:
        s2sad.grad(fn, wrt=0)(*args)
    assert bad not in info.value.hint and good in info.value.hint
    assert info.value.location.filename == __file__


def test_hint_for_a_numpy_method_names_the_numpy_function():
    from s2sad.rules.hints import attribute_hint, method_hint
    assert "np.cumprod(x" in method_hint("cumprod") or "np.cumprod" not in method_hint("cumprod")
    assert "np.real(x)" in attribute_hint("real")


def zip_strict(x, y):
    t = 0.0
    for a, b in zip(x, y, strict=True):
        t = t + a * b
    return t


def enumerate_from(x, k):
    t = 0.0
    for i, a in enumerate(x, start=k):
        t = t + a * i * a
    return t


def enumerate_from_one(x):
    t = 0.0
    for i, a in enumerate(x, 1):
        t = t + a * i
    return t


def test_zip_with_keywords_says_what_is_supported():
    with pytest.raises(s2sad.errors.UnsupportedSyntaxError) as info:
        s2sad.grad(zip_strict)(np.ones(2), np.ones(2))
    err = info.value
    assert "no derivative rule" not in str(err) and "for a, b in zip(x, y)" in err.message
    assert (err.location.line, err.location.column) == (
        zip_strict.__code__.co_firstlineno + 2, 17)


def test_enumerate_with_a_start_works_in_every_mode():
    x = np.array([1.0, 2.0, 3.0])
    # f = sum(x_j^2 (k + j)): df/dx_j = 2 x_j (k + j), d2f/dx_j^2 = 2 (k + j)
    counts = np.arange(2, 5)
    np.testing.assert_allclose(s2sad.grad(enumerate_from)(x, 2), 2 * x * counts)
    np.testing.assert_allclose(s2sad.jvp(enumerate_from)(x, 2, np.ones(3))[1],
                               np.sum(2 * x * counts))
    np.testing.assert_allclose(s2sad.hvp(enumerate_from)(x, 2, np.ones(3)), 2.0 * counts)
    np.testing.assert_allclose(s2sad.grad(enumerate_from_one)(x), [1.0, 2.0, 3.0])


def test_missing_direction_is_named_in_hvp_and_jvp():
    with pytest.raises(TypeError, match="the direction v .* is missing"):
        s2sad.hvp(power_param)(1.0, 2.0)
    with pytest.raises(TypeError, match="tangent.* is missing"):
        s2sad.jvp(power_param)(1.0, 2.0)
    with pytest.raises(TypeError, match=r"takes its arguments \(x, p\) followed by"):
        s2sad.hvp(power_param)(1.0)


def test_forward_mode_run_time_refusal_has_a_one_based_column_and_the_whole_line():
    with pytest.raises(s2sad.errors.ValueTypeError) as info:
        s2sad.jvp(write_into_argument)(2.5, np.zeros(3, dtype=int), 1.0)
    loc = info.value.location
    assert (loc.line, loc.column) == (write_into_argument.__code__.co_firstlineno + 2, 9)
    assert loc.code.strip() == "a[i] = x * i"
    assert str(info.value).splitlines()[2] == "    ^"   # under the 'a' of 'a[i]'


# ------------------------------------------------------ class 6: the command line

CLASS_MODULE = """import numpy as np


class Model:
    def loss(self, x):
        return x * x


def f(x):
    return x * x
"""


def _cli(capsys, *argv):
    from s2sad import cli
    code = cli.main([str(a) for a in argv])
    return code, capsys.readouterr().err


def test_cli_class_where_a_function_is_expected(tmp_path, capsys, monkeypatch):
    (tmp_path / "cls.py").write_text(CLASS_MODULE)
    monkeypatch.chdir(tmp_path)
    code, err = _cli(capsys, "grad", "cls.py:Model")
    assert code == 2 and "--wrt" not in err
    assert "'Model' is a class, not a function" in err and "cls.py:Model.loss" in err


def test_cli_function_error_without_wrt_does_not_blame_wrt(tmp_path, capsys, monkeypatch):
    (tmp_path / "obj.py").write_text("import numpy as np\nf = np.sin\n")
    monkeypatch.chdir(tmp_path)
    code, err = _cli(capsys, "grad", "obj.py:f")
    assert code == 2 and "bad --wrt" not in err and "def" in err


def test_cli_bad_wrt_still_says_wrt(tmp_path, capsys, monkeypatch):
    (tmp_path / "cls.py").write_text(CLASS_MODULE)
    monkeypatch.chdir(tmp_path)
    code, err = _cli(capsys, "grad", "cls.py:f", "--wrt", "q")
    assert code == 2 and "bad --wrt" in err and "cls.py:9:1" in err


def test_source_file_not_utf8_is_named(tmp_path):
    import importlib.util
    path = tmp_path / "latin.py"
    path.write_bytes(b"import numpy as np\n\ndef f(x):\n    # caf\xe9\n    return x * x\n")
    spec = importlib.util.spec_from_file_location("latin_source_mod", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(s2sad.errors.SourceUnavailableError) as info:
        s2sad.grad(module.f)(1.0)
    assert "interactive prompt" not in str(info.value)
    assert "not valid utf-8" in info.value.message and "line 4" in info.value.message
    assert "coding" in info.value.hint


def test_cli_write_error_names_the_output_not_the_temporary_file(tmp_path, capsys,
                                                                monkeypatch):
    import os
    import tempfile
    (tmp_path / "cls.py").write_text(CLASS_MODULE)
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)

    def denied(prefix="", suffix="", dir=None):
        raise PermissionError(13, "Permission denied", os.path.join(dir, prefix + "x" + suffix))
    monkeypatch.setattr(tempfile, "mkstemp", denied)
    code, err = _cli(capsys, "grad", "cls.py:f", "-o", "out/f_grad.py")
    assert code == 2 and "out/f_grad.py: error: Permission denied" in err
    assert "s2sad-tmp" not in err
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)

    def refused(src, dst):
        raise PermissionError(13, "Permission denied", src)
    monkeypatch.setattr(os, "replace", refused)
    code, err = _cli(capsys, "grad", "cls.py:f", "-o", "out/f_grad.py")
    assert code == 2 and "out/f_grad.py: error" in err and "s2sad-tmp" not in err
    assert os.listdir(tmp_path / "out") == []


def test_cli_import_error_column_is_one_based(tmp_path, capsys, monkeypatch):
    (tmp_path / "boom.py").write_text(
        "import numpy as np\n\n\ndef f(x):\n    return x\n\n\nZ = np.zeros(2)[5]\n")
    (tmp_path / "boom2.py").write_text("import numpy as np\nraise ValueError('boom')\n")
    monkeypatch.chdir(tmp_path)
    code, err = _cli(capsys, "grad", "boom.py:f")
    # column 5 (the subscript) where Python reports columns (3.11+), else the statement's 1
    assert code == 2 and re.search(r"boom.py:8:(5|1): error: importing the module raised "
                                   r"IndexError", err)
    code, err = _cli(capsys, "grad", "boom2.py:f")
    assert code == 2 and "boom2.py:2:1: error" in err and ":0:" not in err


def abs_rotated_into_array(x):
    a = np.zeros(2)
    a[0] = abs(COMPLEX_CONSTANT * x)
    return np.sum(a * 3.0)


def test_complex_tangent_written_into_a_real_array_is_refused():
    # forward mode wrote the complex tangent of abs(1j x) into a real tangent array and
    # kept its real part: -3.0 where d/dx 3|x| = 3.0
    with pytest.raises(s2sad.errors.ValueTypeError, match="complex") as info:
        s2sad.jvp(abs_rotated_into_array)(2.0, 1.0)
    loc = info.value.location
    assert (loc.line, loc.column) == (abs_rotated_into_array.__code__.co_firstlineno + 2, 5)
    for call in (lambda: s2sad.grad(abs_rotated_into_array)(2.0),
                 lambda: s2sad.hvp(abs_rotated_into_array)(2.0, 1.0)):
        with pytest.raises(s2sad.errors.S2sadError, match="complex"):
            call()


def test_index_set_refuses_a_complex_value_in_a_real_array():
    from s2sad.runtime_forward import index_set
    with pytest.raises(s2sad.errors.ValueTypeError, match="complex"):
        index_set(np.zeros(2), 0, 1j)
    np.testing.assert_array_equal(index_set(np.zeros(2), 1, 2.0), [0.0, 2.0])


def returns_list(x):
    y = [x, 2.0 * x]
    return y


def test_list_output_is_refused_at_generation_for_a_gradient():
    with pytest.raises(s2sad.errors.NonScalarOutputError) as info:
        s2sad.grad(returns_list)(2.0)
    assert info.value.location.line == returns_list.__code__.co_firstlineno + 2
    assert "s2sad.vjp" in info.value.hint
    # vjp and jvp differentiate it: d[x, 2x]/dx = [1, 2]
    value, pullback = s2sad.vjp(returns_list)(2.0)
    assert value == [2.0, 4.0] and pullback([1.0, 1.0]) == 3.0
    assert s2sad.jvp(returns_list)(2.0, 1.0)[1] == [1.0, 2.0]


def constant_added_into_int_array(x):
    a = np.zeros(3, dtype=int)
    a += 0.5
    return np.sum(a) * x


def int_added_into_int_array(x):
    a = np.zeros(3, dtype=int)
    a += 2
    return np.sum(a) * x


def test_constant_float_added_in_place_to_an_int_array_raises_as_python_does():
    # Python raises UFuncTypeError at 'a += 0.5'; s2sad returned a value and a gradient
    with pytest.raises(TypeError):
        constant_added_into_int_array(2.0)
    line = constant_added_into_int_array.__code__.co_firstlineno + 2
    for call in (lambda: s2sad.value_and_grad(constant_added_into_int_array)(2.0),
                 lambda: s2sad.jvp(constant_added_into_int_array)(2.0, 1.0),
                 lambda: s2sad.hvp(constant_added_into_int_array)(2.0, 1.0)):
        with pytest.raises(s2sad.errors.ValueTypeError) as info:
            call()
        assert (info.value.location.line, info.value.location.column) == (line, 5)
    # an int added in place stays an int array: f = 6x
    assert s2sad.value_and_grad(int_added_into_int_array)(2.0) == (12.0, 6.0)
    assert s2sad.jvp(int_added_into_int_array)(2.0, 1.0) == (12.0, 6.0)


def writes_a_constant_into_an_int_array(z):
    ia = np.zeros(3, dtype=int)
    ia[2] = 0.5            # numpy truncates: ia stays all zeros
    return np.sin(z * ia)[-1] + np.sum(z * z)


def test_second_order_truncates_a_constant_written_into_an_int_array():
    # found by the fuzzer (seed 100072): the second-order code wrote 0.5 into a float
    # copy of the int array, so the Hessian-vector product saw sin(0.5 z)
    z = np.array([0.422, 0.477, 0.51])
    v = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(s2sad.grad(writes_a_constant_into_an_int_array)(z), 2 * z)
    np.testing.assert_allclose(s2sad.hvp(writes_a_constant_into_an_int_array)(z, v), 2 * v)


def softplus_with_adjoint_only(x):
    return np.log1p(np.exp(x))


def uses_softplus_with_adjoint_only(x):
    return np.sum(softplus_with_adjoint_only(x) * 2.0)


SQUARE_LAMBDA = lambda v: v ** 2  # noqa: E731


def uses_module_lambda(x):
    return np.sum(SQUARE_LAMBDA(x))


def test_a_message_for_a_rule_without_its_tangent_and_a_module_lambda_read():
    # (found by a stranger) both said "calls to Python helper functions are not
    # differentiated yet", which is false; each message now says what is missing
    @s2sad.adjoint(softplus_with_adjoint_only)
    def softplus_adjoint(y, y_bar, x):
        return y_bar / (1.0 + np.exp(-x))

    x = np.array([0.3, -1.0])
    np.testing.assert_allclose(s2sad.grad(uses_softplus_with_adjoint_only)(x),
                               2.0 / (1.0 + np.exp(-x)))
    with pytest.raises(s2sad.NoDerivativeRuleError,
                       match="has an adjoint rule: a registered rule replaces"):
        s2sad.jvp(uses_softplus_with_adjoint_only)(x, np.ones(2))
    # a module-level lambda is read from its line, as a def is (stranger13's bug8)
    np.testing.assert_allclose(s2sad.grad(uses_module_lambda)(x), 2.0 * x)


def unsupported_after_non_ascii(x):
    note = "ü é"; return np.nextafter(x, 2.0) + len(note)  # noqa: E702


def test_columns_count_characters_not_bytes():
    with pytest.raises(s2sad.S2sadError) as info:
        s2sad.grad(unsupported_after_non_ascii)(0.5)
    line = unsupported_after_non_ascii.__code__.co_firstlineno + 1
    text = info.value.location.code
    assert info.value.location.line == line
    assert text[info.value.location.column - 1:].startswith("np.nextafter")


def _unpacks_a_pair(p):
    a, b = p
    return np.sum(a * b)


def _reads_a_dict(d):
    return np.sum(d["w"] * d["b"])


def _indexes_a_list(xs):
    return np.sum(xs[0] * xs[1])


def test_jvp_takes_tangents_of_containers_of_the_same_structure():
    # (found by a stranger) a tuple tangent crashed in float_like
    A, B = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    dA, dB = np.array([0.5, -1.0]), np.array([2.0, 1.0])
    expected = np.sum(dA * B + A * dB)   # by hand: d(a . b) = da . b + a . db
    assert s2sad.jvp(_unpacks_a_pair)((A, B), (dA, dB))[1] == pytest.approx(expected)
    assert s2sad.jvp(_reads_a_dict)({"w": A, "b": B}, {"w": dA, "b": dB})[1] \
        == pytest.approx(expected)
    assert s2sad.jvp(_indexes_a_list)([A, B], [dA, dB])[1] == pytest.approx(expected)
    with pytest.raises(ValueError, match=r"xs: expected a list of 2 .*, got a list of 1"):
        s2sad.jvp(_indexes_a_list)([A, B], [dA])
