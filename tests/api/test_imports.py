"""What importing s2sad and a plain grad load: structural guards (never timings).

Each check runs in a fresh interpreter, since this process has loaded everything."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code):
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_s2sad_loads_no_optional_library():
    out = _run("""
        import sys
        import s2sad
        print(sorted(m for m in sys.modules
                     if m.split('.')[0] in ('scipy', 'numba', 'jax', 'torch')))
    """)
    assert out.strip() == "[]"


def test_a_plain_grad_loads_neither_scipy_nor_the_fuzzer_nor_the_cli(tmp_path):
    (tmp_path / "user_module.py").write_text(textwrap.dedent("""
        import numpy as np

        def f(x):
            return np.sum(np.tanh(x) ** 2)
    """))
    out = _run(f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        import numpy as np
        import s2sad
        from user_module import f
        x = np.linspace(-1.0, 1.0, 4)
        g = s2sad.grad(f)(x)
        assert np.allclose(g, 2.0 * np.tanh(x) * (1.0 - np.tanh(x) ** 2))
        print(sorted({{'.'.join(m.split('.')[:2]) for m in sys.modules
                      if m.startswith(('scipy', 's2sad.fuzz', 's2sad.cli'))}}))
    """)
    assert out.strip() == "[]"
