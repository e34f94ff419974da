"""Unsupported code fails loudly: an s2sad error with file, line, column, code and a hint."""

import inspect

import numpy as np
import pytest

import s2sad
from s2sad.errors import (NoDerivativeRuleError, NonScalarOutputError, RuleDefinitionError,
                          S2sadError, UnsupportedSyntaxError, WrtError)

import core_functions as cf


def _line_of(func, needle):
    lines, start = inspect.getsourcelines(func)
    for offset, line in enumerate(lines):
        if needle in line:
            return start + offset, line
    raise AssertionError(needle)


@pytest.mark.parametrize("func, needle, fragment", [
    (cf.with_try, "try:", "'try' statements cannot be differentiated"),
    (cf.with_generator, "yield", "generators"),
    (cf.with_global, "global SCALE", "'global' statements"),
    (cf.with_with, "with open", "'with' statements"),
    (cf.prints, "print(x)", "expression statement"),
    (cf.undefined_name, "not_defined_anywhere", "not defined"),
    (cf.alias_then_augment, "y += 1.0", "share memory"),
    (cf.appended_then_updated, "v *= 0.5", "the list or tuple that holds 'v'"),
])
def test_unsupported_syntax_is_located(func, needle, fragment):
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(func)
    err = info.value
    line, code = _line_of(func, needle)
    assert fragment in str(err)
    assert err.location.filename.endswith("core_functions.py")
    assert err.location.line == line
    assert err.location.code.strip() == code.strip()
    assert err.location.column == code.index(needle.split()[0]) + 1
    text = str(err)
    assert f"core_functions.py:{line}:" in text
    assert code.strip() in text and "^" in text
    assert "hint:" in text


def test_column_points_at_the_construct():
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(cf.with_try)
    line, code = _line_of(cf.with_try, "try:")
    assert info.value.location.column == code.index("try") + 1  # 1-based, like linters


def test_call_without_rule_names_function_and_suggests_fixes():
    with pytest.raises(NoDerivativeRuleError) as info:
        s2sad.grad(cf.calls_unknown)(np.eye(2))
    text = str(info.value)
    assert "slogdet" in text
    assert "@s2sad.adjoint" in text and "s2sad.nondifferentiable" in text
    line, _ = _line_of(cf.calls_unknown, "slogdet")
    assert info.value.location.line == line


def test_non_scalar_output_points_to_vjp():
    g = s2sad.grad(cf.vector_out)
    with pytest.raises(NonScalarOutputError, match="vjp"):
        g(np.ones(3))


def test_tuple_output_grad_points_to_vjp():
    with pytest.raises(NonScalarOutputError, match="vjp"):
        s2sad.grad(cf.two_outputs)


@pytest.mark.parametrize("wrt", [5, "nope", 1.5, (), (0, 0)])
def test_bad_wrt(wrt):
    with pytest.raises(WrtError):
        s2sad.grad(cf.seed, wrt=wrt)


def test_builtin_function_is_refused():
    with pytest.raises(S2sadError, match="def"):
        s2sad.grad(np.sin)


def test_every_error_is_an_s2sad_error():
    for cls in (UnsupportedSyntaxError, NoDerivativeRuleError, NonScalarOutputError, WrtError):
        assert issubclass(cls, S2sadError)


def scaled(x, newfactor):
    """A target that spells its second parameter as old numpy spelled reshape's."""
    return x * newfactor


def uses_scaled_by_keyword(x):
    return np.sum(scaled(x, newfactor=3.0))


def test_rule_parameters_are_the_targets_under_a_declared_spelling():
    with pytest.raises(RuleDefinitionError, match="names the parameter 'factor'"):
        @s2sad.adjoint(scaled, nondiff=("factor",))
        def misnamed_adjoint(y, y_bar, x, factor):
            return y_bar * factor

    @s2sad.adjoint(scaled, nondiff=("factor",), spellings={"newfactor": "factor"})
    def scaled_adjoint(y, y_bar, x, factor):
        return y_bar * factor

    x = np.array([0.5, -1.0])
    np.testing.assert_allclose(s2sad.grad(uses_scaled_by_keyword)(x), [3.0, 3.0])
