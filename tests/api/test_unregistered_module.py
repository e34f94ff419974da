"""A module the program makes (``types.ModuleType``) and never registers in
``sys.modules`` is a value of the user's, read dotted: the generated module imported it
by its name and raised ModuleNotFoundError (found by the fuzzer's module_attr work).
References: derivatives by hand."""

import types

import numpy as np

import s2sad

CFG = types.ModuleType("s2sad_test_unregistered_cfg")
CFG.SCALE = 2.0
CFG.VEC = np.array([0.5, -1.0])


def reads_an_unregistered_module(x):
    return np.sum(x * CFG.VEC) * CFG.SCALE


def test_every_mode_reads_it_as_it_is_now():
    x = np.array([0.3, 0.4])
    np.testing.assert_allclose(s2sad.grad(reads_an_unregistered_module)(x), CFG.VEC * 2.0)
    _, tangent = s2sad.jvp(reads_an_unregistered_module)(x, np.ones(2))
    assert tangent == (0.5 - 1.0) * 2.0
    CFG.SCALE = 3.0   # (read at each call, as Python's function does)
    try:
        np.testing.assert_allclose(s2sad.grad(reads_an_unregistered_module)(x), CFG.VEC * 3.0)
    finally:
        CFG.SCALE = 2.0
