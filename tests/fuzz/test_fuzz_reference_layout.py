"""The fuzzer's second-order reference moves the arguments along the direction in their
own memory order: ``x + t * d`` of a Fortran-ordered ``x`` and a C-ordered ``d`` came out in
C order, so the reference differentiated another function where the program reads
``x.ravel('K')`` (seed 20261488: s2sad's Hessian-vector product was right, the reference
wrong)."""

import numpy as np

from s2sad.fuzz.program import _tree_axpy


def test_a_step_keeps_the_arguments_memory_order():
    x = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    d = np.ones((2, 3))
    for t in (0.0, 1e-4, -1e-4):
        moved = _tree_axpy(x, t, d)
        assert moved.flags.f_contiguous and not moved.flags.c_contiguous
        np.testing.assert_allclose(moved, x + t * d)
        np.testing.assert_array_equal(moved.ravel("K")[:3], (x + t * d).T.ravel()[:3])
    moved = _tree_axpy({"w": [x.T]}, 0.5, {"w": [d.T]})
    assert moved["w"][0].flags.c_contiguous


def test_numbers_move_as_numbers():
    assert _tree_axpy(1.0, 0.5, 2.0) == 2.0
    assert _tree_axpy((1.0, np.array(2.0)), 1.0, (1.0, np.array(1.0)))[1] == 3.0
