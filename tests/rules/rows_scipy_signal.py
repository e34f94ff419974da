"""Op-table rows of scipy.signal's convolutions (functions in
tests/fixtures/ops_scipy_signal.py).  Without scipy there are no rows."""

import importlib.util

import ops_scipy_signal as G
from optable import Arg, row

HAS_SCIPY = importlib.util.find_spec("scipy") is not None

#: (label, shape of in1, shape of in2) in 1, 2 and 3 dimensions, either one larger
PAIRS = [("1d", (5,), (3,)), ("1d-swapped", (3,), (5,)), ("2d", (4, 5), (2, 3)),
         ("2d-swapped", (2, 3), (4, 5)), ("3d", (3, 2, 4), (2, 2, 3))]
#: valid needs one input at least as large as the other in every axis
VALID = [p for p in PAIRS] + [("2d-equal", (3, 3), (3, 3))]
PAIRS_2D = [("2d", (4, 5), (2, 3)), ("2d-swapped", (2, 3), (4, 5)), ("2d-odd", (5, 4), (3, 2))]


def _cases(pairs):
    return [(label, Arg(a), Arg(b)) for label, a, b in pairs]


ROWS = [
    row("signal.convolve", G.convolve, *_cases(PAIRS)),
    row("signal.convolve-same", G.convolve_same, *_cases(PAIRS)),
    row("signal.convolve-valid-direct", G.convolve_valid_direct, *_cases(VALID)),
    row("signal.convolve-fft", G.convolve_fft, *_cases(PAIRS)),
    row("signal.correlate", G.correlate, *_cases(PAIRS)),
    row("signal.correlate-same", G.correlate_same, *_cases(PAIRS)),
    row("signal.correlate-valid", G.correlate_valid, *_cases(VALID)),
    row("signal.fftconvolve", G.fftconvolve, *_cases(PAIRS)),
    row("signal.fftconvolve-same", G.fftconvolve_same, *_cases(PAIRS)),
    row("signal.convolve2d", G.convolve2d, *_cases(PAIRS_2D)),
    row("signal.convolve2d-same", G.convolve2d_same, *_cases(PAIRS_2D)),
    row("signal.correlate2d-valid", G.correlate2d_valid, *_cases(PAIRS_2D)),
    row("signal.correlate2d-same", G.correlate2d_same, *_cases(PAIRS_2D)),
] if HAS_SCIPY else []
