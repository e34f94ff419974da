"""Logistic regression trained by gradient descent on a Dask array, with the gradient
s2sad wrote for ``loss`` (``dask_logistic_grad.py``): plain numpy code, run lazily.

From this directory (needs ``pip install 's2sad[dask]'``)::

    python dask_logistic.py                  # 2,000,000 x 10 in chunks of 200,000 rows
    python dask_logistic.py 20000000 1000000  # rows, rows per chunk

``X`` and ``y`` are drawn chunk by chunk (``da.random``) and persisted once; every step
builds the loss and its gradient as one graph and computes them with one
``dask.compute``, which streams the chunks through the cores (or a cluster's workers,
with a ``dask.distributed.Client`` made first).
"""

import sys

import numpy as np


def loss(w, b, X, y):
    """X: (n, d) features, y: (n,) labels in {0, 1}, w: (d,) weights, b: bias."""
    z = X @ w + b
    return np.mean(np.logaddexp(0.0, z) - y * z)


def make_data(rows, chunk, features=10, seed=0):
    """Features and labels of a known logistic model, drawn chunk by chunk."""
    import dask.array as da
    rng = da.random.default_rng(seed)
    X = rng.standard_normal((rows, features), chunks=(chunk, features))
    w_true = np.linspace(-2.0, 2.0, features)
    p = 1.0 / (1.0 + da.exp(-(X @ w_true + 0.5)))
    y = (rng.random(rows, chunks=chunk) < p).astype(np.float64)
    return X, y


def train(X, y, steps=10, rate=1.0, value_and_grad=None, report=print):
    """Gradient descent from zero weights; returns ``w, b`` and the loss at every step."""
    import dask
    if value_and_grad is None:
        from dask_logistic_grad import loss_value_and_grad as value_and_grad
    w, b, losses = np.zeros(X.shape[1]), 0.0, []
    for step in range(steps):
        value, (w_bar, b_bar) = dask.compute(*value_and_grad(w, b, X, y))
        w, b = w - rate * w_bar, b - rate * b_bar
        losses.append(float(value))
        report(f"step {step}: loss {value:.6f}")
    return w, b, losses


if __name__ == "__main__":
    import dask
    rows, chunk = (int(float(a)) for a in sys.argv[1:3]) if len(sys.argv) > 2 \
        else (2_000_000, 200_000)
    X, y = dask.persist(*make_data(rows, chunk))
    print(f"X: {X.shape[0]:,} x {X.shape[1]} in {X.numblocks[0]} chunks of {chunk:,} rows")
    train(X, y)
