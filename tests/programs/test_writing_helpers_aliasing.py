"""A helper that writes into its argument and returns it (or a view of it): Python's
result is the caller's array itself, so a later write through either name shows in the
other.  s2sad refuses that write rather than differentiate two arrays (found by a
stranger test: the value and every derivative were wrong)."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads

X = np.array([1.0, 2.0, 3.0])


def fill_first(r, v):
    r[0] = v
    return r


def rows(A):
    return A[1], A[0]


def written_then_written_again(x):
    a = x * 1.0
    b = fill_first(a, x[1])
    a[2] = x[0] * 5.0
    return np.sum(b ** 2)


def written_then_read_both(x):
    a = x * 1.0
    b = fill_first(a, x[1])
    return np.sum(b ** 2) + np.sum(a * x)


def rows_stored_back(x):
    A = np.reshape(x, (2, 3)) * 1.0
    A[0], A[1] = rows(A)
    return np.sum(A * np.arange(6.0).reshape(2, 3))


def test_a_write_after_the_result_aliases_the_argument_is_refused():
    for transform in (s2sad.grad, s2sad.jvp):
        with pytest.raises(s2sad.S2sadError, match="'a' would also change 'b'"):
            transform(written_then_written_again)(X, *(() if transform is s2sad.grad else (X,)))


def test_reading_the_result_and_the_argument_without_a_write_is_differentiated():
    check_grads(written_then_read_both, (X,), modes=("reverse", "forward"))


def test_rows_of_the_argument_stored_back_are_refused_in_every_mode():
    x = np.arange(6.0)
    with pytest.raises(s2sad.S2sadError, match="rows"):
        s2sad.grad(rows_stored_back)(x)
    with pytest.raises(s2sad.S2sadError, match="changes a value the assignment stores next"):
        s2sad.jvp(rows_stored_back)(x, x)
