"""Generated text depends on the function and the rules it uses, never on what the process
did before: which rules of the user's were registered (used or not), which optional
libraries were imported and s2sad's rules for them loaded, in which order things were
generated, which module was reloaded, the hash seed; nor on the other functions of the
function's module.  (detleak18: a fixture's rule whose helper was named ``power_bar``
renamed every later generation's adjoint of ``power`` to ``power_bar_1``.)"""

import difflib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import s2sad
from s2sad import pipeline
from s2sad.rules import loading, optional, registry, reserved
from s2sad.testing import finite_difference_gradient

CORPUS = Path(__file__).resolve().parent / "determinism_corpus.py"


def _corpus(order, history, seed):
    env = dict(os.environ, PYTHONHASHSEED=str(seed))
    return subprocess.Popen([sys.executable, str(CORPUS), order, history], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _texts(process):
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out)


def _first_difference(a, b):
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            diff = difflib.unified_diff((a.get(key) or "").splitlines(),
                                        (b.get(key) or "").splitlines(), lineterm="", n=1)
            return f"{key}:\n" + "\n".join(list(diff)[:40])
    return None


def test_the_corpus_is_the_same_text_whatever_the_process_did_before():
    # (two fresh processes at once: one quiet, in one order; one busy with unrelated
    # rules, scipy's rules loaded, Dask and numba imported, a module reloaded, in the
    # other order, each text made twice; other hash seeds)
    quiet, busy = _corpus("forward", "none", 0), _corpus("backward", "busy", 12345)
    a, b = _texts(quiet), _texts(busy)
    assert len(a) > 40 and set(a) == set(b)
    assert _first_difference(a, b) is None, _first_difference(a, b)
    assert "    power_bar = 2.0 * power" in a["powers:grad"]   # (its own name: not avoided)


def _strip(text):
    """The text without the lines naming the source file and its line numbers."""
    text = re.sub(r"<s2sad (\w+) [0-9a-f]+>", r"<\1>", text)
    return "\n".join(re.sub(r"line \d+", "line N", line) for line in text.splitlines()
                     if not line.startswith(("# source", "# regenerate")))


def _generated(func, mode="reverse"):
    """The module text made now (not the API's cached one)."""
    flavor = "value_and_grad" if mode == "reverse" else "jvp"
    return pipeline.generate(func, ("x",), mode, flavor).emitted.text


LOSS = """
import numpy as np
import pytest


def loss(x):
    power = np.sin(x) * 2.0
    kept = np.mean(power)
    return np.sum(power ** 2) + kept
"""


def test_an_unrelated_rule_registered_since_changes_no_name(load):
    mod = load("plain_power", LOSS)
    before = {mode: _generated(mod.loss, mode) for mode in ("reverse", "forward")}
    assert "    power_bar = 2.0 * power" in before["reverse"]
    load("unrelated_power_rule", """
        import numpy as np
        import s2sad

        def power_bar(y_bar, x):
            return y_bar

        def kept(v):
            return v

        def cubed(x):
            return x ** 3

        @s2sad.adjoint(cubed)
        def cubed_adjoint(y, y_bar, x):
            return kept(power_bar(y_bar, x)) * 3 * x ** 2
    """)
    for mode, text in before.items():
        assert _generated(mod.loss, mode) == text


def test_the_same_function_made_twice_in_one_process_is_the_same_text(load):
    mod = load("made_twice", LOSS)
    for mode in ("reverse", "forward"):
        assert _generated(mod.loss, mode) == _generated(mod.loss, mode)


USES_RULE = """
import numpy as np
import pytest
import s2sad


def power_bar(y_bar, x):
    return y_bar * 3.0 * x ** 2


def power_dot(x, x_dot):
    return 3.0 * x ** 2 * x_dot


def cube(x):
    return x ** 3


@s2sad.adjoint(cube)
def cube_adjoint(y, y_bar, x):
    return power_bar(y_bar, x)


@s2sad.tangent(cube)
def cube_tangent(y, x, x_dot):
    return power_dot(x, x_dot)


def loss(x):
    power = cube(x) * np.sin(x)
    return np.sum(power ** 2)
"""


def test_a_rule_used_keeps_its_helpers_names_from_the_values_and_is_right(load):
    # (the function's `power` has the adjoint power_bar, which the rule's helper is named)
    mod = load("uses_power_rule", USES_RULE)
    x = np.linspace(0.3, 1.2, 4)
    expected = finite_difference_gradient(mod.loss, (x,))
    text = _generated(mod.loss)
    assert "power_bar(" in text and "    power_bar = " not in text, text
    assert "    power_bar_1 = 2.0 * power" in text, text
    np.testing.assert_allclose(s2sad.grad(mod.loss)(x), expected, rtol=1e-6)
    forward = _generated(mod.loss, "forward")
    assert "power_dot(" in forward and "    power_dot = " not in forward, forward
    np.testing.assert_allclose(s2sad.jvp(mod.loss)(x, np.ones(4))[1], np.sum(expected),
                               rtol=1e-6)
    # the same text in a process where the rule was registered long before, or just now
    assert _generated(mod.loss) == text


def test_a_function_s_text_does_not_depend_on_its_module_s_other_names(load):
    body = """
        import numpy as np


        def loss(x):
            power = np.sin(x) * 2.0
            kept = np.mean(power)
            return np.sum(power ** 2) + kept
    """
    alone = load("power_alone", body)
    crowded = load("power_crowded", body + """

        x_bar = 3.0
        power_bar = 2.0
        sin = None


        def loss_value_and_grad(x):
            return x


        def power_1(x):
            return x


        def kept_bar(v):
            return v
    """)
    for mode in ("reverse", "forward"):
        assert _strip(_generated(alone.loss, mode)) == _strip(_generated(crowded.loss, mode))
    assert _strip(s2sad.hessian(alone.loss).source) == _strip(s2sad.hessian(crowded.loss).source)


def test_s2sad_s_modules_for_optional_libraries_are_told_apart():
    # (their rules' names are reserved only where used: they load only once the user's
    # code imports the library)
    for library, rules_module in loading.OPTIONAL_RULES.items():
        assert library.split(".")[0] in optional.LIBRARIES
        assert optional.for_optional_library(rules_module)
    for always in ("s2sad.rules.numpy_rules", "s2sad.runtime.linalg", "s2sad.rules.math_rules"):
        assert not optional.for_optional_library(always)


def test_a_user_rule_s_names_are_reserved_only_where_it_is_used(load):
    mod = load("own_rule_names", """
        import s2sad

        def only_here_bar(y_bar):
            return y_bar

        def op(x):
            return x * 1.0

        @s2sad.adjoint(op)
        def op_adjoint(y, y_bar, x):
            return only_here_bar(y_bar)
    """)
    template = registry.lookup(mod.op).adjoint
    assert not reserved.always_loaded(template)
    assert "only_here_bar" not in registry.helper_names()


@pytest.mark.parametrize("name", ["gamma_terms", "exponential_row", "numpy_only",
                                  "local_named_as_helper"])
def test_scipy_functions_with_locals_named_as_its_rules_helpers_are_right(name):
    pytest.importorskip("scipy", reason="scipy is optional")
    import scipy_named_locals
    func = getattr(scipy_named_locals, name)
    x = np.linspace(0.6, 1.4, 4)
    expected = finite_difference_gradient(func, (x,))
    np.testing.assert_allclose(s2sad.grad(func)(x), expected, rtol=1e-6, atol=1e-9)
    direction = np.linspace(-1.0, 1.0, 4)
    np.testing.assert_allclose(s2sad.jvp(func)(x, direction)[1], expected @ direction,
                               rtol=1e-6, atol=1e-9)
    if name == "local_named_as_helper":
        assert "polygamma_of_1 = np.sin(x)" in s2sad.source(func)
