"""How the command line reports a user error: :class:`CliError` (a message with a
``file:line:col`` prefix, the source line with a caret, a hint), made from an
:class:`S2sadError` or raised by the CLI itself, and printed to stderr.
"""

import os
import sys

from ..pipeline import display_path


class CliError(Exception):
    """A user error found by the CLI itself: printed as one message, exit 2.

    ``where`` is a ``file`` or ``file:line:col`` prefix, ``detail`` any lines
    (source and caret) printed under the message.
    """

    def __init__(self, message, where="", detail="", hint=""):
        super().__init__(message)
        self.message = message
        self.where = where
        self.detail = detail
        self.hint = hint


def shown_path(path):
    """How a path appears in messages: relative to the working directory when below it."""
    return display_path(os.path.abspath(path))


def source_detail(code, column, caret=True):
    """The source line ``code`` indented, with a caret under ``column`` (0-based)."""
    text = code.rstrip("\n")
    stripped = text.lstrip()
    if not stripped:
        return ""
    indent = len(text) - len(stripped)
    lines = f"    {stripped}"
    if caret:
        lines += "\n    " + " " * max(column - indent, 0) + "^"
    return lines


def from_s2sad_error(exc, prefix=""):
    loc = exc.location
    if loc is None:
        return CliError(prefix + exc.message, hint=exc.hint)
    where = f"{shown_path(loc.filename)}:{loc.line}:{loc.column}"
    return CliError(prefix + exc.message, where=where,
                    detail=source_detail(loc.code, loc.column - 1), hint=exc.hint)


def print_error(error):
    head = f"{error.where}: error: {error.message}" if error.where else \
        f"s2sad: error: {error.message}"
    lines = [head]
    if error.detail:
        lines.append(error.detail)
    if error.hint:
        lines.append(f"hint: {error.hint}")
    print("\n".join(lines), file=sys.stderr)
