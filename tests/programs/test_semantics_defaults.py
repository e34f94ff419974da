"""Defaults are the values the function holds (Python evaluates them once, at 'def'):
a default that reads a value of the enclosing function, or a global deleted since, is
given in-process; a written module, which cannot spell it, refuses with its location."""

import sys
import textwrap

import numpy as np
import pytest

import s2sad
from in_process import s2sad_command

SCALE = 10.0


def uses_a_deleted_global(x, a=SCALE):
    return x * a


def make_scaled(scale):
    def scaled(x, s=scale, *, t=scale * 2.0):
        return np.sum(x * s + t * x * x)
    return scaled


SCALED = make_scaled(3.0)


def calls_the_closure_helper(x):
    # 3x + 6x^2 and 1x + 0.5x^2, summed
    return SCALED(x) + SCALED(x, 1.0, t=0.5)


def test_a_default_read_from_a_global_deleted_since():
    global SCALE
    saved = SCALE
    del SCALE
    try:
        assert s2sad.grad(uses_a_deleted_global)(2.0) == pytest.approx(10.0)
        assert s2sad.jvp(uses_a_deleted_global)(2.0, 1.0) == pytest.approx((20.0, 10.0))
    finally:
        SCALE = saved


def test_defaults_from_the_enclosing_function_in_every_mode():
    x = np.array([0.5, -1.0])
    np.testing.assert_allclose(s2sad.grad(SCALED)(x), 3.0 + 12.0 * x)
    value, tangent = s2sad.jvp(SCALED)(x, np.ones(2))
    assert tangent == pytest.approx(np.sum(3.0 + 12.0 * x))
    np.testing.assert_allclose(s2sad.hvp(SCALED)(x, np.ones(2)), 12.0 * np.ones(2))
    np.testing.assert_allclose(s2sad.grad(calls_the_closure_helper)(x), 4.0 + 13.0 * x)
    value, tangent = s2sad.jvp(calls_the_closure_helper)(x, np.array([1.0, 0.0]))
    assert tangent == pytest.approx(4.0 + 13.0 * x[0])


def test_a_written_module_refuses_a_default_it_cannot_spell(tmp_path):
    (tmp_path / "m.py").write_text(textwrap.dedent("""\
        def outer(scale):
            def inner(x, s=scale):
                return x * s
            return inner


        g = outer(3.0)


        def caller(x):
            return g(x) + g(x, 1.0)
    """))
    for spec in ("m.py:caller", "m.py:g"):
        proc = s2sad_command(["grad", spec], cwd=tmp_path,
                              capture_output=True, text=True)
        assert proc.returncode == 2, proc.stderr
        assert "m.py:2:20:" in proc.stderr
        assert "reads 'scale', which its module does not hold" in proc.stderr
    assert not (tmp_path / "m_grad.py").exists()
