"""Programs that draw from a generator of their module (``stranger23_forms``'
``draw_module_generator``: ``DRAWN3 = np.random.default_rng(41)``, read in ``f`` as
``DRAWN3.standard_normal(3)``).

Each call of ``f`` draws anew, so the checker puts the module's generators back to
their state at load before every call it makes: of ``f`` (the value, the finite
differences) and of every derivative (:class:`Resetting` wraps ``s2sad``).  The
derivative of one call is then compared with the differences of calls starting from
the same state; a Hessian or forward-mode Jacobian drawing anew per column (each of
its runs must start from the state its first run started from, ``api.draws``) fails.
"""

import functools

import numpy as np

#: the modes whose references go through the resets (the command line's and Dask's call
#: f themselves: not checked there)
MODES = ("reverse", "forward", "second", "numba", "numba_second")

#: the prefix of the names of the module's generators
PREFIX = "DRAWN"


def NOTHING():
    """The reset of a program drawing from no generator of its module."""


def draws_from_module(prog):
    return "draw_module_generator" in prog.features


def resetter(module):
    """A function putting ``module``'s generators back to their states now."""
    saved = [(g, g.bit_generator.state) for name, g in sorted(vars(module).items())
             if name.startswith(PREFIX) and isinstance(g, np.random.Generator)]

    def reset():
        for g, state in saved:
            g.bit_generator.state = state
    return reset


def resetting(fn, reset):
    """``fn`` called after ``reset()`` (for the reference's calls of ``f``)."""
    @functools.wraps(fn)
    def call(*args, **kwargs):
        reset()
        return fn(*args, **kwargs)
    return call


class Resetting:
    """``s2sad`` whose transforms' derivatives, when called, start from the state
    ``reset()`` puts back (their pullbacks run no code of ``f``)."""

    def __init__(self, module, reset):
        self.module, self.reset = module, reset

    def __getattr__(self, name):
        attr = getattr(self.module, name)
        if name not in ("grad", "value_and_grad", "vjp", "jvp", "hvp", "hessian",
                        "jacobian"):
            return attr

        def transform(*args, **kwargs):
            made = attr(*args, **kwargs)
            return _Derivative(made, self.reset) if callable(made) else made
        return transform


class _Derivative:
    """A derivative whose calls start with ``reset()``; its attributes are its own."""

    def __init__(self, made, reset):
        self.made, self.reset = made, reset

    def __call__(self, *args, **kwargs):
        self.reset()
        return self.made(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.made, name)
