"""Benchmark workloads: each function, its hand-written numpy gradient, and its data.

The functions are ordinary numpy code that s2sad differentiates from this
file's source.  Each hand-written gradient returns ``(value, gradients)``
like ``s2sad.value_and_grad`` and is what a careful person would write: the
same numpy operations, intermediates reused, nothing recomputed.  Hand
gradients with loops keep what the backward sweep needs in ``tape`` (a
list), so ``run.py`` can count what they store the same way it counts
s2sad's tape.
"""

from dataclasses import dataclass
from typing import Callable, Tuple

import numpy as np

import heavy_rules

LOG_2PI = float(np.log(2.0 * np.pi))


# --------------------------------------------------------- least squares

def least_squares(w, X, y):
    r = X @ w - y
    return np.sum(r * r)


def least_squares_hand(w, X, y, tape=None):
    r = X @ w - y
    value = np.sum(r * r)
    w_bar = X.T @ (2.0 * r)
    return value, (w_bar,)


# ------------------------------------------------------- scalar loop

def scalar_loop(x, n):
    for i in range(n):
        x = 0.99 * x + np.sin(x)
    return x


def scalar_loop_hand(x, n, tape=None):
    tape = [] if tape is None else tape
    for i in range(n):
        tape.append(x)
        x = 0.99 * x + np.sin(x)
    x_bar = 1.0
    for i in range(n):
        x_prev = tape.pop()
        x_bar = x_bar * (0.99 + np.cos(x_prev))
    return x, (x_bar,)


# ------------------------------------------------------- two-layer MLP

def mlp(W1, b1, W2, b2, X, Y):
    h = np.tanh(X @ W1 + b1)
    out = h @ W2 + b2
    d = out - Y
    return 0.5 * np.sum(d * d) / len(X)


def mlp_hand(W1, b1, W2, b2, X, Y, tape=None):
    h = np.tanh(X @ W1 + b1)
    out = h @ W2 + b2
    d = out - Y
    n = len(X)
    value = 0.5 * np.sum(d * d) / n
    d_bar = d / n
    W2_bar = h.T @ d_bar
    b2_bar = np.sum(d_bar, axis=0)
    a_bar = (d_bar @ W2.T) * (1.0 - h * h)
    W1_bar = X.T @ a_bar
    b1_bar = np.sum(a_bar, axis=0)
    return value, (W1_bar, b1_bar, W2_bar, b2_bar)


# ------------------------------------------------------------------ RNN

def rnn(Wx, Wh, b, xs, h0):
    h = h0
    loss = 0.0
    for t in range(len(xs)):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
        loss = loss + np.sum(h * h)
    return loss


def rnn_hand(Wx, Wh, b, xs, h0, tape=None):
    tape = [] if tape is None else tape
    h = h0
    loss = 0.0
    for t in range(len(xs)):
        tape.append(h)
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
        loss = loss + np.sum(h * h)
    Wx_bar = np.zeros_like(Wx)
    Wh_bar = np.zeros_like(Wh)
    b_bar = np.zeros_like(b)
    h_bar = np.zeros_like(h)
    for t in reversed(range(len(xs))):
        h_bar = h_bar + 2.0 * h
        a_bar = h_bar * (1.0 - h * h)
        h = tape.pop()
        Wx_bar += np.outer(xs[t], a_bar)
        Wh_bar += np.outer(h, a_bar)
        b_bar += a_bar
        h_bar = Wh @ a_bar
    return loss, (Wx_bar, Wh_bar, b_bar)


# ------------------------------------------------------- the seed example

def seed(x, w, y):
    z = (np.dot(x, w) - y) ** 2
    return z


def seed_hand(x, w, y, tape=None):
    d = np.dot(x, w) - y
    return d * d, (2.0 * d * x,)


# ---------------------------------------------- Gaussian mixture (logsumexp)

def gmm_nll(means, log_sigmas, logits, X):
    diff = np.expand_dims(X, 1) - np.expand_dims(means, 0)
    sq = np.sum(diff * diff, axis=2)
    dim = X.shape[1]
    top = np.max(logits)
    log_w = logits - (top + np.log(np.sum(np.exp(logits - top))))
    log_p = log_w - 0.5 * sq * np.exp(-2.0 * log_sigmas) - dim * log_sigmas - 0.5 * dim * LOG_2PI
    m = np.max(log_p, axis=1, keepdims=True)
    lse = np.log(np.sum(np.exp(log_p - m), axis=1, keepdims=True)) + m
    return -np.sum(lse)


def gmm_nll_hand(means, log_sigmas, logits, X, tape=None):
    diff = np.expand_dims(X, 1) - np.expand_dims(means, 0)
    sq = np.sum(diff * diff, axis=2)
    dim = X.shape[1]
    top = np.max(logits)
    e = np.exp(logits - top)
    total = np.sum(e)
    log_w = logits - (top + np.log(total))
    inv_var = np.exp(-2.0 * log_sigmas)
    log_p = log_w - 0.5 * sq * inv_var - dim * log_sigmas - 0.5 * dim * LOG_2PI
    m = np.max(log_p, axis=1, keepdims=True)
    ep = np.exp(log_p - m)
    s = np.sum(ep, axis=1, keepdims=True)
    value = -np.sum(np.log(s) + m)
    log_p_bar = -ep / s                            # minus the responsibilities
    col = np.sum(log_p_bar, axis=0)
    logits_bar = col - (e / total) * np.sum(col)
    log_sigmas_bar = np.sum(log_p_bar * sq, axis=0) * inv_var - dim * col
    sq_bar = log_p_bar * (-0.5 * inv_var)
    means_bar = -np.sum(2.0 * diff * np.expand_dims(sq_bar, 2), axis=0)
    return value, (means_bar, log_sigmas_bar, logits_bar)


# ------------------------------------------- bundle-adjustment reprojection

def reprojection(R, t, X, focal, cam_idx, pt_idx, obs):
    Xw = X[pt_idx]
    Rc = R[cam_idx]
    Xc = np.sum(Rc * np.expand_dims(Xw, 1), axis=2) + t[cam_idx]
    proj = focal * Xc[:, 0:2] / Xc[:, 2:3]
    r = proj - obs
    return np.sum(r * r)


def reprojection_hand(R, t, X, focal, cam_idx, pt_idx, obs, tape=None):
    Xw = X[pt_idx]
    Rc = R[cam_idx]
    Xc = np.sum(Rc * np.expand_dims(Xw, 1), axis=2) + t[cam_idx]
    z = Xc[:, 2:3]
    xy = Xc[:, 0:2]
    proj = focal * xy / z
    r = proj - obs
    value = np.sum(r * r)
    proj_bar = 2.0 * r
    Xc_bar = np.empty_like(Xc)
    Xc_bar[:, 0:2] = focal * proj_bar / z
    Xc_bar[:, 2] = -np.sum(proj_bar * proj, axis=1) / z[:, 0]
    t_bar = np.zeros_like(t)
    np.add.at(t_bar, cam_idx, Xc_bar)
    R_bar = np.zeros_like(R)
    np.add.at(R_bar, cam_idx, np.expand_dims(Xc_bar, 2) * np.expand_dims(Xw, 1))
    X_bar = np.zeros_like(X)
    np.add.at(X_bar, pt_idx, np.sum(Rc * np.expand_dims(Xc_bar, 2), axis=1))
    return value, (R_bar, t_bar, X_bar)


# ------------------------------------------------------------------ table

# ------------------------------------------------------- list append in a loop

def list_append(x, n):
    xs = []
    h = x
    for i in range(n):
        h = np.sin(h) * 0.9 + 0.1
        xs.append(h * h)
    return sum(xs)


def list_append_hand(x, n, tape=None):
    tape = [] if tape is None else tape   # the values of h, as the backward sweep needs
    xs = []
    h = x
    tape.append(h)
    for i in range(n):
        h = np.sin(h) * 0.9 + 0.1
        tape.append(h)
        xs.append(h * h)
    value = sum(xs)
    xs_bar = [1.0] * len(xs)
    h_bar = 0.0
    for i in range(n):
        h = tape.pop()
        h_bar = h_bar + 2.0 * h * xs_bar.pop()
        h_bar = h_bar * 0.9 * np.cos(tape[-1])
    return value, (h_bar,)


# ------------------------------------------------------- explicit Euler ODE

def euler(k, y0, steps):
    """dy/dt = -k y + sin(y) by explicit Euler steps (generated_examples/euler.py)."""
    y = y0
    dt = 0.01
    for step in range(steps):
        y = y + dt * (-k * y + np.sin(y))
    return y


def euler_hand(k, y0, steps, tape=None):
    tape = [] if tape is None else tape   # the states, as the backward sweep needs
    dt = 0.01
    y = y0
    for step in range(steps):
        tape.append(y)
        y = y + dt * (-k * y + np.sin(y))
    k_bar = 0.0
    y_bar = 1.0
    for step in range(steps):
        y_prev = tape.pop()
        k_bar = k_bar - y_bar * dt * y_prev
        y_bar = y_bar * (1.0 + dt * (np.cos(y_prev) - k))
    return y, (k_bar, y_bar)


# ------------------------------------------------------- scalar-indexed loop

def indexed_sum(x):
    s = 0.0
    for i in range(len(x)):
        s = s + x[i] * x[i]
    return s


def indexed_sum_hand(x, tape=None):
    s = 0.0
    for i in range(len(x)):
        s = s + x[i] * x[i]
    s_bar = 1.0
    x_bar = np.zeros_like(x)
    for i in reversed(range(len(x))):
        x_bar[i] += 2.0 * s_bar * x[i]
    return s, (x_bar,)


@dataclass
class Workload:
    name: str
    kind: str                    # "vectorized", "loop" or "rule": which target applies
    func: Callable
    hand: Callable
    args: Tuple
    wrt: Tuple[int, ...]
    size: str                    # a few words on the problem size


def workloads(seed_value=0):
    """The workloads with their data (deterministic)."""
    rng = np.random.default_rng(seed_value)
    out = []

    X = rng.standard_normal((1000, 100))
    out.append(Workload("least squares", "vectorized", least_squares, least_squares_hand,
                        (rng.standard_normal(100), X, rng.standard_normal(1000)), (0,),
                        "X 1000x100"))

    out.append(Workload("scalar loop", "loop", scalar_loop, scalar_loop_hand, (0.5, 1000), (0,),
                        "1000 steps"))

    X = rng.standard_normal((64, 100))
    out.append(Workload("MLP", "vectorized", mlp, mlp_hand,
                        (0.1 * rng.standard_normal((100, 64)), 0.1 * rng.standard_normal(64),
                         0.1 * rng.standard_normal((64, 10)), 0.1 * rng.standard_normal(10),
                         X, rng.standard_normal((64, 10))), (0, 1, 2, 3),
                        "batch 64, 100-64-10"))

    out.append(Workload("RNN", "loop", rnn, rnn_hand,
                        (0.2 * rng.standard_normal((16, 32)), 0.2 * rng.standard_normal((32, 32)),
                         0.1 * rng.standard_normal(32), rng.standard_normal((30, 16)),
                         np.zeros(32)), (0, 1, 2), "30 steps, 32 units"))

    out.append(Workload("seed example", "vectorized", seed, seed_hand,
                        (rng.standard_normal(1000), rng.standard_normal(1000), 0.3), (1,),
                        "x, w of 1000"))

    # O(1) per append in both sweeps: the same ratio at both sizes (linear in n)
    for steps in (8000, 32000):
        out.append(Workload(f"list append {steps}", "loop", list_append, list_append_hand,
                            (0.5, steps), (0,), f"{steps} appends"))

    n, k, d = 1000, 8, 3
    out.append(Workload("GMM NLL", "vectorized", gmm_nll, gmm_nll_hand,
                        (rng.standard_normal((k, d)), 0.1 * rng.standard_normal(k),
                         rng.standard_normal(k), rng.standard_normal((n, d))), (0, 1, 2),
                        "N 1000, K 8, D 3"))

    cams, points, nobs = 10, 500, 2000
    R = np.eye(3) + 0.01 * rng.standard_normal((cams, 3, 3))
    t = 0.1 * rng.standard_normal((cams, 3))
    P = rng.standard_normal((points, 3))
    P[:, 2] = 5.0 + rng.random(points)
    cam_idx = rng.integers(0, cams, nobs)
    pt_idx = rng.integers(0, points, nobs)
    obs = rng.standard_normal((nobs, 2))
    out.append(Workload("bundle adjustment", "vectorized", reprojection, reprojection_hand,
                        (R, t, P, 800.0, cam_idx, pt_idx, obs), (0, 1, 2),
                        "10 cams, 500 pts, 2000 obs"))

    def rule(name, func, hand, args, wrt, size):
        return Workload(name, "rule", func, hand, args, wrt, size)

    out.extend(heavy_rules.workloads(rng, rule))
    return out
