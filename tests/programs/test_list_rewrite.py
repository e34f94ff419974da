"""A list built by appending (a loop or a comprehension) whose items a later loop writes:
the loop writing saves versions of the list after the appends are over, which reverse mode
once refused with an internal error.  Derivatives in every mode against central finite
differences."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads

import list_rewrite_functions as lw

XS = [np.array([0.3, 0.7]), np.array([0.5, -0.2])]


@pytest.mark.parametrize("func", [lw.comprehension_then_item_writes,
                                  lw.appended_then_item_writes,
                                  lw.writes_then_appends_again,
                                  lw.written_through_a_second_name],
                         ids=lambda f: f.__name__)
def test_items_written_after_the_appends_match_finite_differences(func):
    check_grads(func, ([a.copy() for a in XS],), modes=("reverse", "forward"))


def test_scalar_states_rewritten_match_finite_differences_and_second_order():
    check_grads(lw.scalar_states_rewritten, (0.6,), modes=("reverse", "forward"))
    f, h = lw.scalar_states_rewritten, 1e-4
    by_hand = (f(0.6 + 2 * h) - 2 * f(0.6) + f(0.6 - 2 * h)) / (4 * h * h)
    assert np.isclose(s2sad.hessian(f)(0.6), by_hand, rtol=1e-4, atol=1e-6)
