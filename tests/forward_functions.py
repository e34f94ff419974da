"""Functions that the forward-mode, Jacobian and Hessian tests differentiate.

s2sad reads the source of what it differentiates, so they live in a file.
``f_<op>`` exercise one rule each (first order, both modes); ``s_<op>`` wrap
the same op in a scalar ``sum(sin(op(...)))`` so that its second derivative
(forward over the reverse-mode gradient code) is not trivially zero.
"""

import numpy as np

from s2sad import runtime as rt
from s2sad import runtime_forward as rf

IDX = np.array([0, 2, 0, 1])     # repeated indices: adjoints and tangents must accumulate
C3 = np.array([0.5, -1.0, 2.0])

# ----------------------------------------------------------- seed examples


def seed(x, w, y):
    z = (np.dot(x, w) - y) ** 2
    return z


def logistic_loss(w, X, y):
    z = X @ w
    p = 1.0 / (1.0 + np.exp(-z))
    return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


def mlp_loss(W1, b1, W2, b2, X, T):
    h = np.tanh(X @ W1 + b1)
    out = h @ W2 + b2
    return np.mean((out - T) ** 2)


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


# --------------------------------------------------------- unary elementwise


def f_sin(x):
    return np.sin(x)


def f_cos(x):
    return np.cos(x)


def f_tan(x):
    return np.tan(x)


def f_arcsin(x):
    return np.arcsin(x)


def f_arccos(x):
    return np.arccos(x)


def f_arctan(x):
    return np.arctan(x)


def f_sinh(x):
    return np.sinh(x)


def f_cosh(x):
    return np.cosh(x)


def f_tanh(x):
    return np.tanh(x)


def f_exp(x):
    return np.exp(x)


def f_expm1(x):
    return np.expm1(x)


def f_log(x):
    return np.log(x)


def f_log1p(x):
    return np.log1p(x)


def f_sqrt(x):
    return np.sqrt(x)


def f_square(x):
    return np.square(x)


def f_reciprocal(x):
    return np.reciprocal(x)


def f_abs(x):
    return np.abs(x) + abs(x)


def f_neg(x):
    return -x + (+x) * 3.0


# ------------------------------------------------------------------ binary


def f_add(a, b):
    return a + b


def f_sub(a, b):
    return a - b


def f_mul(a, b):
    return a * b


def f_div(a, b):
    return a / b


def f_pow(a, b):
    return a ** b


def f_pow_const(a):
    return a ** 3 + a ** 2.5 + 2.0 ** a


def f_maximum(a, b):
    return np.maximum(a, b)


def f_minimum(a, b):
    return np.minimum(a, b)


def f_where(a, b):
    return np.where(a > b, a * b, b - a)


def f_clip(x):
    return np.clip(x, -0.5, 0.7)


def f_mod(a, b):
    return a % b


# ---------------------------------------------------------------- products


def f_dot(a, b):
    return np.dot(a, b)


def f_matmul(a, b):
    return a @ b


def f_outer(a, b):
    return np.outer(a, b)


def f_method_dot(a, b):
    return a.dot(b)


# -------------------------------------------------------------- reductions


def f_sum(x):
    return np.sum(x)


def f_sum_axis(x):
    return np.sum(x, axis=0) + x.sum(axis=1, keepdims=True).sum()


def f_mean(x):
    return np.mean(x, axis=-1) * x.mean()


def f_prod(x):
    return np.prod(x)


def f_prod_axis(x):
    return np.prod(x, axis=1)


def f_max(x):
    return np.max(x) + np.min(x, axis=0).sum()


# ---------------------------------------------------------- shape changes


def f_reshape(x):
    return np.reshape(x, (3, 2)) @ np.ones(2) + x.reshape(6)[1:4].sum()


def f_transpose(x):
    return np.transpose(x) * np.arange(2.0) + x.T.sum(axis=1, keepdims=True)


def f_expand_squeeze(x):
    return np.squeeze(np.expand_dims(x, 0), axis=0) * np.ravel(x)


def f_concatenate(a, b):
    return np.concatenate([a, b * 2.0, a])


def f_concatenate_const(a):
    return np.concatenate([a, C3], axis=0) * 2.0


def f_stack(a, b):
    return np.stack([a, b], axis=1)


def f_stack_const(a):
    return np.stack((C3, a)).sum(axis=0)


def f_array(a, b):
    return np.array([a, b, a * b])


# -------------------------------------------------------------- subscripts


def f_index(x):
    return x[0] * x[-1] + x[1:3].sum()


def f_index_matrix(x):
    return x[:, 0] * x[1, 1:]


def f_fancy(x):
    return x[IDX] * x[IDX]


def f_tuple(a, b):
    t = (a * 2.0, b)
    u, v = t
    v, u = u, v
    return u * v + u


def f_tuple_index(a, b):
    t = (a * 2.0, b)
    return t[0] * t[1] + t[-1]


def f_tuple_out(a, b):
    return a * b, np.sum(a), b


# ------------------------------------------------ activity and broadcasting


def f_scalar_plus_vector(a, v):
    s = a + v
    return np.sum(s * s) + np.dot(s, v)


def f_narrow_then_reduce(a, m):
    s = a + m
    return np.sum(s, axis=0)


def f_narrow_output(a, m):
    return a - m


def f_constant_output(a, m):
    return m * 2.0


def f_partly_constant(a, m):
    return np.sum(m), a * 3.0, 7.0


def f_unused_param(a, m):
    return np.sum(m ** 2)


def f_reuse(x):
    y = x * x
    y = y + x
    y = np.sin(y) * y
    return y


def f_len_shape(x):
    n = len(x)
    m = x.shape[0]
    return x * n / m + x.size


# ------------------------------------------------------- second-order ops


def s_unary(x):
    return np.sum(np.sin(np.tanh(x) * np.exp(x) + np.log(x) * np.sqrt(x)))


def s_trig(x):
    return np.sum(np.cos(x) * np.arctan(x) + np.sinh(x) / np.cosh(x) + np.tan(x * 0.3))


def s_arc(x):
    return np.sum(np.arcsin(x) * np.arccos(x) + np.log1p(x) + np.expm1(x))


def s_recip(x):
    return np.sum(np.reciprocal(x) + np.square(x) * np.abs(x))


def s_binary(a, b):
    return np.sum(np.sin(a * b + a / b - a + b))


def s_pow(a, b):
    return np.sum(np.sin(a ** b + a ** 3))


def s_maximum(a, b):
    return np.sum(np.sin(np.maximum(a, b) + np.minimum(a * 2.0, b)))


def s_where_clip(a, b):
    return np.sum(np.sin(np.where(a > b, a * b, b) + np.clip(a, -0.5, 0.7)))


def s_dot(A, x):
    return np.sum(np.sin(np.dot(A, x))) + np.dot(x, x) ** 2


def s_matmul(A, B):
    return np.sum(np.sin(A @ B)) + np.sum(np.outer(A[0], B[:, 1]) ** 2)


def s_reduce(x):
    return np.sin(np.sum(x, axis=0)).sum() + np.mean(x) ** 2 + np.sum(np.sin(x.mean(axis=1)))


def s_prod(x):
    return np.prod(x) + np.sum(np.prod(x, axis=0) ** 2)


def s_max(x):
    return np.sin(np.max(x)) + np.sum(np.sin(np.min(x, axis=1)))


def s_shape(x):
    y = np.reshape(x, (3, 2)).T
    return np.sum(np.sin(np.expand_dims(y, 0) * np.ravel(x)[:2].reshape(1, 2, 1)))


def s_concat(a, b):
    return np.sum(np.sin(np.concatenate([a, b * a]))) + np.sum(np.stack([a, b]).sum(axis=0) ** 2)


def s_index(x):
    return x[0] * x[-1] + np.sum(x[1:3] ** 3) + np.sum(x[IDX] * x[IDX] * x[0])


def s_broadcast(a, v):
    s = a + v
    return np.sum(np.sin(s) * v) + a * np.sum(v * s)


def s_tuple(a, b):
    u, v = a * b, b
    v, u = u, v
    return np.sum(np.sin(u * v))


# --------------------------------------------------- Jacobian functions


def tall(x, A):
    """R^n -> R^m with m > n."""
    return np.tanh(A @ x) * 2.0 + x[0]


def wide(x, B):
    """R^n -> R^m with m < n."""
    return np.sin(B @ x) + np.sum(x ** 2)


def matrix_valued(X, w):
    return np.tanh(X * w) @ X.T


def two_inputs(x, y):
    return np.concatenate([x * y[0], np.sin(y)])


def scalar_in(t, v):
    return np.exp(t * v) + t ** 2


def mixed(x, y):
    return x * y ** 3 + np.sin(x) * y


def quadratic(x, A):
    return 0.5 * np.dot(x, A @ x)


def vector_out(x):
    return x ** 2


# ------------------------------------------- runtime helpers (tangent rules)
# Generated gradient code calls these; forward over reverse needs their tangents.

def r_unbroadcast(g, like):
    return rt.unbroadcast(g, like)


def r_sum_bar(g, x):
    return rt.sum_bar(g, x, 1) + rt.sum_bar(np.sum(g), x)


def r_mean_bar(g, x):
    return rt.mean_bar(g, x, 0, True)


def r_extremum_bar(g, x):
    return rt.extremum_bar(g, np.max(x, axis=0), x, 0)


def r_prod_bar(g, x):
    return rt.prod_bar(g, x, 0) + rt.prod_bar(np.sum(g), x)


def r_dot_bars(g, a, b):
    return rt.dot_lhs_bar(g, a, b).sum() + rt.dot_rhs_bar(g, a, b).sum() * 2.0


def r_matmul_bars(g, a, b):
    return np.sum(rt.matmul_lhs_bar(g, a, b) ** 2) + np.sum(rt.matmul_rhs_bar(g, a, b) ** 2)


def r_outer_bars(g, a, b):
    return np.sum(rt.outer_lhs_bar(g, a, b)) * np.sum(rt.outer_rhs_bar(g, a, b))


def r_xlogy(x, y):
    return rt.xlogy(x, y) + rf.xdivy(x, y)


def r_transpose_bar(g):
    return rt.transpose_bar(g, (1, 0, 2)) * rt.transpose_bar(g[0])[0, 0]


def r_concatenate_bar(g, a):
    parts = rt.concatenate_bar(g, [a, a], 0)
    return parts[0] * parts[1]


def r_stack_bar(g, a):
    parts = rt.stack_bar(g, [a, a, a], 1)
    return parts[0] + parts[2]


def r_getitem_bar(g, x):
    return rt.getitem_bar(g, x, IDX)


def r_add_at(x, g):
    return rt.add_at(x, IDX, g)


def r_sequence_bar(a, b):
    items = rt.sequence_bar((a, b))
    return items[0] * items[1]


def r_index_set(x, v):
    return rf.index_set(x, slice(1, 3), v) * rf.writable_copy(x)


def r_broadcast_like(t, like):
    return rf.broadcast_like(t, like) * like
