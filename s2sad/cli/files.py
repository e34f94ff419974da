"""Safe file writing for the command line: which files s2sad wrote (its header
mark), the checks before an output path is written, and atomic writes (readers
see the old file or the new one, never a partial one).
"""

import contextlib
import os
import sys
import tempfile

from ..pipeline import HEADER_MARK
from .messages import CliError, shown_path


def _head_lines(path, count):
    try:
        with open(path, "rb") as handle:
            return [handle.readline(1024) for _ in range(count)]
    except OSError:
        return []


def has_s2sad_header(path):
    """True for a Python module s2sad generated: its first line is the s2sad header."""
    return any(line.startswith(f"# {HEADER_MARK}".encode()) for line in _head_lines(path, 1))


def _written_by_s2sad(path):
    """True for any file s2sad wrote: a module, DOT text, or an SVG graph."""
    marks = tuple(f"{lead} {HEADER_MARK}".encode() for lead in ("#", "//", "<!--"))
    return any(line.startswith(marks) for line in _head_lines(path, 3))


def check_output_path(out, source, force, ending="_grad.py"):
    """Refuse to write ``out`` if it is the source, a directory, or not written by s2sad
    (``ending``: of the file name a hint offers, after the source's stem)."""
    if os.path.exists(source) and os.path.exists(out) and os.path.samefile(out, source):
        raise CliError("refusing to write the output into the source file itself",
                       where=shown_path(out), hint="choose another file with -o")
    if os.path.isdir(out):   # (named as given: "." or a path made relative is no name)
        full = os.path.abspath(out)
        stem = os.path.splitext(os.path.basename(source))[0] or "loss"
        raise CliError(f"-o {out}: the output path is a directory"
                       + (f" ({full})" if full != out.rstrip(os.sep) else ""),
                       hint=f"give a file name, e.g. -o {os.path.join(out, stem + ending)}")
    if os.path.exists(out) and not force and not _written_by_s2sad(out):
        raise CliError("refusing to overwrite a file that s2sad did not write "
                       "(it has no s2sad header)", where=shown_path(out),
                       hint="pass --force to overwrite it anyway, or choose another -o")
    parent = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(parent):
        raise CliError("the output directory does not exist", where=shown_path(parent))


def umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path, data):
    """Write ``data`` (bytes) to ``path`` through a temporary file in the same directory.

    Readers see the old file or the new one, never a partial one; on any
    failure the temporary file is removed and ``path`` is left untouched.
    """
    path = os.path.abspath(path)
    directory, name = os.path.split(path)
    mode = (os.stat(path).st_mode & 0o7777) if os.path.exists(path) else (0o666 & ~umask())
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".s2sad-tmp", dir=directory)
    except OSError as exc:
        raise write_error(exc, path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            write_error(exc, path)
        raise


def write_error(exc, path):
    """The OSError of a failed write, naming ``path`` (the output the user asked for),
    not the temporary file s2sad writes first (the name it carried)."""
    exc.filename, exc.filename2 = path, None
    return exc


def write_stdout(data):
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # a replaced sys.stdout (tests): text is fine
        sys.stdout.write(data.decode("utf-8"))
    else:
        sys.stdout.flush()
        stream.write(data)
        stream.flush()
