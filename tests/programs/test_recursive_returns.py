"""Regression tests: a recursive helper mapping a nested container to new values, whose
result is read after a write into the array it was given, was refused as one that "may
return its argument" (its comprehensions and ``np.cos(t) * t`` were not followed: fuzz
``open:recursive_returns``); a helper returning a view of its argument
(``t.reshape(-1)``, a method call on it) was taken for one returning a new array, a wrong
value.  Checked against central finite differences; the helpers that may return the
argument's arrays are refused, in reverse and forward mode."""

import numpy as np
import pytest

import recursive_returns as rr
import s2sad
from s2sad.errors import S2sadError
from s2sad.syntax.normalize.argwrites import returned_parameters
from s2sad.testing import check_grads

X = np.array([0.3, -0.7, 1.1])
Y = np.array([[0.5, -1.2, 0.4], [0.9, 0.2, -0.6]])


def test_a_map_read_after_the_argument_is_written():
    check_grads(rr.map_then_argument_written, (X.copy(), Y.copy()), wrt=(0, 1),
                modes=("reverse", "forward"))


@pytest.mark.parametrize("f", [rr.map_then_local_written, rr.weighted_map_then_written],
                         ids=lambda f: f.__name__)
def test_a_map_of_a_local_array_written_after(f):
    check_grads(f, (X.copy(),), modes=("reverse", "forward"))


def test_the_gradient_by_hand():
    # m = [cos(a) a, (2a cos(2a), {k: cos(a) a})] before a[0] = 5:
    # total = sum(2 a cos a + 2 a cos 2a), a = x; + sum(a * x) with a[0] = 5
    x = X.copy()
    expected = 2 * (np.cos(x) - x * np.sin(x)) + 2 * (np.cos(2 * x) - 2 * x * np.sin(2 * x))
    expected += np.where(np.arange(3) == 0, 5.0, 2 * x)
    np.testing.assert_allclose(s2sad.grad(rr.map_then_local_written)(x), expected,
                               rtol=1e-12)


@pytest.mark.parametrize("f", [rr.kept_then_written, rr.listed_then_written,
                               rr.view_then_written], ids=lambda f: f.__name__)
@pytest.mark.parametrize("transform", ["grad", "jvp"])
def test_a_helper_returning_the_arguments_arrays_is_refused(f, transform):
    # (Python's result holds the array written after the call: a[0] = 5 shows in it)
    with pytest.raises(S2sadError, match="may"):
        if transform == "grad":
            s2sad.grad(f)(X.copy())
        else:
            s2sad.jvp(f)(X.copy(), np.ones(3))


@pytest.mark.parametrize("helper, returned", [
    (rr.mapped, set()), (rr.total, set()), (rr.scaled, set()), (rr.kept, {"t"}),
    (rr.listed, {"t"}), (rr.flat, {"t"})])
def test_what_each_helper_may_return(helper, returned):
    assert returned_parameters(helper) == frozenset(returned)


def test_the_fuzzers_open_finding_is_closed():
    from s2sad.fuzz.open_findings import OPEN_FINDINGS
    assert not any(row[-1] == "open:recursive_returns" for row in OPEN_FINDINGS)
