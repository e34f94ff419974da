"""np.std's derivative divides by the standard deviation: refused where it is 0 and a
derivative flows through it, not where its cotangent is 0 (nothing flows)."""

import numpy as np
import pytest

import s2sad


def unused_spread(x):
    return np.std(x * 0.0 + 1.0) * 0.0 + np.sum(x * x)


def used_spread(x):
    return np.std(x * 0.0 + 1.0) + np.sum(x * x)


def test_a_zero_standard_deviation_nothing_flows_through_is_not_refused():
    x = np.array([0.5, -0.2])
    np.testing.assert_allclose(s2sad.grad(unused_spread)(x), 2 * x)


def test_a_zero_standard_deviation_a_derivative_flows_through_is_refused():
    with pytest.raises(s2sad.S2sadError, match="standard deviation is 0"):
        s2sad.grad(used_spread)(np.array([0.5, -0.2]))
