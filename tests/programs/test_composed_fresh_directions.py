"""A derivative made by s2sad whose generated code returns new arrays is not taken
for one that may return its argument, and a direction array bound anew each trip
is not taken for one written after the call (stranger18); a derivative that does
return its argument (the identity's jvp) given one array written after the call
is still refused, located.  Gradients against central finite differences in every
mode."""

import numpy as np
import pytest

import s2sad
import composed_fresh_directions as cf
from s2sad.syntax.normalize.argwrites import returned_parameters
from s2sad.syntax.source import composable
from s2sad.testing import check_grads, finite_difference_gradient

Q = np.array([0.3, -0.4])


def _hessian_fd(f, x):
    eps = 1e-4
    rows = []
    for k in range(x.size):
        step = np.zeros_like(x)
        step[k] = eps
        rows.append((finite_difference_gradient(f, (x + step,), 0)
                     - finite_difference_gradient(f, (x - step,), 0)) / (2 * eps))
    return np.array(rows)


def _every_mode(f, q):
    check_grads(f, (q.copy(),), modes=("reverse", "forward"))
    hessian = _hessian_fd(f, q)
    np.testing.assert_allclose(s2sad.hessian(f)(q.copy()), hessian, rtol=1e-4, atol=1e-4)
    v = np.linspace(0.7, -1.3, q.size)
    np.testing.assert_allclose(s2sad.hvp(f)(q.copy(), v), hessian @ v, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("f", [cf.columns_of_fk, cf.columns_of_fk_while,
                               cf.identity_fresh_direction])
def test_a_fresh_direction_each_trip_in_every_mode(f):
    _every_mode(f, Q)


def test_the_reverse_sweep_of_a_jvp_appending_to_a_list_in_a_loop():
    _every_mode(cf.jvp_of_rows_built_in_a_loop, np.array([-1.282, 0.398, 0.317]))


def test_the_reported_columns_by_hand():
    # cols = [[cos q0, q1], [0, q0]]: f = cos^2 q0 + q1^2 + q0^2
    q0, q1 = Q
    np.testing.assert_allclose(s2sad.grad(cf.columns_of_fk)(Q.copy()),
                               [-2 * np.cos(q0) * np.sin(q0) + 2 * q0, 2 * q1])


def test_what_the_generated_jvp_may_return():
    # (the generated code a function being differentiated calls in the derivative's place)
    assert returned_parameters(composable(s2sad.jvp(cf.fk))) == frozenset()
    assert "q_dot" in returned_parameters(composable(s2sad.jvp(cf.identity)))


@pytest.mark.parametrize("f, line, message", [
    # (refused at the call, as the next: e is written after it, on the next trip)
    (cf.identity_direction_written_again, 55, "may return its argument 'q_dot'"),
    (cf.identity_direction_written_after, 62, "may return its argument 'q_dot'")])
def test_a_returned_direction_written_after_the_call_is_refused(f, line, message):
    # Python's result is e itself: the write after the call changes it (the same array
    # each trip: the list holds it, which the write into it changes first)
    with pytest.raises(s2sad.S2sadError, match=message) as info:
        s2sad.grad(f)(Q.copy())
    assert info.value.location.filename.endswith("composed_fresh_directions.py")
    assert info.value.location.line == line
