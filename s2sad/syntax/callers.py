"""Plain functions calling a ``functools.partial`` or a lambda, which s2sad reads as it
reads any ``def``: a partial differentiated as the function (``s2sad.grad(partial(q,
a=2.0))``), or one a module global holds called inside a function being differentiated
(``P = partial(q, a=2.0)``, then ``P(x)`` in ``f``), is read as ``def q(x, *, a=2.0):
return q_(x, a=a)``, the values it holds the caller's defaults (see
:func:`partial_caller`); a lambda bound to a name, as ``def name(...): return name_(...)``.
Each is written once per object and kept on it (``CALLER``).
"""

import functools
import hashlib
import inspect
import linecache

from ..errors import SourceUnavailableError
from ..rules import registry
from .source import is_user_function, not_a_function_error, read_function

#: attribute of a partial, lambda or derivative holding the plain function that calls it
CALLER = "_s2sad_caller"
#: attribute of a partial's caller taking more arguments by position than the partial:
#: (how many the partial takes, the partial) -- see :func:`partial_caller`
POSITIONS = "_s2sad_partial_positions"


def called_partial(obj, located=None, given=None):
    """What a call of ``obj`` reads: for a ``functools.partial`` without a rule of its
    own (``@s2sad.adjoint(P)``), the plain function calling it (:func:`partial_caller`),
    whose body, a call of the partial's function with the values it holds, is read as any
    helper's; ``obj`` itself otherwise.  With ``located`` (``located(error)``: the error
    located at the call), a partial no such function can call (of a lambda) is refused
    saying why, and so is a call with ``given`` arguments by position where Python raises
    ``TypeError`` (``P(x, 3.0)`` of ``P = partial(q, a=2.0)``, 3.0 landing on ``a``): the
    function made takes the parameters after a keyword the partial holds by position too."""
    if obj.__class__ is not functools.partial or registry.lookup(obj) is not None:
        return obj
    caller = partial_caller(obj)
    if located is not None and caller is obj:
        raise located(not_a_function_error(obj))
    if located is not None and given is not None:
        refused = _too_many_positions(obj, given)
        if refused is not None:
            raise located(SourceUnavailableError(
                f"this call of {refused[0]} gives {given} argument(s) by position: Python "
                f"raises TypeError ({refused[1]})",
                hint="give the parameters after the first one the partial holds by keyword "
                     "by name (b=...), as the partial's signature says"))
    return caller


def _too_many_positions(made, given):
    """``(the partial spelled, Python's TypeError in words)`` where the partial ``made``
    cannot take ``given`` arguments by position, else None."""
    try:
        params = inspect.signature(made).parameters.values()
        own = [p.name for p in inspect.signature(made.func).parameters.values()
               if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return None
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return None
    takes = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
    if given <= takes:
        return None
    name = getattr(made.func, "__name__", "the function")
    spelled = f"partial({name}, ...)"
    landing = len(made.args) + takes
    if landing < len(own) and own[landing] in made.keywords:
        return spelled, f"{name}() got multiple values for argument {own[landing]!r}"
    return spelled, f"it takes {takes} positional argument(s) but {given} were given"


def partial_caller(made):
    """``functools.partial(quad, A=A, b=b)`` as the function ``def quad(x, *, A=A, b=b):
    return quad_(x, A=A, b=b)`` calling ``quad``: the arguments the partial holds are the
    defaults of its keywords (as the partial takes them) and, given by position, values
    of the caller's module (named after the parameters they fill), read as constants
    are; what the partial calls is differentiated through as any call is.  Made once
    per partial; a partial whose parts cannot be spelled so is given back as it is (and
    refused as not a function)."""
    found = made.__dict__.get(CALLER)
    if found is not None:
        return found
    func = made.func
    name = getattr(func, "__name__", None)
    try:
        params = list(inspect.signature(made).parameters.values())
        filled = list(inspect.signature(func).bind_partial(*made.args).arguments)
    except (TypeError, ValueError):
        return made
    # the parameters left to give, and the keywords the partial holds (another optional
    # parameter keeps the function's default: a numpy function's out=, where=...; of a
    # user's function, one given by position keeps its place and default, g(x, y=1.0))
    user = is_user_function(func)
    params = [p.replace(kind=p.POSITIONAL_OR_KEYWORD) if p.kind == p.POSITIONAL_ONLY else p
              for p in params if p.default is p.empty or p.name in made.keywords
              or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
              or user and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if user:
        params = _with_later_keywords(params, made)
    names = [p.name for p in params] + filled
    if not isinstance(name, str) or not name.isidentifier() or name == "<lambda>" \
            or len(set(names + [name, f"{name}_"])) != len(names) + 2 \
            or any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
        return made
    later = {p.name for p in params if p.kind == p.POSITIONAL_OR_KEYWORD} & _later_names(made)
    caller = _calling(name, params, func, filled, made.args, by_name=later)
    if set(caller.__kwdefaults__ or {}) != set(made.keywords):
        return made
    if made.keywords:
        # the partial's own dict: a keyword set anew (p.keywords["A"] = ...) is the default
        # the derivative reads at its next call, as any function's current defaults are
        caller.__kwdefaults__ = made.keywords
    takes = _positional_count(made)
    if takes is not None and takes < caller.__code__.co_argcount:
        # (a derivative's call giving the parameters moved there by position raises
        # Python's TypeError: see api.bound)
        caller.__dict__[POSITIONS] = (takes, made)
    made.__dict__[CALLER] = caller
    return caller


def _positional_count(made):
    """How many arguments the partial ``made`` takes by position (Python's signature of
    it: a parameter after one it holds by keyword is keyword-only), None for ``*args``."""
    params = inspect.signature(made).parameters.values()
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return None
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


def _later_names(made):
    """The keyword-only parameters with defaults of the partial ``made``'s signature that
    its keywords leave to the function: those after a keyword the partial holds
    (``partial(q, a=2.0)`` of ``q(x, a=1.0, b=2.0)``: ``b``), or the function's own."""
    return {p.name for p in inspect.signature(made).parameters.values()
            if p.kind == p.KEYWORD_ONLY and p.default is not p.empty
            and p.name not in made.keywords}


def _with_later_keywords(params, made):
    """``params`` with the partial's :func:`_later_names` kept, after the positional
    parameters, as parameters with their function's defaults (``__defaults__``): the
    caller's ``__kwdefaults__`` stays the partial's own keywords dict, read at each call
    (a call of ``partial(q, a=2.0)`` giving ``b=3.0`` by name then passes it on)."""
    later = _later_names(made)
    positional = [p for p in params if p.kind == p.POSITIONAL_OR_KEYWORD]
    rest = [p for p in params if p.kind != p.POSITIONAL_OR_KEYWORD and p.name not in later]
    moved = [p.replace(kind=p.POSITIONAL_OR_KEYWORD) for p in inspect.signature(
        made).parameters.values() if p.name in later]
    return positional + moved + rest


def lambda_caller(func):
    """A lambda as a plain function calling it, named after the name it is bound to
    (``objective = lambda x: ...``: ``def objective(x): return objective_(x)``), which
    the API's names and generated code take; its body is read as a callee's is."""
    found = func.__dict__.get(CALLER)
    if found is not None:
        return found
    try:
        name = read_function(func).node.name
        params = list(inspect.signature(func).parameters.values())
    except (SourceUnavailableError, TypeError, ValueError):
        return func   # (refused where it is read, with its reason)
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params) \
            or name in [p.name for p in params] or f"{name}_" in [p.name for p in params]:
        return func
    func.__dict__[CALLER] = caller = _calling(name, params, func, [], ())
    return caller


def _calling(name, params, func, filled, values, by_name=()):
    """``def name(params): return name_(filled..., params...)`` calling ``func``, with
    ``filled`` bound to ``values`` in its module, and ``params``' defaults; the
    parameters ``by_name`` are passed on by name."""
    callee = f"{name}_"
    by_position = [p.name for p in params if p.name not in by_name
                   and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    passed = ", ".join(filled + by_position + [f"{p.name}={p.name}" for p in params
                                               if p.name not in by_position])
    text = f"def {name}{_spelled_signature(params)}:\n    return {callee}({passed})\n"
    filename = f"<s2sad {name} caller {hashlib.sha1(text.encode()).hexdigest()[:12]}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
    namespace = {callee: func, **dict(zip(filled, values))}
    exec(compile(text, filename, "exec"), namespace)  # noqa: S102 - our own two lines
    caller = namespace[name]
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    caller.__defaults__ = tuple(p.default for p in positional
                                if p.default is not p.empty) or None
    caller.__kwdefaults__ = {p.name: p.default for p in params
                             if p.kind == p.KEYWORD_ONLY and p.default is not p.empty} or None
    return caller


#: the defaults a caller's text spells as themselves (what their repr writes back)
_LITERALS = (bool, int, str, type(None))


def _spelled_signature(params):
    """The signature ``params`` in the caller's text: a default that is a number, a string,
    ``True``... spelled (so a written module, which spells defaults as the source does,
    has it: ``s2sad grad F.py:f`` of an ``f`` calling a global partial), any other left to
    ``__defaults__``/``__kwdefaults__`` (then so are the positional ones before it)."""
    def literal(value):
        return value.__class__ in _LITERALS or value.__class__ is float and value - value == 0

    spelled, bare = [], False
    for p in reversed(params):
        positional = p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        keep = p.default is not p.empty and literal(p.default) and not (positional and bare)
        bare = bare or positional and not keep
        spelled.append(p if keep else p.replace(default=p.empty))
    return inspect.Signature(spelled[::-1])
