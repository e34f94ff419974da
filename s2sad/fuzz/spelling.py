"""How the generator spells an operation's row with its operands (``ops.Op.fmt``)."""

import re

_ATOM = re.compile(r"^[A-Za-z_][A-Za-z_0-9.]*$|^-?[0-9.]+$")


def _p(code):
    """``code`` in parentheses unless it is a name or a number."""
    return code if _ATOM.match(code) else f"({code})"


def _fill(op, *operands):
    return op.fmt.format(*[_p(c) for c in operands])
