"""Second order, forward over reverse: hvp, hessian and grad of grad.

The forward transform runs on the gradient code reverse mode generated (see
``transform.second_order``), giving ``H @ v`` in one sweep.
"""

import numpy as np

from .. import pipeline, trees
from ..errors import NonScalarOutputError, TangentError, ValueTypeError
from ..syntax import anno
from ..values import PowerDivergesError, located_power_error, refuse_complex_arguments
from ..runtime.duck import size_of
from .arguments import arguments, arguments_then, parameters
from .bound import Bound
from .composable import (compose_gradient_of_gradient, compose_hvp, differentiable,
                         gradient_of_gradient_output)
from .directions import block, directions, runs_effects, size
from .draws import functions_of, refuse_different_runs, refuse_unrestorable, saved_states
from .entries import second_order_entry
from .foreign import refuse_foreign_arguments
from .matching import as_tangent, check_scalar, in_library_of, match_derivative
from .numba_backend import backend_bound, check_backend
from .outputs import located_output_error
from .singular import raise_singular
from .transformed import cached_transform, with_source
from ..syntax.call_errors import python_call_error


def _second_order_call(bound, func, *args, what="the Hessian"):
    """``bound(*args)`` for second-order code, whose refusals of an infinite second
    derivative of a power get the location of the power in ``func``, as does a Python
    float divided by zero in a derivative's statement; its check of a scalar output (before
    the backward sweep seeds it) is refused as ``what`` needing one."""
    try:
        return bound(*args)
    except PowerDivergesError as exc:
        raise located_power_error(exc, func) from None
    except ValueTypeError as exc:   # (a complex output: at the line that made it)
        located = located_output_error(exc, func.__name__, lambda: bound(*args))
        if located is not None:
            raise located from None
        raise
    except ValueError as exc:
        found = str(exc).partition(" is only defined for a scalar output, but it returned ")
        if not found[1] or exc.__class__ is not ValueError:
            raise
        raise NonScalarOutputError(
            f"{what} of {func.__name__} needs a scalar output, but it returned "
            f"{found[2].split(';')[0]}", hint="use s2sad.jacobian for non-scalar outputs") \
            from None
    except ZeroDivisionError as exc:   # (a derivative's own: see api.singular)
        raise_singular(exc, func.__name__)
        raise


def _second_order(func, wrt, backend="numpy", quiet=False):
    wrt_names, many = pipeline.resolve_wrt(func, wrt)
    bound = backend_bound(Bound(func, lambda kinds, ranks=None: second_order_entry(
        func, wrt_names, wrt_names, kinds=kinds, ranks=ranks, quiet=quiet)), backend)
    params = parameters(bound.func)
    positions = [params.index(w) for w in wrt_names]
    return wrt_names, many, bound, positions


def hvp(func=None, wrt=0, with_grad=False, backend="numpy"):
    """Hessian-vector products of a scalar ``func``, forward over reverse.

    Returns ``h(*args, v) -> H @ v`` where ``v`` is shaped like the ``wrt``
    argument (a tuple of them when ``wrt`` is a tuple; then the result is a
    tuple too); for a list, tuple or dict argument, ``v`` and the result are
    containers of its structure.  One forward sweep over the gradient code:
    about the cost of two or three gradients, whatever the size of ``v``.
    ``with_grad=True``: ``h`` returns ``(gradient, H @ v)``, the gradient that
    sweep computes anyway (shaped as ``grad(func, wrt)`` returns it).
    ``backend="numba"``: as for ``s2sad.grad``.
    """
    check_backend(backend, "hvp")
    if func is None:
        return lambda f: hvp(f, wrt, with_grad, backend)
    kind = "hvp_with_grad" if with_grad else "hvp"
    return cached_transform(func, kind if backend == "numpy" else f"{kind}@{backend}", wrt,
                            lambda: _build_hvp(func, wrt, with_grad, backend))


def _build_hvp(func, wrt, with_grad, backend="numpy"):
    func = differentiable(func)   # hvp(grad(f))...: through its code
    wrt_names, many, bound, positions = _second_order(func, wrt, backend)

    what = f"the direction v given to the hvp of {func.__name__}"

    def product(*args, **kwargs):
        if not args:
            raise TypeError(f"the hvp of {func.__name__} takes its arguments followed by v")
        refuse_complex_arguments(args, kwargs, func.__name__, tail=[what])
        refuse_foreign_arguments(func, args, kwargs)   # (a deque, a set: see foreign)
        values = arguments_then(bound.func, args, kwargs, 1,
                                f"the direction v (shaped like {', '.join(wrt_names)})", "hvp")
        vs = args[-1]
        if many:
            if not isinstance(vs, (tuple, list)) or len(vs) != len(wrt_names):
                raise TangentError(f"v must be a tuple of {len(wrt_names)} directions "
                                   f"(for {', '.join(wrt_names)}), but it is {trees.describe(vs)}",
                                   hint="pass one direction per wrt parameter, shaped like it")
        else:
            vs = (vs,)
        xs = [values[p] for p in positions]
        tangents = in_library_of(values, [as_tangent(v, x, w, what)
                                          for v, x, w in zip(vs, xs, wrt_names)])
        (value, grads), products = _second_order_call(bound, func, *values, *tangents)
        check_scalar(value, func, "the Hessian", rerun=lambda: bound(*values, *tangents))
        if len(xs) == 1:   # the gradient code returns a tuple for several wrt only
            products, grads = (products,), (grads,)
        result = tuple(match_derivative(p, x, func) for p, x in zip(products, xs))
        if with_grad:
            grads = tuple(match_derivative(g, x, func) for g, x in zip(grads, xs))
            return (grads, result) if many else (grads[0], result[0])
        return result if many else result[0]

    product = with_source(product, func, bound)
    compose_hvp(product, func, wrt_names, many, with_grad)
    product.__name__ = product.__qualname__ = f"{func.__name__}_hvp"
    setattr(product, anno.DERIVATIVE, "hvp")
    return product


def hessian(func=None, wrt=0, backend="numpy"):
    """The Hessian of a scalar ``func``: shape ``x.shape + x.shape``.

    Forward over reverse: one Hessian-vector product per element of the
    ``wrt`` arguments.  With a tuple ``wrt`` the result is a tuple of tuples:
    ``H[i][j]`` has shape ``x_i.shape + x_j.shape``.  With respect to a list,
    tuple or dict argument, as ``jax.hessian``: that container, each leaf ``a``
    holding that container again, each leaf ``b`` of which is the block
    ``a.shape + b.shape`` (a dict of dicts, a tuple of tuples).
    ``backend="numba"``: each product compiled, as for ``s2sad.hvp``.
    """
    check_backend(backend, "hessian")
    if func is None:
        return lambda f: hessian(f, wrt, backend)
    user, func = func, differentiable(func)
    wrt_names, many, bound, positions = _second_order(func, wrt, backend)
    quiet = []   # the later columns' products: without print(...) and the like (made
    # where the code has such calls), which Python's function runs once

    def later(column):
        if column == 0 or not runs_effects(bound):
            return bound
        if not quiet:
            quiet.append(_second_order(func, wrt, backend, quiet=True)[2])
        return quiet[0]

    def hess(*args, **kwargs):
        refuse_complex_arguments(args, kwargs, func.__name__)
        refuse_foreign_arguments(func, args, kwargs)   # (a deque, a set: see foreign)
        try:
            values = arguments(bound.func, args, kwargs)
        except TypeError:   # (Python's own words, naming the user's function)
            own = python_call_error(user, args, kwargs)
            if own is None:
                raise
            raise own from None
        xs = [values[p] for p in positions]
        flat = [trees.leaves(x) for x in xs]
        # columns[i][m][j][l]: the raveled columns of the block for leaf m of xs[i]
        # (rows) and leaf l of xs[j] (columns), one per element of leaf l
        columns = [[[[[] for _ in lj] for lj in flat] for _ in li] for li in flat]
        if not any(trees.is_numeric(leaf) and size_of(leaf) for leaves in flat
                   for leaf in leaves):
            # (no column: the function still runs once, its prints and raises, as Python's,
            # through the derivative's code, which writes into copies of the arguments; an
            # object of the user's class carries none: its refusal is raised there)
            zeros = [trees.zeros_like(x) for x in xs]
            (value, _), _ = _second_order_call(bound, func, *values, *zeros)
            check_scalar(value, func, "the Hessian", rerun=lambda: bound(*values, *zeros))
        runs = sum(size(x) for x in xs)
        drawing = functions_of(func) if runs > 1 else ()   # (see api.draws)
        refuse_unrestorable(func, "hessian", runs, drawing)
        states = saved_states(func, values, drawing) if runs > 1 else None
        first = None
        for column, (j, l, tangents) in enumerate(directions(xs)):
            if column:   # (each run draws what the first drew)
                states.restore()
            ran, products = _second_order_call(later(column), func, *values, *tangents)
            value = ran[0]
            if column:   # (a state none of them reached: refused, never mixed)
                refuse_different_runs(first, ran, func, "hessian", runs)
            else:
                first = ran
            check_scalar(value, func, "the Hessian",
                         rerun=lambda: bound(*values, *tangents))
            if len(xs) == 1:   # the gradient code returns a tuple for several wrt only
                products = (products,)
            for i, p in enumerate(products):
                for m, pm in enumerate(trees.leaves(match_derivative(p, xs[i], func))):
                    columns[i][m][j][l].append(np.ravel(pm))
        return _hessian_blocks(columns, flat, xs, many)

    hess = with_source(hess, func, bound)
    hess.__name__ = hess.__qualname__ = f"{func.__name__}_hessian"
    setattr(hess, anno.DERIVATIVE, "hessian")
    return hess


def _hessian_blocks(columns, flat, xs, many):
    """H[i][j]: xs[i]'s structure, each leaf m holding xs[j]'s structure, each leaf l of
    that the block of shape m.shape + l.shape (as jax.hessian), from the raveled
    ``columns[i][m][j][l]``; H itself where there is one argument (not ``many``)."""
    blocks = [[trees.unflatten(xi, [
        trees.unflatten(xj, [block(columns[i][m][j][l], lm, ll, False)
                             for l, ll in enumerate(flat[j])])
        for m, lm in enumerate(flat[i])]) for j, xj in enumerate(xs)]
        for i, xi in enumerate(xs)]
    if not many:
        return blocks[0][0]
    return tuple(tuple(row) for row in blocks)


def gradient_of_gradient(func, inner_wrt=0, outer_wrt=0, with_value=False, backend="numpy"):
    """``grad(grad(func, inner_wrt), outer_wrt)``, forward over reverse.

    ``grad(func, wrt=i)`` is a scalar only when ``x_i`` is a scalar; its
    gradient with respect to ``x_j`` is the mixed second derivative, which
    (for twice continuously differentiable functions) equals the derivative of
    ``grad(func, wrt=j)`` along ``x_i``: one forward sweep over the reverse
    gradient code, with tangent 1 for ``x_i``.
    """
    inner, inner_many = pipeline.resolve_wrt(func, inner_wrt)
    if inner_many:
        raise NonScalarOutputError(
            f"grad({func.__name__}, wrt={inner_wrt!r}) returns a tuple, so it has no gradient",
            hint="use s2sad.hessian for all second derivatives at once")
    outer, outer_many = pipeline.resolve_wrt(func, outer_wrt)
    rev = tuple(outer) + (() if not with_value or inner[0] in outer else inner)
    regenerate = (f"s2sad.grad(s2sad.grad({func.__name__}, wrt={inner[0]!r}), "
                  f"wrt={outer_wrt!r}).source")
    bound = backend_bound(Bound(func, lambda kinds, ranks=None: second_order_entry(
        func, rev, inner, regenerate, kinds=kinds, ranks=ranks)), backend)
    params = parameters(bound.func)

    def gradient(*args, **kwargs):
        refuse_complex_arguments(args, kwargs, func.__name__)
        refuse_foreign_arguments(func, args, kwargs)   # (a deque, a set: see foreign)
        values = arguments(bound.func, args, kwargs)
        x_inner = values[params.index(inner[0])]
        if trees.is_container(x_inner) or np.ndim(x_inner) != 0:
            shape = trees.describe(x_inner) if trees.is_container(x_inner) \
                else f"an array of shape {np.shape(x_inner)}"
            raise NonScalarOutputError(
                f"the gradient of {func.__name__} with respect to {inner[0]!r} is "
                f"{shape}, not a number, so it has no gradient",
                hint="use s2sad.hessian, s2sad.hvp or s2sad.jacobian for the derivatives of a "
                     "gradient")
        direction = as_tangent(1.0, x_inner, inner[0])
        (value, grads), dots = _second_order_call(bound, func, *values, direction,
                                                  what="the gradient")
        check_scalar(value, func, "the gradient", rerun=lambda: bound(*values, direction))
        if len(rev) == 1:
            grads, dots = (grads,), (dots,)
        likes = [values[params.index(w)] for w in outer]
        result = tuple(match_derivative(d, x, func) for d, x in zip(dots[:len(outer)], likes))
        result = result if outer_many else result[0]
        if not with_value:
            return result
        inner_value = grads[rev.index(inner[0])]
        return match_derivative(inner_value, x_inner, func), result

    gradient = with_source(gradient, func, bound)
    compose_gradient_of_gradient(
        gradient, func, lambda kinds=None: second_order_entry(func, rev, inner, regenerate,
                                                             kinds=kinds),
        gradient_of_gradient_output(rev, inner[0], len(outer), outer_many, with_value),
        inner[0], outer)
    gradient.__name__ = gradient.__qualname__ = f"{func.__name__}_grad_grad"
    setattr(gradient, anno.DERIVATIVE, "grad of grad")
    return gradient
