"""A refusal of a call in a helper whose body second order puts in place of its call is
located at the helper's line (it named the differentiated function's line counted from the
helper's first: a blank line, no source quoted), found by stranger 25."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import NoDerivativeRuleError

SOURCE = """
import numpy as np


def helper(y):
    a = y * 2.0
    m = np.gradient(y)
    return a * m


def loss(y):
    return np.sum(helper(y) ** 2)
"""


@pytest.mark.parametrize("transform", ["grad", "hessian", "hvp"])
def test_the_refusal_names_the_helper_s_line(load, transform):
    m = load("inlined_locations", SOURCE)
    y = np.array([0.1, 0.5, 0.2, 0.9])
    with pytest.raises(NoDerivativeRuleError) as caught:
        if transform == "hvp":
            s2sad.hvp(m.loss)(y, np.ones(4))
        else:
            getattr(s2sad, transform)(m.loss)(y)
    text = str(caught.value)
    assert "inlined_locations.py:7:9: no derivative rule for numpy.gradient" in text, text
    assert "m = np.gradient(y)" in text
