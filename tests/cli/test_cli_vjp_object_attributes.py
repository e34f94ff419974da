"""The vjp module the CLI writes for a method reading attributes of ``self`` (objattr23):
``self.W`` is a constant of the call, and a pullback called after it was changed in place
or rebound raises ``ChangedSinceError``, as ``s2sad.vjp``'s does, instead of mixing the
new array with the old tape.  References: central finite differences of the method."""

import importlib
import os
import sys
import textwrap

import numpy as np
import pytest

import s2sad
from in_process import s2sad_command

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import numpy as np


    class Model:
        def __init__(self):
            self.W = np.array([[1.0, 2.0], [0.5, -1.0]])

        def loss(self, x):
            return np.sum(np.tanh(self.W @ x) ** 2)
    """


def _written(tmp_path):
    (tmp_path / "objmod.py").write_text(textwrap.dedent(SOURCE))
    proc = s2sad_command(["grad", "objmod.py:Model.loss",
                           "--wrt", "x", "--flavor", "vjp", "-o", "objmod_vjp.py"],
                          cwd=tmp_path, capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 0, proc.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module("objmod"), importlib.import_module("objmod_vjp")
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("objmod", None)
        sys.modules.pop("objmod_vjp", None)


@pytest.mark.parametrize("change", ["in place", "rebound"])
def test_a_pullback_after_self_w_changed_raises(tmp_path, change):
    source, written = _written(tmp_path)
    model, x = source.Model(), np.array([0.3, -0.2])
    h = 1e-6
    want = np.array([(source.Model.loss(model, x + e) - source.Model.loss(model, x - e))
                     / (2 * h) for e in np.eye(2) * h])
    value, pullback = written.loss_vjp(model, x)
    np.testing.assert_allclose(pullback(1.0), want, atol=1e-7)
    if change == "in place":
        model.W *= 3.0
    else:
        model.W = model.W * 3.0
    with pytest.raises(s2sad.errors.ChangedSinceError) as info:
        pullback(1.0)
    assert "'self.W'" in str(info.value)
