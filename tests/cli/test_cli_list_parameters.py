"""A module the CLI writes does not see its arguments: a parameter added to a list or
to itself (``[xs[1]] + xs``, ``xs + xs``) may be a list concatenation or numpy's
sum of arrays.  The adjoint used to be added with ``+``
(two list adjoints concatenated: six arrays for a list of three, silently) or taken
whole as the sum's (``xs + xs``: eight for two).  Found by the fuzzer's command-line
mode (seed 15008).  The module now decides when it runs (``plus_bar``) and adds list
adjoints item by item.  References: central finite differences of the source."""

import importlib
import os
import sys
import textwrap

import numpy as np
import pytest

from s2sad.testing import finite_difference_gradient
from in_process import s2sad_command

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import numpy as np

    def prepended(xs):
        ls = [xs[1]] + xs
        return np.sum(ls[2] * xs[0])

    def doubled(xs):
        zs = xs + xs
        return np.sum(zs[0] * zs[3])

    def tuple_items(t):
        a, b = t
        return np.sum(a * b) + np.sum(t[0])
    """

A, B, C = np.array([1.0, 2.0]), np.array([3.0, -1.0]), np.array([0.5, 4.0])
CASES = {
    "prepended": [([A, B, C],), (np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 4.0]]),)],
    "doubled": [([A, B],), (np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.25], [2.0, 1.0]]),)],
    "tuple_items": [((A, B),)],
}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli_lists")
    (root / "list_params_src.py").write_text(textwrap.dedent(SOURCE))
    for func in CASES:
        wrt = "0"
        proc = s2sad_command(["grad",
                               f"list_params_src.py:{func}", "--wrt", wrt,
                               "-o", f"list_params_{func}.py"],
                              cwd=root, capture_output=True, text=True, env=_ENV)
        assert proc.returncode == 0, proc.stderr
    sys.path.insert(0, str(root))
    try:
        yield {func: importlib.import_module(f"list_params_{func}") for func in CASES}
    finally:
        sys.path.remove(str(root))


def _as_lists(g):
    return [np.asarray(item) for item in g] if isinstance(g, (list, tuple)) else np.asarray(g)


@pytest.mark.parametrize("func,args", [(f, a) for f, cases in CASES.items() for a in cases])
def test_the_gradient_of_a_list_parameter_added_to_a_list(written, func, args):
    source = importlib.import_module("list_params_src")
    value, *grads = getattr(written[func], f"{func}_value_and_grad")(*args)
    assert value == pytest.approx(getattr(source, func)(*args))
    for position, got in enumerate(grads):
        expected = finite_difference_gradient(getattr(source, func), args, argnum=position)
        got, expected = _as_lists(got), _as_lists(expected)
        if isinstance(expected, list):
            assert isinstance(got, list) and len(got) == len(expected)
            for g, e in zip(got, expected):
                np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-8)
        else:
            np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)


def test_two_list_parameters_added_fail_rather_than_give_numbers(tmp_path):
    """The README: two list parameters added (``xs + ys``) fail in a written module
    (the adjoint reduced as an array's), never a derivative of the wrong layout."""
    (tmp_path / "joined_src.py").write_text(textwrap.dedent("""
        import numpy as np

        def joined(xs, ys):
            zs = xs + ys
            return np.sum(zs[1] * zs[2])
        """))
    proc = s2sad_command(["grad", "joined_src.py:joined",
                           "--wrt", "xs,ys", "-o", "joined_grad.py"],
                          cwd=tmp_path, capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 0, proc.stderr
    namespace = {}
    exec(compile((tmp_path / "joined_grad.py").read_text(), "joined_grad.py", "exec"),
         namespace)
    with pytest.raises(ValueError, match="cannot be reduced"):
        namespace["joined_value_and_grad"]([A, B], [C, 2.0 * A])
