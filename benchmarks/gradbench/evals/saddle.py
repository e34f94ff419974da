"""saddle: min over x of max over y of (x1^2 + y1^2) - (x2^2 + y2^2), both by
gradient descent (Pearlmutter and Siskind). Nested AD: the cost minimised
over p1 runs the inner maximisation over p2, with its own gradient (inner),
and the outer descent differentiates that whole maximisation (outer).
``ff``, ``fr``, ``rf``, ``rr`` name the modes of the outer and the inner
derivative (f forward, r reverse).
"""

import numpy as np

import s2sad

from .solver import multivariate_argmin


def prepare(input):
    return (np.array(input["start"], dtype=np.float64),)


def objective(x1, y1, x2, y2):
    return (x1 * x1 + y1 * y1) - (x2 * x2 + y2 * y2)


def r2_cost(p1, p2):
    return objective(p1[0], p1[1], p2[0], p2[1])


r2_grad = s2sad.grad(r2_cost, wrt=1)
r2_jvp = s2sad.jvp(r2_cost, wrt=1)


def r2_grad_forward(p1, p2):
    """The gradient of r2_cost in p2 by forward mode: one jvp per coordinate."""
    _, d0 = r2_jvp(p1, p2, np.array([1.0, 0.0]))
    _, d1 = r2_jvp(p1, p2, np.array([0.0, 1.0]))
    return np.array([d0, d1])


def max_primal(p1, start, inner_forward):
    """max over p2 of r2_cost(p1, p2), by gradient descent on its negation from start."""
    x = start
    fx = -r2_cost(p1, x)
    if inner_forward:
        gx = -r2_grad_forward(p1, x)
    else:
        gx = -r2_grad(p1, x)
    i = 0
    eta = 1e-5
    while True:
        if np.sqrt(np.sum(gx * gx)) <= 1e-5:
            break
        elif i == 10:
            eta = eta * 2
            i = 0
        else:
            x_prime = x - eta * gx
            if np.sqrt(np.sum((x - x_prime) ** 2)) <= 1e-5:
                break
            fx_prime = -r2_cost(p1, x_prime)
            if fx_prime < fx:
                x = x_prime
                fx = fx_prime
                if inner_forward:
                    gx = -r2_grad_forward(p1, x)
                else:
                    gx = -r2_grad(p1, x)
                i += 1
            else:
                eta = eta / 2
                i = 0
    return r2_cost(p1, x)


def saddle(start, outer_forward, inner_forward):
    def r1_cost(p1):
        return max_primal(p1, start, inner_forward)

    def r1_grad(p1):
        if outer_forward:
            _, d0 = s2sad.jvp(max_primal)(p1, start, inner_forward, np.array([1.0, 0.0]))
            _, d1 = s2sad.jvp(max_primal)(p1, start, inner_forward, np.array([0.0, 1.0]))
            return np.array([d0, d1])
        return s2sad.grad(max_primal)(p1, start, inner_forward)

    def r2_neg(p2):
        return -r2_cost(r1, p2)

    def r2_neg_grad(p2):
        if outer_forward:
            return -r2_grad_forward(r1, p2)
        return -r2_grad(r1, p2)

    r1 = multivariate_argmin(r1_cost, r1_grad, start)
    r2 = multivariate_argmin(r2_neg, r2_neg_grad, start)
    return np.concatenate((r1, r2))


FUNCTIONS = {
    "ff": (lambda start: saddle(start, True, True), lambda r: r.tolist()),
    "fr": (lambda start: saddle(start, True, False), lambda r: r.tolist()),
    "rf": (lambda start: saddle(start, False, True), lambda r: r.tolist()),
    "rr": (lambda start: saddle(start, False, False), lambda r: r.tolist()),
}
