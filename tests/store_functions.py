"""Functions that write into arrays, for the reverse-mode tests (s2sad reads their source)."""

import numpy as np

def rnn_buffer(W, x0, T):
    h = np.zeros((T + 1, x0.shape[0]))
    h[0] = x0
    for t in range(T):
        h[t + 1] = np.tanh(W @ h[t])
    return np.sum(h ** 2)

def write_param(x):
    x[0] = x[1] * 3.0
    x[1:3] += x[0]
    return np.sum(x * x)

def overwrite_then_read(x):
    y = np.zeros(3)
    y[0] = x[0] ** 2
    a = np.sum(y * x)
    y[0] = np.sin(x[1])
    return a + np.sum(y * y)

def view_conflict(x):
    y = np.copy(x)
    row = y[0:2]
    y[0] = 5.0
    return np.sum(row)

def scatter(x, idx):
    y = np.zeros(5)
    y[idx] = x
    return np.sum(y * np.arange(5.0))


def accumulate_rows(X):
    out = np.zeros(X.shape[1])
    for i in range(X.shape[0]):
        out += X[i] * (i + 1.0)
    return np.sum(np.sin(out))


def write_in_branch(x):
    y = np.copy(x)
    if x[0] > 0:
        y[1] = y[0] * y[2]
    else:
        y[1:] = np.cos(y[1:])
    return np.sum(y * y)


def write_scalar_into_slice(x, c):
    y = np.ones(4)
    y[1:3] = c
    return np.sum(y * x)


def buffer_out(x, T):
    h = np.zeros(T + 1)
    h[0] = x
    for t in range(T):
        h[t + 1] = np.sin(h[t]) * 1.5
    return h


def inactive_loop_writes_after_active_read(x):
    buf = np.ones(3)
    y = x * buf
    for i in range(3):
        buf[i] = 5.0
    return np.sum(y * y) + np.sum(buf)


def array_made_in_a_branch(x, z):
    if np.sum(x) < 0.0:
        buf = np.zeros(2)
        buf[0] = np.sum(x * x)
        x = x * buf[0]
    return x * 2.0, np.sum(z)


def write_array_into_itself(x):
    b = np.zeros(3)
    b[0] = x[0] * x[1]
    b[0:3] = b
    return np.sum(b * b)


def copy_by_arithmetic_then_write(x):
    b = np.zeros(1)
    b[0] = x * x
    v = b * 1.0
    b[0] = x
    return v[0] + b[0]
