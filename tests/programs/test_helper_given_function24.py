"""A write into a new array that a helper given a function returned (``Y = integ(rhs,
y0, 3, k); Y[0] *= 2.0``) was refused as one that "may change the caller's array": the
helper is read as ``integ_rhs(y0, 3, k)``, a function s2sad makes, whose source inspect
cannot read, so what it returns was not known; the helper's own source tells it now.
Every transform against central differences; a helper returning its argument or a view
of it (or an item of a list it is given) stays refused."""

import numpy as np
import pytest

import s2sad
from tests.fixtures import helper_given_function24 as fx
from tests.programs.every_transform import every_transform

Y0 = np.array([0.3, -0.5, 0.9])


@pytest.mark.parametrize("f", [fx.loss, fx.loss_row_write])
def test_a_write_into_the_helper_s_new_array_in_every_transform(f):
    every_transform(f, (Y0,))


@pytest.mark.parametrize("f", [fx.loss_view, fx.loss_same, fx.loss_item_of_list])
def test_a_helper_returning_its_argument_or_a_view_stays_refused(f):
    with pytest.raises(s2sad.S2sadError, match="helper_given_function24.py:"):
        s2sad.grad(f)(Y0.copy())
