"""The same workloads in other AD systems, for the ones that are installed.

Each ``make_<peer>(workload)`` returns a callable taking the workload's numpy
arguments and returning ``(value, gradients)``, or None when that peer
cannot run the workload.  Inputs are converted once, outside the timed
call, wherever a peer has its own array type (JAX, PyTorch), so the timings
compare the differentiation itself.

* autograd: the workload functions themselves, with ``np`` rebound to
  ``autograd.numpy`` (autograd traces ordinary numpy code).
* JAX: the same functions with ``np`` rebound to ``jax.numpy``, under
  ``jax.jit(jax.value_and_grad(...))``, in float64; the scalar loop uses
  ``lax.fori_loop`` as a JAX user would write it.
* PyTorch: the functions rewritten with torch operations, float64, CPU,
  ``torch.autograd.grad``, one intra-op thread (``torch.set_num_threads(1)``:
  with its default pool these small kernels ran up to 700x slower here).
"""

import importlib
import types

import numpy as np

import workloads as W


def available():
    """{peer name: version} for the peers that import."""
    from importlib import metadata
    found = {}
    for name in ("autograd", "jax", "torch"):
        try:
            module = importlib.import_module(name)
        except Exception:
            continue
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = getattr(module, "__version__", "?")
    if "torch" in found:
        # PyTorch's intra-op thread pool makes tiny kernels hundreds of times slower on
        # small machines; one thread is its fastest setting for these sizes
        import torch
        torch.set_num_threads(1)
    return found


def _rebind(func, np_module, logsumexp=None):
    """``func`` with its global ``np`` replaced by ``np_module`` (and scipy's
    ``logsumexp``, where it reads it, by the peer's ``logsumexp``)."""
    globals_ = dict(func.__globals__)
    globals_["np"] = np_module
    if "logsumexp" in globals_:
        globals_["logsumexp"] = logsumexp
    return types.FunctionType(func.__code__, globals_, func.__name__, func.__defaults__,
                              func.__closure__)


# ----------------------------------------------------------------- autograd

def make_autograd(workload):
    import autograd
    import autograd.numpy as anp
    import autograd.scipy.special as asp
    f = _rebind(workload.func, anp, asp.logsumexp)
    vg = autograd.value_and_grad(f, argnum=workload.wrt if len(workload.wrt) > 1
                                 else workload.wrt[0])
    many = len(workload.wrt) > 1

    def run(*args):
        value, grads = vg(*args)
        return value, (grads if many else (grads,))

    return run


# ----------------------------------------------------------------------- JAX

def make_jax(workload):
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import jax.scipy.special as jsp
    if workload.func is W.scalar_loop:
        def f(x, n):
            return jax.lax.fori_loop(0, n, lambda i, x: 0.99 * x + jnp.sin(x), x)
        static = (1,)   # a static trip count: fori_loop becomes a differentiable scan
    else:
        f = _rebind(workload.func, jnp, jsp.logsumexp)
        static = ()
    vg = jax.jit(jax.value_and_grad(f, argnums=workload.wrt), static_argnums=static)
    prepared = {}

    def convert(args):
        key = id(args)
        if key not in prepared:
            prepared[key] = tuple(jnp.asarray(a) if isinstance(a, (np.ndarray, float)) else a
                                  for a in args)
        return prepared[key]

    def run(*args):
        value, grads = vg(*convert(args))
        value = jax.block_until_ready(value)
        grads = jax.block_until_ready(grads)
        return value, grads

    return run


# ------------------------------------------------------------------ PyTorch

def _torch_functions():
    import torch

    def least_squares(w, X, y):
        r = X @ w - y
        return torch.sum(r * r)

    def scalar_loop(x, n):
        for i in range(n):
            x = 0.99 * x + torch.sin(x)
        return x

    def mlp(W1, b1, W2, b2, X, Y):
        h = torch.tanh(X @ W1 + b1)
        out = h @ W2 + b2
        d = out - Y
        return 0.5 * torch.sum(d * d) / len(X)

    def rnn(Wx, Wh, b, xs, h0):
        h = h0
        loss = 0.0
        for t in range(len(xs)):
            h = torch.tanh(xs[t] @ Wx + h @ Wh + b)
            loss = loss + torch.sum(h * h)
        return loss

    def seed(x, w, y):
        return (torch.dot(x, w) - y) ** 2

    def gmm_nll(means, log_sigmas, logits, X):
        diff = X.unsqueeze(1) - means.unsqueeze(0)
        sq = torch.sum(diff * diff, dim=2)
        dim = X.shape[1]
        log_w = logits - torch.logsumexp(logits, dim=0)
        log_p = (log_w - 0.5 * sq * torch.exp(-2.0 * log_sigmas) - dim * log_sigmas
                 - 0.5 * dim * W.LOG_2PI)
        return -torch.sum(torch.logsumexp(log_p, dim=1))

    def reprojection(R, t, X, focal, cam_idx, pt_idx, obs):
        Xw = X[pt_idx]
        Rc = R[cam_idx]
        Xc = torch.sum(Rc * Xw.unsqueeze(1), dim=2) + t[cam_idx]
        proj = focal * Xc[:, 0:2] / Xc[:, 2:3]
        r = proj - obs
        return torch.sum(r * r)

    return {W.least_squares: least_squares, W.scalar_loop: scalar_loop, W.mlp: mlp,
            W.rnn: rnn, W.seed: seed, W.gmm_nll: gmm_nll, W.reprojection: reprojection}


def make_torch(workload):
    import torch
    f = _torch_functions().get(workload.func)
    if f is None:
        return None
    prepared = {}

    def convert(args):
        key = id(args)
        if key not in prepared:
            tensors = []
            for i, a in enumerate(args):
                if isinstance(a, np.ndarray):
                    t = torch.from_numpy(a)
                elif isinstance(a, float):
                    t = torch.tensor(a, dtype=torch.float64)
                else:
                    t = a
                if i in workload.wrt:
                    t = t.clone().requires_grad_(True)
                tensors.append(t)
            prepared[key] = tensors
        return prepared[key]

    def run(*args):
        tensors = convert(args)
        value = f(*tensors)
        grads = torch.autograd.grad(value, [tensors[i] for i in workload.wrt])
        return value.detach(), grads

    return run


MAKERS = {"autograd": make_autograd, "jax": make_jax, "torch": make_torch}
