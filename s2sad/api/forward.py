"""Forward mode: jvp, and the generated forward-mode source.

:func:`jvp` runs generated forward-mode code: one sweep gives the derivative of
every output along one input direction.
"""

from .. import pipeline
from ..syntax import anno
from ..runtime.undetermined import refuse_undetermined, watching
from ..values import refuse_complex_arguments, refuse_value
from .arguments import arguments_then, call_form, parameters
from .bound import Bound
from .composable import compose_jvp, differentiable
from .entries import forward_entry
from .foreign import refuse_foreign_arguments
from .matching import as_tangent, in_library_of, match_derivative
from .numba_backend import backend_bound, check_backend
from .singular import note_user_line, raise_singular
from .transformed import cached_transform, with_source


def forward_bound(func, wrt_names, quiet=False):
    """A :class:`Bound` of ``func``'s forward-mode (jvp) code along ``wrt_names``
    (``quiet``: without the calls run for their effect, see ``forward_entry``)."""
    return Bound(func, lambda kinds: forward_entry(func, wrt_names, kinds, quiet=quiet))


def jvp(func=None, wrt=0, backend="numpy"):
    """Jacobian-vector products by forward mode.

    Returns ``g(*args, *tangents) -> (value, output_tangent)``: ``f``'s
    arguments, then one tangent per ``wrt`` parameter (shaped like it: for a
    list, tuple or dict parameter, a container of its structure, nested).
    The output tangent has the output's structure (a tuple for a tuple output,
    a dict with the same keys for a dict output, nested).
    The generated code is ``g.source``.  ``backend="numba"``: as for ``s2sad.grad``.
    """
    check_backend(backend, "jvp")
    if func is None:
        return lambda f: jvp(f, wrt, backend)
    return cached_transform(func, "jvp" if backend == "numpy" else f"jvp@{backend}", wrt,
                            lambda: _build_jvp(func, wrt, backend))


def _build_jvp(func, wrt, backend="numpy"):
    func = differentiable(func)   # jvp(grad(f)), jvp(jvp(f))...: through its code
    wrt_names, _ = pipeline.resolve_wrt(func, wrt)
    bound = backend_bound(forward_bound(func, wrt_names), backend)
    params = parameters(bound.func)
    positions = [params.index(w) for w in wrt_names]
    k = len(wrt_names)

    what = f"the tangent given to the jvp of {func.__name__}"

    def pushforward(*args, **kwargs):
        if len(args) < k:
            raise TypeError(f"the jvp of {func.__name__} takes " + call_form(
                bound.func, f"{k} tangent(s) (for {', '.join(wrt_names)})"))
        refuse_complex_arguments(args, kwargs, func.__name__,
                                 tail=[f"{what} for {w!r}" for w in wrt_names])
        refuse_foreign_arguments(func, args, kwargs)   # (a deque, a set: see foreign)
        values = arguments_then(bound.func, args, kwargs, k,
                                f"{k} tangent(s) (for {', '.join(wrt_names)})", "jvp")
        tangents = in_library_of(values, [
            as_tangent(t, values[p], w, what)
            for t, p, w in zip(args[len(args) - k:], positions, wrt_names)])
        try:
            with watching() as undetermined:
                value, tangent = bound(*values, *tangents)
            refuse_undetermined(undetermined, tangent)
        except ZeroDivisionError as exc:
            raise_singular(exc, func.__name__)
            raise
        except ValueError as exc:   # numpy's (a shape mismatch): the user's line
            if exc.__class__ is ValueError:
                note_user_line(exc, func.__name__)
            raise
        refuse_value(value, "the output", func.__name__, func,
                     rerun=lambda: bound(*values, *tangents))
        return value, match_derivative(tangent, value, func)

    pushforward = with_source(pushforward, func, bound)
    compose_jvp(pushforward, func, wrt_names)
    pushforward.__name__ = pushforward.__qualname__ = f"{func.__name__}_jvp"
    setattr(pushforward, anno.DERIVATIVE, "jvp")
    return pushforward


def forward_source(func, wrt=0):
    """The generated forward-mode module text for ``func`` (a partial, a lambda...: as
    :func:`jvp` takes it)."""
    func = differentiable(func)
    wrt_names, _ = pipeline.resolve_wrt(func, wrt)
    return forward_entry(func, wrt_names).text
