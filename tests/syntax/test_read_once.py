"""``source.read_function`` takes a definition's tree from its file's tree (parsed once,
for its lines) where that is the tree its dedented text parses to, and parses the
dedented text where it is not (a string literal over several lines, a line left of the
margin, a tab in it): the tree, its locations and the lines are the same either way,
and the refusals located in them too."""

import ast
import importlib.util
import textwrap

import gast
import pytest

import s2sad
from s2sad.syntax import blocks, source

SOURCE = '''\
import numpy as np


def plain(x):
    y = np.sin(x) * 2.0   # é: a column in bytes
    return y


def keep(*args):
    return lambda func: func


@keep(
    1)
def decorated(x):
    return (x +
            1.0)


class Holder:
    @staticmethod
    def method(x):
        """One line."""
        if x > 0.0:
            return x * x
        return -x


class Outer:
    class Inner:
        @staticmethod
        def deep(x, k=2.0):
            z = [x,
                 x * k]   # a bracket's line further right
            return z[0] + z[1]


def documented(x):
    """Over
    several lines: the dedented text's value."""
    return x * 3.0


class Margins:
    @staticmethod
    def texts(x):
        s = "a long \\
        string"   # (the dedented text's value: four spaces fewer)
        return x

    @staticmethod
    def left(x):
        y = (x +
  x)
        return y


def refused(x):
    return x * 1j
'''


def _load(tmp_path, name):
    path = tmp_path / f"{name}.py"
    path.write_text(SOURCE, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reference(func):
    """What the dedented text of ``func``'s lines parses to, by gast itself."""
    import inspect
    lines, _ = inspect.getsourcelines(func)
    module = gast.parse(textwrap.dedent("".join(lines)))
    node = module.body[0]
    node.decorator_list = []
    return gast.dump(node, include_attributes=True)


FUNCTIONS = ("plain", "decorated", "method", "deep", "documented", "texts", "left")


def _function(module, name):
    owner = {"method": module.Holder, "deep": module.Outer.Inner, "texts": module.Margins,
             "left": module.Margins}.get(name, module)
    return getattr(owner, name)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_the_tree_read_is_the_dedented_texts(tmp_path, name):
    module = _load(tmp_path, f"read_once_{name}")
    func = _function(module, name)
    if name == "left":   # (its dedented text does not parse: refused, as before)
        with pytest.raises(s2sad.SourceUnavailableError, match="cannot parse"):
            source.read_function(func)
        return
    parsed = source.read_function(func)
    assert gast.dump(parsed.node, include_attributes=True) == _reference(func)
    import inspect
    lines, first = inspect.getsourcelines(func)
    assert parsed.lines == textwrap.dedent("".join(lines)).splitlines()
    assert parsed.line_offset == first - 1


def test_a_plain_definition_is_parsed_once(tmp_path, monkeypatch):
    module = _load(tmp_path, "read_once_count")
    parses = []
    real = ast.parse
    monkeypatch.setattr(ast, "parse", lambda *a, **k: parses.append(1) or real(*a, **k))
    blocks._TREES.clear()
    for func in (module.plain, module.Holder.method, module.Outer.Inner.deep):
        source.read_function(func)
    assert len(parses) == 1   # the file's tree, for all three
    source.read_function(module.documented)   # (a string over two lines: its text parsed)
    assert len(parses) == 2


def test_a_refusal_is_located_in_the_file(tmp_path):
    module = _load(tmp_path, "read_once_refused")
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(module.refused)(1.0)
    where = info.value.location
    assert (where.line, where.column) == (SOURCE.splitlines().index("    return x * 1j") + 1,
                                          16)
    assert where.code == "    return x * 1j"


def test_a_column_after_non_ascii_text_counts_characters(tmp_path):
    module = _load(tmp_path, "read_once_columns")
    parsed = source.read_function(module.plain)
    call = parsed.node.body[0].value.left   # np.sin(x)
    where = parsed.location(call)
    assert where.column == 9 and where.code.startswith("    y = np.sin(x)")
    comment = SOURCE.splitlines().index("    y = np.sin(x) * 2.0   # é: a column in bytes")
    assert where.line == comment + 1
    gradient = s2sad.grad(module.plain)(0.5)
    assert gradient == pytest.approx(2.0 * float(__import__("numpy").cos(0.5)))
