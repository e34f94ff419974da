"""Edits of a written module's code by the passes that add run-time checks to it
(``vjp_module``, ``tangent_checks``): fresh names, lines inserted at a statement,
and the module put back together with the runtime helpers the new lines call.

Input: the code of an emitted module (``emitted.parts["code"]``) as lines, and the
``ast`` nodes of its parse.  The helpers change the list of lines they are given and
nothing else; :func:`reassembled` returns a new emitted module.
"""

import dataclasses
import importlib

from ..emit import _assemble, import_lines


def fresh(name, used):
    """``name``, or the first ``name_<n>`` not in ``used``."""
    return next(n for n in (name + (f"_{i}" if i else "") for i in range(len(used) + 1))
                if n not in used)


def replace(lines, node, text):
    """Write ``text`` in place of the expression ``node`` in ``lines`` (the rows it
    spans after its first emptied: the rows below keep their indices)."""
    first, last = node.lineno - 1, node.end_lineno - 1
    head = lines[first].encode("utf-8")[:node.col_offset]   # (``ast``'s columns count bytes)
    tail = lines[last].encode("utf-8")[node.end_col_offset:]
    lines[first] = (head + text.encode("utf-8") + tail).decode("utf-8")
    for row in range(first + 1, last + 1):
        lines[row] = ""


def insert_before(lines, stmt, new):
    """Insert the lines ``new`` before the statement ``stmt``, at its indentation."""
    line = lines[stmt.lineno - 1]
    indent = line[:len(line) - len(line.lstrip())]
    lines[stmt.lineno - 1:stmt.lineno - 1] = [f"{indent}{text}\n" for text in new]


def insert_first(lines, func, new):
    """Insert the lines ``new`` as the first statement of ``func`` (before the comments
    of its first statement, which stay with it)."""
    first = func.body[0].lineno - 1
    while first - 1 >= func.lineno and lines[first - 1].strip().startswith("#"):
        first -= 1
    line = lines[func.body[0].lineno - 1]
    indent = line[:len(line) - len(line.lstrip())]
    lines[first:first] = [f"{indent}{text}\n" for text in new]


def reassembled(emitted, lines, helpers):
    """``emitted`` with the code ``lines`` and its imports binding ``helpers`` (the name
    the code calls each by -> the name ``s2sad.runtime`` exports it under) besides the
    ones it had; the user's lines as they were made."""
    runtime = importlib.import_module("s2sad.runtime")   # (numpy: only when writing one)
    parts = emitted.parts
    code = "".join(lines)
    aliases = dict(parts["aliases"])
    bindings = dict(emitted.bindings)
    for name, helper in helpers.items():
        bindings[name] = getattr(runtime, helper)
        if name != helper:
            aliases[name] = helper
    standard, _, _ = import_lines(bindings, aliases=aliases)
    text = _assemble(parts["header_lines"], standard, parts["user"], code)
    return dataclasses.replace(emitted, text=text, bindings=bindings,
                               parts={**parts, "code": code, "aliases": aliases})
