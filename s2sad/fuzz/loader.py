"""Loading generated programs as modules, and calling s2sad on them once (probes)."""

import importlib.util
import itertools
import os
import shutil
import sys
import tempfile

from s2sad import errors
from s2sad.fuzz.program import _ones_like


# ------------------------------------------------------------------ loading

class _Loader:
    """Writes programs to files in one temporary directory and imports them."""

    def __init__(self, directory=None):
        self.own = directory is None
        self.dir = directory or tempfile.mkdtemp(prefix="s2sad_fuzz_")
        self.counter = itertools.count()
        self.modules = []

    def load(self, source, stem="prog"):
        index = next(self.counter)
        name = f"s2sad_fuzz_{stem}_{index}"
        path = os.path.join(self.dir, name + ".py")
        with open(path, "w") as fh:
            fh.write(source)
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        self.modules.append(name)
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return module

    def forget(self):
        """Drop the imported modules (they stay in s2sad's caches until evicted)."""
        for name in self.modules:
            sys.modules.pop(name, None)
        self.modules = []

    def close(self):
        self.forget()
        if self.own:
            shutil.rmtree(self.dir, ignore_errors=True)


# ------------------------------------------------------------------ probing

def _s2sad_error_types():
    return (errors.S2sadError, NotImplementedError)


def _run_mode(s2sad, f, args, wrt, mode, output):
    """Call s2sad in ``mode`` once (used by probes); returns nothing, raises what it raises."""
    wrt = tuple(wrt)
    if mode == "numba_second":   # (probed on numpy: numba falls back)
        mode = "second"
    if mode in ("numba", "dask", "cli", "cli_numba"):
        # (probed on numpy: numba falls back, dask is n/a; the command line's modules are
        # made by the same passes: no fresh interpreter per probe)
        mode = "reverse" if output == "scalar" else "forward"
    if mode == "reverse":
        if output == "scalar":
            s2sad.value_and_grad(f, wrt=wrt)(*args)
        else:
            value, pullback = s2sad.vjp(f, wrt=wrt)(*args)
            ct = value if isinstance(value, tuple) else value
            pullback(ct)
    elif mode == "second":
        if output != "scalar":
            raise NotImplementedError("second derivatives of a non-scalar output")
        v = tuple(_ones_like(a) for i, a in enumerate(args) if i in wrt)
        s2sad.hvp(f, wrt=wrt)(*args, v)
    else:
        tangents = [_ones_like(a) for i, a in enumerate(args) if i in wrt]
        s2sad.jvp(f, wrt=wrt)(*args, *tangents)
