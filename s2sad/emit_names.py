"""The file name generated code is compiled under in-process (``<s2sad f_vjp 1a2b...>``).

``linecache`` holds a module's text under that name, so tracebacks, ``inspect`` and
the error messages that quote a generated line read it.  The name also reaches
text s2sad writes: a run-time check in second-order code (``check_bound(...,
'<s2sad f_value_and_grad 1a2b...>', 87, 33)``) names the gradient's line it stands
for.  Written modules must not depend on where they were made, so the digest is of
the code alone: not of the header (whose ``source:`` path is relative to the working
directory in the API's text), and with each absolute path of a Python file the code
quotes (the user's file, as a check's argument) cut to its base name, so the same
source gives the same name from any directory, on any machine.
"""

import hashlib
import os
import re

#: a quoted path of a Python file in the code (a check's argument)
_QUOTED_FILE = re.compile(r"""(['"])([^'"\n]*?\.py)\1""")


def generated_filename(function_name, text):
    """The file name of the generated module ``text`` defining ``function_name``."""
    return f"<s2sad {function_name} {_code_digest(text)}>"


def _code_digest(text):
    """A digest of ``text`` without its leading comment lines (the header: their
    number kept, the code's line numbers depend on it), its absolute file paths
    written as their base names."""
    lines = text.splitlines(keepends=True)
    head = 0
    while head < len(lines) and lines[head].startswith("#"):
        head += 1
    code = _QUOTED_FILE.sub(_base_name, "".join(lines[head:]))
    return hashlib.sha1(f"{head}\n{code}".encode()).hexdigest()[:12]


def _base_name(found):
    path = found.group(2)
    if not os.path.isabs(path):
        return found.group(0)
    return found.group(1) + os.path.basename(path) + found.group(1)
