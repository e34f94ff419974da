"""A loop's ``else`` without ``break`` runs when the loop ends: its statements are those
after the loop (one with a ``break`` is refused at its ``else``, with a hint that keeps
the function's value); under ``python -O`` the derivative leaves out the asserts Python
leaves out of the function, and a written module keeps an ``assert`` with a constant
message an ``assert``, which the importer's ``-O`` leaves out too."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.syntax import gastify
from s2sad.syntax.as_compiled import as_compiled

import loop_else_forms as L


def _central(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = eps
        g[i] = (f(x + e) - f(x - e)) / (2 * eps)
    return g


@pytest.mark.parametrize("func", [L.for_else, L.while_else_and_nested,
                                  L.else_after_an_inner_break])
@pytest.mark.parametrize("x", [np.array([0.5, 1.5, -0.4]), np.array([0.3, 0.7, 0.2])])
def test_an_else_without_break_is_differentiated(func, x):
    expected = _central(func, x)
    value, grad = s2sad.value_and_grad(func)(x)
    assert np.isclose(value, func(x))
    np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-8)
    for i in range(x.size):
        _, tangent = s2sad.jvp(func)(x, np.eye(x.size)[i])
        assert np.isclose(tangent, expected[i], rtol=1e-6, atol=1e-8)


def test_an_else_with_break_is_refused_at_else_with_a_hint_keeping_the_value():
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(L.for_else_with_break)
    message = str(info.value)
    line = L.for_else_with_break.__code__.co_firstlineno + 6
    assert f"loop_else_forms.py:{line}:5:" in message, message   # at 'else'
    assert "with a 'break'" in message and "if not found:" in message


def test_the_else_body_follows_the_loop_in_the_tree():
    fn = gastify.parse(textwrap.dedent("""
        def f(x):
            for v in x:
                pass
            else:
                y = 1
            while x:
                break
            else:
                z = 2
            return y
        """)).body[0]
    as_compiled(fn, optimize=0)
    kinds = [type(s).__name__ for s in fn.body]
    assert kinds == ["For", "Assign", "While", "Return"], kinds
    assert not fn.body[0].orelse and fn.body[2].orelse   # (the one with a break keeps it)


def test_asserts_are_left_out_as_python_O_leaves_them_out():
    fn = gastify.parse(textwrap.dedent("""
        def f(x):
            assert x > 0, "neg"
            if x > 1:
                assert x < 5
            return x
        """)).body[0]
    as_compiled(fn, optimize=1)
    assert [type(s).__name__ for s in fn.body] == ["If", "Return"]
    assert [type(s).__name__ for s in fn.body[0].body] == ["Pass"]


def test_the_derivative_under_python_O_raises_no_assertion_error():
    script = textwrap.dedent("""
        import numpy as np, s2sad
        from loop_else_forms import asserted
        x = -np.array([0.3, 0.7])
        print(asserted(x), s2sad.grad(asserted)(x).tolist(),
              s2sad.jvp(asserted)(x, np.ones(2))[1])
        """)
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [root, os.path.join(root, "tests", "fixtures")]))
    out = subprocess.run([sys.executable, "-O", "-c", script], env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    assert np.isclose(float(out[0]), 0.58)
    assert np.allclose([float(out[1].strip("[,")), float(out[2].strip("],"))], [-0.6, -1.4])
    assert np.isclose(float(out[3]), -2.0)


def test_without_O_the_asserts_raise_and_a_written_module_keeps_them_asserts():
    x = -np.array([0.3, 0.7])
    with pytest.raises(AssertionError, match="neg"):
        s2sad.grad(L.asserted)(x)
    with pytest.raises(AssertionError, match="neg"):
        s2sad.jvp(L.asserted)(x, np.ones(2))
    text = s2sad.source(L.asserted)
    assert "assert cond, 'neg'" in text, text
    namespace = {}
    exec(compile(text, "written.py", "exec", optimize=1), namespace)   # (an importer's -O)
    value, grad = namespace["asserted_value_and_grad"](x)
    assert np.isclose(value, 0.58) and np.allclose(grad, 2 * x)
