"""Derivatives inside differentiated code: the composable form of a derivative.

A derivative the API made (``grad(f)``, ``value_and_grad(f)``, ``jvp(f)``,
``hvp(f)``) that a function being differentiated calls is differentiated
through, in either mode and to any depth, as JAX's transforms compose.  The
front end reads, in its place, the derivative's *composable form*
(``anno.COMPOSE``, resolved by ``syntax.source.composable``): the module s2sad
generated for it, compiled, a plain function of the user's arguments returning
what the API returns.  Its tree is prepared as it is read (``anno.PREPARE``):

* the tape becomes a list, the output check stays where the value flows through
  it, writes into adjoint arrays become assignments
  (``transform.second_order.prepare_gradient_code(..., composed=True)``);
* its ``return`` gives what the API gives (the gradient alone for ``grad``, the
  product alone for ``hvp``...).

The reverse code it is made from has the user's helpers put in place of their
calls (``inline_helpers``), so it calls no pullback closures.  The user's free
names it reads are read, where it is differentiated, from the user's own scope
(``anno.FREE_SOURCES``), never from the copies compiled into the form.
"""

import ast
import dataclasses
import functools
import hashlib
import inspect
import linecache

import gast

from ..emit import compile_module
from ..errors import S2sadError
from ..syntax import anno
from ..syntax.callers import CALLER as _CALLER, lambda_caller, partial_caller
from ..syntax.cached import uncached
from ..syntax.normalize.argwrites import returned_parameters
from ..transform.second_order import prepare_gradient_code
from .bound import set_defaults
from .entries import forward_entry, reverse_entry, second_order_entry


class Composable:
    """The composable form of one derivative, made again when its code is (the
    function a derivative's ``anno.COMPOSE`` attribute holds).  ``kinds``: the kinds of
    the user's arguments the form is made for (``((parameter, kind), ...)``: a function
    given, an object's class, a container's structure), as a call passes them (see
    :meth:`specialized`); None: the general code (a function parameter's default)."""

    __slots__ = ("func", "entry_of", "output", "what", "made", "kinds", "directions",
                 "variants")

    def __init__(self, func, entry_of, output, what, kinds=None, directions=()):
        self.func = func            # the user's function
        self.entry_of = entry_of    # (kinds=None) -> the cache entry of the generated code
        self.output = output        # the generated return value -> the API's
        self.what = what            # "s2sad.grad(energy)"
        self.made = None            # (entry, form, defaults)
        self.kinds = kinds
        self.directions = directions   # the names of the directions a call passes last
        self.variants = {}          # kinds -> the derivative made for them (specialized)

    def entry(self):
        return self.entry_of(kinds=self.kinds) if self.kinds else self.entry_of()

    def __call__(self):
        entry = self.entry()
        defaults = _defaults(self.func)
        if self.made is None or self.made[0] is not entry \
                or not _same_defaults(self.made[2], defaults):
            form = _form(self.func, entry, self.output, self.what)
            self.made = (entry, form, defaults)
            form.__dict__[anno.COMPOSED_CURRENT] = functools.partial(self.fits, form)
        return self.made[1]

    def fits(self, form):
        """Whether ``form`` is the form of the derivative as it is now: its code still
        fits the user's function (helpers, globals, rules) and the defaults are the same."""
        made = self.made
        return made is not None and made[1] is form and self.entry() is made[0] \
            and _same_defaults(_defaults(self.func), made[2])

    def specialized(self, derivative, kinds):
        """A function calling ``derivative`` whose composable form is made for the
        arguments' ``kinds`` (``((parameter, kind), ...)``, see
        ``syntax.composed_kinds``): what a call passing a function, an object or
        namedtuples reads in place of ``derivative``, as the API makes the code per call.
        One per kinds, kept (the code made through it checks its form is current)."""
        found = self.variants.get(kinds)
        if found is not None:
            return found
        if len(self.variants) >= 32:   # (functions given anew at each call: made again)
            self.variants.clear()

        def call(*args, **kwargs):
            return derivative(*args, **kwargs)

        call.__name__ = call.__qualname__ = derivative.__name__
        call.__dict__[anno.COMPOSE] = Composable(self.func, self.entry_of, self.output,
                                                 self.what, kinds, self.directions)
        self.variants[kinds] = call
        return call


def _defaults(func):
    """``func``'s default values now (the form was compiled with them)."""
    kw = func.__kwdefaults__
    return tuple(func.__defaults__ or ()) + (tuple(kw.values()) if kw else ())


def _same_defaults(a, b):
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def _form(func, entry, output, what):
    values = {name: entry.current(func, name) for name in entry.free}
    emitted = entry.emitted
    packed = getattr(output, "packed", None)
    if packed is not None:   # the API takes these parameters as one tuple
        emitted = dataclasses.replace(emitted, text=_packed(emitted.text,
                                                            emitted.function_name, packed))
    form = compile_module(emitted, values, origin=func)
    set_defaults(form, func)
    seeds = getattr(output, "seeds", ())   # last parameters the API gives a constant
    if seeds:
        form.__defaults__ = (func.__defaults__ or ()) + tuple(seeds)
    form.__dict__[anno.PREPARE] = functools.partial(_prepare, output=output)
    for helper in _generated_helpers(form):   # (a helper's jvp the form calls: its checks)
        helper.__dict__[anno.PREPARE] = _prepare_helper
    form.__dict__[anno.COMPOSED_AS] = what
    if getattr(output, "derivatives_only", False) or (   # (gradients are new arrays)
            getattr(output, "value_first", False) and returned_parameters(func) == frozenset()):
        form.__dict__[anno.RETURNS_NEW] = True   # (the value: new where func's result is)
    form.__dict__[anno.FREE_SOURCES] = {name: entry.free_source.get(name, func)
                                        for name in entry.free}
    made_from = [ref() for ref, *_ in entry.deps.functions]
    form.__dict__[anno.COMPOSED_FROM] = (func,) + tuple(f for f in made_from if f is not None)
    return form


def _packed(text, name, packed):
    """The module ``text`` with its function ``name`` taking its last ``packed``
    parameters as one tuple ``v`` (``hvp(f, wrt=(0, 1))`` takes ``(x_dot, w_dot)``)."""
    fn = next(n for n in ast.parse(text).body
              if isinstance(n, ast.FunctionDef) and n.name == name)
    lines = text.splitlines(keepends=True)
    end = next(i for i in range(fn.lineno - 1, len(lines))
               if lines[i].rstrip().endswith(":"))
    params = [a.arg for a in fn.args.args][:-packed]
    names = [a.arg for a in fn.args.args][-packed:]
    indent = " " * fn.body[0].col_offset
    header = f"def {name}({', '.join(params + ['v'])}):\n"
    unpack = f"{indent}{', '.join(names)}{',' if packed == 1 else ''} = v\n"
    return "".join(lines[:fn.lineno - 1] + [header, unpack] + lines[end + 1:])


def _generated_helpers(form):
    """The other functions of the module ``form`` was compiled from (the jvp of a helper
    that forward code calls), in the order the module defines them."""
    code = form.__code__
    return [v for v in form.__globals__.values()
            if v.__class__ is _FunctionType and v is not form
            and v.__code__.co_filename == code.co_filename]


def _prepare_helper(parsed):
    """A helper's generated code read again: as the form's, but it returns its own
    value (``ensure_same_kind(x, ...)`` becomes ``x = ensure_same_kind(x, ...)``...)."""
    prepare_gradient_code(parsed, composed=True)


def _prepare(parsed, output):
    prepare_gradient_code(parsed, composed=True)
    fn = parsed.node
    ret = fn.body[-1]
    assert isinstance(ret, gast.Return), "generated code ends with its return"
    ret.value = output(ret.value)


# ------------------------------------------------------------------ what each returns

def _item(value, index):
    """Item ``index`` of the returned expression ``value``."""
    if isinstance(value, gast.Tuple):
        return value.elts[index]
    return gast.Subscript(value=value, slice=gast.Constant(value=index, kind=None),
                          ctx=gast.Load())


def _one_tuple(value):
    return gast.Tuple(elts=[value], ctx=gast.Load())


def gradient_output(lone_in_tuple, with_value):
    """``(value, gradients)`` -> what ``grad``/``value_and_grad`` return; the
    generated code returns a lone gradient bare, the API in a tuple for a tuple wrt."""
    def output(value):
        grads = _item(value, 1)
        if lone_in_tuple:
            grads = _one_tuple(grads)
        return gast.Tuple(elts=[_item(value, 0), grads], ctx=gast.Load()) if with_value \
            else grads
    output.derivatives_only = not with_value
    output.value_first = with_value   # (the value: func's result, maybe an argument)
    return output


def same_output(value):
    return value


def hvp_output(lone_in_tuple, with_grad, directions=None):
    """``((value, gradients), products)`` -> what ``hvp`` returns; ``directions``: how
    many direction parameters the API takes as one tuple (a tuple ``wrt``)."""
    def output(value):
        products = _item(value, 1)
        grads = _item(_item(value, 0), 1)
        if lone_in_tuple:
            products, grads = _one_tuple(products), _one_tuple(grads)
        return gast.Tuple(elts=[grads, products], ctx=gast.Load()) if with_grad else products
    output.packed = directions
    output.derivatives_only = True
    return output


def gradient_of_gradient_output(rev, inner, outer_count, outer_many, with_value):
    """``((value, gradients), tangents)`` of forward over reverse along ``inner`` ->
    what ``grad(grad(f, inner), outer)`` returns (see ``second_order.gradient_of_gradient``)."""
    def output(value):
        grads, dots = _item(_item(value, 0), 1), _item(value, 1)
        if len(rev) > 1:
            dots = [_item(dots, i) for i in range(outer_count)]
            result = gast.Tuple(elts=dots, ctx=gast.Load()) if outer_many else dots[0]
            grads = _item(grads, rev.index(inner))
        else:
            result = _one_tuple(dots) if outer_many else dots
        return gast.Tuple(elts=[grads, result], ctx=gast.Load()) if with_value else result
    output.seeds = (1.0,)   # the direction of the inner derivative (its last parameter)
    output.derivatives_only = not with_value
    return output


# ------------------------------------------------------------------ per transform

def _spelled(transform, func, wrt_names):
    return f"s2sad.{transform}({func.__name__}, wrt={', '.join(wrt_names)})"


def compose_gradient(derivative, func, wrt_names, many, with_value):
    """Give the ``grad``/``value_and_grad`` function ``derivative`` its composable form."""
    entry_of = functools.partial(reverse_entry, func, wrt_names, "value_and_grad",
                                 inline_helpers=True)
    output = gradient_output(many and len(wrt_names) == 1, with_value)
    what = _spelled("value_and_grad" if with_value else "grad", func, wrt_names)
    derivative.__dict__[anno.COMPOSE] = Composable(func, entry_of, output, what)
    return derivative


def compose_jvp(derivative, func, wrt_names):
    """Give the ``jvp`` function ``derivative`` its composable form."""
    entry_of = functools.partial(forward_entry, func, wrt_names)
    derivative.__dict__[anno.COMPOSE] = Composable(func, entry_of, same_output,
                                                   _spelled("jvp", func, wrt_names),
                                                   directions=_dots(wrt_names))
    return derivative


def compose_hvp(derivative, func, wrt_names, many, with_grad):
    """Give the ``hvp`` function ``derivative`` its composable form."""
    entry_of = functools.partial(second_order_entry, func, wrt_names, wrt_names)
    output = hvp_output(many and len(wrt_names) == 1, with_grad,
                        len(wrt_names) if many else None)
    what = _spelled("hvp", func, wrt_names)
    derivative.__dict__[anno.COMPOSE] = Composable(func, entry_of, output, what,
                                                   directions=("v",) if many else _dots(wrt_names))
    return derivative


def _dots(wrt_names):
    return tuple(f"{n}_dot" for n in wrt_names)


# ------------------------------------------------------------------ derivatives of derivatives

def differentiable(func):
    """``func``, or for a derivative the API made that composes (``grad(f)``...), a
    plain function calling it: what ``jvp(grad(f))``, ``hessian(jvp(f))``... transform.

    The function is written once per derivative, with the derivative's own name and
    parameters; its call of the derivative is differentiated through as any call is,
    so it follows the user's function when that changes.  A function cached by
    ``functools.lru_cache`` or ``functools.cache``: the function it caches, whose
    derivative is the cached function's (see ``syntax.source.composable``)."""
    if uncached(func) is not func:
        return differentiable(uncached(func))
    if func.__class__ is functools.partial:
        return partial_caller(func)
    if func.__class__ is _FunctionType and func.__name__ == "<lambda>":
        return lambda_caller(func)
    if func.__class__ is not _FunctionType or anno.COMPOSE not in func.__dict__:
        return func
    made = func.__dict__.get(_CALLER)
    if made is None:
        made = func.__dict__[_CALLER] = _caller(func)
    return made


_FunctionType = type(differentiable)


def _caller(derivative):
    """``def f_grad(x, w): return f_grad_(x, w)`` calling ``derivative``, with its
    parameters and defaults (those the API takes: not a grad of grad's inner direction)."""
    composable_ = derivative.__dict__[anno.COMPOSE]
    seeds = len(getattr(composable_.output, "seeds", ()))
    try:
        params = list(inspect.signature(composable_()).parameters.values())
    except S2sadError:   # (its code is made for the kinds of the arguments each call gives)
        params = _planned_parameters(composable_)
    params = params[:len(params) - seeds]
    name = derivative.__name__
    callee = f"{name}_"
    passed = ", ".join(p.name if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                       else f"{p.name}={p.name}" for p in params)
    bare = inspect.Signature([p.replace(default=p.empty) for p in params])
    text = f"def {name}{bare}:\n    return {callee}({passed})\n"
    filename = f"<s2sad {name} caller {hashlib.sha1(text.encode()).hexdigest()[:12]}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
    namespace = {callee: derivative}
    exec(compile(text, filename, "exec"), namespace)  # noqa: S102 - our own two lines
    caller = namespace[name]
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    defaults = tuple(p.default for p in positional if p.default is not p.empty)
    caller.__defaults__ = defaults or None
    caller.__kwdefaults__ = {p.name: p.default for p in params
                             if p.kind == p.KEYWORD_ONLY and p.default is not p.empty} or None
    return caller


def _planned_parameters(composable_):
    """The parameters of ``composable_``'s form as its code has them, where no form is
    made without the arguments (the code calls a function parameter, a method of an
    object, reads a namedtuple's fields): a gradient's take the user function's; forward
    code takes them all by position, then the directions (a gradient of gradient's
    seeds, with the function's positional defaults before them)."""
    func = composable_.func
    params = list(inspect.signature(func).parameters.values())
    seeds = getattr(composable_.output, "seeds", ())
    if not composable_.directions and not seeds:
        return params
    names = [p.name for p in params]
    for name in composable_.directions or (f"{names[0]}_dot",) * len(seeds):
        while name in names:
            name += "_"
        names.append(name)
    defaults = tuple(func.__defaults__ or ()) + tuple(seeds) if seeds else ()
    first = len(names) - len(defaults)
    P = inspect.Parameter
    return [P(n, P.POSITIONAL_OR_KEYWORD, default=defaults[i - first] if i >= first else P.empty)
            for i, n in enumerate(names)]


def compose_gradient_of_gradient(derivative, func, entry_of, output, inner, outer):
    """Give ``grad(grad(func, inner), outer)`` its composable form."""
    what = f"s2sad.grad(s2sad.grad({func.__name__}, wrt={inner}), wrt={', '.join(outer)})"
    derivative.__dict__[anno.COMPOSE] = Composable(func, entry_of, output, what)
    return derivative
