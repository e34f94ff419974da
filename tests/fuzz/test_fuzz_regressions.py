"""Programs the differential fuzzer (s2sad.fuzz) found, as it shrank them.

Each was a wrong value or gradient, or a crash, in some earlier version; each
is checked here in both modes against central finite differences.  The
comment above each says what went wrong and which seed found it.
"""

import numpy as np
import pytest

from s2sad.testing import check_grads

C2 = np.array([0.5, -1.2])
C3 = np.array([0.3, -0.7, 1.1])
C23 = np.array([[0.2, -0.4, 0.9], [1.1, 0.6, -0.3]])


# Wrong value: the loop iterated over the rebound name instead of the array it
# started with (Python evaluates the iterable once).  Seeds 149 and 91.
def rebinds_iterated_array_same_shape(x):
    s = 0.0
    for e in x:
        s = s + e * e
        x = 2.0 * x
    return s + np.sum(x)


def rebinds_iterated_rows(x):
    for e in x:
        x = (e * C23)[:, 0]
    return np.dot(x, x)


# Wrong value: the iterated name and another one rebound inside the loop (seed 11).
def rebinds_iterated_and_other(x, z):
    for e in x:
        z = e
        x = 0.0 * x
    return C2 * z


# Wrong gradient (zero): a loop that runs no trip rebinds a name to a constant,
# and a later loop iterates over it (seed 53).
def zero_trip_loop_then_iterate(x):
    v = np.tanh(x)
    for i in range(0):
        v = 0.0
    for e in v:
        pass
    return np.sum(v)


# Crash (IndentationError in the generated code): a loop whose body has no
# effect on the result left an empty block (many seeds, e.g. 22).
def loop_without_effect(x):
    for e in x:
        v = e - e
    return np.mean(x)


def loop_with_break_only(x, y):
    for row in y:
        break
    return np.dot(x, x)


# Crash (UnboundLocalError in the pullback): a value restored from the tape
# was read before the loop that restores it (seed 11, vjp of an array output).
def array_output_after_loop(x):
    s = x
    for i in range(2):
        s = np.sin(s)
    return s * C3


def array_output_loop_constant(x, z):
    for e in x:
        z = 0.0 + z * e
    return z + C2


# Crash (pullback called with the wrong number of cotangents): tuples
# returned from several places (seeds 8, 39, 105).
def returns_parameters(x, y):
    return x, y


def returns_tuple_early(x):
    if np.max(x) < 0.0:
        return x, x
    return np.sum(x), C3 * x


# Wrong value: names swapped in a loop body ("z, x = x, z") were copied one
# after the other, so both ended up equal (seeds 136, 196, 1452, 1805).
def swaps_in_loop(x, z):
    for i in range(2):
        z, x = x, z
    return x * 1.0


def swaps_in_loop_over_rows(x, y, z):
    for row in y:
        z, x = x, z
    return x * np.sum(y)


def swaps_arrays_in_zip_loop(x, y):
    for p, q in zip(y, x):
        y, x = x, y
    return y[0] + 2.0 * x[1]


def swaps_in_while(x, y):
    k = 0
    while k < 3:
        k = k + 1
        y, x = x, y
    return np.min(y) + np.sum(x * x)


# Wrong gradient: the fused adjoint of np.sum(C3 + v1) gave the number v1 the
# sum's adjoint once instead of once per element of C3 (seed 600050).
def sums_a_number_added_to_an_array(x):
    v1 = x.mean()
    v2 = np.sum(C3 + v1)
    acc5 = []
    acc5.append(v2)
    return np.mean(acc5)


def sums_a_number_subtracted_over_an_axis(x):
    v = np.sum(x)
    return np.sum(np.sum(C23 - v, axis=1) ** 2)


# Crash: the clip mask was boolean, and the adjoint of a subtracted np.clip
# negated it (seed 600743).
def subtracts_a_clipped_number(x):
    v1 = np.sum(x)
    v11 = np.clip(v1, 0.0, 0.0)
    return C3[0] - v11 - np.clip(x[1], -1.0, 1.0)


# Wrong forward-mode derivative: ``x * 1.0`` made a new array in the primal, but
# its folded tangent only named another tangent array, which a later write into
# the array changed in place (seeds 1102957 and 1103379).
def copies_then_writes_the_source(x):
    buf2 = np.zeros(3)
    buf2[0] = x[0]
    for i3 in range(0, 1, 1):
        x = buf2 * 1.0
    buf2[0] = buf2[1]
    return np.sum(x)


def copies_a_row_then_overwrites_it(y, z):
    v3 = y + z
    buf4 = np.zeros((2, 3))
    buf4[:, 2] = C23 @ v3
    v5 = buf4[0, :] * 1.0
    buf4[:, 2] = 0.0
    return v5[-1]


# Wrong gradient: a helper's pullback kept the array it was called with, which
# the caller then wrote into, so the pullback read the new values (seed 1300348).
# The helper now gets a copy of an array the caller writes into later.
def _dot_then_sum(a, b):
    v1 = b.T @ a
    return v1.sum()


def writes_into_an_array_a_helper_read(x, z):
    buf5 = np.zeros((2, 1))
    buf5[:, 0] = z
    v7 = _dot_then_sum(buf5, x)
    buf5[:, 0] = v7
    return buf5


# Wrong gradient (vjp): a name bound to an array in both branches of an `if`
# kept seeing a later write into that array, since the pullback restores the
# written array in its own copy (seed 1403062).  The forward sweep now saves
# such a name before the write and the backward sweep takes it back.
def selects_an_array_then_writes_into_it(x):
    buf2 = np.zeros(1)
    v3 = x
    v3 = (buf2 if x.mean() < 0.0 else buf2) * v3
    buf2[0] = 0.5
    return v3


def reads_a_view_then_writes_through_its_base(x):
    buf = np.zeros(3)
    v = buf[0:2]
    y = v * x
    buf[0] = 5.0
    return np.sum(y * y) + y


# Crash: the adjoint of `- np.sum(v * (v > 0.2))` folded `-1.0 * cond` to `-cond`,
# the negation of a bool array (numpy refuses it); with `+` it was the bool array
# itself, which a loop's in-place item adds would truncate (seed 1600, issue 16).
def subtracts_a_masked_sum(z):
    v = np.sin(z) * C23
    return np.sum(v) - np.sum(v * (v > 0.2))


CASES = [
    (rebinds_iterated_array_same_shape, (np.array([0.5, -0.2, 0.9]),)),
    (rebinds_iterated_rows, (np.array([0.847, 0.067]),)),
    (rebinds_iterated_and_other, (np.array([0.836, -0.691, -1.239]), -1.096)),
    (zero_trip_loop_then_iterate, (np.array([[0.006, -0.052, 0.654], [-0.418, -0.136, -1.4]]),)),
    (loop_without_effect, (np.array([-1.429, 1.496, -0.947]),)),
    (loop_with_break_only, (np.array([-1.24, 1.282]), np.array([[-0.25, 1.4, -1.2],
                                                                [-0.17, -0.83, -0.45]]))),
    (array_output_after_loop, (0.5,)),
    (array_output_loop_constant, (np.array([0.836, -0.691, -1.239]), -1.096)),
    (returns_parameters, (1.355, np.array([0.072, 0.211]))),
    (swaps_in_loop, (0.5, 2.0)),
    (swaps_in_loop_over_rows, (0.945, np.array([[0.308, -0.119, 0.284], [1.178, -0.351, -0.346]]),
                               1.139)),
    (swaps_arrays_in_zip_loop, (np.array([-1.227, -1.457, -0.538]),
                                np.array([-1.38, 1.466, 1.267]))),
    (swaps_in_while, (np.array([-1.102, 0.653]), np.array([0.873, 0.968]))),
    (returns_tuple_early, (np.array([-0.878, -1.051, -0.004]),)),
    (returns_tuple_early, (np.array([0.878, -1.051, 0.004]),)),
    (sums_a_number_added_to_an_array, (np.array([1.449, 1.049]),)),
    (sums_a_number_subtracted_over_an_axis, (np.array([0.3, -0.8]),)),
    (subtracts_a_clipped_number, (np.array([-0.27, -1.416]),)),
    (subtracts_a_clipped_number, (np.array([0.27, 0.416]),)),
    (copies_then_writes_the_source, (np.array([-0.801, -1.168, -1.24]),)),
    (copies_a_row_then_overwrites_it, (np.array([-0.378, 1.183, -0.469]), 1.244)),
    (writes_into_an_array_a_helper_read, (np.array([[0.956, -0.557, -0.022],
                                                    [-1.148, -0.349, 0.195]]),
                                          np.array([-0.506, -1.446]))),
    (selects_an_array_then_writes_into_it, (np.array([0.122, -0.724]),)),
    (selects_an_array_then_writes_into_it, (np.array([-0.122, -0.724]),)),
    (reads_a_view_then_writes_through_its_base, (np.array([0.3, -0.4]),)),
    (subtracts_a_masked_sum, (1.361,)),
]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func, args", CASES,
                         ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(CASES)])
def test_fuzzer_finding(func, args, mode):
    check_grads(func, args, modes=(mode,))


# Wrong values: a list took a view of an array (`v[::1]`) or the array through a
# branch (`v if c else v`), and a later `v *= ...` changed the list's item too,
# which s2sad did not follow (seeds 1800263 and 1810592).  Now refused, located.
def appends_a_view_then_updates_in_place(z):
    v1 = np.sum(z, axis=0)
    acc4 = []
    for i5 in range(3):
        v1 *= 0.5
        acc4.append(v1[::1])
    v6 = acc4[0]
    return v6 @ v6


def appends_through_a_branch_then_updates_in_place(y, z):
    v3 = np.concatenate([z, z])
    acc10 = []
    for i11 in range(4):
        v3 *= 0.5
        acc10.append(v3 if np.mean(y) > 0.0 else v3)
    return np.sum(acc10, axis=0)[0]


@pytest.mark.parametrize("func, args", [
    (appends_a_view_then_updates_in_place, (C23,)),
    (appends_through_a_branch_then_updates_in_place, (C23, C2)),
])
def test_in_place_update_of_an_array_a_list_holds_is_refused(func, args):
    import s2sad
    from s2sad.errors import UnsupportedSyntaxError
    with pytest.raises(UnsupportedSyntaxError,
                       match="would also change the list or tuple that holds") as info:
        s2sad.grad(func, wrt=len(args) - 1)(*args)
    assert "test_fuzz_regressions.py:" in str(info.value)
