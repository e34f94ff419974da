"""The lines of a function's definition in its file, found from the file's syntax tree.

What ``inspect.getblock(lines[start:])`` returns for a ``def`` starting at ``start``
(its decorators, its body, and the comment lines right after it indented as its
body), without tokenizing the text in Python: ``ast.parse`` (C) gives each
statement's last line.  A long function (a generated gradient of thousands of
lines, read back for second order) is read many times faster.  Anything this
does not find as plainly (a body on the ``def`` line, a text that does not parse)
is left to ``inspect.getblock``.  :func:`plain_margin` tells when the definition's
node in that tree is the one its dedented text parses to (then it is not parsed again).
"""

import ast
import inspect

_TREES = {}   # filename -> (the lines parsed, their module tree)
_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def module_tree(filename, lines):
    """The ``ast`` tree of the text ``lines`` of ``filename`` (None where it does not
    parse), parsed once per version of the file (``lines`` is linecache's list, the same
    object until the file changes): what finds a definition's lines also checks that the
    file is the code that runs, and gives the definition's own tree (``source``)."""
    cached = _TREES.get(filename)
    if cached is not None and cached[0] is lines:
        return cached[1]
    try:
        tree = ast.parse("".join(lines))
    except (SyntaxError, ValueError):
        tree = None
    if len(_TREES) >= 16:   # a few files at a time
        _TREES.pop(next(iter(_TREES)))
    _TREES[filename] = (lines, tree)
    return tree


def _definition_at(tree, line):
    """The function definition whose first line (its first decorator's, else its
    ``def``'s) is ``line``, looking only into statements that span that line."""
    stack = list(tree.body)
    while stack:
        stmt = stack.pop()
        decorators = getattr(stmt, "decorator_list", None)
        first = decorators[0].lineno if decorators else stmt.lineno
        if not first <= line <= (stmt.end_lineno or stmt.lineno):
            continue
        if first == line and isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return stmt
        for field in _BLOCK_FIELDS:
            block = getattr(stmt, field, None)
            if isinstance(block, list):
                stack.extend(block)
    return None


def definition_lines(filename, lines, start):
    """``inspect.getblock(lines[start:])`` for the definition at line ``start`` (from 0)."""
    return definition(filename, lines, start)[0]


def definition(filename, lines, start):
    """``(definition_lines(filename, lines, start), its ast node)``: the node of the
    file's tree (:func:`module_tree`) whose lines they are, or None where
    ``inspect.getblock`` found them."""
    tree = module_tree(filename, lines)
    node = _definition_at(tree, start + 1) if tree is not None else None
    if node is None or not node.body or node.body[0].lineno <= node.lineno:
        return inspect.getblock(lines[start:]), None
    end = node.end_lineno   # (1-based: the index of the line after it)
    body_column = node.body[0].col_offset
    for index in range(end, len(lines)):   # comment lines after it, as getblock keeps
        text = lines[index]
        stripped = text.lstrip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        if len(text) - len(stripped) >= body_column:
            end = index + 1
    return lines[start:end], node


def plain_margin(raw_lines, text, margin):
    """Whether ``textwrap.dedent(text)`` (``text`` is ``raw_lines`` joined) takes the
    spaces ``margin`` off the front of every line of ``text`` and changes nothing else
    that parsing reads: every line holding more than spaces and tabs starts with it (the
    first line of code starts with exactly these), and no string literal runs over two
    lines, whose value would lose them: no line ends in a backslash, and each holds an
    even number of triple quotes of each kind (a docstring of one line: a string opened
    and closed there).  Then the definition's node in its file's tree is the one its
    dedented text parses to, every location ``margin`` columns further right (and
    ``len(margin)`` bytes: spaces); anything else is parsed from the dedented text."""
    if margin.strip(" "):
        return False
    quoted = '"""' in text or "'''" in text
    for line in raw_lines:
        if not line.startswith(margin) and line.strip(" \t\n"):
            return False
        if line.rstrip("\n").endswith("\\"):
            return False
        if quoted and (line.count('"""') % 2 or line.count("'''") % 2):
            return False
    return True
