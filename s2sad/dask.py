"""s2sad on Dask arrays (issue 17): computing lazy derivatives, once.

s2sad's derivatives run on Dask arrays as they are (see :mod:`s2sad.runtime.duck`):
with a Dask array among the arguments, ``s2sad.grad``, ``value_and_grad``, ``vjp`` and
``jvp`` return lazy Dask arrays (a value is a 0-d Dask array; a gradient with respect
to a numpy array or a number that depends on Dask data is a Dask array of its shape,
0-d for a number), built into one task graph with the function's own operations.
Nothing is computed until asked for.  This module asks for it in one pass::

    import s2sad.dask
    value, w_bar = s2sad.dask.compute(s2sad.value_and_grad(loss)(w, X, y))
    step = s2sad.dask.computed(s2sad.value_and_grad(loss))   # the same, as a function

One ``dask.compute`` of the value and the gradients together computes the
intermediates they share (``X @ w``...) once and streams the chunks of ``X`` once,
where computing each result by itself would read the data again for each.

Importing this module imports Dask (``pip install 's2sad[dask]'``); s2sad itself never
does.
"""

import functools

import dask

__all__ = ["compute", "computed"]


def compute(result, **kwargs):
    """``result`` (a value, a tuple ``(value, gradients)``, a pullback's gradients, any
    nesting of tuples, lists and dicts) with each Dask array in it computed, all in one
    ``dask.compute(..., **kwargs)`` (``scheduler=...`` and the like pass through); the
    structure and the other values stay as they are."""
    (out,) = dask.compute(result, **kwargs)
    return out


def computed(derivative, **kwargs):
    """``derivative`` (``s2sad.grad(f)``, ``s2sad.value_and_grad(f)``, ``s2sad.jvp(f)``...)
    whose result is computed in one ``dask.compute`` each call: numpy arrays and numbers
    out, for Dask arrays in."""
    @functools.wraps(derivative)
    def run(*args, **call_kwargs):
        return compute(derivative(*args, **call_kwargs), **kwargs)
    return run
