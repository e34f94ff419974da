"""Source file names in a module the command line writes.

A run-time check of generated code names the user's line it stands for
(``check_not_shared(..., filename, line, column)``).  The module names that file
relative to its own directory, as its header does: it then holds no machine path,
and ``s2sad check`` finds it up to date on any machine and from any directory.
At run time the check reads such a name relative to the module that called it
(``runtime.checks.source_file``).
"""

import ast
import io
import os
import re
import tokenize

from ..pipeline import display_path


def relative_source_paths(text, base):
    """``text`` with every absolute ``.py`` path that an s2sad helper is called with
    (a positional string argument) written relative to the directory ``base``."""
    tree = ast.parse(text)
    helpers = {alias.asname or alias.name for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom) and node.level == 0
               and (node.module or "").split(".")[0] == "s2sad" for alias in node.names}
    found = [arg for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
             and node.func.id in helpers
             for arg in node.args if _is_source_path(arg)]
    lines = text.splitlines(keepends=True)
    # right to left within a line: the offsets (UTF-8 bytes) of the others stay true
    for arg in sorted(found, key=lambda a: (a.lineno, a.col_offset), reverse=True):
        raw = lines[arg.lineno - 1].encode("utf-8")
        shown = repr(display_path(arg.value, base))
        lines[arg.lineno - 1] = (raw[:arg.col_offset] + shown.encode("utf-8")
                                 + raw[arg.end_col_offset:]).decode("utf-8")
    return _in_comments("".join(lines), base)


#: a quoted absolute path of a Python file, as a comment quotes a line of code
#: (second-order modules quote the gradient's lines, its checks' arguments among them)
_QUOTED_PATH = re.compile(r"""(['"])(/[^'"\n]*?\.py)\1""")


def _in_comments(text, base):
    """``text`` with the absolute paths its comments quote written relative to ``base``."""
    lines = text.splitlines(keepends=True)
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    for token in (t for t in tokens if t.type == tokenize.COMMENT):
        if not _QUOTED_PATH.search(token.string):
            continue
        row, col = token.start
        line = lines[row - 1]
        comment = _QUOTED_PATH.sub(lambda m: repr(display_path(m.group(2), base)), token.string)
        lines[row - 1] = line[:col] + comment + line[col + len(token.string):]
    return "".join(lines)


def _is_source_path(arg):
    return (isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            and arg.value.endswith(".py") and os.path.isabs(arg.value)
            and arg.lineno == arg.end_lineno)
