"""Which line of the user's a line of generated code comes from, for comments.

Second-order code is made by differentiating s2sad's own gradient code, whose text is
written nowhere the reader can see.  Each block of that text opens with a comment naming
the user's line it differentiates (``# line 9: s = s + x[i]``, ``# grad of line 9: ...``);
a statement made from a line of it is described by that comment, so the second-order
code quotes the user's lines as first-order code does.

Input: a :class:`SourceRef` of a statement of generated code (its ``filename`` is the one
``emit`` compiled the text under, which ``linecache`` holds).  Output: plain data, the
:class:`Block` comment over that line, or None where the line sits before any block (a
tape's creation); :data:`UNKNOWN` where the text is not at hand.
"""

import linecache
import re
from dataclasses import dataclass

#: a block's comment: its first line, then lines continuing a quoted statement of
#: several lines (``#   ...``)
_HEAD = re.compile(r"^\s*# ((?:(?:grad|tangent) of )*line \d+: ?.*)$")
_MORE = re.compile(r"^\s*#   (.*)$")
_DEF = re.compile(r"^(?:async )?def \w+\(")


@dataclass(frozen=True)
class Block:
    """The comment opening a block of generated code: where it stands and what it says."""

    filename: str
    line: int          # the comment's first line in the generated text
    text: str          # ``grad of line 9: s = s + x[i]`` (continuations joined by newlines)


#: the generated text is not at hand (the caller says where the line is instead)
UNKNOWN = object()


def block_of(source):
    """The :class:`Block` whose comment opens the block of generated code holding the
    statement ``source`` (a SourceRef), None before any block, or :data:`UNKNOWN`."""
    blocks = _blocks(source.filename)
    if blocks is None or not 0 < source.line <= len(blocks):
        return UNKNOWN
    return blocks[source.line - 1]


#: the last texts read: file name -> the Blocks of its lines (the file name holds a
#: digest of the text: the same name, the same text)
_READ = {}


def _blocks(filename):
    """For each line of the generated text compiled as ``filename``, the Block over it
    (None before the first, and at a ``def``), or None where the text is not at hand."""
    if filename in _READ:
        return _READ[filename]
    lines = linecache.getlines(filename)
    if not lines:
        return None
    out, current, index = [], None, 0
    while index < len(lines):
        text = lines[index].rstrip("\n")
        head = _HEAD.match(text)
        if head is not None:
            quoted = [head.group(1)]
            start = index
            while index + 1 < len(lines) and _MORE.match(lines[index + 1].rstrip("\n")):
                index += 1
                quoted.append(_MORE.match(lines[index].rstrip("\n")).group(1))
            current = Block(filename, start + 1, "\n".join(quoted))
            out.extend(current for _ in range(start, index + 1))
        else:
            if _DEF.match(text):
                current = None
            out.append(current)
        index += 1
    if len(_READ) >= 16:
        _READ.clear()
    _READ[filename] = out = tuple(out)
    return out
