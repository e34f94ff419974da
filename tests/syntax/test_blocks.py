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

