"""A default the generated vjp reads through a function of its own module (a decorated
function's wrapped one, a helper, stacked decorators, keyword-only, a closure's array)
changed in place between the vjp and its pullback raises ChangedSinceError, as the
entry's own default and a global do; unchanged, the pullback matches a derivative by
hand (d/dx sin(x * d) = d * cos(x * d))."""

import os
import sys
from pathlib import Path

import numpy as np
import pytest

import s2sad
from s2sad.errors import ChangedSinceError
import pullback_defaults as pd
from in_process import s2sad_command

ONES = np.ones(3)
ROW = pd.C23[1].copy()

CASES = [  # (function, the array its default is, the factor outside sin, the label)
    (pd.decorated, pd.C23, 1.5, "'d1' of decorated"),
    (pd.stacked, pd.C23, 3.0, "'d1' of stacked"),
    (pd.unwrapped_name, pd.C23, 2.0, "'d1' of unwrapped_name"),
    (pd.keyword_only, pd.C23, 1.5, "'d1' of keyword_only"),
    (pd.calls_a_helper, pd.C23, 2.0, "'d1' of helper"),
]


@pytest.mark.parametrize("func, array, factor, label", CASES,
                         ids=[case[3].split()[-1] for case in CASES])
def test_a_default_read_through_a_function_of_the_module_is_kept(func, array, factor, label):
    x = 0.7
    value, pullback = s2sad.vjp(func)(x)
    by_hand = factor * np.sum(ROW * np.cos(x * ROW))
    np.testing.assert_allclose(value, factor * np.sin(x * ROW), rtol=1e-12)
    np.testing.assert_allclose(pullback(ONES), by_hand, rtol=1e-12)
    old = array.copy()
    try:
        array[1, 0] += 1.0
        with pytest.raises(ChangedSinceError, match=f"the default of {label}"):
            pullback(ONES)
    finally:
        array[:] = old
    np.testing.assert_allclose(pullback(ONES), by_hand, rtol=1e-12)


def test_a_closure_variable_default_of_the_wrapped_function():
    x = 0.7
    _, pullback = s2sad.vjp(pd.closed_default)(x)
    s = pd.SCALES
    np.testing.assert_allclose(pullback(ONES), 1.5 * np.sum(s * np.cos(x * s)), rtol=1e-12)
    pd.CLOSED[0] += 1.0
    try:
        with pytest.raises(ChangedSinceError, match="the default of 'd1' of inner"):
            pullback(ONES)
    finally:
        pd.CLOSED[0] -= 1.0


def test_a_helper_given_its_argument_reads_no_default():
    # (by hand: d/dx 2 sin(x^2 e) = 4 x e cos(x^2 e)); C23, the default no call of the
    # helper leaves out, changed in place: no error, the same numbers
    x, e = 0.7, pd.SCALES
    _, pullback = s2sad.vjp(pd.calls_a_helper_giving_it)(x)
    by_hand = np.sum(4 * x * e * np.cos(x * x * e))
    np.testing.assert_allclose(pullback(ONES), by_hand, rtol=1e-12)
    old = pd.C23.copy()
    try:
        pd.C23[1, 0] += 1.0
        np.testing.assert_allclose(pullback(ONES), by_hand, rtol=1e-12)
    finally:
        pd.C23[:] = old


def test_the_cli_vjp_module_checks_the_wrapped_functions_default(tmp_path):
    source = Path(pd.__file__)
    (tmp_path / source.name).write_text(source.read_text())
    here = str(Path(s2sad.__file__).resolve().parents[1])   # (this s2sad, not another)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [here] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    proc = s2sad_command(["grad", "--flavor", "vjp",
                           f"{source.name}:decorated", "-o", "decorated_vjp.py"],
                          cwd=tmp_path, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "decorated_vjp.py"
    namespace = {}
    sys.path.insert(0, str(tmp_path))
    try:
        exec(compile(out.read_text(), str(out), "exec"), namespace)
        x = 0.7
        _, pullback = namespace["decorated_vjp"](x)
        np.testing.assert_allclose(pullback(ONES), 1.5 * np.sum(ROW * np.cos(x * ROW)),
                                   rtol=1e-12)
        old = pd.C23.copy()
        try:
            pd.C23[1, 0] += 1.0
            with pytest.raises(ChangedSinceError, match="the default of 'd1' of decorated"):
                pullback(ONES)
        finally:
            pd.C23[:] = old
    finally:
        sys.path.remove(str(tmp_path))
