"""The emitter's printer (``syntax/printer.py``) writes astor's very text, faster.

Every case compares the printer's lines with ``astor.to_source`` of the same tree
(the reference: generated modules read as they did when astor printed them), and
what the printer leaves to astor raises ``Unprintable`` so the emitter falls back.
"""

import textwrap
from pathlib import Path

import gast
import pytest

from s2sad import emit
from s2sad.syntax import printer

EXAMPLES = Path(__file__).resolve().parents[2] / "generated_examples"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _functions(source):
    return [n for n in gast.parse(source).body if isinstance(n, gast.FunctionDef)]


def _astor_lines(fn):
    return emit._astor_text(fn).splitlines()


EXPRESSIONS = [
    "[a + b for x in y if x > 1]", "{1: a + b, 'k': 2, **rest}", "f(*(a + b), **k)",
    "(x for x in y)", "f(x for x in y)", "f((x for x in y), z)", "lambda: x",
    "lambda a, b=1, *c, d, e=2, **f: a", "x[1:2, ::3]", "x[i,]", "x[()]", "x[::None]",
    "x[a:]", "x[:b + 1]", "(-2.0) ** k", "(-2) ** k", "-x ** 2", "(-x) ** 2", "x ** -y",
    "a ** b ** c", "(a ** b) ** c", "not a and b", "not (a and b)", "a or b and c",
    "(a or b) and c", "a if b else c if d else e", "(a if b else c) if d else e",
    "1.5 .real", "(1).real", "True.real", "a < b < c", "(a < b) < c", "a is not b",
    "a not in b", "(a, b)", "()", "f((a, b))", "f(a, (b, c))", "x[a + 1]", "a @ b",
    "a - (b - c)", "a - b - c", "a / (b * c)", "a * b / c", "--a", "-(a * b)", "~a",
    "+a", "not not a", "(a, b)[0]", "(a + b).c", "{a: b for a in c}", "{a for a in c}",
    "f(a)[b:c:d]", "a.b.c(d)(e)[f]", "None", "...", "b'ab'", "'ab'", "1e309",
    "-1e309", "float('nan')", "1j + (1 + 2j)", "-1", "[*a, *b]", "{}", "set()", "{a, b}",
    "(a := 3)", "f(a=1, b=c + d)", "f(a, *b, c=1, **d)", "a if b else (lambda: c)",
    "f(lambda: c)", "-1 ** 2", "(-1) ** 2", "x[a, b:c]", "(yield_ + 1) * 2",
    "a << b >> c", "a | b ^ c & d", "a // b % c", "[x for x, y in z for w in x if w]",
    "{(a, b): c}", "x[-1]", "x[-a:]", "f(*args)", "f(-x)", "a and (b or c)",
]

STATEMENTS = """
def f(x, y=1.0, *args, k, m=2, **kw):
    a = b = x + y
    a, b = b, a
    (a, b), c = d
    x[0] = y
    x.attr += 1, 2
    x -= y * 2
    del x[0], y
    assert x > 0, 'message'
    global g
    import numpy as np
    from os import path as p, sep
    from . import sibling
    if x:
        pass
    elif y:
        return
    elif z:
        return x, y
    else:
        raise ValueError('bad') from None
    for i in range(3):
        continue
    else:
        break
    for a, b in a + b:
        pass
    while x < 1:
        x = x + 1
    else:
        y = 2
    with open(p) as fh, lock:
        pass
    try:
        pass
    except (A, B) as e:
        raise
    except C:
        pass
    else:
        y = 1
    finally:
        y = 2

    def inner(z):
        nonlocal y
        return z

    def inner2():
        return -1
    x = 1
    return ()
"""


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_expression_as_astor(text):
    source = f"def f():\n    out = {text}\n    g({text})\n    return {text}\n"
    fn = _functions(source)[0]
    assert printer.function_lines(fn) == _astor_lines(fn)


def test_statements_as_astor():
    fn = _functions(STATEMENTS)[0]
    lines = printer.function_lines(fn)
    assert lines == _astor_lines(fn)
    assert "" in lines   # a blank line before a nested def, as astor writes


def test_first_statement_nested_def_as_astor():
    fn = _functions("def f(x):\n    def g(y):\n        return y\n    return g(x)\n")[0]
    assert printer.function_lines(fn) == _astor_lines(fn)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.py")) + sorted(FIXTURES.glob("*.py")),
                         ids=lambda p: p.name)
def test_files_as_astor(path):
    """Every function of the committed generated examples and the test fixtures."""
    printed = 0
    for fn in _functions(path.read_text(encoding="utf-8")):
        for node in gast.walk(fn):   # (a docstring is astor's to print: see below)
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], gast.Expr) \
                    and isinstance(body[0].value, gast.Constant):
                body[0] = gast.Pass()
        try:
            lines = printer.function_lines(fn)
        except printer.Unprintable:
            continue   # (astor prints these: the emitter falls back)
        assert lines == _astor_lines(fn), fn.name
        printed += 1
    text = path.read_text(encoding="utf-8")   # (a file of classes only has no function)
    assert printed or not (text.startswith("def ") or "\ndef " in text)


@pytest.mark.parametrize("source", [
    'def f():\n    """A docstring."""\n    return 1\n',   # astor triple-quotes it
    "def f():\n    'short'\n",
    "def f():\n    return 'a\\nb'\n",
    "def f():\n    return f'{x}'\n",
    "@dec\ndef f():\n    pass\n",
    "def f(x: int):\n    pass\n",
    "def f() -> int:\n    pass\n",
    "def f(a, /, b):\n    pass\n",
    "def f():\n    class A:\n        pass\n",
    "def f():\n    x: int = 1\n",
    "def f():\n    yield 1\n",
])
def test_left_to_astor(source):
    fn = _functions(source)[0]
    with pytest.raises(printer.Unprintable):
        printer.function_lines(fn)
    # the emitter prints it all the same, as astor does
    assert emit.render_function(fn, []).splitlines() == _astor_lines(fn)


def test_render_turns_markers_into_comments():
    fn = _functions(textwrap.dedent(f"""
        def f(x):
            {emit.COMMENT_ID}(0)
            return x
    """))[0]
    assert emit.render_function(fn, ["grad of: x"]) == "def f(x):\n    # grad of: x\n    return x\n"


def _same_free_names(fn):
    """The names the printer sees as it writes ``fn`` are ``emit.free_names_of(fn)``."""
    lines, free = printer.function_lines_and_names(fn)
    assert lines == printer.function_lines(fn)
    assert free == emit.free_names_of(fn), fn.name


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_expression_free_names_as_walked(text):
    source = f"def f(p, q=a):\n    out = {text}\n    g({text})\n    return {text}\n"
    _same_free_names(_functions(source)[0])


def test_statements_free_names_as_walked():
    """Parameters, stores, a nested def's name, an except handler's name and a slice's
    step ``None`` (not written) are as the walk finds them."""
    fn = _functions(STATEMENTS)[0]
    _same_free_names(fn)
    fn = _functions("def f(x):\n    y = x[1:2:s]\n    return y\n")[0]
    fn.body[0].value.slice.step = gast.Name("None", gast.Load(), None, None)
    _same_free_names(fn)
    assert printer.function_lines_and_names(fn) == (["def f(x):", "    y = x[1:2:]",
                                                      "    return y"], {"None"})


def test_free_names_of_a_tree_not_written_whole_are_walked():
    """A tree the printer does not write whole (more defaults than parameters) gives no
    names: the emitter walks it (``render_function``), and finds the same as before."""
    fn = _functions("def f(a, b=1):\n    return a\n")[0]
    fn.args.defaults = [gast.Name(f"d{i}", gast.Load(), None, None) for i in (1, 2, 3)]
    assert printer.function_lines_and_names(fn)[1] is None
    found = set()
    emit.render_function(fn, [], found)
    assert found == emit.free_names_of(fn) == {"d1", "d2", "d3"}


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.py")) + sorted(FIXTURES.glob("*.py")),
                         ids=lambda p: p.name)
def test_files_free_names_as_walked(path):
    for fn in _functions(path.read_text(encoding="utf-8")):
        try:
            printer.function_lines(fn)
        except printer.Unprintable:
            continue
        _same_free_names(fn)
