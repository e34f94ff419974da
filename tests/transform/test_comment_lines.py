"""Every ``# line N: ...`` comment of generated first-order code quotes line N of the
user's file: a constant bound before a loop (``total = 0.0``, which the normalizer folds
and the loop copies) is placed under its own line's comment, not the loop's; a bare
``return total``, whose code is the gradient's output check, gets its own comment."""

import linecache
import re

import pytest

import s2sad

import comment_lines as C

FUNCS = [C.summed, C.counted, C.branched]
_COMMENT = re.compile(r"^(\s*)# line (\d+): (.*)$")


def _texts(func):
    yield s2sad.source(func)
    yield s2sad.source(func, flavor="vjp")
    yield s2sad.source(func, mode="forward")


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
def test_each_comment_quotes_its_own_line(func):
    path = func.__code__.co_filename
    seen = 0
    for text in _texts(func):
        for line in text.splitlines():
            found = _COMMENT.match(line)
            if found:
                seen += 1
                quoted = linecache.getline(path, int(found.group(2))).strip()
                assert quoted == found.group(3).strip(), line
    assert seen >= 6


def _after(text, comment):
    """The statement right after the comment line ``comment`` (stripped)."""
    lines = [line.strip() for line in text.splitlines()]
    return lines[lines.index(comment) + 1]


def test_a_constant_before_a_loop_is_under_its_own_line():
    for text in _texts(C.summed):
        assert _after(text, "# line 8: total = 0.0") == "total = 0.0"
    text = s2sad.source(C.counted)
    assert _after(text, "# line 16: steps = 0") == "steps = 0"


def test_a_bare_return_gets_its_comment_over_the_output_check():
    text = s2sad.source(C.summed)
    assert _after(text, "# line 11: return total") == "ensure_scalar_output(total, 'summed')"
    assert _after(s2sad.source(C.branched), "# line 30: return acc").startswith(
        "ensure_scalar_output(acc")
