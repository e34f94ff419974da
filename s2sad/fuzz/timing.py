"""A time limit for a fuzzed program, or s2sad on it (``SIGALRM``, main thread only)."""

import signal
import threading


class Timeout(BaseException):
    """A program (or s2sad on it) ran longer than its time limit."""


class time_limit:
    """Raise :class:`Timeout` in the main thread after ``seconds`` (no-op elsewhere)."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.active = False

    def __enter__(self):
        if threading.current_thread() is threading.main_thread() and hasattr(signal,
                                                                             "setitimer"):
            self.active = True
            self.previous = signal.signal(signal.SIGALRM, self._raise)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    @staticmethod
    def _raise(signum, frame):
        raise Timeout()

    def __exit__(self, *exc):
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False
