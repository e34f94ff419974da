"""A module the CLI writes gives the derivative of a list, tuple or dict parameter in
the argument's own structure, as ``s2sad.grad`` does, whichever way the code reads it.
It used to give a tuple where the code unpacked the parameter (``a, b = p``) and a
list where it indexed, sliced or looped over it, while the README said a list every
time.  References: derivatives written by hand."""

import importlib
import os
import sys
import textwrap

import numpy as np
import pytest
from in_process import s2sad_command

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import numpy as np

    def unpacked(p):
        a, b = p
        return a * b

    def indexed(p):
        return p[0] * p[1]

    def looped(p):
        s = 1.0
        for v in p:
            s = s * v
        return s

    def sliced(p):
        q = p[:2]
        return q[0] * q[1]

    def counted(p):
        n = len(p)
        return p[0] * p[n - 1]

    def helper(a, b):
        return a * b

    def to_helper(p):
        return helper(p[0], p[1])

    def reader(p):
        a, b = p
        return a * b

    def whole_to_helper(p):
        return reader(p) * 1.0

    def nested(p):
        (a, b), c = p
        return a * b * c
    """

FUNCS = ["unpacked", "indexed", "looped", "sliced", "counted", "to_helper",
         "whole_to_helper"]
X, Y = 2.0, 3.0


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli_tuples")
    (root / "tuple_params_src.py").write_text(textwrap.dedent(SOURCE))
    made = {}
    for func in FUNCS + ["nested"]:
        for flavor, mode in (("value_and_grad", "reverse"), ("vjp", "reverse"),
                             ("hvp", "forward")):
            out = f"tuple_params_{func}_{flavor}"
            proc = s2sad_command(["grad",
                                   f"tuple_params_src.py:{func}", "--mode", mode,
                                   "--flavor", flavor, "-o", f"{out}.py"],
                                  cwd=root, capture_output=True, text=True, env=_ENV)
            assert proc.returncode == 0, proc.stderr
            made[func, flavor] = out
    sys.path.insert(0, str(root))
    try:
        yield {key: importlib.import_module(name) for key, name in made.items()}
    finally:
        sys.path.remove(str(root))


def _assert_like(got, expected):
    """``got`` equals ``expected`` in value and in container types, nested."""
    assert type(got) is type(expected), (got, expected)
    if isinstance(expected, (list, tuple)):
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            _assert_like(g, e) if isinstance(e, (list, tuple)) else \
                np.testing.assert_allclose(g, e, rtol=1e-12)


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize("container", [tuple, list])
def test_the_gradient_has_the_argument_s_structure(written, func, container):
    p = container([X, Y])
    expected = container([Y, X])   # d(xy)/dx, d(xy)/dy by hand
    value, grad = getattr(written[func, "value_and_grad"], f"{func}_value_and_grad")(p)
    assert value == pytest.approx(X * Y)
    _assert_like(grad, expected)
    _, pullback = getattr(written[func, "vjp"], f"{func}_vjp")(p)
    _assert_like(pullback(1.0), expected)
    # the Hessian [[0, 1], [1, 0]] times the direction (1, 2): (2, 1)
    (_, grad), product = getattr(written[func, "hvp"], f"{func}_hvp")(p, container([1.0, 2.0]))
    _assert_like(grad, expected)
    _assert_like(product, container([2.0, 1.0]))


@pytest.mark.parametrize("container", [tuple, list])
def test_a_nested_tuple_parameter_keeps_its_nesting(written, container):
    p = container([container([2.0, 3.0]), 5.0])
    # d(abc): (bc, ac), ab
    expected = container([container([15.0, 10.0]), 6.0])
    _, grad = written["nested", "value_and_grad"].nested_value_and_grad(p)
    _assert_like(grad, expected)
    _, pullback = written["nested", "vjp"].nested_vjp(p)
    _assert_like(pullback(1.0), expected)


def test_the_api_gives_the_same_structure():
    import s2sad

    def unpacked(p):
        a, b = p
        return a * b

    assert s2sad.grad(unpacked)((X, Y)) == (Y, X)
    assert s2sad.grad(unpacked)([X, Y]) == [Y, X]


def test_an_array_parameter_read_whole_is_returned_as_it_is_built(tmp_path):
    """No structure helper where the code reads a parameter only as an array."""
    (tmp_path / "whole_src.py").write_text(textwrap.dedent("""
        import numpy as np

        def f(w, y0):
            y = y0
            return np.sum(np.sin(w) * y) + np.sum(w * w)
        """))
    proc = s2sad_command(["grad", "whole_src.py:f",
                           "--wrt", "w,y0"], cwd=tmp_path, capture_output=True, text=True,
                          env=_ENV)
    assert proc.returncode == 0, proc.stderr
    assert "tree_like" not in proc.stdout
