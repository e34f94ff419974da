"""One numba compile at a time across processes, for the modules ``backend="numba"``
writes.

numba's on-disk cache (``cache=True``) keeps, per module, an index from signatures to
data files.  Two processes compiling one module for different argument types at the
same time can each read the index before the other saves it, and both save their
compiled code under the same data file: the index of one type then points at the other
type's code, and every later process loading it computes with the wrong code (a float
signature answered by integer code).  So each compile of a dispatcher s2sad made, which
loads from or saves to that cache (and compiles the runtime helpers it calls, under the
same hold), holds an exclusive lock on one file of the cache directory.  Compiles are
rare (once per signature and machine); calls of compiled code take no lock.
"""

import contextlib
import os

try:   # POSIX
    import fcntl
except ImportError:   # pragma: no cover - Windows
    fcntl = None
try:   # Windows
    import msvcrt
except ImportError:
    msvcrt = None

LOCK_NAME = "compile.lock"


@contextlib.contextmanager
def held(directory):
    """An exclusive lock, across processes, on ``directory``'s lock file (made if
    missing), held for the ``with`` block (waiting for another holder first)."""
    os.makedirs(directory, exist_ok=True)
    fd = os.open(os.path.join(directory, LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        elif msvcrt is not None:   # pragma: no cover - Windows
            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
        yield
    finally:
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
            elif msvcrt is not None:   # pragma: no cover - Windows
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(fd)


def serialize_compiles(dispatcher, directory):
    """Make each compile of the numba ``dispatcher`` (``dispatcher.compile``, which numba
    calls for a signature it has not compiled in this process) hold the lock of
    ``directory``; returns the dispatcher."""
    compile_ = dispatcher.compile

    def compile(sig):
        with held(directory):
            return compile_(sig)

    dispatcher.compile = compile
    return dispatcher
