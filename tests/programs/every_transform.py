"""Check one program in every transform the README offers against central finite
differences: grad, value_and_grad and vjp (``check_grads``' reverse), jvp (forward),
jacobian, hessian and hvp (second differences), the module ``s2sad.source`` writes (as
the CLI does) and ``backend="numba"`` (its value, whether it compiles or falls back)."""

import copy
import warnings

import numpy as np

import s2sad
from s2sad.testing import check_grads, finite_difference_gradient


def _flat(value):
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return np.concatenate([_flat(v) for v in value]) if value else np.zeros(0)
    return np.ravel(np.asarray(value, dtype=float))


def _on_copies(f):
    """``f`` called on copies of its arguments, as s2sad's derivatives compute it (they
    copy a list the function changes on entry)."""
    import functools

    @functools.wraps(f)
    def fresh(*args):
        return f(*copy.deepcopy(args))
    return fresh


def _fd_hessian(f, args, h=1e-4):
    x = np.asarray(args[0], dtype=float)
    rows = []
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = h
        up = (x.ravel() + step).reshape(x.shape)
        down = (x.ravel() - step).reshape(x.shape)
        rows.append((finite_difference_gradient(f, (up,) + tuple(args[1:]))
                     - finite_difference_gradient(f, (down,) + tuple(args[1:]))).ravel()
                    / (2 * h))
    return np.array(rows).reshape(x.shape + x.shape)


def every_transform(f, args, second_order=True, numba=True):
    """Check ``f`` (scalar output) at ``args`` with respect to ``args[0]`` in every
    transform (see the module docstring).  Each call is given copies of ``args``: a
    function may change its list arguments, as Python lets it."""
    args = tuple(args)
    plain = _on_copies(f)   # (for the finite differences)
    check_grads(f, args, wrt=0, modes=("reverse", "forward"))
    expected = finite_difference_gradient(plain, args)
    np.testing.assert_allclose(_flat(s2sad.grad(f)(*args)), _flat(expected),
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(_flat(s2sad.jacobian(f)(*args)), _flat(expected),
                               rtol=1e-5, atol=1e-7)
    namespace = {}
    exec(compile(s2sad.source(f), "<cli>", "exec"), namespace)
    value, grad = namespace[f"{f.__name__}_value_and_grad"](*args)
    np.testing.assert_allclose(value, plain(*args), rtol=1e-12)
    np.testing.assert_allclose(_flat(grad), _flat(expected), rtol=1e-5, atol=1e-7)
    if second_order:
        hessian = _fd_hessian(plain, args)
        np.testing.assert_allclose(s2sad.hessian(f)(*args), hessian, rtol=1e-4, atol=1e-4)
        v = np.linspace(-1.0, 1.0, np.size(args[0])).reshape(np.shape(args[0]))
        np.testing.assert_allclose(s2sad.hvp(f)(*args, v),
                                   np.tensordot(hessian, v, axes=np.ndim(v)),
                                   rtol=1e-4, atol=1e-4)
    if numba:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", s2sad.NumbaFallbackWarning)
            got = s2sad.grad(f, backend="numba")(*args)
        np.testing.assert_allclose(_flat(got), _flat(expected), rtol=1e-5, atol=1e-7)
