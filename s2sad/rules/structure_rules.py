"""Rules for numpy's functions that move, copy or pick the elements of an array:
diagonals and triangles, tiles, repeats, flips, rolls, rotations, padding, axis
moves, broadcasts and the ``atleast_*`` family.

All are linear in the array (``linear=True``: the tangent is the function applied to
the tangent); their adjoints are the reverse move (summing where elements were
copied), written with numpy or a helper of :mod:`s2sad.runtime.structure`.
"""

import numpy as np

from ..runtime.shapes import unbroadcast_to
from ..runtime.structure import (diag_bar, diagonal_bar, flatten_bar, flatten_dot, flatten_of,
                                 pad_bar, pad_constant_bar, pad_dot, repeat_array_bar,
                                 reshape_laid_out, roll_bar, rollaxis_bar, tile_bar)
from .records import declare
from .registry import METHOD_VARIANTS, METHODS, adjoint, tangent

# ------------------------------------------------------------ diagonals, triangles


# a vector makes a matrix with it on diagonal k; a matrix gives its diagonal k (a
# read-only view of it)
@adjoint(np.diag, nondiff=("k",), linear=True, view=True)
def diag_adjoint(y, y_bar, v, k=0):
    return diag_bar(y_bar, v, k)


@adjoint(np.diagonal, nondiff=("offset", "axis1", "axis2"), linear=True, view=True,
         methods=("diagonal",))
def diagonal_adjoint(y, y_bar, a, offset=0, axis1=0, axis2=1):
    return diagonal_bar(y_bar, a, offset, axis1, axis2)


@adjoint(np.diagflat, nondiff=("k",), linear=True, allocates=True)
def diagflat_adjoint(y, y_bar, v, k=0):
    return np.reshape(np.diag(y_bar, k), np.shape(v))


# over the last two axes; a vector m is broadcast to a square matrix first
@adjoint(np.tril, nondiff=("k",), linear=True, allocates=True)
def tril_adjoint(y, y_bar, m, k=0):
    return unbroadcast_to(np.tril(y_bar, k), np.shape(m))


@adjoint(np.triu, nondiff=("k",), linear=True, allocates=True)
def triu_adjoint(y, y_bar, m, k=0):
    return unbroadcast_to(np.triu(y_bar, k), np.shape(m))


# ------------------------------------------------------------------- copies


@adjoint(np.tile, nondiff=("reps",), linear=True, allocates=True)
def tile_adjoint(y, y_bar, A, reps):
    return tile_bar(y_bar, A, reps)


@adjoint(np.repeat, nondiff=("repeats", "axis"), linear=True, allocates=True,
         methods=("repeat",))
def repeat_adjoint(y, y_bar, a, repeats, axis=None):
    return repeat_array_bar(y_bar, a, repeats, axis)


# modes constant (constant_values differentiable too), edge, reflect, symmetric,
# wrap; the other modes are refused at run time, other keywords (reflect_type,
# stat_length, end_values) when the code is made
@adjoint(np.pad, nondiff=("pad_width", "mode"), allocates=True)
def pad_adjoint(y, y_bar, array, pad_width, mode="constant", constant_values=0):
    return (pad_bar(y_bar, array, pad_width, mode),
            pad_constant_bar(y_bar, array, pad_width, mode, constant_values))


@tangent(np.pad)
def pad_tangent(y, array, pad_width, mode, constant_values, array_dot, constant_values_dot):
    return pad_dot(array_dot, pad_width, mode, constant_values_dot)


# ------------------------------------------------------------- reorderings


@adjoint(np.flip, nondiff=("axis",), linear=True, view=True)
def flip_adjoint(y, y_bar, m, axis=None):
    return np.flip(y_bar, axis)


@adjoint(np.fliplr, linear=True, view=True)
def fliplr_adjoint(y, y_bar, m):
    return np.fliplr(y_bar)


@adjoint(np.flipud, linear=True, view=True)
def flipud_adjoint(y, y_bar, m):
    return np.flipud(y_bar)


@adjoint(np.roll, nondiff=("shift", "axis"), linear=True, allocates=True)
def roll_adjoint(y, y_bar, a, shift, axis=None):
    return roll_bar(y_bar, shift, axis)


@adjoint(np.rot90, nondiff=("k", "axes"), linear=True, view=True)
def rot90_adjoint(y, y_bar, m, k=1, axes=(0, 1)):
    return np.rot90(y_bar, -k, axes)


# ------------------------------------------------------------------ axes


@adjoint(np.swapaxes, nondiff=("axis1", "axis2"), linear=True, view=True,
         methods=("swapaxes",))
def swapaxes_adjoint(y, y_bar, a, axis1, axis2):
    return np.swapaxes(y_bar, axis1, axis2)


@adjoint(np.moveaxis, nondiff=("source", "destination"), linear=True, view=True)
def moveaxis_adjoint(y, y_bar, a, source, destination):
    return np.moveaxis(y_bar, destination, source)


@adjoint(np.rollaxis, nondiff=("axis", "start"), linear=True, view=True)
def rollaxis_adjoint(y, y_bar, a, axis, start=0):
    return rollaxis_bar(y_bar, a, axis, start)


# a read-only view: the adjoint sums over the broadcast axes
@adjoint(np.broadcast_to, nondiff=("shape", "subok"), linear=True, view=True)
def broadcast_to_adjoint(y, y_bar, array, shape, subok=False):
    return unbroadcast_to(y_bar, np.shape(array))


# one array: np.atleast_1d(a, b) returns a list, and is refused (one argument only)
@adjoint(np.atleast_1d, linear=True, view=True)
def atleast_1d_adjoint(y, y_bar, arys):
    return np.reshape(y_bar, np.shape(arys))


@adjoint(np.atleast_2d, linear=True, view=True)
def atleast_2d_adjoint(y, y_bar, arys):
    return np.reshape(y_bar, np.shape(arys))


@adjoint(np.atleast_3d, linear=True, view=True)
def atleast_3d_adjoint(y, y_bar, arys):
    return np.reshape(y_bar, np.shape(arys))


# x.flatten(order): a copy (np.ravel may be a view); called as np.ndarray.flatten(x)
@adjoint(np.ndarray.flatten, nondiff=("order",), allocates=True)
def flatten_adjoint(y, y_bar, self, order="C"):
    return flatten_bar(y_bar, self, order)


@tangent(np.ndarray.flatten)
def flatten_tangent(y, self, order, self_dot):
    return flatten_dot(self, self_dot, order)


# x.flatten(order) is s2sad's flatten_of(x, order): np.ndarray.flatten takes numpy's
# arrays only, flatten_of any array numpy dispatches for (Dask's)
@adjoint(flatten_of, nondiff=("order",), allocates=True)
def flatten_of_adjoint(y, y_bar, a, order="C"):
    return flatten_bar(y_bar, a, order)


@tangent(flatten_of)
def flatten_of_tangent(y, a, order, a_dot):
    return flatten_dot(a, a_dot, order)


declare(flatten_of, methods=("flatten",))
METHODS["flatten"] = (flatten_of, "flatten_of")


# x.reshape(shape, order='A') (np.reshape(x, shape, order='A')) is reshape_laid_out(x,
# shape, x): the order x's layout decides when the code runs; the adjoint and the tangent
# read x's layout too (never that of y_bar or a_dot)
# (an order a name holds, x.reshape(shape, order=o), is reshape_laid_out(x, shape, x, o):
# 'C', 'F' or 'A' known when the code runs, the adjoint reading the same one)
@adjoint(reshape_laid_out, nondiff=("shape", "like", "order"), linear=True, view=True)
def reshape_laid_out_adjoint(y, y_bar, a, shape, like, order="A"):
    return reshape_laid_out(y_bar, np.shape(a), like, order)


# (read by the normalizer, syntax.normalize.flatten: a call, never a method variant)
METHOD_VARIANTS[("reshape", "order", "A")] = (reshape_laid_out, "reshape_laid_out")


# ------------------------------------------ facts of ops without a rule that share memory
# (a write through their result is followed or refused as one through np.asarray's:
# syntax.normalize.sharing): the argument itself where its dtype and layout fit
for _op in (np.asanyarray, np.require, np.asarray_chkfinite, np.real_if_close, np.asmatrix):
    declare(_op, view="maybe")
# views of the first argument (np.unstack's items and np.trim_zeros's slice too)
for _op in (np.trim_zeros, getattr(np, "unstack", None), getattr(np, "matrix_transpose", None),
            np.lib.stride_tricks.as_strided, np.lib.stride_tricks.sliding_window_view):
    if _op is not None:
        declare(_op, view=True)
