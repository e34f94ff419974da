"""Workloads of single heavy rules (issue 14): einsum, linalg.solve, slogdet, logsumexp,
convolve, each with the gradient a careful person would write by hand.

Each function is dominated by one op whose adjoint is itself a heavy computation, so
the ratio to the hand-written gradient measures the rule, not the glue around it.
"""

import importlib.util

import numpy as np

HAS_SCIPY = importlib.util.find_spec("scipy") is not None
if HAS_SCIPY:
    from scipy.special import logsumexp


# ------------------------------------------------ batched products (einsum)

def batched_products(A, B):
    C = np.einsum("bij,bjk->bik", A, B)
    return np.sum(C * C)


def batched_products_hand(A, B, tape=None):
    C = np.einsum("bij,bjk->bik", A, B)
    G = 2.0 * C
    return np.sum(C * C), (np.einsum("bik,bjk->bij", G, B), np.einsum("bij,bik->bjk", A, G))


# ------------------------------------------------------- linear solve

def solve_energy(A, b):
    x = np.linalg.solve(A, b)
    return np.sum(x * x)


def solve_energy_hand(A, b, tape=None):
    x = np.linalg.solve(A, b)
    lam = np.linalg.solve(A.T, 2.0 * x)
    return np.sum(x * x), (-np.outer(lam, x), lam)


# ------------------------------------------------------- log-determinant

def log_det(K):
    sign, logdet = np.linalg.slogdet(K)
    return logdet


def log_det_hand(K, tape=None):
    sign, logdet = np.linalg.slogdet(K)
    return logdet, (np.linalg.inv(K).T,)


# ------------------------------------------------------- log-sum-exp

def softmax_normalizers(W, X):
    return np.sum(logsumexp(X @ W, axis=1))


def softmax_normalizers_hand(W, X, tape=None):
    Z = X @ W
    lse = logsumexp(Z, axis=1)
    P = np.exp(Z - lse[:, None])
    return np.sum(lse), (X.T @ P,)


# ------------------------------------------------------- convolution

def filtered_energy(x, k):
    y = np.convolve(x, k)
    return np.sum(y * y)


def filtered_energy_hand(x, k, tape=None):
    y = np.convolve(x, k)
    g = 2.0 * y
    return np.sum(y * y), (np.correlate(g, k, "valid"), np.correlate(g, x, "valid"))


def workloads(rng, make):
    """The heavy-rule workloads, built by ``make(name, func, hand, args, wrt, size)``."""
    out = [
        make("einsum", batched_products, batched_products_hand,
             (rng.standard_normal((64, 32, 32)), rng.standard_normal((64, 32, 32))), (0, 1),
             "64 products of 32x32"),
        make("linalg.solve", solve_energy, solve_energy_hand,
             (rng.standard_normal((200, 200)) + 20.0 * np.eye(200), rng.standard_normal(200)),
             (0, 1), "200x200"),
        make("slogdet", log_det, log_det_hand,
             (rng.standard_normal((200, 200)) + 20.0 * np.eye(200),), (0,), "200x200"),
        make("convolve", filtered_energy, filtered_energy_hand,
             (rng.standard_normal(20000), rng.standard_normal(31)), (0, 1), "20000 * 31"),
    ]
    if HAS_SCIPY:
        out.append(make("logsumexp", softmax_normalizers, softmax_normalizers_hand,
                        (0.1 * rng.standard_normal((50, 100)), rng.standard_normal((2000, 50))),
                        (0,), "2000 x 100 classes"))
    return out
