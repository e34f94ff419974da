"""Each GradBench port's derivative, as the tool computes it, against central
finite differences of the port's own primal (float64) on a small input: every
port runs as written (docstrings with early returns, helpers writing into their
arguments, derivatives called inside differentiated functions), and its primal
is checked against a hand-written reference.
"""

import math
import sys
from pathlib import Path

#: the GradBench ports live in benchmarks/gradbench (``evals``, ``tool``); no
#: GradBench checkout is needed
PORTS = Path(__file__).resolve().parents[2] / "benchmarks" / "gradbench"
if str(PORTS) not in sys.path:
    sys.path.insert(0, str(PORTS))

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from s2sad.testing import finite_difference_gradient as fd_gradient  # noqa: E402

from evals import ba, det, gmm, ht, kmeans, llsq, lse, lstm, ode, particle, saddle  # noqa: E402

RNG = np.random.default_rng(1234)


def compute(module, function, input):
    run, output = module.FUNCTIONS[function]
    return output(run(*module.prepare(input)))


def close(actual, expected, rtol=1e-5, atol=1e-7):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float),
                               rtol=rtol, atol=atol)


def test_lse_gradient():
    x = RNG.normal(size=9) * 5
    close(compute(lse, "primal", {"x": x.tolist()}), math.log(np.sum(np.exp(x))), rtol=1e-12)
    close(compute(lse, "gradient", {"x": x.tolist()}), fd_gradient(lse.lse, (x,)))


def test_llsq_gradient():
    x, n = RNG.random(6), 11
    close(compute(llsq, "gradient", {"x": x.tolist(), "n": n}), fd_gradient(llsq.primal, (x, n)))


def test_llsq_primal_by_hand():
    x, n = RNG.random(4), 7
    total = 0.0
    for i in range(n):
        ti = -1 + i * 2 / (n - 1)
        r = np.sign(ti) - sum(x[j] * ti ** j for j in range(4))
        total += r * r
    close(compute(llsq, "primal", {"x": x.tolist(), "n": n}), total / 2, rtol=1e-12)


def test_kmeans_direction():
    points = RNG.random((15, 3))
    centroids = points[-4:] + 0.01
    got = compute(kmeans, "dir", {"points": points.tolist(), "centroids": centroids.tolist()})
    gradient = fd_gradient(kmeans.cost, (points, centroids), argnum=1)
    # the Hessian's diagonal by second central differences (the cost is
    # quadratic where no point changes its closest centroid)
    eps, diagonal = 1e-3, np.zeros_like(centroids)
    for index in np.ndindex(*centroids.shape):
        step = np.zeros_like(centroids)
        step[index] = eps
        diagonal[index] = (kmeans.cost(points, centroids + step) - 2 * kmeans.cost(points, centroids)
                           + kmeans.cost(points, centroids - step)) / eps ** 2
    close(got, gradient / diagonal, rtol=1e-4)


def test_ode_gradient():
    x, s = RNG.random(5), 3
    last = lambda x, s: ode.primal(x, s)[-1]  # noqa: E731
    close(compute(ode, "gradient", {"x": x.tolist(), "s": s}), fd_gradient(last, (x, s)))


def test_ode_primal_against_the_exact_solution_for_many_steps():
    # y0' = x0, y_i' = x_i y_{i-1}: y_i(t) = prod(x[:i+1]) t^(i+1) / (i+1)!
    x = RNG.random(4)
    exact = [np.prod(x[:i + 1]) * 2.0 ** (i + 1) / math.factorial(i + 1) for i in range(4)]
    close(compute(ode, "primal", {"x": x.tolist(), "s": 200}), exact, rtol=1e-7)


def test_det_gradient():
    A, ell = RNG.random(16), 4
    close(compute(det, "gradient", {"A": A.tolist(), "ell": ell}), fd_gradient(det.primal, (A, ell)))


def test_det_primal():
    A = RNG.random(25)
    close(compute(det, "primal", {"A": A.tolist(), "ell": 5}), np.linalg.det(A.reshape(5, 5)), rtol=1e-10)


def gmm_input(d=3, k=4, n=7):
    return {"d": d, "k": k, "n": n, "x": RNG.normal(size=(n, d)).tolist(), "m": 2, "gamma": 1.3,
            "alpha": RNG.normal(size=k).tolist(), "mu": RNG.random((k, d)).tolist(),
            "q": RNG.normal(size=(k, d)).tolist(), "l": RNG.normal(size=(k, d * (d - 1) // 2)).tolist()}


def test_gmm_jacobian():
    input = gmm_input()
    arguments = gmm.prepare(input)
    got = compute(gmm, "jacobian", input)
    for index, name in enumerate(("alpha", "mu", "q", "l")):
        close(got[name], fd_gradient(gmm.objective, arguments, argnum=index), rtol=1e-5, atol=1e-6)


def lstm_input(layers=2, b=3, c=5):
    return {"main_params": RNG.random((2 * layers, 4 * b)).tolist(), "extra_params": RNG.random((3, b)).tolist(),
            "state": RNG.random((2 * layers, b)).tolist(),
            "sequence": RNG.integers(0, 2, (c, b)).astype(float).tolist()}


def test_lstm_jacobian():
    input = lstm_input()
    arguments = lstm.prepare(input)
    expected = np.concatenate([fd_gradient(lstm.objective, arguments, argnum=i).ravel() for i in (0, 1)])
    close(compute(lstm, "jacobian", input), expected)


BA_INPUT = {"n": 3, "m": 4, "p": 7,
            "cam": [-0.75, -1.1, -0.85, 34.5, 39.7, 53.9, 419.2, 5.86, -8.5, 0.0878, 0.0027],
            "x": [7.2, 0.0011, 3.02], "w": 0.417, "feat": [271.8, 834.2]}


def test_ba_jacobian_is_the_objective_derivative():
    cams, X, w, obs, feats = ba.prepare(BA_INPUT)
    rows, cols, vals = ba.jacobian(cams, X, w, obs, feats)
    dense = np.zeros((rows.size - 1, cams.size + X.size + w.size))
    for row in range(rows.size - 1):
        for at in range(rows[row], rows[row + 1]):
            dense[row, cols[at]] = vals[at]

    def errors(cams, X, w):
        reproj_err, w_err = ba.objective(cams, X, w, obs, feats)
        return np.concatenate((reproj_err.ravel(), w_err))

    expected = np.hstack([fd_gradient(errors, (cams, X, w), argnum=i).reshape(dense.shape[0], -1)
                          for i in range(3)])
    close(dense, expected, rtol=1e-5, atol=1e-5)
    out = ba.jacobian_output((rows, cols, vals))
    for key, full in (("rows", rows), ("cols", cols), ("vals", vals)):
        assert out[key] == full[:30].tolist() + [full[-1].item()]


def test_ba_objective_output():
    out = compute(ba, "objective", BA_INPUT)
    assert out["reproj_error"]["repeated"] == 7 and out["w_err"]["repeated"] == 7
    close(out["w_err"]["element"], 1 - 0.417 ** 2, rtol=1e-12)


def ht_input(complicated, npts=4, nverts=6, nbones=22):
    parents = [-1] + [int(p) for p in RNG.integers(0, np.arange(1, nbones))]
    model = {"bone_count": nbones, "parents": parents,
             "base_relatives": RNG.normal(size=(nbones, 4, 4)).tolist(),
             "inverse_base_absolutes": RNG.normal(size=(nbones, 4, 4)).tolist(),
             "base_positions": np.hstack((RNG.normal(size=(nverts, 3)), np.ones((nverts, 1)))).tolist(),
             "weights": RNG.random((nverts, nbones)).tolist(),
             "triangles": RNG.integers(0, nverts, (5, 3)).tolist(), "is_mirrored": False}
    data = {"model": model, "correspondences": RNG.integers(0, 5 if complicated else nverts, npts).tolist(),
            "points": RNG.normal(size=(npts, 3)).tolist()}
    return {"theta": (RNG.normal(size=26) * 0.5).tolist(), "data": data,
            "us": RNG.random((npts, 2)).tolist() if complicated else []}


@pytest.mark.parametrize("complicated", [False, True])
def test_ht_jacobian(complicated):
    input = ht_input(complicated)
    arguments = list(ht.prepare(input))
    npts = len(input["data"]["points"])

    def errors(params, *rest):
        return ht.objective(params, *rest).ravel()

    full = fd_gradient(errors, arguments, argnum=0)
    if complicated:
        us = np.vstack([full[3 * i:3 * i + 3, 2 * i:2 * i + 2] for i in range(npts)])
        full = np.hstack((us, full[:, 2 * npts:]))
    close(compute(ht, "jacobian", input), full, rtol=1e-5, atol=1e-6)


def test_ht_objective_rotation_is_orthonormal():
    R = ht.euler_angles_to_rotation_matrix(np.array([0.3, -0.7, 1.1]))
    close(R @ R.T, np.eye(3), atol=1e-12)
    R = ht.angle_axis_to_rotation_matrix(np.array([0.3, -0.7, 1.1]))
    close(R @ R.T, np.eye(3), atol=1e-12)


@pytest.mark.parametrize("function", ["ff", "fr", "rf", "rr"])
def test_particle_answer(function):
    close(compute(particle, function, {"w": 0.0}), 0.2071918746486116, rtol=1e-4)


@pytest.mark.parametrize("function", ["ff", "fr", "rf", "rr"])
def test_saddle_answer(function):
    close(compute(saddle, function, {"start": [1.0, 1.0]}), [8.246324826140356e-06] * 4, rtol=1e-4)


def test_particle_euler_port_passes_through_the_origin_at_gradbench_answer(monkeypatch):
    """With the potential's gradient written by hand, the port's Euler
    integration at GradBench's answer w puts the particle through the origin."""
    def accel_gradient(charges, x):
        return -sum((x - p) / np.sum((x - p) ** 2) ** 1.5 for p in charges)

    monkeypatch.setattr(particle, "accel_grad", accel_gradient)
    assert particle.naive_euler(0.2071918746486116, False) < 1e-7
    assert particle.naive_euler(0.2, False) > 1e-3 and particle.naive_euler(0.0, False) > 1.0


def test_saddle_inner_maximisation_port(monkeypatch):
    """With the inner gradient written by hand, the port's inner descent
    finds max over p2 of the objective: |p1|^2 (at p2 = 0)."""
    monkeypatch.setattr(saddle, "r2_grad", lambda p1, p2: -2.0 * p2)
    p1 = np.array([0.3, -0.4])
    close(saddle.max_primal(p1, np.array([1.0, 1.0]), False), 0.25, atol=1e-9)
