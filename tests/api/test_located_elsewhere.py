"""A refusal a rule makes while a derivative runs (np.linalg.det at a singular matrix),
in a helper imported from another module, names the helper's file and line in every
mode: second-order code puts the helper's body in place of its call, and its block
comments quote the helper's lines (found by a stranger test: hvp and hessian named no
place at all).  The derivatives at a regular point are checked by hand."""

import os

import numpy as np
import pytest

import s2sad
import located_callers as lc
from s2sad.runtime.linalg import LinalgDerivativeError

MODES = {
    "grad": lambda f: s2sad.grad(f)(1.0),
    "hvp": lambda f: s2sad.hvp(f)(1.0, 1.0),
    "hessian": lambda f: s2sad.hessian(f)(1.0),
}


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("f", [lc.loss, lc.loss_dotted])
def test_a_singular_matrix_in_a_helper_of_another_module_is_located(f, mode):
    with np.errstate(all="ignore"), pytest.raises(LinalgDerivativeError) as info:
        MODES[mode](f)
    first = str(info.value).splitlines()[0]   # (the location is found as it is printed)
    assert f"{os.sep}located_helpers.py:9:5: np.linalg.det" in first


def test_the_derivatives_at_a_regular_point():
    # log|a - 1| + a + 3: the slope 1/(a - 1) + 1, the curvature -1/(a - 1)**2
    a = 3.0
    assert np.isclose(s2sad.grad(lc.loss)(a), 1.0 / (a - 1.0) + 1.0)
    assert np.isclose(s2sad.hvp(lc.loss)(a, 1.0), -1.0 / (a - 1.0) ** 2)
    assert np.isclose(s2sad.hessian(lc.loss_dotted)(a), -2.0 / (a - 1.0) ** 2)
