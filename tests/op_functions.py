"""One small function per operation the op table (test_ops.py) differentiates.

s2sad reads the source of what it differentiates, so these live in a file.
Each function exercises one rule; a few combine a rule with the way users
write it (method forms, keywords, reuse of a name).
"""

import numpy as np

import s2sad

INDEX = np.array([0, 2, 0, 3, 2])      # repeated indices: adjoints must accumulate
LOWER, UPPER = -0.5, 0.5
BASES = np.array([0.0, 1.5, 0.0, 0.7])  # zero bases: d(0 ** b)/db is 0 for b > 0

# ------------------------------------------------------------------ operators


def add(a, b):
    return a + b


def sub(a, b):
    return a - b


def mul(a, b):
    return a * b


def div(a, b):
    return a / b


def power(a, b):
    return a ** b


def pow_int(x):
    return x ** 3


def pow_float(x):
    return x ** 2.5


def pow_negative(x):
    return x ** -2


def pow_base(x):
    return 2.0 ** x


def pow_zero_base(b):
    return BASES ** b


def matmul(a, b):
    return a @ b


def neg(x):
    return -x


def pos(x):
    return +x


def builtin_abs(x):
    return abs(x)


def mod(a, b):
    return a % b


def mod_const(x):
    return x % 1.5


def const_mod(x):
    return 7.3 % x


def scaled(x):
    return 2.0 * x - 1.0


def reciprocal_const(x):
    return 1.0 / x


def self_mul(x):
    return x * x


def self_add(x):
    return x + x - x * 0.5


def chain(x, y):
    z = x * y
    w = z / (1.0 + y * y)
    return w - x


# ------------------------------------------------------ numpy: elementwise


def sin(x):
    return np.sin(x)


def cos(x):
    return np.cos(x)


def tan(x):
    return np.tan(x)


def arcsin(x):
    return np.arcsin(x)


def arccos(x):
    return np.arccos(x)


def arctan(x):
    return np.arctan(x)


def hypot(a, b):
    return np.hypot(a, b)


def asarray(x):
    return np.asarray(x) * x


def copy(x):
    return np.copy(x) * x


def real(x):
    return np.real(x) * x


def to_float(x):
    return float(x) * x


def sinh(x):
    return np.sinh(x)


def cosh(x):
    return np.cosh(x)


def tanh(x):
    return np.tanh(x)


def exp(x):
    return np.exp(x)


def expm1(x):
    return np.expm1(x)


def log(x):
    return np.log(x)


def log1p(x):
    return np.log1p(x)


def sqrt(x):
    return np.sqrt(x)


def square(x):
    return np.square(x)


def reciprocal(x):
    return np.reciprocal(x)


def np_abs(x):
    return np.abs(x)


def np_power(a, b):
    return np.power(a, b)


def np_power_const(x):
    return np.power(x, 3.0)


def maximum(a, b):
    return np.maximum(a, b)


def minimum(a, b):
    return np.minimum(a, b)


def maximum_const(x):
    return np.maximum(x, 0.0)


def where(condition, a, b):
    return np.where(condition, a, b)


def where_computed(a, b):
    return np.where(a > 0.0, a * b, b)


def clip(x):
    return np.clip(x, LOWER, UPPER)


def clip_arrays(x, lo, hi):
    return np.clip(x, lo, hi)


def clip_no_lower(x):
    return np.clip(x, None, UPPER)


def clip_no_upper(x, lo):
    return np.clip(x, lo, None)


# ---------------------------------------------------- numpy: products


def dot(a, b):
    return np.dot(a, b)


def dot_method(a, b):
    return a.dot(b)


def dot_of_lists(x, y):
    return np.dot([x, y], [y, 2.0])


def outer(a, b):
    return np.outer(a, b)


def np_matmul(a, b):
    return np.matmul(a, b)


# --------------------------------------------------- numpy: reductions


def sum_all(x):
    return np.sum(x)


def sum_axis0(x):
    return np.sum(x, axis=0)


def sum_axis_last(x):
    return np.sum(x, axis=-1)


def sum_keepdims(x):
    return np.sum(x, axis=1, keepdims=True)


def sum_tuple_axis(x):
    return np.sum(x, axis=(0, 2))


def sum_method(x):
    return x.sum()


def sum_of_list(x, y):
    return np.sum([x, y * 2.0, x])


def sum_method_axis(x):
    return x.sum(axis=1)


def mean_all(x):
    return np.mean(x)


def mean_axis0(x):
    return np.mean(x, axis=0)


def mean_axis_last_keepdims(x):
    return np.mean(x, axis=-1, keepdims=True)


def mean_tuple_axis(x):
    return np.mean(x, axis=(0, 2))


def mean_method(x):
    return x.mean()


def mean_method_axis(x):
    return x.mean(axis=0)


def prod_all(x):
    return np.prod(x)


def prod_axis(x):
    return np.prod(x, axis=1)


def prod_axis_last_keepdims(x):
    return np.prod(x, axis=-1, keepdims=True)


def prod_tuple_axis(x):
    return np.prod(x, axis=(0, 2))


def prod_method(x):
    return x.prod(axis=0)


def max_all(x):
    return np.max(x)


def max_axis0(x):
    return np.max(x, axis=0)


def max_axis_last_keepdims(x):
    return np.max(x, axis=-1, keepdims=True)


def max_tuple_axis(x):
    return np.max(x, axis=(0, 2))


def max_method(x):
    return x.max(axis=1)


def max_of_list(x, y):
    return np.max([x, y], axis=0)


def min_all(x):
    return np.min(x)


def min_axis1(x):
    return np.min(x, axis=1)


def min_keepdims(x):
    return np.min(x, axis=0, keepdims=True)


def min_tuple_axis(x):
    return np.min(x, axis=(-1, 0))


def min_method(x):
    return x.min()


# ------------------------------------------------ numpy: shape changes


def reshape(x):
    return np.reshape(x, (4, 3))


def reshape_method(x):
    return x.reshape(2, 6)


def reshape_method_tuple(x):
    return x.reshape((-1,))


def reshape_then_scale(x):
    y = x.reshape(3, 4)
    return y * np.arange(4.0)


def transpose(x):
    return np.transpose(x)


def transpose_axes(x):
    return np.transpose(x, (1, 0, 2))


def transpose_axes_keyword(x):
    return np.transpose(x, axes=(2, 0, 1))


def transpose_negative_axes(x):
    return np.transpose(x, (-1, 0, 1))


def transpose_method_axes(x):
    return x.transpose(1, 0, 2)


def transpose_method(x):
    return x.transpose()


def transpose_attribute(x):
    return x.T


def transpose_then_matmul(a, b):
    return a.T @ b


def expand_dims0(x):
    return np.expand_dims(x, 0)


def expand_dims_last(x):
    return np.expand_dims(x, axis=-1)


def squeeze(x):
    return np.squeeze(x)


def squeeze_axis(x):
    return np.squeeze(x, axis=1)


def ravel(x):
    return np.ravel(x)


def ravel_method(x):
    return x.ravel()


def concatenate(a, b):
    return np.concatenate([a, b])


def concatenate_axis1(a, b):
    return np.concatenate((a, b), axis=1)


def concatenate_axis_last(a, b):
    return np.concatenate([a, b, a], axis=-1)


def concatenate_none(a, b):
    return np.concatenate([a, b], axis=None)


def stack(a, b):
    return np.stack([a, b])


def stack_axis1(a, b):
    return np.stack((a, b), axis=1)


def stack_axis_last(a, b):
    return np.stack([a, b, a], axis=-1)


def array_of_scalars(x, y):
    return np.array([x, y, x * y])


def array_of_vectors(a, b):
    return np.array([a, b])


def zeros_like(x):
    return x * np.ones_like(x) + np.zeros_like(x)


def ones_like_scaled(x):
    z = np.ones_like(x) * 2.0
    return x * z


# ---------------------------------------------------------- subscripts


def index_first(x):
    return x[0]


def index_last(x):
    return x[-1]


def index_slice(x):
    return x[1:4]


def index_column(x):
    return x[:, 0]


def index_step(x):
    return x[::2]


def index_2d_slices(x):
    return x[1:, :-1]


def index_int_array(x):
    return x[INDEX]


def index_int_list(x):
    return x[[1, 1, 0]]


def index_int_array_param(x, idx):
    return x[idx] * 2.0


def index_bool_mask(x):
    return x[x > 0.0]


def index_bool_mask_param(x, mask):
    return x[mask]


def index_twice(x):
    return x[0] * x[1] + x[-1]


def index_element(x):
    return x[1, 2] * x[0, 0]


# ------------------------------------------- tuples, shapes and lengths


def tuple_pack_unpack(x, y):
    t = (x, y * 2.0)
    a, b = t
    return a * b


def swap(x, y):
    x, y = y, x
    return x - 2.0 * y


def parallel_assign(x, y):
    a, b = x * y, x + y
    return a / b


def shape_attribute(x):
    n = x.shape[0]
    return x * n


def shape_divides(x):
    return np.sum(x) / x.shape[-1]


def length(x):
    return np.sum(x) / len(x)


# ------------------------------------------- for testing check_grads itself
#
# A function with a deliberately wrong adjoint: check_grads must reject it.
# Not part of the op table (HARNESS lists these names).

HARNESS = ("wrong_double", "wrong_double_adjoint", "uses_wrong_double",
           "uses_wrong_double_twice")


def wrong_double(x):
    return 2.0 * x


@s2sad.adjoint(wrong_double)
def wrong_double_adjoint(y, y_bar, x):
    return 3.0 * y_bar   # wrong on purpose: the derivative of 2x is 2


def uses_wrong_double(x):
    return wrong_double(x)


def uses_wrong_double_twice(x, y):
    return np.sum(x * wrong_double(y))
