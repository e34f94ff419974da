"""``s2sad``'s command line run in the test's own process (``cli.main``): what ``python -m
s2sad ...`` in a fresh process does, without starting one (an interpreter and numpy's
import each time, most of a command's time here); the command line imports the user's
module and leaves ``sys.modules`` and ``sys.path`` as it found them (``cli.target``).  A
call given an environment of its own runs in a fresh process, as written."""

import contextlib
import io
import os
import subprocess
import sys

from s2sad import cli


def run_cli(args, cwd):
    """(exit code, stderr) of ``python -m s2sad *args`` run in ``cwd``, in this process."""
    done = s2sad_command(args, cwd=cwd)
    return done.returncode, done.stderr


def s2sad_command(args, cwd=None, check=False, env=None, **ignored):
    """``subprocess.run([sys.executable, "-m", "s2sad", *args], cwd=cwd, check=check,
    capture_output=True, text=True)``'s result, the command run in this process (see the
    module docstring)."""
    args = [str(a) for a in args]
    if env is not None and _other_than_ours(env):
        return subprocess.run([sys.executable, "-m", "s2sad", *args], cwd=cwd, check=check,
                              env=env, capture_output=True, text=True)
    err, out = io.StringIO(), io.StringIO()
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            try:
                code = cli.main(args)
            except SystemExit as exc:   # (argparse's usage errors, --help)
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None
                                                                   else 1)
    finally:
        os.chdir(old)
    done = subprocess.CompletedProcess(["s2sad", *args], code or 0, out.getvalue(),
                                       err.getvalue())
    if check:
        done.check_returncode()
    return done


def _other_than_ours(env):
    """Whether ``env`` differs from this process's environment (but for ``PYTHONPATH``)."""
    mine = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return {k: v for k, v in env.items() if k != "PYTHONPATH"} != mine
