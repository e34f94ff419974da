"""Op-table rows of numpy's convolution, interpolation and polynomials (functions in
tests/fixtures/ops_signal.py)."""

import numpy as np

import ops_signal as S
from optable import Arg, row


def _off_knots(x, *rest, knots=S.KNOTS, gap=0.05):
    """x away from every knot (the derivative in x jumps there)."""
    return bool(np.all(np.abs(np.subtract.outer(np.ravel(x), knots)) > gap))


def _wide(rng, shape):
    """Points inside and outside the knots (-1.5 .. 1.7)."""
    return rng.uniform(-2.5, 2.5, shape)


def _periodic(rng, shape):
    return rng.uniform(-7.0, 13.0, shape)


def _periodic_off_knots(x, fp):
    return _off_knots(np.mod(x, 6.0), knots=np.concatenate([S.PERIODIC_KNOTS, [0.0, 6.0]]))


_LENGTHS = [("5-3", 5, 3), ("3-5", 3, 5), ("4-4", 4, 4), ("6-2", 6, 2), ("2-6", 2, 6),
            ("4-5", 4, 5), ("1-4", 1, 4)]


def _pairs():
    return [(label, Arg((n,)), Arg((m,))) for label, n, m in _LENGTHS]


ROWS = [
    row("convolve", S.convolve, *_pairs(), ("scalar-vector", Arg(()), Arg((3,)))),
    row("convolve-same", S.convolve_same, *_pairs()),
    row("convolve-valid", S.convolve_valid, *_pairs()),
    row("correlate", S.correlate, *_pairs()),
    row("correlate-full", S.correlate_full, *_pairs()),
    row("correlate-same", S.correlate_same, *_pairs()),
    row("interp", S.interp, ("scalar", Arg((), _wide), Arg((5,))),
        ("vector", Arg((7,), _wide), Arg((5,))), ("matrix", Arg((3, 4), _wide), Arg((5,))),
        valid=_off_knots),
    row("interp-x", S.interp_x, ("vector", Arg((6,), _wide)), ("scalar", Arg((), _wide)),
        valid=_off_knots),
    row("interp-left-right", S.interp_bounds,
        ("vector", Arg((8,), _wide), Arg((5,)), Arg(()), Arg(())), valid=_off_knots),
    row("interp-left", S.interp_left,
        ("vector", Arg((8,), _wide), Arg((5,)), Arg(())), valid=_off_knots),
    row("interp-period", S.interp_period,
        ("vector", Arg((8,), _periodic), Arg((5,))),
        ("matrix", Arg((2, 3), _periodic), Arg((5,))), valid=_periodic_off_knots),
    row("polyval", S.polyval, ("scalar", Arg((4,)), Arg(())), ("vector", Arg((3,)), Arg((5,))),
        ("matrix", Arg((5,)), Arg((2, 3))), ("constant", Arg((1,)), Arg((3,)))),
    row("polyval-squared", S.polyval_squared, ("vector", Arg((3,)), Arg((4,)))),
    row("polynomial.polyval", S.polynomial_polyval, ("vector", Arg((5,)), Arg((3,))),
        ("scalar", Arg(()), Arg((4,))), ("matrix", Arg((2, 3)), Arg((2,))),
        ("constant", Arg((3,)), Arg((1,)))),
    row("vander", S.vander, ("vector", Arg((4,))), ("one", Arg((1,)))),
    row("vander-N", S.vander_n, ("vector", Arg((5,))), ("few", Arg((2,)))),
    row("vander-increasing", S.vander_increasing, ("vector", Arg((5,)))),
    row("vander-normal", S.vander_normal, ("vector", Arg((6,)), Arg((3,)))),
]
