"""Safe file writing for the command line: which files s2sad wrote (its header
mark), the checks before an output path is written, and atomic writes (readers
see the old file or the new one, never a partial one).
"""

import contextlib
import os
import stat
import sys
import tempfile

from ..pipeline import HEADER_MARK
from .messages import CliError, shown_path


def _head_lines(path, count):
    """The first ``count`` lines of the regular file ``path`` (none of anything else: a
    FIFO, a pipe or a device is never read, which could block or consume its data)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return []
        # (non-blocking: a FIFO put in the file's place since the stat does not block)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_NOCTTY", 0))
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return []
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


def written_path(path):
    """The absolute path of the file a write to ``path`` replaces: the file a symlink
    (or a chain of them) names, so the link is written through, never replaced."""
    path = os.path.abspath(path)
    return os.path.realpath(path) if os.path.islink(path) else path


_KINDS = ((stat.S_ISFIFO, "a pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _not_a_file(out, mode, printed):
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    link = " (through a symlink)" if os.path.islink(out) else ""
    return CliError(f"the output path is {kind}{link}: s2sad writes only regular files "
                    f"and never reads or replaces this one, even with --force",
                    where=shown_path(out),
                    hint=f"'-o -' prints {printed} to stdout (pipe or redirect it from "
                         f"there), or give a file name")


def _output_mode(out):
    """``st_mode`` of the file ``out`` names (through symlinks), None if there is none."""
    try:
        return os.stat(out).st_mode
    except FileNotFoundError:   # (nothing there, or a symlink to nothing: written through)
        return None
    except OSError as exc:      # a loop of symlinks, a path through a file, no permission
        raise CliError(f"cannot use this output path: {exc.strerror}",
                       where=shown_path(out), hint="choose another -o")


def check_output_path(out, source, force, ending="_grad.py", printed="the module"):
    """Refuse to write ``out`` if it is the source, a directory, no regular file (a
    device, a pipe: never read nor replaced), or not written by s2sad (``ending``: of the
    file name a hint offers, after the source's stem; ``printed``: what ``-o -`` prints).
    A symlink is checked (and later written) through: its file is the output."""
    mode = _output_mode(out)
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise _not_a_file(out, mode, printed)
    if mode is not None and os.path.exists(source) and os.path.samefile(out, source):
        raise CliError("refusing to write the output into the source file itself",
                       where=shown_path(out), hint="choose another file with -o")
    if mode is not None and stat.S_ISDIR(mode):   # (named as given: "." is no name)
        full = os.path.abspath(out)
        stem = os.path.splitext(os.path.basename(source))[0] or "loss"
        raise CliError(f"-o {out}: the output path is a directory"
                       + (f" ({full})" if full != out.rstrip(os.sep) else ""),
                       hint=f"give a file name, e.g. -o {os.path.join(out, stem + ending)}")
    target = written_path(out)
    if mode is not None and not force and not _written_by_s2sad(target):
        raise CliError("refusing to overwrite a file that s2sad did not write "
                       "(it has no s2sad header)", where=shown_path(out),
                       hint="pass --force to overwrite it anyway, or choose another -o")
    parent = os.path.dirname(target)
    if not os.path.isdir(parent):
        link = f" (-o {out} is a symlink to {target})" if target != os.path.abspath(out) else ""
        raise CliError(f"the output directory does not exist{link}", where=shown_path(parent))


def umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path, data):
    """Write ``data`` (bytes) to ``path`` through a temporary file in the same directory.

    Readers see the old file or the new one, never a partial one; on any
    failure the temporary file is removed and ``path`` is left untouched.  A symlink
    is written through (its file is replaced, in that file's directory; the link
    stays); anything but a regular file (a device, a pipe) is refused, never replaced.
    """
    path = os.path.abspath(path)
    real = written_path(path)
    found = _output_mode(real)
    if found is not None and not stat.S_ISREG(found):
        raise _not_a_file(path, found, "the module")
    directory, name = os.path.split(real)
    mode = (found & 0o7777) if found is not None else (0o666 & ~umask())
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
        os.replace(tmp, real)
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
