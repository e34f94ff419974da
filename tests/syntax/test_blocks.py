"""``syntax.blocks.definition_lines`` gives ``inspect.getblock``'s lines of a definition."""

import inspect
import types

import pytest

from s2sad.syntax.blocks import definition_lines

SOURCE = '''\
import functools


def plain(x):
    y = x * 2
    return y
    # a trailing comment at the body's indentation: getblock keeps it

# a comment at the margin: not kept


@functools.lru_cache(
    maxsize=None)
def decorated(x):
    return (x +
            1)


def one_line(x): return x


def outer(x):
    def inner(y):
        z = y
        # kept with inner
        return z
    # kept with outer, not inner
    return inner(x)


class Holder:
    @staticmethod
    def method(x):
        if x:
            return x
        else:
            return -x
            # deeper than the body: kept
'''


def _definitions(code):
    found = []
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if not const.co_name.startswith("<"):
                found.append(const)
            found.extend(_definitions(const))
    return found


@pytest.mark.parametrize("name", ["plain", "decorated", "one_line", "outer", "inner", "Holder",
                                  "method"])
def test_as_getblock(name):
    lines = SOURCE.splitlines(keepends=True)
    code = next(c for c in _definitions(compile(SOURCE, "<blocks test>", "exec"))
                if c.co_name == name)
    start = code.co_firstlineno - 1
    expected = inspect.getblock(lines[start:])
    assert definition_lines("<blocks test>", lines, start) == expected
    assert len(expected) > 1 or name == "one_line"



def test_last_definition_of_generated_code_is_read_without_parsing():
    """The gradient s2sad compiled (read back for second order) ends its module: its
    lines run to the end, as ``definition_lines`` finds them; any other text is left to
    ``definition_lines``."""
    import linecache

    import numpy as np

    import s2sad
    from s2sad.api.entries import compiled_gradient, reverse_entry
    from s2sad.syntax.source import _last_definition_lines

    def helper(v):
        return np.sin(v) * v

    def f(x):
        return np.sum(helper(x) ** 2)

    rev = reverse_entry(f, ("x",), "value_and_grad", inline_helpers=True)
    gradient = compiled_gradient(f, rev)
    filename = gradient.__code__.co_filename
    lines, start = inspect.findsource(gradient)
    assert filename.startswith("<s2sad ") and lines is linecache.getlines(filename)
    found = _last_definition_lines(filename, lines, start)
    assert found == definition_lines(filename, lines, start) == lines[start:]
    # not last, a comment at the margin after it, another file: None
    assert _last_definition_lines(filename, lines + ["x = 1\n"], start) is None
    assert _last_definition_lines(filename, lines + ["# note\n"], start) is None
    assert _last_definition_lines(filename, lines + ["    # note\n"], start) is None
    assert _last_definition_lines("<other>", lines, start) is None
    assert _last_definition_lines(filename, ["def g(x): return x\n"], 0) is None
    x = np.array([0.3, -1.2])
    value, g = gradient(x)
    assert np.allclose(g, s2sad.grad(f)(x))
    step = 1e-6
    fd = [(f(x + e) - f(x - e)) / (2 * step) for e in np.eye(2) * step]
    assert np.allclose(g, fd, atol=1e-6)
