"""Loops over compositions of enumerate, zip, reversed, list and tuple that Python
allows (``enumerate(reversed(list(zip(a, b))))``, ``zip(enumerate(a), b)``, ...): the
counter of an enumerate the loop header cannot take as it is counts the trips, its
sequence is looped over as a loop of its own would be (found by a stranger test: they
were refused, and the hint dropped the counter).  Checked against central finite
differences in reverse and forward mode, over arrays and over lists."""

import numpy as np
import pytest

from s2sad.testing import check_grads


def enumerate_reversed_listed_zip(a, b):
    s = 0.0
    for i, (p, q) in enumerate(reversed(list(zip(a, b)))):
        s = s * 0.5 + p * q * (i + 1)
    return s


def zip_of_enumerate(a, b):
    s = 0.0
    for (i, p), q in zip(enumerate(a), b):
        s = s * 0.5 + p * q * (i + 1)
    return s


def zip_reversed_and_enumerate_started(a, b):
    s = 0.0
    for q, (i, p) in zip(reversed(b), enumerate(a, 2)):
        s = s * 0.5 + p * q * i
    return s


def enumerate_of_enumerate(a, b):
    s = 0.0
    for i, (j, p) in enumerate(enumerate(a, start=1)):
        s = s + p * (i + 2 * j)
    return s + i


def enumerate_listed_zip_started(a, b):
    s = 0.0
    for i, (p, q) in enumerate(list(zip(a, b)), 3):
        if i == 4:
            continue
        s = s + np.sin(p) * q * i
    return s


def enumerate_reversed_listed_enumerate(a, b):
    s = 0.0
    for i, (k, p) in enumerate(reversed(list(enumerate(a)))):
        s = s * 0.9 + p * (i - k) ** 2
    return s


def enumerate_tuple(a, b):
    s = 0.0
    for i, p in enumerate(tuple(a)):
        s = s + p * i
    return s


def zip_of_two_enumerates(a, b):
    s = 0.0
    for (i, p), (j, q) in zip(enumerate(a), enumerate(reversed(b), 1)):
        s = s + p * q * (i + j)
        if s > 100.0:
            break
    return s


FUNCTIONS = [enumerate_reversed_listed_zip, zip_of_enumerate, zip_reversed_and_enumerate_started, enumerate_of_enumerate, enumerate_listed_zip_started, enumerate_reversed_listed_enumerate, enumerate_tuple, zip_of_two_enumerates]
X = np.array([0.3, -0.7, 1.1, 0.4])


@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("as_list", [False, True])
def test_loop_compositions(f, as_list):
    a, b = X, X ** 2 + 0.1
    args = (list(a), list(b)) if as_list else (a, b)
    check_grads(f, args, modes=("reverse", "forward"))
