"""gmm: the log-likelihood of a Gaussian mixture model with a Wishart prior,
and its gradient with respect to all parameters (reverse mode).

Each component's precision is Q Q^T, Q lower triangular with diagonal exp(q)
and strict lower part l (filled column by column).
"""

import math

import numpy as np
from scipy.special import logsumexp, multigammaln

import s2sad


def prepare(input):
    return (np.array(input["alpha"], dtype=np.float64),
            np.array(input["mu"], dtype=np.float64),
            np.array(input["q"], dtype=np.float64),
            np.array(input["l"], dtype=np.float64),
            np.array(input["x"], dtype=np.float64),
            float(input["gamma"]), int(input["m"]))


def Qtimesx(Qdiag, ltri, x):
    """Q @ x for each row of x, Q lower triangular."""
    d = x.shape[1]
    out = Qdiag * x
    Lparamsidx = 0
    for i in range(d):
        for j in range(i + 1, d):
            out[:, j] = out[:, j] + ltri[Lparamsidx] * x[:, i]
            Lparamsidx += 1
    return out


def log_wishart_prior(d, gamma, m, sum_qs, Qdiags, l):
    k = Qdiags.shape[0]
    n = d + m + 1
    C = n * d * (math.log(gamma) - 0.5 * math.log(2)) - multigammaln(0.5 * n, d)
    out = 0.0
    for ik in range(k):
        frobenius = np.sum(Qdiags[ik] ** 2) + np.sum(l[ik] ** 2)
        out = out + 0.5 * gamma * gamma * frobenius - m * sum_qs[ik]
    return -out + k * C


def objective(alpha, mu, q, l, x, gamma, m):
    n, d = x.shape
    k = alpha.shape[0]
    CONSTANT = -n * d * 0.5 * math.log(2 * math.pi)
    Qdiags = np.exp(q)
    sum_qs = np.sum(q, axis=1)
    main_term = np.zeros((n, k))
    for ik in range(k):
        xcentered = x - mu[ik]
        Qxcentered = Qtimesx(Qdiags[ik], l[ik], xcentered)
        main_term[:, ik] = alpha[ik] + sum_qs[ik] - 0.5 * np.sum(Qxcentered ** 2, axis=1)
    slse = np.sum(logsumexp(main_term, axis=1))
    err = CONSTANT + slse - n * logsumexp(alpha)
    return err + log_wishart_prior(d, gamma, m, sum_qs, Qdiags, l)


def jacobian(alpha, mu, q, l, x, gamma, m):
    return s2sad.grad(objective, wrt=(0, 1, 2, 3))(alpha, mu, q, l, x, gamma, m)


def jacobian_output(grads):
    alpha, mu, q, l = grads
    return {"alpha": alpha.tolist(), "mu": mu.tolist(), "q": q.tolist(), "l": l.tolist()}


FUNCTIONS = {
    "objective": (objective, float),
    "jacobian": (jacobian, jacobian_output),
}
