"""A written module's globals check tells what Python tells apart (stranger12's bugs 6
and 9): a module the source binds by a name (``import cfg as c``) and the program rebinds
(``m.c = other``) raises ``ReboundNameError`` instead of the old module's values; a float
global copied in as ``-0.0`` and rebound to ``0.0`` (equal, of one type, but another sign
for ``math.copysign`` and ``1 / x``) raises too, while a NaN rebound to a NaN passes."""

import importlib
import os
import sys
import textwrap

import pytest

from s2sad import errors
from in_process import s2sad_command

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


def _written(tmp_path, name, source, function, others=()):
    for other, text in others:
        (tmp_path / f"{other}.py").write_text(textwrap.dedent(text))
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
    out = f"{name}_grad.py"
    s2sad_command(["grad", f"{name}.py:{function}", "-o", out],
                   cwd=tmp_path, env=_ENV, check=True, capture_output=True)
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module(name), importlib.import_module(f"{name}_grad")
    finally:
        sys.path.remove(str(tmp_path))


def test_a_module_rebound_by_the_program_raises(tmp_path):
    source = """
        import cfg_rb as c

        def f(x):
            return c.SCALE * x ** 2
        """
    others = [("cfg_rb", "SCALE = 2.0\n"), ("cfg_rb_other", "SCALE = 7.0\n")]
    m, written = _written(tmp_path, "m_rb", source, "f", others)
    assert written.f_value_and_grad(1.0) == (2.0, 4.0)   # 2 x^2 and 4 x, by hand
    sys.path.insert(0, str(tmp_path))
    try:
        other = importlib.import_module("cfg_rb_other")
    finally:
        sys.path.remove(str(tmp_path))
    m.c = other
    with pytest.raises(errors.ReboundNameError, match=r"m_rb\.c was rebound"):
        written.f_value_and_grad(1.0)


def test_a_negative_zero_rebound_to_zero_raises_and_a_nan_to_a_nan_passes(tmp_path):
    source = """
        import math

        SIGN = -0.0
        NAN = float("nan")

        def f(x):
            return math.copysign(2.0, SIGN) * x

        def g(x):
            return x * x + (0.0 if NAN == NAN else 1.0)
        """
    m, written = _written(tmp_path, "m_zero", source, "f")
    assert written.f_value_and_grad(1.5) == (-3.0, -2.0)   # by hand: -2 x, -2
    m.SIGN = 0.0
    with pytest.raises(errors.ReboundNameError, match=r"m_zero\.SIGN is no longer -0\.0"):
        written.f_value_and_grad(1.5)
    _, written_g = _written(tmp_path, "m_zero_g", source, "g")
    import m_zero_g
    m_zero_g.NAN = float("nan")   # another NaN object: the same value
    assert written_g.g_value_and_grad(1.5) == (3.25, 3.0)   # x^2 + 1 and 2 x, by hand
