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
import importlib
import os
import threading

try:   # POSIX
    import fcntl
except ImportError:   # pragma: no cover - Windows
    fcntl = None
try:   # Windows
    import msvcrt
except ImportError:
    msvcrt = None

LOCK_NAME = "compile.lock"

#: how deep this thread is in ``held`` blocks: a compile inside a compile (a derivative
#: calling another compiled derivative) holds the lock already, and a second ``flock``
#: of the file from this process would wait for the first forever
_DEPTH = threading.local()


@contextlib.contextmanager
def held(directory):
    """An exclusive lock, across processes, on ``directory``'s lock file (made if
    missing), held for the ``with`` block (waiting for another holder first); a block
    inside another in the same thread holds it already."""
    depth = getattr(_DEPTH, "value", 0)
    _DEPTH.value = depth + 1
    try:
        if depth:
            yield
        else:
            with _file_lock(directory):
                yield
    finally:
        _DEPTH.value = depth


@contextlib.contextmanager
def _file_lock(directory):
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
    # numba's own compiler lock first (a lock of the thread, entered again by nested
    # compiles), then the file's: two threads always take them in that order
    numba_lock = importlib.import_module("numba.core.compiler_lock").global_compiler_lock

    def compile(sig):
        with numba_lock, held(directory):
            return compile_(sig)

    dispatcher.compile = compile
    return dispatcher
