"""backend="numba" and ``--target numba`` read a user's module's attributes at each call.

numba freezes a global as a constant when it compiles, and its disk cache keeps that
constant for later processes; ``cfg.SCALE`` (``import cfg``) and ``pkg.mod.W`` are such
globals.  They are passed to the compiled function as arguments (``numba_free``), so a
number rebound, an array rebound and an array changed in place are all read anew.
References: finite differences and derivatives written by hand.
"""

import importlib.util
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import s2sad  # noqa: E402
from s2sad.backends.numba_free import free_reads  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402
from in_process import s2sad_command

ROOT = Path(__file__).resolve().parents[2]

CFG = "import numpy as np\nSCALE = 2.0\nVEC = np.array([1.0, 2.0, 3.0])\n"
MOD = "import numpy as np\nW = np.array([0.5, -1.0, 2.0])\n"
MODEL = '''import numpy as np
import fn3cfg
import fn3pkg.mod


def f(x, n):
    s = 0.0
    for i in range(n):
        s = s * 0.5 + x[i % x.shape[0]] ** 2 * fn3cfg.SCALE \\
            + fn3cfg.VEC[i % fn3cfg.VEC.shape[0]] * x[0]
    return s + np.sum(fn3pkg.mod.W * x) + fn3cfg.VEC.sum() * x[1]


def g(x):
    return np.sum(np.sin(x) * fn3cfg.VEC) * fn3cfg.SCALE
'''


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    where = tmp_path_factory.mktemp("module_attributes")
    (where / "fn3pkg").mkdir()
    (where / "fn3pkg" / "__init__.py").write_text("")
    (where / "fn3pkg" / "mod.py").write_text(MOD)
    (where / "fn3cfg.py").write_text(CFG)
    (where / "fn3model.py").write_text(MODEL)
    sys.path.insert(0, str(where))
    import fn3cfg
    import fn3model
    import fn3pkg.mod
    yield where, fn3model, fn3cfg, fn3pkg.mod
    sys.path.remove(str(where))


def _states(cfg, mod):
    """Each form of change, applied in turn: a number rebound, an array rebound, an
    array changed in place, a dotted module's array changed in place."""
    yield "start"
    cfg.SCALE = 3.0
    yield "number rebound"
    cfg.VEC = np.array([-1.0, 0.5, 4.0])
    yield "array rebound"
    cfg.VEC[1] = 7.0
    yield "array changed in place"
    mod.W[:] = [1.5, 2.0, -0.25]
    yield "pkg.mod.W changed in place"


def _reset(cfg, mod):
    cfg.SCALE = 2.0
    cfg.VEC = np.array([1.0, 2.0, 3.0])
    mod.W = np.array([0.5, -1.0, 2.0])


def test_dotted_reads_become_names_and_library_calls_stay():
    text = ("import numpy as np\nimport cfg\nimport pkg.mod\nimport scipy.special\n\n\n"
            "def f(x):\n    a = np.sum(cfg.VEC.sum() * x) + cfg.SCALE + pkg.mod.W[0]\n"
            "    b = scipy.special.expit(x) * cfg.SCALE\n"
            "    return a, unshared(b, (x, cfg))\n")
    new, reads = free_reads(text)
    assert reads == [("cfg_VEC", "cfg.VEC"), ("cfg_SCALE", "cfg.SCALE"),
                     ("pkg_mod_W", "pkg.mod.W")]
    assert "np.sum(cfg_VEC.sum() * x) + cfg_SCALE + pkg_mod_W[0]" in new
    assert "scipy.special.expit(x) * cfg_SCALE" in new
    assert "unshared(b, (x, cfg_VEC, cfg_SCALE))" in new
    # a parameter of a module's name is not the module
    shadowed = "import cfg\n\n\ndef g(cfg):\n    return cfg.A\n"
    assert free_reads(shadowed) == (shadowed, [])


SCRIPT = """import json
import sys
import numpy as np
import s2sad, fn3cfg, fn3model
fn3cfg.SCALE = float(sys.argv[1])
x = np.array([0.3, -0.5, 0.8])
print(json.dumps(s2sad.grad(fn3model.g, backend="numba")(x).tolist()))
"""


def test_a_new_process_reads_its_own_value_from_the_shared_cache(place, tmp_path):
    where, _, _, _ = place
    (where / "fn3_process.py").write_text(SCRIPT)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(where), env.get("PYTHONPATH", "")])
    env["S2SAD_CACHE_DIR"] = str(tmp_path / "shared")
    x = np.array([0.3, -0.5, 0.8])
    for scale in (2.0, 5.0):   # (the second process loads the first one's compiled code)
        proc = subprocess.run([sys.executable, "fn3_process.py", str(scale)], cwd=where, env=env,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        assert proc.returncode == 0, proc.stderr
        grad = np.array(json.loads(proc.stdout.strip().splitlines()[-1]))
        # by hand: g = SCALE * sum(sin(x) * VEC)
        np.testing.assert_allclose(grad, scale * np.cos(x) * np.array([1.0, 2.0, 3.0]),
                                   rtol=1e-12)


def test_api_reads_each_change(place):
    _, model, cfg, mod = place
    _reset(cfg, mod)
    x = np.array([0.3, -0.5, 0.8])
    g = s2sad.value_and_grad(model.f, backend="numba")
    for state in _states(cfg, mod):
        with warnings.catch_warnings():
            warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
            for _ in range(3):   # (the second call on takes the fast path)
                value, grad = g(x, 5)
        assert g.backend_used == "numba", state
        np.testing.assert_allclose(value, model.f(x, 5), rtol=1e-12, err_msg=state)
        np.testing.assert_allclose(grad, fd(model.f, (x, 5)), rtol=1e-6, atol=1e-8,
                                   err_msg=state)
    _reset(cfg, mod)


def test_hessian_and_jvp_read_each_change(place):
    _, model, cfg, mod = place
    _reset(cfg, mod)
    x = np.array([0.3, -0.5, 0.8])
    h = s2sad.hessian(model.g, backend="numba")
    j = s2sad.jvp(model.g, backend="numba")
    v = np.array([1.0, -2.0, 0.5])
    for state in _states(cfg, mod):
        with warnings.catch_warnings():
            warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
            hess = h(x)
            out = j(x, v)
        # by hand: g = SCALE * sum(sin(x) * VEC)
        expected = np.diag(-np.sin(x) * cfg.VEC * cfg.SCALE)
        np.testing.assert_allclose(hess, expected, rtol=1e-12, err_msg=state)
        tangent = out[1] if isinstance(out, tuple) else out
        np.testing.assert_allclose(tangent, cfg.SCALE * np.sum(np.cos(x) * cfg.VEC * v),
                                   rtol=1e-12, err_msg=state)
    _reset(cfg, mod)


def test_cli_module_reads_each_change(place):
    where, model, cfg, mod = place
    _reset(cfg, mod)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    proc = s2sad_command(["grad", "fn3model.py:f", "--wrt", "x",
                           "--target", "numba", "-o", "fn3_f_nb.py", "--force"], cwd=where,
                          env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    text = (where / "fn3_f_nb.py").read_text()
    assert "(x, n, fn3cfg.SCALE, fn3cfg.VEC, fn3pkg.mod.W)" in text   # (read at each call)
    spec = importlib.util.spec_from_file_location("fn3_f_nb", where / "fn3_f_nb.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = np.array([0.3, -0.5, 0.8])
    for state in _states(cfg, mod):
        value, grad = module.f_value_and_grad(x, 5)
        np.testing.assert_allclose(value, model.f(x, 5), rtol=1e-12, err_msg=state)
        np.testing.assert_allclose(grad, fd(model.f, (x, 5)), rtol=1e-6, atol=1e-8,
                                   err_msg=state)
    _reset(cfg, mod)
