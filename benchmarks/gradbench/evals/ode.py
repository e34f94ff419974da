"""ode: four-stage Runge-Kutta integration of y' = f(x, y), and the gradient
of the last component of the result with respect to x (reverse mode)."""

import numpy as np

import s2sad


def prepare(input):
    return np.array(input["x"], dtype=np.float64), int(input["s"])


def ode_fun(x, y, z):
    """Write f(x, y) into z, as the reference does."""
    z[0] = x[0]
    z[1:] = x[1:] * y[:-1]


def primal(x, s):
    n = x.shape[0]
    tf = 2.0
    h = tf / s
    k1 = np.zeros(n)
    k2 = np.zeros(n)
    k3 = np.zeros(n)
    k4 = np.zeros(n)
    y_tmp = np.zeros(n)
    yf = np.zeros(n)
    for i_step in range(s):
        ode_fun(x, yf, k1)
        y_tmp[:] = yf + h * k1 / 2.0
        ode_fun(x, y_tmp, k2)
        y_tmp[:] = yf + h * k2 / 2.0
        ode_fun(x, y_tmp, k3)
        y_tmp[:] = yf + h * k3
        ode_fun(x, y_tmp, k4)
        yf += h * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0
    return yf


def gradient(x, s):
    yf, pullback = s2sad.vjp(primal)(x, s)
    last = np.zeros_like(yf)
    last[-1] = 1.0
    return pullback(last)


FUNCTIONS = {
    "primal": (primal, lambda y: y.tolist()),
    "gradient": (gradient, lambda g: g.tolist()),
}
