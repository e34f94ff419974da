"""Derivatives over a Dask array of unknown length (``nan`` in its shape, as ``x[mask]``
makes) that Dask itself cannot take a step of (a reshape, a broadcast of two unknown
lengths): a located ``LazyShapeError`` with the way out, never Dask's raw ``ValueError``
(found by the fuzzer's mode dask_unknown: ``np.tensordot``, a mean over the other axis).
The hint's way out is checked to give the right derivative (written by hand)."""

import inspect

import numpy as np
import pytest

import s2sad
from s2sad.errors import LazyShapeError

da = pytest.importorskip("dask.array", reason="dask is not installed (pip install 's2sad[dask]')")

VALUES = np.array([0.5, -1.0, 2.0, 0.3, 1.5])


def inner(x):
    return np.tensordot(x, x, axes=1)


def mean_of_rows(x):
    return np.sum(np.mean(np.outer(x, np.ones(2)) ** 2, axis=1))


def _unknown():
    x = da.from_array(VALUES, chunks=2)
    return x[x > 0]


@pytest.mark.parametrize("f, expected", [(inner, lambda x: 2.0 * x),
                                         (mean_of_rows, lambda x: 2.0 * x)])
def test_a_step_dask_cannot_take_on_an_unknown_length_is_a_located_refusal(f, expected):
    x = _unknown()
    assert np.isnan(x.shape[0])
    line = inspect.getsourcelines(f)[1] + 1
    for call in (lambda: s2sad.grad(f)(x), lambda: s2sad.vjp(f)(x)[1](1.0)):
        with pytest.raises(LazyShapeError, match="compute_chunk_sizes") as caught:
            call()
        assert f"{__file__}:{line}:" in str(caught.value)
    known = x.compute_chunk_sizes()   # the hint
    positive = VALUES[VALUES > 0]
    np.testing.assert_allclose(np.asarray(s2sad.grad(f)(known)), expected(positive),
                               rtol=1e-12)
