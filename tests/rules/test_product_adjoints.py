"""The adjoint helpers of issue 14's products and structure rules, checked by the
dot-product test <g, L v> = <L^T g, v> of a linear map L (exact, no differences), over
many more subscripts and shapes than the op table runs through s2sad."""

import numpy as np
import pytest

from s2sad.runtime.contractions import einsum_bar, kron_lhs_bar, kron_rhs_bar
from s2sad.runtime.structure import (diag_bar, diagonal_bar, pad_bar, pad_constant_bar,
                                     repeat_array_bar, roll_bar, rollaxis_bar, tile_bar)

EINSUMS = [
    ("ij,jk->ik", [(3, 4), (4, 2)]), ("ij,jk", [(3, 4), (4, 2)]), ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]), ("iij->ij", [(3, 3, 2)]), ("iji->j", [(2, 3, 2)]),
    ("ii,ij->j", [(3, 3), (3, 2)]), ("ij->", [(3, 4)]), ("ij,k->ik", [(3, 4), (2,)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (4, 2)]), ("...ij,...jk", [(2, 1, 3, 4), (5, 4, 2)]),
    ("...j,j->...", [(3, 4), (4,)]), ("i...,i...->...", [(3, 2, 2), (3, 1, 2)]),
    ("...", [(2, 3)]), ("ij,ij->ij", [(3, 1), (1, 4)]), (",ij->ij", [(), (2, 3)]),
    ("i,i,i->i", [(3,), (3,), (3,)]), ("Ab,bA->A", [(2, 3), (3, 2)]),
    ("ijk->kji", [(2, 3, 4)]), ("ij,jk,kl,lm->im", [(2, 3), (3, 4), (4, 2), (2, 2)]),
    ("iii->", [(2, 2, 2)]), ("ij->ji", [(2, 3)]), ("i,j", [(2,), (3,)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("ij,ij", [(3, 1), (3, 4)]),
    ("a...a->...", [(3, 2, 3)]), ("ij,ij->", [(1, 1), (3, 4)]), ("...i,...i", [(4,), (2, 4)]),
    ("i->", [(1,)]), ("ij->j", [(1, 4)]), ("ii,i->i", [(3, 3), (1,)]),
    ("ij,ij->i", [(3, 4), (1, 4)]), ("i j , j k -> i k", [(2, 3), (3, 2)]),
]


def _dot_test(forward, backward, shape, out_shape=None, seed=0):
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(shape)
    y = forward(v)
    g = rng.standard_normal(np.shape(y))
    bar = backward(g)
    assert np.shape(bar) == shape
    np.testing.assert_allclose(np.sum(g * y), np.sum(bar * v), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("subscripts, shapes", EINSUMS, ids=[s for s, _ in EINSUMS])
def test_einsum_bar(subscripts, shapes):
    rng = np.random.default_rng(1)
    ops = [rng.standard_normal(s) for s in shapes]
    for k in range(len(ops)):
        def forward(v, k=k):
            return np.einsum(subscripts, *(ops[:k] + [v] + ops[k + 1:]))
        slots = list(ops)
        slots[k] = shapes[k]
        _dot_test(forward, lambda g, k=k, slots=slots: einsum_bar(g, subscripts, k, *slots),
                  shapes[k])


@pytest.mark.parametrize("a, b", [((3,), (2,)), ((2, 3), (3, 2)), ((2,), (2, 3)),
                                  ((2, 2, 1), (3,)), ((), (3,))])
def test_kron_bars(a, b):
    rng = np.random.default_rng(2)
    A, B = rng.standard_normal(a), rng.standard_normal(b)
    _dot_test(lambda v: np.kron(v, B), lambda g: kron_lhs_bar(g, A, B), a)
    _dot_test(lambda v: np.kron(A, v), lambda g: kron_rhs_bar(g, A, B), b)


STRUCTURE = [
    ("diag-vector", (3,), lambda v: np.diag(v, -1), lambda g, v: diag_bar(g, v, -1)),
    ("diag-matrix", (3, 4), lambda v: np.diag(v, 2), lambda g, v: diag_bar(g, v, 2)),
    ("diag-empty", (3, 4), lambda v: np.diag(v, 5), lambda g, v: diag_bar(g, v, 5)),
    ("diagonal", (3, 2, 4), lambda v: np.diagonal(v, -1, 2, 0),
     lambda g, v: diagonal_bar(g, v, -1, 2, 0)),
    ("tile", (2, 3), lambda v: np.tile(v, (2, 1, 2)), lambda g, v: tile_bar(g, v, (2, 1, 2))),
    ("tile-short-reps", (2, 3), lambda v: np.tile(v, 3), lambda g, v: tile_bar(g, v, 3)),
    ("repeat", (2, 3), lambda v: np.repeat(v, [1, 0, 3], axis=-1),
     lambda g, v: repeat_array_bar(g, v, [1, 0, 3], -1)),
    ("repeat-flat", (2, 3), lambda v: np.repeat(v, 2), lambda g, v: repeat_array_bar(g, v, 2)),
    ("roll", (3, 4), lambda v: np.roll(v, (1, -5), (0, 1)),
     lambda g, v: roll_bar(g, (1, -5), (0, 1))),
    ("rollaxis", (2, 3, 4, 5), lambda v: np.rollaxis(v, 3, 1),
     lambda g, v: rollaxis_bar(g, v, 3, 1)),
    ("rollaxis-end", (2, 3, 4), lambda v: np.rollaxis(v, 0, 3),
     lambda g, v: rollaxis_bar(g, v, 0, 3)),
] + [(f"pad-{mode}", (3, 4), lambda v, mode=mode: np.pad(v, ((2, 3), (4, 1)), mode),
      lambda g, v, mode=mode: pad_bar(g, v, ((2, 3), (4, 1)), mode))
     for mode in ("constant", "edge", "reflect", "symmetric", "wrap")]


@pytest.mark.parametrize("name, shape, forward, backward", STRUCTURE,
                         ids=[s[0] for s in STRUCTURE])
def test_structure_bars(name, shape, forward, backward):
    v0 = np.zeros(shape)
    _dot_test(forward, lambda g: backward(g, v0), shape)


@pytest.mark.parametrize("shape", [(), (1,), (2,), (3, 1), (3, 2), (1, 2)])
def test_pad_constant_values_bar(shape):
    a = np.zeros((2, 3, 2)) if shape == (3, 2) or shape == (3, 1) else np.zeros((2, 3))
    pad = ((1, 2), (0, 1)) + (((1, 1),) if a.ndim == 3 else ())
    _dot_test(lambda c: np.pad(a, pad, constant_values=c),
              lambda g: pad_constant_bar(g, a, pad, "constant", np.zeros(shape)), shape)
