"""The vjp module the CLI writes (``--flavor vjp``) for a function that writes into an
array after the tape took views of it (``x[i]`` in a loop, a column ``x[:, i]``): its
pullback, run twice, gives the derivative at the call, as ``s2sad.vjp`` does.  It read
the written value through the taped view (1.0 where the derivative is cos(0.876)).
References: central finite differences of the source function."""

import importlib
import os
import sys
import textwrap

import numpy as np
import pytest

from s2sad.testing import finite_difference_gradient
from in_process import s2sad_command

#: the child processes import this s2sad (the test's sys.path)
_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import numpy as np

    def rows(x):
        for i in range(2):
            s = np.sum(np.sin(x[i]))
        x[1, 0] = 0.0
        return s

    def columns(x):
        s = 0.0
        for i in range(3):
            c = x[:, i]
            s = s + np.sum(np.sin(c) * c)
        x[1, 0] = 0.0
        x[0, 2] = 2.0
        return s
    """


@pytest.mark.parametrize("func", ["rows", "columns"])
def test_the_written_module_restores_what_taped_views_see(tmp_path, func):
    name = "taped_views_src"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(SOURCE))
    proc = s2sad_command(["grad", f"{name}.py:{func}",
                           "--flavor", "vjp", "-o", f"{name}_{func}.py"],
                          cwd=tmp_path, capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 0, proc.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        source = importlib.import_module(name)
        written = importlib.import_module(f"{name}_{func}")
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)
        sys.modules.pop(f"{name}_{func}", None)
    x = np.array([[1.091, 0.771, 0.889], [0.876, -0.002, 0.041]])
    given = x.copy()
    reference = finite_difference_gradient(getattr(source, func), (x.copy(),))
    value, pullback = getattr(written, f"{func}_vjp")(given)
    np.testing.assert_allclose(value, getattr(source, func)(x.copy()), rtol=1e-12)
    for _ in range(2):
        np.testing.assert_allclose(pullback(1.0), reference, rtol=1e-6, atol=1e-8)
    assert np.array_equal(given, x)
