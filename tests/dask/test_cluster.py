"""The generated gradient on a dask.distributed cluster: a LocalCluster of 2 worker processes
(1 thread each, localhost only) started for this module and shut down after it.

Every derivative is compared with s2sad's on the same numbers as numpy arrays and with
central finite differences of the function on numpy arrays (an independent reference), and
the work is checked to have run as tasks on the cluster's workers.
"""

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="Dask is an optional extra: "
                                              "pip install 's2sad[dask]'")
distributed = pytest.importorskip("distributed", reason="the cluster tests need "
                                                        "dask.distributed: pip install "
                                                        "'s2sad[dask]'")
import dask  # noqa: E402

import s2sad  # noqa: E402
from s2sad.testing import finite_difference_gradient  # noqa: E402

from dask_functions import least_squares, logistic  # noqa: E402

ROWS, COLS, CHUNK = 600, 4, 150   # 4 chunks of rows


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None,
                                       worker_dashboard_address=None)
    with cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def numbers():
    r = np.random.default_rng(17)
    X = r.normal(size=(ROWS, COLS))
    w = r.normal(size=COLS) * 0.5
    y = X @ np.linspace(-1, 1, COLS) + 0.1 * r.normal(size=ROWS)
    return {"w": w, "b": 0.2, "X": X, "y": y, "labels": (r.random(ROWS) < 0.5).astype(float)}


def lazy(numbers, name):
    return da.from_array(numbers[name], chunks=(CHUNK,) + numbers[name].shape[1:])


def on_cluster(client, derivative, *args):
    """``derivative(*args)`` on ``client``'s workers: nothing runs while the call builds
    its result (lazy out), then one ``dask.compute`` runs it there.  Returns the computed
    result and the tasks the workers ran."""
    with distributed.get_task_stream(client) as building:
        lazy = derivative(*args)
    assert not building.data, "the derivative computed while it was built (not lazy)"
    parts = list(dask.core.flatten(lazy, container=tuple))
    assert all(isinstance(part, da.Array) for part in parts), lazy
    with distributed.get_task_stream(client) as stream:
        results = dask.compute(*lazy)
    return results, stream.data


def test_least_squares_value_and_grad_on_the_cluster(client, numbers):
    w, Xn, yn = numbers["w"], numbers["X"], numbers["y"]
    (value, grad), tasks = on_cluster(client, s2sad.value_and_grad(least_squares),
                                      w, lazy(numbers, "X"), lazy(numbers, "y"))
    assert tasks, "nothing ran on the cluster's workers"
    want_value, want_grad = s2sad.value_and_grad(least_squares)(w, Xn, yn)
    np.testing.assert_allclose(value, least_squares(w, Xn, yn), rtol=1e-12)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-10, atol=1e-12)
    fd = finite_difference_gradient(least_squares, (w, Xn, yn))
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-8)
    # and by hand: 2 X^T (X w - y) / n
    np.testing.assert_allclose(grad, 2 * Xn.T @ (Xn @ w - yn) / ROWS, rtol=1e-10)


def test_logistic_grad_of_two_parameters_on_the_cluster(client, numbers):
    w, b, Xn, yn = numbers["w"], numbers["b"], numbers["X"], numbers["labels"]
    (w_bar, b_bar), tasks = on_cluster(client, s2sad.grad(logistic, wrt=(0, 1)),
                                       w, b, lazy(numbers, "X"), lazy(numbers, "labels"))
    assert tasks, "nothing ran on the cluster's workers"
    want_w, want_b = s2sad.grad(logistic, wrt=(0, 1))(w, b, Xn, yn)
    np.testing.assert_allclose(w_bar, want_w, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(b_bar, want_b, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w_bar, finite_difference_gradient(
        logistic, (w, b, Xn, yn)), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(b_bar, finite_difference_gradient(
        logistic, (w, b, Xn, yn), argnum=1), rtol=1e-6, atol=1e-8)


def test_logistic_jvp_on_the_cluster(client, numbers):
    w, b, Xn, yn = numbers["w"], numbers["b"], numbers["X"], numbers["labels"]
    direction = np.linspace(0.5, -0.25, COLS)
    (value, tangent), tasks = on_cluster(client, s2sad.jvp(logistic), w, b,
                                         lazy(numbers, "X"), lazy(numbers, "labels"), direction)
    assert tasks, "nothing ran on the cluster's workers"
    np.testing.assert_allclose(value, logistic(w, b, Xn, yn), rtol=1e-12)
    np.testing.assert_allclose(tangent, s2sad.jvp(logistic)(w, b, Xn, yn, direction)[1],
                               rtol=1e-10, atol=1e-12)
    eps = 1e-6
    fd = (logistic(w + eps * direction, b, Xn, yn)
          - logistic(w - eps * direction, b, Xn, yn)) / (2 * eps)
    np.testing.assert_allclose(tangent, fd, rtol=1e-6, atol=1e-9)


def test_logistic_vjp_on_the_cluster(client, numbers):
    w, b, Xn, yn = numbers["w"], numbers["b"], numbers["X"], numbers["labels"]

    def pulled_back(*args):
        value, pullback = s2sad.vjp(logistic, wrt=(0, 1))(*args)
        return (value,) + tuple(pullback(2.0))
    (value, w_bar, b_bar), tasks = on_cluster(client, pulled_back, w, b,
                                              lazy(numbers, "X"), lazy(numbers, "labels"))
    assert tasks, "nothing ran on the cluster's workers"
    np.testing.assert_allclose(value, logistic(w, b, Xn, yn), rtol=1e-12)
    np.testing.assert_allclose(w_bar, 2.0 * finite_difference_gradient(
        logistic, (w, b, Xn, yn)), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(b_bar, 2.0 * finite_difference_gradient(
        logistic, (w, b, Xn, yn), argnum=1), rtol=1e-6, atol=1e-8)


def test_least_squares_hvp_on_the_cluster(client, numbers):
    w, Xn, yn = numbers["w"], numbers["X"], numbers["y"]
    v = np.linspace(1.0, -1.0, COLS)
    (product,), tasks = on_cluster(client, lambda *a: (s2sad.hvp(least_squares)(*a),),
                                   w, lazy(numbers, "X"), lazy(numbers, "y"), v)
    assert tasks, "nothing ran on the cluster's workers"
    np.testing.assert_allclose(product, 2.0 * Xn.T @ (Xn @ v) / ROWS, rtol=1e-10)   # by hand
