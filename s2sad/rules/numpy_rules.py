"""Rules for numpy functions and the ndarray methods and attributes that call them.

One adjoint and one tangent per function, side by side.  Adjoints of
elementwise functions with several array inputs are declared ``broadcast``;
the transformer reduces them to each argument's shape.
"""

import builtins
import inspect

import numpy as np

from ..runtime import (astype_of, cast_bar, cast_dot, copy_of, kept_or_cast_dot, clip_lower_mask, clip_mask, clip_upper_mask,
                       concatenate_bar,
                       dot_lhs_bar, dot_rhs_bar, extremum_bar, flatten_bar, flatten_dot, mean_bar,
                       outer_lhs_bar, outer_rhs_bar, prod_bar, stack_bar, sum_bar, tie_mask, transpose_bar)
from .registry import (METHOD_DEFAULTS, METHOD_KEYWORDS, METHOD_VARIANTS, METHODS, adjoint, declare,
                       declare_allocating_type,
                       nondifferentiable, signature_for, tangent)

# ------------------------------------------------------------- elementwise


@adjoint(np.sin)
def sin_adjoint(y, y_bar, x):
    return y_bar * np.cos(x)


@tangent(np.sin)
def sin_tangent(y, x, x_dot):
    return x_dot * np.cos(x)


@adjoint(np.cos)
def cos_adjoint(y, y_bar, x):
    return -y_bar * np.sin(x)


@tangent(np.cos)
def cos_tangent(y, x, x_dot):
    return -x_dot * np.sin(x)


@adjoint(np.tan)
def tan_adjoint(y, y_bar, x):
    return y_bar * (1.0 + y * y)


@tangent(np.tan)
def tan_tangent(y, x, x_dot):
    return x_dot * (1.0 + y * y)


@adjoint(np.arcsin)
def arcsin_adjoint(y, y_bar, x):
    return y_bar / np.sqrt(1.0 - x * x)


@tangent(np.arcsin)
def arcsin_tangent(y, x, x_dot):
    return x_dot / np.sqrt(1.0 - x * x)


@adjoint(np.arccos)
def arccos_adjoint(y, y_bar, x):
    return -y_bar / np.sqrt(1.0 - x * x)


@tangent(np.arccos)
def arccos_tangent(y, x, x_dot):
    return -x_dot / np.sqrt(1.0 - x * x)


@adjoint(np.arctan)
def arctan_adjoint(y, y_bar, x):
    return y_bar / (1.0 + x * x)


@tangent(np.arctan)
def arctan_tangent(y, x, x_dot):
    return x_dot / (1.0 + x * x)


@adjoint(np.hypot, broadcast=True)
def hypot_adjoint(y, y_bar, x1, x2):
    return y_bar * x1 / y, y_bar * x2 / y


@tangent(np.hypot)
def hypot_tangent(y, x1, x2, x1_dot, x2_dot):
    return (x1_dot * x1 + x2_dot * x2) / y


@adjoint(np.sinh)
def sinh_adjoint(y, y_bar, x):
    return y_bar * np.cosh(x)


@tangent(np.sinh)
def sinh_tangent(y, x, x_dot):
    return x_dot * np.cosh(x)


@adjoint(np.cosh)
def cosh_adjoint(y, y_bar, x):
    return y_bar * np.sinh(x)


@tangent(np.cosh)
def cosh_tangent(y, x, x_dot):
    return x_dot * np.sinh(x)


@adjoint(np.tanh)
def tanh_adjoint(y, y_bar, x):
    return y_bar * (1.0 - y * y)


@tangent(np.tanh)
def tanh_tangent(y, x, x_dot):
    return x_dot * (1.0 - y * y)


@adjoint(np.exp)
def exp_adjoint(y, y_bar, x):
    return y_bar * y


@tangent(np.exp)
def exp_tangent(y, x, x_dot):
    return x_dot * y


@adjoint(np.expm1)
def expm1_adjoint(y, y_bar, x):
    return y_bar * (y + 1.0)


@tangent(np.expm1)
def expm1_tangent(y, x, x_dot):
    return x_dot * (y + 1.0)


@adjoint(np.log)
def log_adjoint(y, y_bar, x):
    return y_bar / x


@tangent(np.log)
def log_tangent(y, x, x_dot):
    return x_dot / x


@adjoint(np.log1p)
def log1p_adjoint(y, y_bar, x):
    return y_bar / (1.0 + x)


@tangent(np.log1p)
def log1p_tangent(y, x, x_dot):
    return x_dot / (1.0 + x)


@adjoint(np.sqrt)
def sqrt_adjoint(y, y_bar, x):
    return y_bar * 0.5 / y


@tangent(np.sqrt)
def sqrt_tangent(y, x, x_dot):
    return x_dot * 0.5 / y


@adjoint(np.square)
def square_adjoint(y, y_bar, x):
    return y_bar * 2.0 * x


@tangent(np.square)
def square_tangent(y, x, x_dot):
    return x_dot * 2.0 * x


@adjoint(np.reciprocal)
def reciprocal_adjoint(y, y_bar, x):
    return -y_bar * y * y


@tangent(np.reciprocal)
def reciprocal_tangent(y, x, x_dot):
    return -x_dot * y * y


@adjoint(np.abs, aliases=(builtins.abs, np.absolute, np.fabs))
def abs_adjoint(y, y_bar, x):
    return y_bar * np.sign(x)


@tangent(np.abs, aliases=(builtins.abs, np.absolute, np.fabs))
def abs_tangent(y, x, x_dot):
    return x_dot * np.sign(x)


@adjoint(np.maximum, broadcast=True)
def maximum_adjoint(y, y_bar, a, b):
    return y_bar * tie_mask(a, b), y_bar * tie_mask(b, a)


@tangent(np.maximum)
def maximum_tangent(y, a, b, a_dot, b_dot):
    return a_dot * tie_mask(a, b) + b_dot * tie_mask(b, a)


@adjoint(np.minimum, broadcast=True)
def minimum_adjoint(y, y_bar, a, b):
    return y_bar * tie_mask(b, a), y_bar * tie_mask(a, b)


@tangent(np.minimum)
def minimum_tangent(y, a, b, a_dot, b_dot):
    return a_dot * tie_mask(b, a) + b_dot * tie_mask(a, b)


@adjoint(np.where, nondiff=("condition",), broadcast=True, linear=True, allocates=True)
def where_adjoint(out, out_bar, condition, x, y):
    return np.where(condition, out_bar, 0.0), np.where(condition, 0.0, out_bar)


# (numpy 2.1 also names the bounds min and max)
@adjoint(np.clip, broadcast=True, spellings={"min": "a_min", "max": "a_max"})
def clip_adjoint(y, y_bar, a, a_min=None, a_max=None):
    return (y_bar * clip_mask(a, a_min, a_max), y_bar * clip_lower_mask(a, a_min, a_max),
            y_bar * clip_upper_mask(a, a_min, a_max))


@tangent(np.clip)
def clip_tangent(y, a, a_min, a_max, a_dot, a_min_dot, a_max_dot):
    return (a_dot * clip_mask(a, a_min, a_max) + a_min_dot * clip_lower_mask(a, a_min, a_max)
            + a_max_dot * clip_upper_mask(a, a_min, a_max))


# --------------------------------------------------------- products of arrays


@adjoint(np.dot, allocates=True, methods=("dot",))
def dot_adjoint(y, y_bar, a, b):
    return dot_lhs_bar(y_bar, a, b), dot_rhs_bar(y_bar, a, b)


declare(np.dot, dot_rank=True)


@tangent(np.dot)
def dot_tangent(y, a, b, a_dot, b_dot):
    return np.dot(a_dot, b) + np.dot(a, b_dot)


@adjoint(np.outer, allocates=True)
def outer_adjoint(y, y_bar, a, b):
    return outer_lhs_bar(y_bar, a, b), outer_rhs_bar(y_bar, a, b)


@tangent(np.outer)
def outer_tangent(y, a, b, a_dot, b_dot):
    return np.outer(a_dot, b) + np.outer(a, b_dot)


# ------------------------------------------------------------------ reductions


# initial= adds a constant to each sum; where= (a mask that broadcasts to a's shape)
# selects the elements summed
@adjoint(np.sum, nondiff=("axis", "dtype", "keepdims", "where"), shape_only=("a",), allocates=True,
         reduction="sum", methods=("sum",), float_dtype="dtype",
         no_derivative={"initial": "the initial value of np.sum is taken as a constant: "
                                   "write np.sum(x) + v to differentiate in v too"})
def sum_adjoint(y, y_bar, a, axis=None, dtype=None, keepdims=False, initial=None, where=True):
    return sum_bar(y_bar, a, axis, keepdims, where)


@tangent(np.sum)
def sum_tangent(y, a, axis, dtype, keepdims, initial, where, a_dot):
    return np.sum(a_dot, axis=axis, dtype=dtype, keepdims=keepdims, where=where)


# where= (a mask that broadcasts to a's shape) averages the elements it selects: a mean of
# none is numpy's nan (with its warning), whose elements get no adjoint
@adjoint(np.mean, nondiff=("axis", "dtype", "keepdims", "where"), shape_only=("a",),
         allocates=True, reduction="mean", methods=("mean",), float_dtype="dtype")
def mean_adjoint(y, y_bar, a, axis=None, dtype=None, keepdims=False, where=True):
    return mean_bar(y_bar, a, axis, keepdims, where)


@tangent(np.mean)
def mean_tangent(y, a, axis, dtype, keepdims, where, a_dot):
    return np.mean(a_dot, axis=axis, dtype=dtype, keepdims=keepdims, where=where)


# initial= multiplies each product by a constant; where= (a mask that broadcasts to a's
# shape) selects the elements multiplied
@adjoint(np.prod, nondiff=("axis", "dtype", "keepdims", "where"), allocates=True,
         reduction="prod", methods=("prod",), float_dtype="dtype",
         no_derivative={"initial": "the initial value of np.prod is taken as a constant: "
                                   "write np.prod(x) * v to differentiate in v too"})
def prod_adjoint(y, y_bar, a, axis=None, dtype=None, keepdims=False, initial=None,
                 where=True):
    return prod_bar(y_bar, a, axis, keepdims, where, initial)


@tangent(np.prod)
def prod_tangent(y, a, axis, dtype, keepdims, initial, where, a_dot):
    return np.sum(a_dot * prod_bar(np.ones_like(y), a, axis, keepdims, where, initial),
                  axis=axis, dtype=dtype, keepdims=keepdims)


# initial= is one more candidate, a constant (the derivative goes to the elements of a that
# are the result, shared equally with initial where they tie); where= selects the candidates
_INITIAL = {"initial": "the initial value of np.max and np.min is taken as a constant: "
                       "write np.maximum(np.max(x), v) (np.minimum(np.min(x), v)) to "
                       "differentiate in v too"}


@adjoint(np.max, nondiff=("axis", "keepdims", "where"), aliases=(np.amax,),
         reduction="max", methods=("max",), no_derivative=_INITIAL)
def max_adjoint(y, y_bar, a, axis=None, keepdims=False, initial=None, where=True):
    return extremum_bar(y_bar, y, a, axis, keepdims, initial, where)


@tangent(np.max, aliases=(np.amax,))
def max_tangent(y, a, axis, keepdims, initial, where, a_dot):
    return np.sum(a_dot * extremum_bar(np.ones_like(y), y, a, axis, keepdims, initial, where),
                  axis=axis, keepdims=keepdims)


@adjoint(np.min, nondiff=("axis", "keepdims", "where"), aliases=(np.amin,),
         reduction="min", methods=("min",), no_derivative=_INITIAL)
def min_adjoint(y, y_bar, a, axis=None, keepdims=False, initial=None, where=True):
    return extremum_bar(y_bar, y, a, axis, keepdims, initial, where)


@tangent(np.min, aliases=(np.amin,))
def min_tangent(y, a, axis, keepdims, initial, where, a_dot):
    return np.sum(a_dot * extremum_bar(np.ones_like(y), y, a, axis, keepdims, initial, where),
                  axis=axis, keepdims=keepdims)


# ------------------------------------------------------------- shape changes


# order 'F' reads and writes both in Fortran order, so does its adjoint ('A', which
# depends on a's memory layout, is s2sad's reshape_laid_out: structure_rules)
@adjoint(np.reshape, nondiff=("shape", "order"), spellings={"newshape": "shape"},  # numpy < 2.1
         linear=True, view=True, methods=("reshape",), choices={"order": ("C", "F")})
def reshape_adjoint(y, y_bar, a, shape, order="C"):
    return np.reshape(y_bar, np.shape(a), order=order)


# x.ravel(order) reads x in that order ('A' and 'K': in x's memory layout), as
# x.flatten(order) does, whose adjoint and tangent it shares
@adjoint(np.ravel, nondiff=("order",), view=True, methods=("ravel",))
def ravel_adjoint(y, y_bar, a, order="C"):
    return flatten_bar(y_bar, a, order)


@tangent(np.ravel)
def ravel_tangent(y, a, order, a_dot):
    return flatten_dot(a, a_dot, order)


@adjoint(np.transpose, nondiff=("axes",), linear=True, view=True, methods=("transpose",),
         attributes=("T",))
def transpose_adjoint(y, y_bar, a, axes=None):
    return transpose_bar(y_bar, axes)


@adjoint(np.expand_dims, nondiff=("axis",), linear=True, view=True)
def expand_dims_adjoint(y, y_bar, a, axis):
    return np.reshape(y_bar, np.shape(a))


@adjoint(np.squeeze, nondiff=("axis",), linear=True, view=True, methods=("squeeze",))
def squeeze_adjoint(y, y_bar, a, axis=None):
    return np.reshape(y_bar, np.shape(a))


@signature_for(np.concatenate)
def concatenate_signature(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """numpy 2.1's, for numpy < 2.1, whose np.concatenate has none (tangents would
    read ``np.concatenate(arrays_dot, 0)`` there, and calls bind differently)."""


# (a float dtype= computes in that dtype: the derivative is the same, as a ufunc's)
@adjoint(np.concatenate, nondiff=("axis", "dtype"), linear=True, allocates=True,
         float_dtype="dtype")
def concatenate_adjoint(y, y_bar, arrays, axis=0, dtype=None):
    return concatenate_bar(y_bar, arrays, axis)


if "dtype" in inspect.signature(np.stack).parameters:   # numpy >= 1.24
    @adjoint(np.stack, nondiff=("axis", "dtype"), linear=True, allocates=True,
             float_dtype="dtype")
    def stack_adjoint(y, y_bar, arrays, axis=0, dtype=None):
        return stack_bar(y_bar, arrays, axis)
else:  # pragma: no cover - numpy < 1.24
    @adjoint(np.stack, nondiff=("axis",), linear=True, allocates=True)
    def stack_adjoint(y, y_bar, arrays, axis=0):
        return stack_bar(y_bar, arrays, axis)


# x.astype(dtype) is a copy in that dtype: np.array(x, dtype) (integer and bool
# dtypes are constant, see array_adjoint)
# (its memory order leaves the values as they are: x.astype(float, 'F'))
# (copy=True, np.array's default: np.array(x, copy=False) may be x itself)
# (ndmin=k adds leading axes of length 1: cast_bar and cast_dot reshape between the shapes)
@adjoint(np.array, nondiff=("dtype", "copy", "order", "ndmin"), methods=("astype",),
         choices={"copy": (True,)})
def array_adjoint(y, y_bar, object, dtype=None, copy=True, order="K", ndmin=0):
    # a cast to an integer or bool dtype is constant (cast_bar gives zeros)
    return cast_bar(y_bar, y, object)


# (np.array(x, copy=False) and copy=None may be x itself: a write through it is followed)
declare(np.array, view_unless=(("copy", True),))


@tangent(np.array)
def array_tangent(y, object, dtype, copy, order, ndmin, object_dot):
    return cast_dot(object_dot, y)


# x.astype(dtype, casting=...): numpy's check of the cast kept (runtime.astype_of), the
# values np.array(x, dtype)'s
@adjoint(astype_of, nondiff=("dtype", "order", "casting", "subok", "copy"), allocates=True,
         choices={"copy": (True,), "subok": (True,)})
def astype_of_adjoint(y, y_bar, a, dtype, order="K", casting="unsafe", subok=True, copy=True):
    return cast_bar(y_bar, y, a)


@tangent(astype_of)
def astype_of_tangent(y, a, dtype, order, casting, subok, copy, a_dot):
    return cast_dot(a_dot, y)


METHOD_VARIANTS[("astype", "casting", ...)] = (astype_of, "astype_of")


# a itself where its dtype and memory order fit already, else a new array (view="maybe":
# a write that may reach the other is decided when the code runs); the memory order
# leaves the values as they are; an integer or bool dtype is constant, as for np.array
# (x.astype(np.int32, copy=False) is this op)
@adjoint(np.asarray, nondiff=("dtype", "order"), view="maybe")
def asarray_adjoint(y, y_bar, a, dtype=None, order=None):
    return cast_bar(y_bar, y, a)


@tangent(np.asarray)
def asarray_tangent(y, a, dtype, order, a_dot):
    return kept_or_cast_dot(a_dot, y, a)


@adjoint(np.ascontiguousarray, view="maybe", aliases=(np.asfortranarray,))
def ascontiguousarray_adjoint(y, y_bar, a):
    return y_bar


@tangent(np.ascontiguousarray)
def ascontiguousarray_tangent(y, a, a_dot):
    return kept_or_cast_dot(a_dot, y, a)


@tangent(np.asfortranarray)
def asfortranarray_tangent(y, a, a_dot):
    return kept_or_cast_dot(a_dot, y, a)


@adjoint(np.copy, nondiff=("order",), linear=True, allocates=True, methods=("copy",))
def copy_adjoint(y, y_bar, a, order="K"):
    return y_bar


# x.copy() is s2sad's copy_of(x), as are the copies generated code makes: np.copy is no
# function Dask implements (numpy would compute the array), copy_of is Dask's own copy
@adjoint(copy_of, nondiff=("order",), linear=True, allocates=True)
def copy_of_adjoint(y, y_bar, a, order=None):
    return y_bar


declare(copy_of, methods=("copy",))
METHODS["copy"] = (copy_of, "copy_of")
# (the methods' arguments after the first np.array and copy_of take by name, if at all)
METHOD_KEYWORDS["astype"] = (None, "order", "casting", "subok", "copy")
METHOD_KEYWORDS["copy"] = ("order",)
METHOD_DEFAULTS["copy"] = (("order", "C"),)   # (np.copy's order is 'K': a Fortran x stays F)
# x.astype(t, copy=False) may be x itself (a float64 x, t float64): np.asarray's rule, a
# view whose writes are checked as those of any view
METHOD_VARIANTS[("astype", "copy", False)] = (np.asarray, "np.asarray")
METHOD_VARIANTS[("astype", "copy", True)] = (np.array, "np.array")   # (astype's default)


@adjoint(float, allocates=True)
def float_adjoint(y, y_bar, x):
    return y_bar


@tangent(float)
def float_tangent(y, x, x_dot):
    return x_dot


# real and imaginary parts: complex values are refused (s2sad.values), so the values
# here are real: np.real (x.real) is x itself, np.imag (x.imag) is 0

@adjoint(np.real, linear=True, view=True, attributes=("real",))
def real_adjoint(y, y_bar, val):
    return y_bar


# ------------------------------------------------------------ no derivative

nondifferentiable(
    np.zeros_like, np.ones_like, np.empty_like, np.zeros, np.ones,
    np.shape, np.ndim, np.size, np.sign, np.floor, np.ceil, np.round, np.rint, np.trunc,
    np.argmax, np.argmin, np.argsort, np.equal, np.not_equal, np.greater, np.greater_equal,
    np.less, np.less_equal, np.isnan, np.isfinite, np.isinf, np.logical_and, np.logical_or,
    np.logical_not, np.eye, np.floor_divide,
    builtins.len, builtins.range, builtins.int, builtins.bool, builtins.round,
    builtins.isinstance, builtins.hasattr, builtins.callable,
)
# strings (a dict key made by an f-string of a differentiated value, f"{p[0]:.1f}")
nondifferentiable(builtins.str, builtins.format, builtins.repr, builtins.ascii, str.format,
                  allocates=True)

# x.imag of a real x is 0
nondifferentiable(np.imag, view=True, attributes=("imag",), spelling="np.imag")

# ----------------------------------------------- facts of ops without a rule

# the result is always new (the max and min of an array are new numbers; np.amax and
# np.amin are not declared: what does not allocate is only checked at run time)
for _op in (np.max, np.min, np.matmul, np.cumsum, np.cumprod):
    declare(_op, allocates=True)
nondifferentiable(np.zeros_like, np.ones_like, np.zeros, np.ones, np.shape, np.size, np.ndim,
                  builtins.len, builtins.range, builtins.int, allocates=True)
# every ufunc (np.sin, np.add...) makes a new array
declare_allocating_type(np.ufunc)


# ------------------------------------ numpy's scalar types called, and integer results

# np.float64(x) converts as float(x) does (of an array, an array in float64): the
# derivative is the cast's, in the argument's float dtype; np.float32(x) likewise, as
# x.astype(np.float32) (its tangent in float32, its adjoint in x's dtype)
@adjoint(np.float64, view="maybe")   # (np.float64(x) of a float64 array is x itself)
def float64_adjoint(y, y_bar, x):
    return cast_bar(y_bar, y, x)


@tangent(np.float64)
def float64_tangent(y, x, x_dot):
    return cast_dot(x_dot, y)


@adjoint(np.float32, view="maybe")   # (as np.float64's: a float32 array may be kept)
def float32_adjoint(y, y_bar, x):
    return cast_bar(y_bar, y, x)


@tangent(np.float32)
def float32_tangent(y, x, x_dot):
    return cast_dot(x_dot, y)


# integer and bool types, counts, positions and tests: outputs without a derivative
nondifferentiable(np.int64, np.int32, np.int16, np.int8, np.uint64, np.uint32, np.uint8,
                  np.bool_, np.searchsorted, np.digitize, np.count_nonzero, np.flatnonzero,
                  np.argwhere, np.isclose, np.allclose, np.array_equal)
# (and their ndarray spellings: x.argmax(), x.any()...: numpy's functions of x)
nondifferentiable(np.argmax, methods=("argmax",), spelling="np.argmax")
nondifferentiable(np.argmin, methods=("argmin",), spelling="np.argmin")
nondifferentiable(np.argsort, methods=("argsort",), spelling="np.argsort")
nondifferentiable(np.any, methods=("any",), spelling="np.any")
nondifferentiable(np.all, methods=("all",), spelling="np.all")
nondifferentiable(np.nonzero, methods=("nonzero",), spelling="np.nonzero")
nondifferentiable(np.searchsorted, methods=("searchsorted",), spelling="np.searchsorted")

# np.finfo(float).eps, np.iinfo(np.int64).max: facts of a dtype, constants
nondifferentiable(np.finfo, constant_fields=(
    "eps", "epsneg", "tiny", "smallest_normal", "smallest_subnormal", "resolution", "max",
    "min", "bits", "precision", "maxexp", "minexp", "dtype"))
nondifferentiable(np.iinfo, constant_fields=("min", "max", "bits", "dtype"))
