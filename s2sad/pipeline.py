"""The pipeline in one place: parse -> fence -> normalize -> transform -> emit.

Both the Python API and the CLI call :func:`generate`; ``stages`` records the
code after each pass for ``--dump-after`` and ``s2sad.source(..., dump_after=)``.
"""

import copy
import dataclasses
import functools
import gc
import inspect
import linecache
import operator
import os
import sys
from dataclasses import dataclass, field
from typing import Dict

import gast

from . import __version__
from .analysis.activity import analyze
from .emit import emit_module
from .errors import S2sadError, SourceLocation, UnsupportedSyntaxError, WrtError
from .frontend import front_end
from .optimize import optimize
from .rules.loading import load_builtin_rules
from .rules.reserved import reserving_used
from .syntax import anno, nodes, wrappers
from .syntax.function_args import split_kinds
from .syntax.normalize import opaque_state
from .syntax.parse import not_a_function_error, recording
from .transform.calls import CallGraph
from .transform.forward import forward
from .transform.gradient_normal import normalize_gradient, normalize_straight
from .transform.reverse import reverse
from .transform.second_order import LEAVES_TREE, prepare_gradient_code

PASSES = ("parse", "normalize", "activity", "reverse", "optimize")
MODES = ("reverse", "forward")


@dataclass
class Result:
    emitted: object
    parsed: object
    normal: object
    free: Dict[str, object]
    stages: Dict[str, str] = field(default_factory=dict)
    #: free name -> the function whose globals/closure bind it (callees bring their own)
    free_source: Dict[str, object] = field(default_factory=dict)
    #: what the generated code depends on besides the free names (a ``parse.recording``):
    #: every user function read, and the objects dotted names resolved to
    dependencies: object = None
    #: generated callee function name -> the user function it differentiates
    callees: Dict[str, object] = field(default_factory=dict)
    #: reverse mode: the parameters whose adjoints float64 arrays let the code add into
    #: in place (``analysis.dtypes``)
    adds_in_place: frozenset = frozenset()
    #: a callee's code runs a statement for its effect (``print``...; see
    #: ``CallGraph.quiet``)
    callee_effects: bool = False


_SIGNATURES = {}


def signature(func):
    """``inspect.signature(func, follow_wrapped=False)`` (for a wrapper that passes
    ``*args``/``**kwargs`` on, the parameters it passes: see ``syntax.wrappers``),
    cached per (code object, defaults): never per function, so the cache keeps no function (nor its closure
    data) alive, and a fresh closure over new data does not pay for it again."""
    if wrappers.is_forwarding(func):   # def wrapper(*args, **kwargs): what it passes on
        return wrappers.signature(func)
    kw = func.__kwdefaults__
    key = (func.__code__, func.__defaults__, tuple(kw.items()) if kw else None)
    try:
        if "__signature__" in func.__dict__:
            raise TypeError   # a signature of its own: not the code's
        found = _SIGNATURES.get(key)
    except TypeError:   # an unhashable default: no caching
        return inspect.signature(func, follow_wrapped=False)
    if found is None:
        found = inspect.signature(func, follow_wrapped=False)
        if len(_SIGNATURES) >= 1024:
            _SIGNATURES.clear()
        _SIGNATURES[key] = found
    return found


def _index_of(item):
    """``item`` as a Python int where it is an integer of another type (a numpy integer,
    anything with ``__index__`` but a bool, numpy's too), else ``item`` itself."""
    if isinstance(item, (int, str)) or type(item).__name__ in ("bool_", "bool") \
            or not hasattr(type(item), "__index__"):
        return item
    try:
        return operator.index(item)
    except TypeError:   # pragma: no cover - an __index__ refusing: the message below
        return item


def resolve_wrt(func, wrt):
    """``wrt`` (index, name, or tuple of them) -> (tuple of parameter names, was_tuple)."""
    if not inspect.isfunction(func):
        raise not_a_function_error(func)
    if anno.derivative_made(func) is not None:   # (grad(grad(f)) does not come here)
        raise S2sadError(f"{func.__name__} is a derivative s2sad computed "
                         f"({anno.derivative_made(func)}); s2sad differentiates through grad, "
                         f"value_and_grad, jvp and hvp, not through a vjp, hessian or jacobian",
                         hint=_COMPOSES_HINT)
    # the function's own parameters: a functools.wraps wrapper is differentiated itself
    # (one taking *args/**kwargs: the parameters of the function it passes them to)
    _refuse_star_parameters(func)
    params = [p.name for p in signature(func).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    many = isinstance(wrt, (tuple, list))
    items = list(wrt) if many else [wrt]
    if not items:
        raise WrtError("wrt names no parameter", hint=f"choose among {params}")
    names = []
    for item in items:
        item = _index_of(item)   # (np.int64(1): an integer, as numpy's indices take it)
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            raise WrtError(f"wrt must be a parameter index or name, not {item!r}",
                           hint=f"the parameters of {func.__name__} are {params}")
        if isinstance(item, int):
            if not -len(params) <= item < len(params):
                raise WrtError(f"wrt={item} is out of range: {func.__name__} has "
                               f"{len(params)} parameters", hint=f"they are {params}")
            name = params[item]
        else:
            if item not in params:
                raise WrtError(f"{func.__name__} has no parameter {item!r}",
                               hint=f"its parameters are {params}")
            name = item
        if name in names:
            raise WrtError(f"wrt names {name!r} twice")
        names.append(name)
    return tuple(names), many


#: what to write instead of a derivative that does not compose
_COMPOSES_HINT = ("differentiate s2sad.grad(f) (its jacobian is the Hessian) or s2sad.hvp(f); "
                  "a vjp along u is the grad of a function returning np.sum(f(x) * u)")


def _refuse_star_parameters(func):
    """A function taking ``*args`` or ``**kwargs`` (often a ``functools.wraps``
    wrapper, which s2sad differentiates itself): refused at its ``def`` line."""
    code = func.__code__
    star = code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS)
    if not star or wrappers.is_forwarding(func):
        return
    filename = code.co_filename
    line = code.co_firstlineno
    text = linecache.getline(filename, line)
    for n in range(line, line + 50):   # past decorators to the def line
        candidate = linecache.getline(filename, n)
        if candidate.lstrip().startswith(("def ", "async def ")):
            line, text = n, candidate
            break
    column = len(text) - len(text.lstrip()) + 1
    wrapped = getattr(func, "__wrapped__", None)
    what = "*args or **kwargs parameters"
    if wrapped is not None:
        hint = (f"{func.__name__} wraps {getattr(wrapped, '__name__', wrapped)!r} "
                f"(functools.wraps) and is the code that runs, so s2sad differentiates it: "
                f"a wrapper works when its parameters are named (def {code.co_name}(x, ...)) "
                f"or are only *args and **kwargs passed on whole to the function it wraps")
    else:
        hint = ("list the parameters by name (a decorator's wrapper taking *args, **kwargs "
                "works when made with functools.wraps)")
    raise UnsupportedSyntaxError(
        f"{func.__name__} takes {what}: s2sad differentiates functions whose parameters "
        f"are named", SourceLocation(filename, line, column, text), hint=hint)


def display_path(filename, relative_to=None):
    """A stable, machine-independent way to name ``filename`` in headers.

    With ``relative_to`` (a directory), the path relative to it, even when that
    climbs with ``..``: the CLI names sources relative to the generated file's
    directory so committed headers hold no machine paths and work from any
    working directory.  Without it, the path relative to the working directory
    when the file lies below it, else the path as given.  Separators are ``/``.
    """
    base = relative_to or os.getcwd()
    try:
        rel = os.path.relpath(filename, base)
    except ValueError:  # another drive on Windows: no relative path exists
        return filename.replace(os.sep, "/")
    if rel.startswith("..") and not relative_to:
        return filename
    return rel.replace(os.sep, "/")


#: The first header line of every module s2sad writes starts with this.
HEADER_MARK = "Generated by s2sad"
#: The header line holding the command that made the module (``s2sad check`` parses it).
REGENERATE_MARK = "regenerate: "


def header(func_name, source_path, mode, flavor, wrt, regenerate, relative_paths=False):
    """The header lines (without ``# ``) of a generated module.

    ``regenerate`` is how to make the module again: an API call, or an
    ``s2sad grad ...`` command line.  With ``relative_paths``, a note says the
    command's paths are relative to the generated file's directory; ``s2sad
    check`` reads the command back from the ``regenerate:`` line.
    """
    lines = [
        f"{HEADER_MARK} {__version__}; do not edit by hand, regenerate instead.",
        f"source: {source_path}:{func_name}",
        f"mode: {mode} ({flavor}), wrt: {', '.join(wrt)}",
        f"{REGENERATE_MARK}{regenerate}",
    ]
    if relative_paths:
        lines.append("  (in this file's directory; `s2sad check --update .` refreshes every "
                     "module here)")
    return lines


def _collector_paused(passes):
    """``passes`` (a function) run with Python's cyclic garbage collector paused.

    The passes build and drop a great many small syntax trees that reference
    counting frees; the collector's full sweeps over everything alive find
    nothing more, yet took over a third of the time of generating a
    1000-statement function.  The collector's state is restored afterwards
    (nested calls leave it to the outermost), and whatever cycles were made
    meanwhile are collected at its next run.
    """
    @functools.wraps(passes)
    def run(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        # the passes walk syntax trees recursively, a few frames per level: a long
        # expression Python compiles (x*x + ... with 300 terms, 200 nested calls)
        # needs more than the default limit.  Raised while they run, then restored.
        limit = sys.getrecursionlimit()
        if limit < DEEP_RECURSION_LIMIT:
            sys.setrecursionlimit(DEEP_RECURSION_LIMIT)
        try:
            return passes(*args, **kwargs)
        finally:
            if limit < DEEP_RECURSION_LIMIT:
                sys.setrecursionlimit(limit)
            if enabled:
                gc.enable()
    return run


#: the recursion limit while the passes run (see ``_collector_paused``)
DEEP_RECURSION_LIMIT = 20000


@_collector_paused
@reserving_used
def generate(func, wrt_names, mode="reverse", flavor="value_and_grad", header_lines=(),
             dump=False, inline_helpers=False, kinds=None, ranks=None, signature=True):
    """Run every pass on ``func``; return a :class:`Result`.

    ``inline_helpers=True`` (reverse mode, for second derivatives) puts the bodies
    of the user's own functions in place of their calls (see ``normalize``).
    ``kinds``: ``{parameter: kind}`` (see ``analysis.kinds``), the structure of the
    arguments the code is generated for (the API's specialization); none: unknown.
    ``ranks``: ``{parameter: ndim}`` (reverse mode; see ``analysis.ranks``).
    ``signature``: forward mode's function keeps the user's signature (see
    ``transform.forward``); else it takes every parameter by position, then the tangents.
    """
    load_builtin_rules()
    if mode not in MODES:
        raise S2sadError(f"unknown mode {mode!r}", hint=f"choose one of {MODES}")
    if mode == "forward":   # (a written module: called as the user's function is)
        return generate_forward(func, wrt_names, header_lines, dump, kinds=kinds,
                                signature=signature)
    kinds, passed = split_kinds(func, kinds)   # (functions given: see syntax.function_args)
    with recording() as deps:
        result = _generate_reverse(func, wrt_names, flavor, header_lines, dump, inline_helpers,
                                   kinds, ranks, passed)
    result.dependencies = deps
    return result


def _generate_reverse(func, wrt_names, flavor, header_lines, dump, inline_helpers, kinds=None,
                      ranks=None, passed=None):
    stages = {}
    try:   # (the user's straight-line code: see normalize_straight)
        parsed, normal, free = _front_end(func, stages, dump, inline_helpers=inline_helpers,
                                          kinds=kinds, passed=passed,
                                          narrow=normalize_straight)
        opaque_state.refuse(normal, reverse=True)
        calls = _call_graph(free, func, normal.helpers)
        calls.free_source.update(normal.free_sources)   # read by inlined helpers
        generated = reverse(normal, wrt_names, flavor, calls=calls, kinds=kinds, ranks=ranks)
        emitted = _optimized(generated, calls, header_lines, parsed, stages if dump else None,
                             "reverse")
        free, free_source = calls.free, calls.free_source
    except S2sadError as exc:
        exc.stages = dict(stages)   # what ran before the failure, for --dump-after
        raise
    return Result(emitted=emitted, parsed=parsed, normal=normal, free=free, stages=stages,
                  free_source=free_source, callees=_callee_functions(calls),
                  adds_in_place=generated.adds_in_place, callee_effects=calls.effects)


@_collector_paused
@reserving_used
def generate_forward(func, wrt_names, header_lines=(), dump=False, prepare=None, name=None,
                     tangent_outputs=None, kinds=None, quiet=False, narrow=None,
                     signature=False):
    """Forward mode: parse -> fence -> normalize -> forward -> emit; returns a :class:`Result`.

    ``prepare(parsed)``, when given, rewrites the parsed tree before the fence
    (second-order derivatives use it on generated gradient code);
    ``name`` and ``tangent_outputs`` are passed to the forward transform;
    ``quiet``: the callees' code is made without its statements run for their effect
    (``print``...; ``prepare`` takes them out of the function's own);
    ``narrow``: see ``frontend.front_end`` (second order's gradient code); ``signature``:
    the function keeps the user's parameters' kinds and defaults (a written module).
    """
    load_builtin_rules()
    kinds, passed = split_kinds(func, kinds)   # (functions given: see syntax.function_args)
    with recording() as deps:
        result = _generate_forward(func, wrt_names, header_lines, dump, prepare, name,
                                   tangent_outputs, forward, kinds, quiet, narrow, signature,
                                   passed)
    result.dependencies = deps
    return result


def _generate_forward(func, wrt_names, header_lines, dump, prepare, name, tangent_outputs,
                      forward, kinds=None, quiet=False, narrow=None, signature=False,
                      passed=None):
    stages = {}
    if narrow is None and prepare is None:   # (the user's straight-line code: see there)
        narrow = normalize_straight
    parsed, normal, free = _front_end(func, stages, dump, prepare, kinds=kinds, narrow=narrow,
                                      passed=passed)
    opaque_state.refuse(normal, reverse=False)
    calls = _call_graph(free, func, getattr(normal, "helpers", {}))
    calls.quiet = quiet
    generated = forward(normal, wrt_names, tangent_outputs=tangent_outputs, name=name,
                        calls=calls, kinds=kinds, signature=signature)
    emitted = _optimized(generated, calls, header_lines, parsed, stages if dump else None,
                         "forward")
    return Result(emitted=emitted, parsed=parsed, normal=normal, free=calls.free,
                  stages=stages, free_source=calls.free_source,
                  callees=_callee_functions(calls), callee_effects=calls.effects)


@reserving_used
def generate_hvp(func, gradient, wrt, header_lines, sources, dump=False, explain=None,
                 signature=True):
    """Forward mode over ``gradient``, the compiled reverse code of ``func`` (its helpers
    inlined): the Hessian-vector-product module ``<f>_hvp`` as a :class:`Result`.

    The front end reads the gradient code with its tape rewritten for forward mode
    (``second_order.prepare_gradient_code``, whose refusals go out as they are);
    ``explain(exc)`` gives the error to raise for a refusal of the rest of the front end.
    Global data is imported from ``func``'s module; ``sources`` are the reverse code's.
    ``signature``: as :func:`generate`'s.
    """
    stages = {}
    refused = []   # a refusal of prepare_gradient_code goes out as it is

    def prepare(parsed):
        try:
            prepare_gradient_code(parsed, name=f"{func.__name__}_hvp")
        except S2sadError as exc:
            refused.append(exc)
            raise
    setattr(prepare, LEAVES_TREE, True)   # (as prepare_gradient_code)

    try:
        parsed, normal = front_end(gradient, stages if dump else None, prepare,
                                   narrow=normalize_gradient)
    except S2sadError as exc:
        if refused or explain is None:
            raise
        raise explain(exc) from None
    generated = forward(normal, wrt, tangent_outputs=1, name=f"{func.__name__}_hvp",
                        signature=signature)
    free = {name: parsed.resolve(name) for name in sorted(normal.free_names)}

    def emitted(result):
        return emit_module(result, free, header_lines, getattr(func, "__module__", None),
                           func.__globals__, sources=sources, locate=_locator(parsed))

    if dump:   # (emitting fills empty blocks: a copy is emitted)
        stages["forward"] = emitted(_copy(generated)).text
    final = emitted(optimize(generated))
    if dump:
        stages["optimize"] = final.text
    return Result(emitted=final, parsed=parsed, normal=normal, free=free, stages=stages)


def _optimized(generated, calls, header_lines, parsed, stages, transform):
    """The optimize pass on the ``transform``'s output ``generated``, emitted; with
    ``stages`` (a dict), the module before it (under ``transform``) and after it
    (``"optimize"``) are recorded for ``--dump-after``."""
    # (s2sad's own name of an inlined derivative's code, spelled as a user's name bound to
    # another object: the helper's reads aliased by the emitter, as the transform's are)
    free, clashing = dict(calls.free), {}
    for name, obj in calls.helpers.items():
        (clashing if free.get(name, obj) is not obj else free)[name] = obj

    def emitted(result, extras):
        if clashing:
            result = dataclasses.replace(result, bindings={**clashing, **result.bindings})
        return emit_module(result, free, header_lines,
                           *_source_module(parsed), extras=extras,
                           sources=calls.free_source, locate=_locator(parsed))

    callees = calls.generated   # the callees' derivatives: the clean-up runs on them too
    if stages is not None:   # (emitting fills empty blocks: copies are emitted)
        stages[transform] = emitted(_copy(generated), [_copy(g) for g in callees]).text
    final = emitted(optimize(generated), [optimize(g) for g in callees])
    if stages is not None:
        stages["optimize"] = final.text
    return final


def _locator(parsed):
    """name -> where the user's function first mentions it (its ``def`` line if nowhere)."""
    def locate(name):
        found = [n for n in nodes.walk(parsed.node) if getattr(n, "id", None) == name]
        first = min(found, key=lambda n: (n.lineno, n.col_offset), default=parsed.node)
        return parsed.location(first)
    return locate


def _copy(generated):
    return dataclasses.replace(generated, node=copy.deepcopy(generated.node))


def _callee_functions(calls):
    """{generated function name: the user function it differentiates} for the callees
    whose generated function takes the user function's own parameters first (the API
    gives those the user function's current defaults)."""
    found = {}
    for key, callee in calls.callees.items():   # (["jvp",] func, wrt, arity, kinds)
        funcs = [k for k in key if inspect.isfunction(k)]
        if funcs and key[-2] is None:   # not specialized to a *args arity
            found[callee.name] = funcs[0]
    return found


def _front_end(func, stages, dump, prepare=None, inline_helpers=False, kinds=None,
               narrow=None, passed=None):
    """:func:`s2sad.frontend.front_end`, and the free names the code reads; returns
    (parsed, normal, free names).  ``kinds``: the structure of the arguments (see
    ``normalize``), when known; ``narrow``: see ``front_end``."""
    parsed, normal = front_end(func, stages if dump else None, prepare, narrow=narrow,
                               passed=passed, inline_helpers=inline_helpers, kinds=kinds)
    free = {name: normal.free_objects[name] if name in normal.free_objects
            else parsed.resolve(name, compose=False) for name in sorted(normal.free_names)}
    return parsed, normal, free


def _call_graph(free, func, helpers=()):
    # (the names the differentiated function's own derivative may take: a callee of the
    # same name, such as a derivative called inside it, gets another)
    own = {f"{func.__name__}_{kind}" for kind in ("value_and_grad", "vjp", "jvp", "hvp")}
    calls = CallGraph(reserved=set(free) | set(helpers) | own)
    for name, obj in free.items():
        calls.free[name] = obj   # read from the differentiated function itself
    calls.helpers.update(helpers)
    return calls


def _source_module(parsed):
    """(module name, its globals): where a standalone module imports user data from."""
    return getattr(parsed.func, "__module__", None), parsed.globals


def activity_report(normal, wrt_names):
    """Text listing which names are active, for ``--dump-after activity``."""
    body = normal.node.body
    ret = body[-1]
    outs = ret.value.elts if isinstance(ret.value, gast.Tuple) else [ret.value]
    act = analyze(body[:-1], wrt_names, [o.id for o in outs if isinstance(o, gast.Name)])
    return (f"varied: {', '.join(sorted(act.varied))}\n"
            f"useful: {', '.join(sorted(act.useful))}\n"
            f"active: {', '.join(sorted(act.active))}\n")
