"""``syntax.gastify`` converts as ``gast.ast_to_gast`` does: the same node classes, field
values, location attributes and attribute order, on every module of s2sad and on the
constructs gast converts specially."""

import ast
import sys
from pathlib import Path

import gast
import pytest

from s2sad.syntax import gastify

PACKAGE = Path(__file__).resolve().parents[2] / "s2sad"

CONSTRUCTS = '''
import os, sys as system
from . import x as y
async def coroutine(a, /, b: int = 1, *args, c, d=2, **kwargs) -> "str":
    async with open(a) as f, g() as (h, i):
        await f
    async for item in aiter():
        yield item
    return [v async for v in stream()]

@decorator(1)
class C(Base, metaclass=Meta):
    """Doc."""
    attribute: int = 3
    def method(self, *, key=None):  # type: (...) -> None
        global G
        nonlocal_ = lambda q, r=2: q + r
        del self.x, y[0]
        try:
            raise ValueError("x") from None
        except (TypeError, KeyError) as error:
            pass
        except Exception:
            pass
        else:
            pass
        finally:
            pass
        assert key, f"{key!r:>{width}} and {1 + 2}"
        with open("f") as handle:
            handle.write(b"bytes")
        while (n := next(it)) is not None:
            if n > 3 and not n or n < -1:
                break
            elif n:
                continue
        for i, (j, *k) in enumerate(zip(a, b)):
            x[i:j:2, ..., None] = {1, 2} | {v for v in k} | {k: v for k, v in d.items()}
        x += 1; x @= m; x **= 2; x //= 3; x >>= 1
        return (yield from gen()), ~x, +x, -1j, 1e10, True, None, ...
'''

#: Python 3.10's syntax
MATCH = '''
def method(self, key):
    match key:
        case {"a": 1, **rest}:
            pass
        case [1, 2, *others] if others:
            pass
        case Point(x=0, y=yy) | None as whole:
            pass
        case _:
            pass
'''


def _same(a, b, where="tree"):
    assert type(a) is type(b), where
    if isinstance(a, list):
        assert len(a) == len(b), where
        for index, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{index}]")
    elif isinstance(a, ast.AST):
        assert list(a.__dict__) == list(b.__dict__), where
        for key in a.__dict__:
            _same(a.__dict__[key], b.__dict__[key], f"{where}.{key}")
    else:
        assert a == b or (a != a and b != b), where


def test_constructs_convert_as_gast_converts():
    tree = ast.parse(CONSTRUCTS, type_comments=True)
    _same(gast.ast_to_gast(tree), gastify.to_gast(tree))


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements are Python 3.10 syntax")
def test_match_converts_as_gast_converts():
    tree = ast.parse(MATCH)
    _same(gast.ast_to_gast(tree), gastify.to_gast(tree))


def test_every_module_of_s2sad_converts_as_gast_converts():
    paths = sorted(PACKAGE.rglob("*.py"))
    assert len(paths) > 100
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        _same(gast.ast_to_gast(tree), gastify.to_gast(tree), path.name)


def test_parse_is_gast_parse():
    text = "def f(x, y=2):\n    return x * y\n"
    _same(gast.parse(text), gastify.parse(text))
    with pytest.raises(SyntaxError):
        gastify.parse("def f(:\n")
