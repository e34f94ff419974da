"""Reverse mode: grad, value_and_grad, vjp and source.

Each returns a function bound (see ``bound.Bound``) to the reverse-mode code of
the user's function as it is now; the gradient of each argument is given the
argument's type, shape and containers (see ``matching``).
"""

import inspect
import types

import numpy as np

from .. import pipeline
from ..errors import ValueTypeError
from ..runtime.duck import called_with
from ..syntax import anno
from ..values import refuse_complex_arguments, refuse_value
from .arguments import Arguments, check_positions, parameters
from .bound import Bound
from ..syntax.call_errors import python_call_error, raise_python_call_error
from .composable import compose_gradient, differentiable
from .entries import reverse_entry
from .fastpath import fast_path
from .forward import forward_source
from .matching import check_cotangent, match_gradient
from .numba_backend import backend_bound, check_backend, refuse_numba
from .numba_fastpath import numba_fast_path
from .outputs import failure_of
from .singular import note_user_line, raise_singular
from ..runtime.outside_kept import argument_attributes, check_outside, outside_values
from ..runtime.arguments_kept import check_unchanged, output_copy, snapshot
from .second_order import gradient_of_gradient
from .transformed import cached_transform, with_source

_ndarray = np.ndarray
_FunctionType = types.FunctionType
_FLOAT64 = np.dtype(np.float64)


def reverse_bound(func, wrt, flavor, kinds=None):
    """A :class:`Bound` of ``func``'s reverse-mode code (``flavor``: value_and_grad or
    vjp) with respect to the parameter names ``wrt``."""
    return Bound(func, lambda kinds, ranks=None: reverse_entry(func, wrt, flavor, kinds=kinds,
                                                               ranks=ranks), kinds)


def _gradient_transform(func, wrt, with_value, backend="numpy"):
    check_backend(backend, "value_and_grad" if with_value else "grad")
    if func is None:
        return lambda f: _gradient_transform(f, wrt, with_value, backend)
    kind = "value_and_grad" if with_value else "grad"
    return cached_transform(func, kind if backend == "numpy" else f"{kind}@{backend}", wrt,
                            lambda: _build_gradient(func, wrt, with_value, backend))


def _build_gradient(func, wrt, with_value, backend="numpy"):
    inner = getattr(func, anno.GRADIENT_OF, None)
    if inner is not None:   # grad(grad(f)): forward mode over the reverse gradient code
        return gradient_of_gradient(inner[0], inner[1], wrt, with_value, backend=backend)
    user, func = func, differentiable(func)   # grad(jvp(f)), grad(hvp(f))...: its code
    wrt_names, many = pipeline.resolve_wrt(func, wrt)
    bound = backend_bound(reverse_bound(func, wrt_names, "value_and_grad"), backend)
    arguments = Arguments(bound.func, wrt_names)
    lone = len(wrt_names) == 1   # generated code returns a lone gradient bare
    position, needed = arguments.positions[0], arguments.needed

    def finish(value, grads, args, kwargs=None):
        if lone:   # the common case, without building lists
            like = args[position] if not kwargs and len(args) >= needed \
                else arguments(args, kwargs)[0]
            if not (grads.__class__ is _ndarray and like.__class__ is _ndarray
                    and grads.shape == like.shape and grads.dtype is like.dtype):
                grads = match_gradient(grads, like, func)   # (inline above: its fast path)
            if many:
                grads = (grads,)
        else:
            grads = tuple([match_gradient(g, a, func)
                           for g, a in zip(grads, arguments(args, kwargs))])
        return (value, grads) if with_value else grads

    shape = (lone, many, with_value)
    make_fast = fast_path if backend == "numpy" else numba_fast_path

    def general(args, kwargs, missed=False):
        """A call the fast path does not take (``missed``: it was tried, and gave way):
        where there is none yet, it is made and tried first."""
        if not kwargs:   # positional numbers and float64 arrays: see fastpath
            if missed:
                if bound.ranked is not None:   # other ranks: their own fast path next
                    bound.fast = None
            elif bound.fast is None:   # (None again where it is made at a later call)
                fast = bound.fast = make_fast(bound, func, arguments.positions, shape,
                                              finish, general, args)
                if fast:
                    return fast(args)   # (it calls general(args, {}, True) to give way)
        for value in args:   # complex arguments are refused
            if value.__class__ is _ndarray:
                if value.dtype is not _FLOAT64 and value.dtype.kind == "c":
                    refuse_complex_arguments(args, kwargs, func.__name__)
            elif value.__class__ is not float:
                refuse_complex_arguments(args, kwargs, func.__name__)
                break
        if kwargs:
            refuse_complex_arguments((), kwargs, func.__name__)
        check_positions(func, args, kwargs)   # (a partial's keyword-only parameters)
        try:
            value, grads = bound(*args, **kwargs)
        except TypeError:   # (Python's own words where the user's call is wrong)
            raise_python_call_error(user, args, kwargs)
            raise
        return finish(value, grads, args, kwargs)

    def gradient(*args, **kwargs):
        try:
            fast = bound.fast
            if fast and not kwargs:
                return fast(args)
            return general(args, kwargs)
        except (ValueTypeError, ValueError, ZeroDivisionError) as exc:
            failed(exc, lambda: general(args, kwargs))
            raise

    failed = failure_of(func)

    plain = _with_parameters(func, bound, general, failed, user)
    gradient = with_source(plain or gradient, func, bound)
    compose_gradient(gradient, func, wrt_names, many, with_value)
    if not with_value:
        setattr(gradient, anno.GRADIENT_OF, (func, wrt))
    return _named(gradient, func, user, plain, "value_and_grad" if with_value else "grad")


def _named(gradient, func, user, plain, kind):
    """``gradient`` named ``k_grad``; one taking ``func``'s parameters (``plain``) with
    the qualified name Python words a call they do not bind with, the user's function's
    ("k() got multiple values for argument 'x'", as calling it says), and the user's
    signature, not the sentinel defaults it takes."""
    gradient.__name__ = f"{func.__name__}_{kind}"
    gradient.__qualname__ = func.__qualname__ if plain else gradient.__name__
    if plain:
        gradient.__signature__ = _signature_of(user)
    return gradient


def _signature_of(user):
    """``inspect.signature(user)`` (a partial's: Python's), None where it has none."""
    try:
        return inspect.signature(user)
    except (TypeError, ValueError):
        return None


class _Default:
    """What a gradient's parameter holds when the call leaves it to its default."""

    __slots__ = ()

    def __repr__(self):
        return "<the function's default>"


_DEFAULT = _Default()


def _passed(names, values):
    """``(args, kwargs)`` of a call that gave ``values`` (``_DEFAULT``: none given) to
    the parameters ``names``: by position up to the first left out, then by name."""
    first = next((i for i, value in enumerate(values) if value is _DEFAULT), len(values))
    return values[:first], {name: value for name, value in zip(names[first:], values[first:])
                            if value is not _DEFAULT}


def _with_parameters(func, bound, general, failed, user):
    """The gradient function taking ``func``'s own parameters, where they are plain
    (positional or keyword, no ``*args``, keyword-only or positional-only ones): a
    call then reaches the fast path without packing ``*args`` and ``**kwargs``
    (about 0.1 µs, on the seed example 5% of the gradient), whether it gives the
    arguments by position or by name.  A parameter left to its default holds
    ``_DEFAULT``: the call is then passed on as the user wrote it, as the general
    wrapper passes it on.  Arguments beyond the parameters (and, for a partial ``user``,
    keywords besides them) raise the ``TypeError`` calling ``user`` raises.  None where
    the parameters are not plain."""
    if type(func) is not _FunctionType:   # (a plain function's parameters only)
        return None
    code = func.__code__
    if code.co_kwonlyargcount or code.co_posonlyargcount \
            or code.co_flags & 0x0C:   # (0x0C: *args, **kwargs)
        return None
    names = code.co_varnames[:code.co_argcount]
    if not names or any(name.startswith("_s2sad_") for name in names):
        return None
    # (each parameter may be left out: the function may be given defaults later)
    values = f"({', '.join(names)},)"
    more = ["_s2sad_more"] + (["_s2sad_named"] if user is not func else [])
    lines = ["def make(_s2sad_bound, _s2sad_general, _s2sad_failed, _s2sad_default,",
             "         _s2sad_left_out, _s2sad_errors, _s2sad_rerun):",
             f"    def gradient({', '.join(f'{n}=_s2sad_default' for n in names)}, "
             f"*{', **'.join(more)}):",
             "        try:",
             f"            if {' or '.join([f'{n} is _s2sad_default' for n in names] + more)}:",
             f"                return _s2sad_left_out({values}, {', '.join(more)})",
             "            _s2sad_fast = _s2sad_bound.fast",
             "            if _s2sad_fast:",
             f"                return _s2sad_fast({values})",
             f"            return _s2sad_general({values}, {{}})",
             "        except _s2sad_errors as _s2sad_exc:",
             f"            _s2sad_failed(_s2sad_exc, lambda: _s2sad_rerun({values}))",
             "            raise",
             "    return gradient"]

    def left_out(values, more=(), named=None):
        """A call leaving parameters to their defaults, as the general wrapper takes it
        (the positional arguments given: the fast path, which may bind the defaults);
        one giving ``more`` arguments or keywords ``named`` besides: Python's error."""
        args, kwargs = _passed(names, values) if not more else (values + more, {})
        if more or named:
            own = python_call_error(user, args, {**kwargs, **(named or {})})
            if own is not None:
                raise own
            kwargs.update(named or {})
            return general(args, kwargs)
        fast = bound.fast
        if fast and not kwargs:
            return fast(args)
        return general(args, kwargs)

    def rerun(values):
        """The call again, as the wrapper made it (on failure: see ``failed``)."""
        if any(value is _DEFAULT for value in values):
            return left_out(values)
        return general(values, {})

    namespace = {}
    text = "\n".join(lines)
    exec(compile(text, f"<s2sad gradient of {func.__qualname__}>", "exec"), namespace)  # noqa: S102
    return namespace["make"](bound, general, failed, _DEFAULT, left_out,
                             (ValueTypeError, ValueError, ZeroDivisionError), rerun)


def grad(func=None, wrt=0, backend="numpy"):
    """The gradient of a scalar-valued ``func`` with respect to ``wrt``.

    ``wrt`` is a parameter index or name, or a tuple of them (then the
    gradient is a tuple).  The gradient of a list, tuple or dict argument is a
    container of the same type and structure (a dict's keys in its order,
    nested); a leaf with no derivative gets a zero of its type and shape.
    Works as a decorator: ``@grad`` or ``@grad(wrt="w")``.  The returned
    function has the generated code as ``.source``.

    ``backend="numba"`` (needs ``pip install 's2sad[numba]'``) runs the generated
    code compiled by ``numba.njit`` (see ``api.numba_backend``): code numba cannot
    compile runs on numpy with an ``s2sad.NumbaFallbackWarning``; the returned
    function's ``compile_seconds`` is the first call's compile (or cache load) time.
    """
    return _gradient_transform(func, wrt, with_value=False, backend=backend)


def value_and_grad(func=None, wrt=0, backend="numpy"):
    """Like :func:`grad`, but returns ``(value, gradient)``."""
    return _gradient_transform(func, wrt, with_value=True, backend=backend)


def vjp(func=None, wrt=0, backend="numpy"):
    """Vector-Jacobian products: returns ``g(*args) -> (value, pullback)``.

    ``pullback(cotangent)`` maps a cotangent shaped like the output (a tuple
    of them when ``func`` returns a tuple; a list, tuple or dict output takes a
    container of its structure, nested) to the gradients, each with its
    argument's structure; it may be called any number of times.
    """
    check_backend(backend, "vjp")
    if backend == "numba":
        raise refuse_numba("vjp", "its pullback is a Python closure over the forward sweep's "
                                  "tape, which numba-compiled code cannot return; use "
                                  "s2sad.grad or s2sad.value_and_grad (a scalar output), or "
                                  "s2sad.jvp")
    if func is None:
        return lambda f: vjp(f, wrt)
    return cached_transform(func, "vjp", wrt, lambda: _build_vjp(func, wrt))


def _build_vjp(func, wrt):
    user, func = func, differentiable(func)
    wrt_names, many = pipeline.resolve_wrt(func, wrt)
    bound = reverse_bound(func, wrt_names, "vjp")
    arguments = Arguments(bound.func, wrt_names)
    params = parameters(bound.func)

    def forward(*args, **kwargs):
        refuse_complex_arguments(args, kwargs, func.__name__)
        check_positions(func, args, kwargs)   # (a partial's keyword-only parameters)
        # (the pullback reads the arguments as they are now: see runtime.arguments_kept)
        impl = bound.current(args, kwargs)
        namespace = impl.__globals__
        writes = "ensure_unshared" in namespace   # (its check of written arguments)
        args, kwargs, kept = snapshot(args, kwargs, writes, params, (
            [v for k, v in namespace.items() if not k.startswith("__")]
            + list(bound.func.__defaults__ or ())
            + list((bound.func.__kwdefaults__ or {}).values())) if writes else ())
        try:
            value, pullback_impl = bound(*args, **kwargs)
        except TypeError:   # (Python's own words where the user's call is wrong)
            raise_python_call_error(user, args, kwargs)
            raise
        except ZeroDivisionError as exc:
            raise_singular(exc, func.__name__)
            raise
        except ValueError as exc:   # numpy's (a shape mismatch): the user's line
            if exc.__class__ is ValueError:
                note_user_line(exc, func.__name__)
            raise
        refuse_value(value, "the output", func.__name__, func,
                     rerun=lambda: bound(*args, **kwargs))
        likes = arguments(args, kwargs)
        outside = outside_values(namespace, _defaults(bound.func, params, args, kwargs), impl) \
            + argument_attributes(namespace, list(zip(params, args)) + list(kwargs.items()))

        def pullback(cotangent):
            check_unchanged(kept, func.__name__)
            check_outside(outside, func.__name__)
            checked = check_cotangent(cotangent, value, "", func.__name__)
            checked = checked if isinstance(value, tuple) and \
                bound.returns_items(args, kwargs) else (checked,)
            try:
                grads = called_with(pullback_impl, (*args, *kwargs.values(), *checked),
                                    *checked)
            except ZeroDivisionError as exc:
                raise_singular(exc, func.__name__)
                raise
            if many and len(wrt_names) == 1:
                grads = (grads,)
            if many:
                return tuple(match_gradient(g, a, func) for g, a in zip(grads, likes))
            return match_gradient(grads, likes[0], func)

        return output_copy(value), pullback

    forward = with_source(forward, func, bound)
    setattr(forward, anno.DERIVATIVE, "vjp")
    return forward


def _defaults(func, params, args, kwargs):
    """``(parameter, default)`` of ``func``'s defaults the call ``args, kwargs`` uses
    (``params``: the parameters the positional arguments bind)."""
    code = func.__code__
    names = code.co_varnames[:code.co_argcount]
    pairs = list(zip(names[len(names) - len(func.__defaults__ or ()):], func.__defaults__ or ()))
    pairs += list((func.__kwdefaults__ or {}).items())
    given = set(params[:len(args)]) | set(kwargs)
    return [(name, value) for name, value in pairs if name not in given]


def source(func, wrt=0, mode="reverse", flavor="value_and_grad"):
    """The generated module text for ``func`` (what ``grad(func).source`` holds): of
    whatever the derivatives take, a partial, a lambda, a derivative the API made."""
    func = differentiable(func)
    wrt_names, _ = pipeline.resolve_wrt(func, wrt)
    if mode == "forward":
        return forward_source(func, wrt_names)
    if mode != "reverse":
        pipeline.generate(func, wrt_names, mode)  # raises the unknown-mode error
    return reverse_entry(func, wrt_names, flavor).text

