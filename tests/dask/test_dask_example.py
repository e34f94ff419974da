"""generated_examples/dask_logistic.py: gradient descent on a Dask array of many chunks with
the committed gradient module, trained a few steps on a small size."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="Dask is an optional extra: "
                                              "pip install 's2sad[dask]'")
import dask  # noqa: E402

from s2sad.testing import finite_difference_gradient  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "generated_examples"


def load(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ there
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = saved
    return module


def test_training_on_many_chunks_lowers_the_loss():
    example, generated = load("dask_logistic"), load("dask_logistic_grad")
    X, y = dask.persist(*example.make_data(20_000, 2_000, features=5))
    assert X.numblocks == (10, 1)
    printed = []
    w, b, losses = example.train(X, y, steps=6, value_and_grad=generated.loss_value_and_grad,
                                 report=printed.append)
    assert len(printed) == 6 and printed[0].startswith("step 0: loss 0.693147")
    assert losses[0] == pytest.approx(np.log(2.0), rel=1e-12)   # zero weights
    assert all(later < earlier for earlier, later in zip(losses, losses[1:]))
    Xn, yn = dask.compute(X, y)
    assert example.loss(w, b, Xn, yn) < losses[-1]   # the last step lowered it too
    # the model's weights grow from -2 to 2: the trained ones are ordered likewise
    assert np.all(np.diff(w) > 0)


def test_the_gradient_on_dask_matches_finite_differences_on_numpy():
    example, generated = load("dask_logistic"), load("dask_logistic_grad")
    X, y = example.make_data(3_000, 1_000, features=4, seed=3)
    w, b = np.array([0.3, -0.2, 0.1, 0.4]), -0.25
    value, (w_bar, b_bar) = dask.compute(*generated.loss_value_and_grad(w, b, X, y))
    Xn, yn = dask.compute(X, y)
    np.testing.assert_allclose(value, example.loss(w, b, Xn, yn), rtol=1e-12)
    np.testing.assert_allclose(w_bar, finite_difference_gradient(example.loss, (w, b, Xn, yn)),
                               rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(b_bar, finite_difference_gradient(example.loss, (w, b, Xn, yn),
                                                                 argnum=1), rtol=1e-6, atol=1e-9)
