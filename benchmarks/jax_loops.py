"""The loop workloads under ``jax.jit(jax.value_and_grad(...))``, two ways (``loops.py``).

* ``unrolled``: the workload's own Python loop with ``np`` rebound to
  ``jax.numpy``; ``jit`` traces it, so the loop is unrolled into one XLA
  program of (trip count) copies of the body.
* ``loop``: the loop written as a JAX user writes it for a compiled loop,
  ``lax.fori_loop`` (a static trip count, so reverse mode works: it becomes a
  ``scan``) or ``lax.scan`` over the sequence.

float64 (``jax_enable_x64``); the integer trip counts are static arguments;
inputs are converted to JAX arrays once, outside the timed call; every call
waits for its results (``block_until_ready``).  ``make(...)`` returns
``(run, compile_seconds)``: ``run(*args) -> (value, gradients)``, and the first
call's time (tracing and XLA compilation) measured apart from the timing.

Importing this module imports JAX: ``loops.py`` imports it only when JAX is
installed.
"""

import time
import types

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402
import numpy as np  # noqa: E402


def _rebound(func):
    """``func`` with its global ``np`` replaced by ``jax.numpy``."""
    globals_ = dict(func.__globals__)
    globals_["np"] = jnp
    return types.FunctionType(func.__code__, globals_, func.__name__, func.__defaults__,
                              func.__closure__)


def scalar_loop(x, n):
    return lax.fori_loop(0, n, lambda i, x: 0.99 * x + jnp.sin(x), x)


def rnn(Wx, Wh, b, xs, h0):
    def step(carry, x_t):
        h, loss = carry
        h = jnp.tanh(x_t @ Wx + h @ Wh + b)
        return (h, loss + jnp.sum(h * h)), None

    (h, loss), _ = lax.scan(step, (h0, 0.0), xs)
    return loss


def euler(k, y0, steps):
    dt = 0.01
    return lax.fori_loop(0, steps, lambda step, y: y + dt * (-k * y + jnp.sin(y)), y0)


def indexed_sum(x):
    return lax.fori_loop(0, x.shape[0], lambda i, s: s + x[i] * x[i], 0.0)


def list_append(x, n):
    def step(h, _):
        h = jnp.sin(h) * 0.9 + 0.1
        return h, h * h

    _, squares = lax.scan(step, x, None, length=n)
    return jnp.sum(squares)


#: workload function name -> the same function with a lax loop
LOOPS = {"scalar_loop": scalar_loop, "rnn": rnn, "euler": euler,
         "indexed_sum": indexed_sum, "list_append": list_append}


def make(func, wrt, args, unrolled):
    """(run, compile_seconds) for ``func`` (a workload function) under jit(value_and_grad);
    ``unrolled``: ``func`` itself (a function without a loop is traced as it is)."""
    f = _rebound(func) if unrolled else LOOPS[func.__name__]
    static = tuple(i for i, a in enumerate(args) if isinstance(a, int))
    vg = jax.jit(jax.value_and_grad(f, argnums=tuple(wrt)), static_argnums=static)
    converted = tuple(jnp.asarray(a) if isinstance(a, (np.ndarray, float)) else a
                      for a in args)

    def run(*_args):
        # the workload's own arguments, converted once (``_args`` are the same values)
        value, grads = vg(*converted)
        return jax.block_until_ready(value), jax.block_until_ready(grads)

    start = time.perf_counter()
    run(*args)
    return run, time.perf_counter() - start
