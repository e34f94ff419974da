"""``fold`` drops a factor 1 or -1 only where that keeps the dtype: ``1.0 * w`` of an
integer or bool ``w`` is a float array (an adjoint, which loops add items into in
place), so it stays; ``1 * w`` and ``1.0 * np.cos(x)`` fold."""

import gast
import pytest

from s2sad.optimize import fold, without_float_unit


def _folded(text):
    return gast.unparse(fold(gast.parse(text, mode="eval").body)).strip()


@pytest.mark.parametrize("text,expected", [
    ("1.0 * w", "1.0 * w"),
    ("w * 1.0", "1.0 * w"),
    ("-1.0 * w", "-1.0 * w"),
    ("1.0 * (w > 0.2)", "1.0 * (w > 0.2)"),
    ("1.0 * (a * b)", "1.0 * (a * b)"),
    ("w / 1.0", "w / 1.0"),
    ("1 * w", "w"),
    ("-1 * w", "-w"),
    ("w / 1", "w / 1"),   # (a true division: a float even of integers)
    ("np.cos(x) / 1", "np.cos(x)"),
    ("1.0 * np.cos(x)", "np.cos(x)"),
    ("-1.0 * np.exp(x)", "-np.exp(x)"),
    ("1.0 * (a / b)", "a / b"),
    ("1.0 * (2.0 * a)", "2.0 * a"),
])
def test_a_unit_factor_goes_only_where_the_dtype_stays(text, expected):
    assert _folded(text) == expected


def test_a_term_added_to_an_adjoint_loses_its_float_unit():
    assert gast.unparse(without_float_unit(fold(gast.parse("1.0 * w", mode="eval").body))
                        ).strip() == "w"
    assert gast.unparse(without_float_unit(fold(gast.parse("-1.0 * w", mode="eval").body))
                        ).strip() == "-w"


@pytest.mark.parametrize("text,expected", [
    ("a - -(-2.0 * b)", "a - 2.0 * b"),   # (three folds before: a + -2.0 * b, then this)
    ("a + -(-2.0 * b)", "a - -2.0 * b"),
    ("a - -(b * -2.0)", "a - 2.0 * b"),
    ("(-a) * 2.0", "-(2.0 * a)"),
    ("(-np.cos(x)) / 1", "-np.cos(x)"),
    ("a + -(-(-1 * b))", "a - b"),
    ("(x * 3.0) * 1", "3.0 * x"),
])
def test_fold_reaches_its_fixed_point_in_one_call(text, expected):
    """What fold gives folds to itself, so a caller folding a folded tree again (the
    reverse sweep adding a folded contribution to an adjoint) may skip it."""
    once = fold(gast.parse(text, mode="eval").body)
    assert gast.unparse(once).strip() == expected
    assert gast.unparse(fold(once)).strip() == expected
