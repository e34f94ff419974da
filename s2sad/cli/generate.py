"""``s2sad grad``: the derivative module of a function, its header recording the
command that regenerates it, written atomically or to stdout; ``--dump-after``
prints the program after one pass instead.
"""

import os
import shlex
import sys

import gast

from .. import pipeline
from ..emit import with_globals_check
from .source_paths import relative_source_paths
from ..errors import S2sadError, UnsupportedSyntaxError
from ..syntax.function_args import split_kinds
from ..syntax.parse import parse_function
from .closures import with_closure_values
from .given_functions import with_given_functions
from .files import check_output_path, write_atomic, write_stdout
from .messages import CliError, shown_path
from .parser import EXIT_OK
from .partials import FROZEN
from .target import (get_function, parse_target, parse_wrt, refuse_numba_partial,
                     user_module)
from .taken import with_taken_values
from .tangent_checks import with_checked_tangents
from .vjp_module import with_kept_arguments

#: the flavors each mode offers; the first is its default
FLAVORS = {"reverse": ("value_and_grad", "vjp"), "forward": ("jvp", "hvp")}


def resolve_flavor(mode, flavor):
    """``--flavor`` checked against ``--mode`` (None: the mode's default)."""
    offered = FLAVORS[mode]
    if flavor is None:
        return offered[0]
    if flavor not in offered:
        other = next(m for m, flavors in FLAVORS.items() if flavor in flavors)
        raise CliError(f"--flavor {flavor} needs --mode {other}",
                       hint=f"{mode} mode offers: {', '.join(offered)}")
    return flavor


def regenerate_command(source_rel, func_name, wrt, mode, flavor, output_rel=None,
                       target="numpy"):
    """The ``s2sad grad ...`` command recorded in headers (defaults left out)."""
    words = ["s2sad", "grad", f"{source_rel}:{func_name}", "--wrt", ",".join(wrt)]
    if mode != "reverse":
        words += ["--mode", mode]
    if flavor != FLAVORS[mode][0]:
        words += ["--flavor", flavor]
    if target != "numpy":
        words += ["--target", target]
    if output_rel is not None:
        words += ["-o", output_rel]
    return " ".join(shlex.quote(w) for w in words)


def generate_module(source, func_name, wrt_text, mode, flavor, output=None, dump=False,
                    base=None, target="numpy"):
    """Generate the derivative module of ``source:func_name``.

    Paths in the header are relative to ``base``, by default ``output``'s
    directory (the working directory when writing to stdout).  ``target="numba"``:
    the module made numba's (see ``backends.numba_target``; a refusal is an
    S2sadError).  Returns ``(text, result, wrt names)``.
    """
    flavor = resolve_flavor(mode, flavor)
    if target == "numba" and flavor == "vjp":
        raise CliError("--target numba does not take --flavor vjp: its pullback is a Python "
                       "closure numba-compiled code cannot return",
                       hint="use --flavor value_and_grad (a scalar output), or --mode forward")
    if base is None:
        base = os.path.dirname(os.path.abspath(output)) if output else os.getcwd()
    with user_module(source) as module:
        func = get_function(module, func_name, source)
        if target == "numba" and FROZEN in getattr(func, "__dict__", {}):
            refuse_numba_partial(func, module, source)
        wrt = parse_wrt(wrt_text, func, source)
        _refuse_function_parameters(func)
        source_rel = pipeline.display_path(os.path.abspath(source), base)
        output_rel = (pipeline.display_path(os.path.abspath(output), base)
                      if output else None)
        command = regenerate_command(source_rel, func_name, wrt, mode, flavor, output_rel,
                                     target)
        shown_mode = "forward over reverse" if flavor == "hvp" else mode
        lines = pipeline.header(func_name, source_rel, shown_mode, flavor, wrt, command,
                                relative_paths=True)
        # (a forward module keeps the user's signature, numba's too: there its Python
        # wrapper keeps it and calls the compiled code with every parameter by position)
        signature = True
        if flavor == "hvp":   # Hessian-vector products: forward mode over the gradient code
            # imported here: the API (and numpy with it) loads only for this flavor, so
            # that --help, argument errors and the graph command start quickly
            from ..api import generate_hvp
            result = generate_hvp(func, wrt, lines, dump=dump, signature=signature)
        else:
            result = pipeline.generate(func, wrt, mode=mode, flavor=flavor, header_lines=lines,
                                       dump=dump, signature=signature)
        if dump:
            result.stages.setdefault("activity", _activity_stage(result, wrt))
        _refuse_unwritten_defaults([func] + list(getattr(result, "callees", {}).values()))
        # (still inside: the modules the user's module imported, `import cfg`, are still
        # registered, so they are written as imports again)
        emitted = result.emitted if dump else with_closure_values(
            result.emitted, func, getattr(result, "free_source", None) or {}, module)
        if not dump:
            emitted = with_taken_values(emitted, result, func, module)
            emitted = with_given_functions(emitted, func, module)
        text = _finished(emitted, flavor, dump, target, source_rel,
                         (wrt, _parameters(result)))
    if not dump:
        text = relative_source_paths(text, base)
    return text, result, wrt


def _finished(emitted, flavor, dump, target, source_rel, params):
    """The text of the module ``emitted``: a written module imports the user's globals
    (and closures' values: cli.closures) once, so it checks them at each call; a vjp's
    forward sweep runs on copies of the arrays given and its pullback checks its
    cotangent (see cli.vjp_module); a forward module checks its tangents (see
    cli.tangent_checks; ``params``: the wrt names and the user's parameters);
    ``--target numba``: made numba's."""
    made = emitted
    if flavor == "vjp" and not dump:
        emitted = with_kept_arguments(emitted)
    if flavor in ("jvp", "hvp") and not dump:
        emitted = with_checked_tangents(emitted, *params)
    text = emitted.text if dump else with_globals_check(emitted)
    if target == "numba" and not dump:
        from ..backends.numba_target import to_numba
        text = to_numba(text, made.function_name, made.user_names,
                        wrapper=True, source=source_rel, namespace=made.bindings)
    return text


def _parameters(result):
    """The names of the parameters of the function differentiated (a decorator's wrapper
    taking ``*args``: the wrapped function's, as the written function takes them)."""
    node = getattr(result.parsed, "node", None)
    if node is None:
        return None
    args = node.args
    return {a.id for a in args.posonlyargs + args.args + args.kwonlyargs
            + [a for a in (args.vararg, args.kwarg) if a is not None]}


def _refuse_function_parameters(func):
    """A parameter whose default is a function (``f=rhs``): a written module's code is
    made for that one function, and a caller may pass another: refused, located."""
    pipeline.load_builtin_rules()   # (np.sin is a function s2sad calls by its rule)
    passed = split_kinds(func, None)[1]
    if not passed:
        return
    parsed = parse_function(func)
    read = {n.id for stmt in parsed.node.body for n in gast.walk(stmt)
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}
    passed = {name: obj for name, obj in passed.items() if name in read}
    if not passed:   # (a parameter the body never reads: the code holds nothing of it)
        return
    name = sorted(passed)[0]
    node = next(a for a in parsed.node.args.args + parsed.node.args.kwonlyargs
                if a.id == name)
    raise UnsupportedSyntaxError(
        f"the parameter {name!r} of {func.__name__} takes a function (its default "
        f"{getattr(passed[name], '__name__', 'a function')}): a written module is made for "
        f"one function, and a caller could pass it another", parsed.location(node),
        hint=f"write the module of a function giving it by name, def {func.__name__}_"
             f"{name}(...): return {func.__name__}(..., {name}=<the function>) "
             f"(s2sad.grad takes any function given at each call)")


def _refuse_unwritten_defaults(functions):
    """A default that reads a name its module does not hold (a value of the enclosing
    function, a global deleted since) cannot be spelled in a written module: refused,
    located (in-process gradients are given the function's own default values)."""
    for func in functions:
        if not (func.__defaults__ or func.__kwdefaults__):
            continue
        parsed = parse_function(func)
        args = parsed.node.args
        for default in list(args.defaults) + [d for d in args.kw_defaults if d is not None]:
            for name in nodes_names(default):
                if not parsed.is_resolvable(name):
                    raise UnsupportedSyntaxError(
                        f"the default value of a parameter of {func.__name__} reads {name!r}, "
                        f"which its module does not hold: a written module cannot spell it",
                        parsed.location(default),
                        hint="make it a module-level name, or give the value as an argument "
                             "(s2sad.grad computes this function in-process with its own "
                             "defaults)")


def nodes_names(node):
    """The names ``node`` reads."""
    return [n.id for n in gast.walk(node) if isinstance(n, gast.Name)
            and isinstance(n.ctx, gast.Load)]


def _activity_stage(result, wrt):
    """The ``--dump-after activity`` text: the activity report as comments over the
    normalized function."""
    report = pipeline.activity_report(result.normal, wrt)
    comments = "".join(f"# {line}\n" for line in report.splitlines())
    normal = result.stages.get("normalize", "")
    return f"# activity with respect to {', '.join(wrt)}\n{comments}{normal}"


def cmd_grad(args):
    """``s2sad grad``: write (or, with ``--dump-after``, print) the module; the exit code."""
    source, func_name = parse_target(args.target)
    if args.output and not args.dump_after:
        check_output_path(args.output, source, args.force)
    try:
        text, result, _ = generate_module(source, func_name, args.wrt, args.mode, args.flavor,
                                          output=args.output, dump=bool(args.dump_after),
                                          target=args.backend)
    except S2sadError as exc:
        partial = getattr(exc, "stages", {})
        if args.dump_after in partial:   # show what ran before the failing pass
            write_stdout(partial[args.dump_after].encode("utf-8"))
        raise
    if args.dump_after:
        if args.dump_after not in result.stages:
            raise CliError(f"the pass {args.dump_after!r} does not run in {args.mode} mode",
                           hint=f"passes that ran: {', '.join(sorted(result.stages))}")
        stage = result.stages[args.dump_after]
        write_stdout(stage.encode("utf-8"))
        if args.output:
            print(f"s2sad: --dump-after given: {shown_path(args.output)} was not written",
                  file=sys.stderr)
        return EXIT_OK
    data = text.encode("utf-8")
    if args.output:
        write_atomic(args.output, data)
    else:
        write_stdout(data)
    return EXIT_OK
