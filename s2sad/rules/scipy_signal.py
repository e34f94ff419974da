"""Rules for ``scipy.signal``'s convolutions (loaded once the user's code has imported
``scipy.signal``): ``convolve``, ``correlate`` and ``fftconvolve`` (n-d, modes
full/same/valid; every ``method`` gives the same derivative), ``convolve2d`` and
``correlate2d`` (boundary 'fill' with 0; other boundaries refused), in both arguments.

As for ``np.convolve``: the adjoint of a convolution is one correlation per argument of
the adjoint brought to the 'full' output's shape (``signal_full_bar``), and the other
way round.
"""

import scipy.signal as ss

from ..runtime import signal_fill_checked, signal_full_bar
from .registry import adjoint, nondifferentiable, tangent

nondifferentiable(signal_fill_checked)


@adjoint(ss.convolve, nondiff=("mode", "method"), allocates=True)
def convolve_adjoint(y, y_bar, in1, in2, mode="full", method="auto"):
    g = signal_full_bar(y_bar, in1, in2, mode)
    return ss.correlate(g, in2, "valid", method), ss.correlate(g, in1, "valid", method)


@tangent(ss.convolve)
def convolve_tangent(y, in1, in2, mode, method, in1_dot, in2_dot):
    return ss.convolve(in1_dot, in2, mode, method) + ss.convolve(in1, in2_dot, mode, method)


@adjoint(ss.correlate, nondiff=("mode", "method"), allocates=True)
def correlate_adjoint(y, y_bar, in1, in2, mode="full", method="auto"):
    g = signal_full_bar(y_bar, in1, in2, mode)
    return ss.convolve(g, in2, "valid", method), ss.correlate(in1, g, "valid", method)


@tangent(ss.correlate)
def correlate_tangent(y, in1, in2, mode, method, in1_dot, in2_dot):
    return ss.correlate(in1_dot, in2, mode, method) + ss.correlate(in1, in2_dot, mode, method)


@adjoint(ss.fftconvolve, nondiff=("mode", "axes"), allocates=True)
def fftconvolve_adjoint(y, y_bar, in1, in2, mode="full", axes=None):
    g = signal_full_bar(y_bar, in1, in2, mode, axes)
    return ss.correlate(g, in2, "valid", "fft"), ss.correlate(g, in1, "valid", "fft")


@tangent(ss.fftconvolve)
def fftconvolve_tangent(y, in1, in2, mode, axes, in1_dot, in2_dot):
    return ss.fftconvolve(in1_dot, in2, mode, axes) + ss.fftconvolve(in1, in2_dot, mode, axes)


@adjoint(ss.convolve2d, nondiff=("mode", "boundary", "fillvalue"), allocates=True)
def convolve2d_adjoint(y, y_bar, in1, in2, mode="full", boundary="fill", fillvalue=0):
    g = signal_full_bar(y_bar, in1, in2, mode) * signal_fill_checked(boundary, fillvalue)
    return ss.correlate2d(g, in2, "valid"), ss.correlate2d(g, in1, "valid")


@tangent(ss.convolve2d)
def convolve2d_tangent(y, in1, in2, mode, boundary, fillvalue, in1_dot, in2_dot):
    return signal_fill_checked(boundary, fillvalue) * (
        ss.convolve2d(in1_dot, in2, mode) + ss.convolve2d(in1, in2_dot, mode))


@adjoint(ss.correlate2d, nondiff=("mode", "boundary", "fillvalue"), allocates=True)
def correlate2d_adjoint(y, y_bar, in1, in2, mode="full", boundary="fill", fillvalue=0):
    g = signal_full_bar(y_bar, in1, in2, mode, None, "correlate2d") * signal_fill_checked(boundary, fillvalue)
    return ss.convolve2d(g, in2, "valid"), ss.correlate2d(in1, g, "valid")


@tangent(ss.correlate2d)
def correlate2d_tangent(y, in1, in2, mode, boundary, fillvalue, in1_dot, in2_dot):
    return signal_fill_checked(boundary, fillvalue) * (
        ss.correlate2d(in1_dot, in2, mode) + ss.correlate2d(in1, in2_dot, mode))
