"""Hand-written numba gradients of the loop workloads (``loops.py``), for comparison.

Each is what a person fluent in numba would write for the value and gradient of
the workload function in ``workloads.py``: one ``@numba.njit`` function, a
forward loop that stores in a preallocated array what the backward loop needs
(the trip count is known before the loop), and the backward loop reading it
back in reverse.  The MLP (no loop: the vectorized contrast) is the numpy
gradient of ``workloads.mlp_hand`` compiled as it is.  They return ``(value, (gradients...))`` like
``s2sad.value_and_grad`` with a tuple ``wrt``.  ``cache=False``: every run
compiles, so ``loops.py`` can report the compile time.

Importing this module imports numba: ``loops.py`` imports it only when numba is
installed.
"""

import numba
import numpy as np

_njit = numba.njit(cache=False)


@_njit
def warm_up(x):
    """Compiled first, so numba's one-off start-up is not charged to the first gradient."""
    return x + 1.0


@_njit
def scalar_loop(x, n):
    xs = np.empty(n)
    for i in range(n):
        xs[i] = x
        x = 0.99 * x + np.sin(x)
    x_bar = 1.0
    for i in range(n - 1, -1, -1):
        x_bar = x_bar * (0.99 + np.cos(xs[i]))
    return x, (x_bar,)


@_njit
def rnn(Wx, Wh, b, xs, h0):
    steps = xs.shape[0]
    hs = np.empty((steps + 1, h0.shape[0]))
    hs[0] = h0
    loss = 0.0
    for t in range(steps):
        h = np.tanh(xs[t] @ Wx + hs[t] @ Wh + b)
        hs[t + 1] = h
        loss = loss + np.sum(h * h)
    Wx_bar = np.zeros_like(Wx)
    Wh_bar = np.zeros_like(Wh)
    b_bar = np.zeros_like(b)
    h_bar = np.zeros_like(h0)
    for t in range(steps - 1, -1, -1):
        h = hs[t + 1]
        h_bar = h_bar + 2.0 * h
        a_bar = h_bar * (1.0 - h * h)
        Wx_bar += np.outer(xs[t], a_bar)
        Wh_bar += np.outer(hs[t], a_bar)
        b_bar += a_bar
        h_bar = Wh @ a_bar
    return loss, (Wx_bar, Wh_bar, b_bar)


@_njit
def euler(k, y0, steps):
    dt = 0.01
    ys = np.empty(steps)
    y = y0
    for step in range(steps):
        ys[step] = y
        y = y + dt * (-k * y + np.sin(y))
    k_bar = 0.0
    y_bar = 1.0
    for step in range(steps - 1, -1, -1):
        k_bar = k_bar - y_bar * dt * ys[step]
        y_bar = y_bar * (1.0 + dt * (np.cos(ys[step]) - k))
    return y, (k_bar, y_bar)


@_njit
def indexed_sum(x):
    s = 0.0
    for i in range(len(x)):
        s = s + x[i] * x[i]
    s_bar = 1.0
    x_bar = np.zeros_like(x)
    for i in range(len(x) - 1, -1, -1):
        x_bar[i] += 2.0 * s_bar * x[i]
    return s, (x_bar,)


@_njit
def list_append(x, n):
    hs = np.empty(n)
    value = 0.0
    h = x
    for i in range(n):
        h = np.sin(h) * 0.9 + 0.1
        hs[i] = h
        value = value + h * h
    h_bar = 0.0
    for i in range(n - 1, -1, -1):
        h_bar = h_bar + 2.0 * hs[i]
        h_bar = h_bar * 0.9 * np.cos(hs[i - 1] if i > 0 else x)
    return value, (h_bar,)


@_njit
def mlp(W1, b1, W2, b2, X, Y):
    h = np.tanh(X @ W1 + b1)
    out = h @ W2 + b2
    d = out - Y
    n = X.shape[0]
    value = 0.5 * np.sum(d * d) / n
    d_bar = d / n
    W2_bar = h.T @ d_bar
    b2_bar = np.sum(d_bar, axis=0)
    a_bar = (d_bar @ W2.T) * (1.0 - h * h)
    W1_bar = X.T @ a_bar
    b1_bar = np.sum(a_bar, axis=0)
    return value, (W1_bar, b1_bar, W2_bar, b2_bar)


#: workload function name -> its hand-written numba gradient
GRADIENTS = {"scalar_loop": scalar_loop, "rnn": rnn, "euler": euler,
             "indexed_sum": indexed_sum, "list_append": list_append, "mlp": mlp}
