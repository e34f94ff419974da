"""The Hessian with respect to an argument of no elements has no column to compute, and
ran none of the function: a print did not happen and a ValueError Python raises was
skipped, an empty Hessian returned (stranger14).  The function now runs once, as for
every other derivative, and its output is checked to be a scalar."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import NonScalarOutputError


def guarded(x, w):
    print("called", x.shape)
    if w < 0:
        raise ValueError("neg w")
    return np.sum(x ** 2) * w


def test_the_function_runs_once_and_its_error_is_raised(capsys):
    with pytest.raises(ValueError, match="neg w"):
        s2sad.hessian(guarded)(np.zeros(0), -2.0)
    assert capsys.readouterr().out == "called (0,)\n"


def test_an_empty_hessian_after_one_run(capsys):
    h = s2sad.hessian(guarded)(np.zeros(0), 2.0)
    assert h.shape == (0, 0)
    assert capsys.readouterr().out == "called (0,)\n"


def test_a_non_scalar_output_is_refused_as_for_any_hessian():
    for x in (np.zeros(0), np.ones(2)):
        with pytest.raises(NonScalarOutputError, match="needs a scalar output"):
            s2sad.hessian(lambda_free)(x)


def lambda_free(x):
    return x * 2.0
