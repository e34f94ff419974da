"""particle: steer a charged particle through the origin (Pearlmutter and
Siskind). Nested AD: the Euler integration uses the gradient of the potential
(inner), and gradient descent on the control parameter ``w`` differentiates the
whole integration (outer). ``ff``, ``fr``, ``rf``, ``rr`` name the modes of the
outer and the inner derivative (f forward, r reverse).
"""

import numpy as np

import s2sad

from .solver import multivariate_argmin


def prepare(input):
    return (float(input["w"]),)


def dist(u, v):
    return np.sqrt(np.sum((u - v) * (u - v)))


def accel(charges, x):
    """The potential of the charges at x."""
    a = 0.0
    for p in charges:
        a += 1.0 / dist(p, x)
    return a


accel_grad = s2sad.grad(accel, wrt=1)
accel_jvp = s2sad.jvp(accel, wrt=1)


def accel_grad_forward(charges, x):
    """The gradient of accel in x by forward mode: one jvp per coordinate."""
    _, ddx = accel_jvp(charges, x, np.array([1.0, 0.0]))
    _, ddy = accel_jvp(charges, x, np.array([0.0, 1.0]))
    return np.array([ddx, ddy])


def naive_euler(w, inner_forward):
    """x(t_f)[0] ** 2 where the particle crosses the x axis."""
    charges = [np.array([10.0, 10.0 - w]), np.array([10.0, 0.0])]
    x = np.array([0.0, 8.0])
    xdot = np.array([0.75, 0.0])
    delta_t = 1e-1
    while True:
        if inner_forward:
            xddot = -1.0 * accel_grad_forward(charges, x)
        else:
            xddot = -1.0 * accel_grad(charges, x)
        x = x + delta_t * xdot
        if x[1] <= 0:
            delta_t_f = -x[1] / xdot[1]
            x_t_f = x + delta_t_f * xdot
            return x_t_f[0] * x_t_f[0]
        xdot = xdot + delta_t * xddot


def particle(w0, outer_forward, inner_forward):
    def f(w):
        return naive_euler(w[0], inner_forward)

    def g(w):
        if outer_forward:
            _, dw = s2sad.jvp(naive_euler)(w[0], inner_forward, 1.0)
        else:
            dw = s2sad.grad(naive_euler)(w[0], inner_forward)
        return np.array([dw])

    return float(multivariate_argmin(f, g, np.array([w0]))[0])


FUNCTIONS = {
    "ff": (lambda w0: particle(w0, True, True), float),
    "fr": (lambda w0: particle(w0, True, False), float),
    "rf": (lambda w0: particle(w0, False, True), float),
    "rr": (lambda w0: particle(w0, False, False), float),
}
