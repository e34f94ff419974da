"""A written module takes the source's globals when imported (``from src import W0``,
``SCALE = 3.0``): a call after the program rebinds one raises, naming the global and its
module, where it silently used the old value; an array changed in place is read."""

import importlib
import os
import sys
import textwrap

import numpy as np
import pytest

import s2sad
from in_process import s2sad_command

#: the child processes import this s2sad (the test's sys.path)
_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import numpy as np

    W0 = np.array([[1.0, 0.5], [0.2, -0.3]])
    SCALE = 3.0

    def energy(x):
        return SCALE * np.sum((x @ W0) ** 2)
    """


def _gradient_by_hand(x, W, scale):
    """d/dx of scale * sum((x @ W) ** 2)."""
    return 2.0 * scale * W @ (x @ W)


def _written(tmp_path, name, *extra):
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(SOURCE))
    proc = s2sad_command(["grad", f"{name}.py:energy",
                           "-o", f"{name}_grad.py", *extra],
                          cwd=tmp_path, capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 0, proc.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module(name), importlib.import_module(f"{name}_grad")
    finally:
        sys.path.remove(str(tmp_path))


@pytest.mark.parametrize("target", ["numpy", "numba"])
def test_rebinding_a_global_of_the_source_raises(tmp_path, target):
    name = f"src_globals_{target}"
    source, written = _written(tmp_path, name, "--target", target)
    try:
        x = np.array([0.3, -0.7])
        value, gradient = written.energy_value_and_grad(x)   # unchanged globals work
        assert value == pytest.approx(3.0 * np.sum((x @ source.W0) ** 2))
        np.testing.assert_allclose(gradient, _gradient_by_hand(x, source.W0, 3.0))
        source.W0[0, 0] = 2.0   # changed in place: the same array, its new items read
        W = np.array([[2.0, 0.5], [0.2, -0.3]])
        np.testing.assert_allclose(written.energy_value_and_grad(x)[1],
                                   _gradient_by_hand(x, W, 3.0))
        old = source.W0
        source.W0 = 2.0 * np.eye(2)   # rebound: the module holds the old array
        with pytest.raises(s2sad.errors.ReboundNameError) as info:
            written.energy_value_and_grad(x)
        message = str(info.value)
        assert f"{name}.W0 was rebound" in message
        assert f"{name}_grad.py:" in message and f"from {name} import W0" in message
        assert f"s2sad grad {name}.py:energy --wrt x" in message
        source.W0 = old
        source.SCALE = 4.0   # a number copied in when the module was written
        with pytest.raises(s2sad.errors.ReboundNameError, match=f"{name}.SCALE is no longer 3.0"):
            written.energy_value_and_grad(x)
        source.SCALE = 3   # equal, another type: the module's 3.0 is not the program's 3
        with pytest.raises(s2sad.errors.ReboundNameError):
            written.energy_value_and_grad(x)
        source.SCALE = 3.0   # back: works again
        np.testing.assert_allclose(written.energy_value_and_grad(x)[1],
                                   _gradient_by_hand(x, W, 3.0))
    finally:
        sys.modules.pop(name, None)
        sys.modules.pop(f"{name}_grad", None)


def test_a_module_without_globals_has_no_check(tmp_path):
    (tmp_path / "plain.py").write_text("import numpy as np\n\ndef f(x):\n"
                                       "    return np.sum(x ** 2)\n")
    proc = s2sad_command(["grad", "plain.py:f"],
                          cwd=tmp_path, capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 0, proc.stderr
    assert "check_globals" not in proc.stdout


@pytest.mark.parametrize("target", ["numpy", "numba"])
def test_a_source_in_a_package_is_checked_as_the_program_imports_it(tmp_path, target):
    """pkg/src.py was imported by its file stem, so the written module took ``from src
    import W0``: a program importing ``pkg.src`` (with pkg/ on sys.path too) changed and
    rebound ``pkg.src.W0`` while the module read another copy's, silently."""
    package = f"userpkg_{target}"
    (tmp_path / package).mkdir()
    (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / package / "src.py").write_text(textwrap.dedent(SOURCE))
    proc = s2sad_command(["grad", f"{package}/src.py:energy",
                           "-o", f"{package}/src_grad.py", "--target", target],
                          cwd=tmp_path, capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / package / "src_grad.py").read_text()
    assert f"from {package}.src import W0\n" in text
    assert f"('{package}.src', 'W0', W0)" in text
    sys.path[:0] = [str(tmp_path), str(tmp_path / package)]
    try:
        source = importlib.import_module(f"{package}.src")
        written = importlib.import_module(f"{package}.src_grad")
        x = np.array([0.3, -0.7])
        np.testing.assert_allclose(written.energy_value_and_grad(x)[1],
                                   _gradient_by_hand(x, source.W0, 3.0))
        source.W0[0, 0] = 2.0   # in place: read
        W = np.array([[2.0, 0.5], [0.2, -0.3]])
        np.testing.assert_allclose(written.energy_value_and_grad(x)[1],
                                   _gradient_by_hand(x, W, 3.0))
        source.W0 = 2.0 * np.eye(2)   # rebound: refused
        with pytest.raises(s2sad.errors.ReboundNameError,
                           match=f"{package}.src.W0 was rebound"):
            written.energy_value_and_grad(x)
        source.W0 = W
        # the same file imported again by its short name (pkg/ is on sys.path): a second
        # module, whose W0 the program may change instead: refused, never the old W0 read
        second = importlib.import_module("src")
        assert second is not source and second.__file__ == source.__file__
        with pytest.raises(s2sad.errors.ReboundNameError,
                           match=f"{package}.src is also imported as src"):
            written.energy_value_and_grad(x)
    finally:
        sys.path.remove(str(tmp_path))
        sys.path.remove(str(tmp_path / package))
        for key in (package, f"{package}.src", f"{package}.src_grad", "src"):
            sys.modules.pop(key, None)
