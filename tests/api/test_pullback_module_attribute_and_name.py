"""A function reading ``c.SCALE`` (``import cfg as c``) and ``SCALE`` (``from cfg import
SCALE``), two values of one name: ``cfg.SCALE`` set between ``vjp`` and the pullback
raises ``ChangedSinceError`` (stranger12's bug 8: the pullback read the new ``c.SCALE``
beside the old tape, silently), through the API and the CLI's ``--flavor vjp`` module,
also where the module is read only dotted."""

import importlib
import os
import sys
import textwrap

import pytest

import s2sad
from s2sad import errors
from in_process import s2sad_command

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

CFG = "SCALE = 2.0\n"
BOTH = """
    import cfg_pb as c
    from cfg_pb import SCALE

    def f(x):
        return c.SCALE * x ** 2 + SCALE * x
    """
DOTTED = """
    import cfg_pb as c

    def f(x):
        return c.SCALE * x ** 2
    """


@pytest.fixture
def modules(tmp_path):
    (tmp_path / "cfg_pb.py").write_text(CFG)
    (tmp_path / "m_pb_both.py").write_text(textwrap.dedent(BOTH))
    (tmp_path / "m_pb_dotted.py").write_text(textwrap.dedent(DOTTED))
    for name in ("m_pb_both", "m_pb_dotted"):
        s2sad_command(["grad", f"{name}.py:f", "--flavor",
                        "vjp", "-o", f"{name}_vjp.py"], cwd=tmp_path, env=_ENV, check=True,
                       capture_output=True)
    sys.path.insert(0, str(tmp_path))
    try:
        yield {name: importlib.import_module(name) for name in
               ("cfg_pb", "m_pb_both", "m_pb_dotted", "m_pb_both_vjp", "m_pb_dotted_vjp")}
    finally:
        sys.path.remove(str(tmp_path))
        for name in ("cfg_pb", "m_pb_both", "m_pb_dotted", "m_pb_both_vjp", "m_pb_dotted_vjp"):
            sys.modules.pop(name, None)


@pytest.mark.parametrize("source, at_call", [("m_pb_both", 6.0), ("m_pb_dotted", 4.0)])
@pytest.mark.parametrize("how", ["api", "cli"])
def test_a_module_attribute_changed_since_raises(modules, source, at_call, how):
    cfg = modules["cfg_pb"]
    vjp = s2sad.vjp(modules[source].f) if how == "api" else modules[f"{source}_vjp"].f_vjp
    cfg.SCALE = 2.0
    _, pullback = vjp(1.0)
    assert pullback(1.0) == pytest.approx(at_call)   # 2 * 2 x (+ 2): by hand, at x = 1
    cfg.SCALE = 7.0
    try:
        with pytest.raises(errors.ChangedSinceError, match="SCALE"):
            pullback(1.0)
    finally:
        cfg.SCALE = 2.0
    assert pullback(1.0) == pytest.approx(at_call)   # put back: its first numbers
