"""The s2sad command line: ``grad``, ``check`` and ``graph``.

``s2sad grad model.py:loss --wrt w -o loss_grad.py`` writes a derivative
module whose header records, with paths relative to the module's own
directory, the command that made it; ``s2sad check DIR`` reads that command
back, regenerates in memory and compares bytes, which is what CI runs;
``s2sad graph`` draws the normalized function.

Exit codes (also shown by ``--help``): 0 success; 1 ``check`` found a stale
module; 2 a user error (bad arguments, missing file or function, unsupported
construct, refused overwrite, Graphviz missing); 3 an internal error, a bug
in s2sad.
"""

import argparse
import contextlib
import difflib
import importlib.util
import inspect
import io
import linecache
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import textwrap
import traceback

from . import __version__
from .errors import S2sadError

EXIT_OK = 0
EXIT_STALE = 1
EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 3

EXIT_CODES_HELP = """\
exit codes:
  0  success (check: every module is up to date)
  1  check: at least one module is stale (a unified diff is printed)
  2  user error: bad arguments, missing file or function, unsupported
     construct, bad --wrt, refused overwrite, Graphviz not installed
  3  internal error in s2sad (please report it; --traceback shows where)
"""

_GRAPH_FORMATS = {".dot": None, ".gv": None, ".svg": "svg", ".png": "png", ".pdf": "pdf"}


class CliError(Exception):
    """A user error found by the CLI itself: printed as one message, exit 2.

    ``where`` is a ``file`` or ``file:line:col`` prefix, ``detail`` any lines
    (source and caret) printed under the message.
    """

    def __init__(self, message, where="", detail="", hint=""):
        super().__init__(message)
        self.message = message
        self.where = where
        self.detail = detail
        self.hint = hint


# --------------------------------------------------------------------------- paths and files

def _shown(path):
    """How a path appears in messages: relative to the working directory when below it."""
    from .pipeline import display_path
    return display_path(os.path.abspath(path))


def _head_lines(path, count):
    try:
        with open(path, "rb") as handle:
            return [handle.readline(1024) for _ in range(count)]
    except OSError:
        return []


def _has_s2sad_header(path):
    """True for a Python module s2sad generated: its first line is the s2sad header."""
    from .pipeline import HEADER_MARK
    return any(line.startswith(f"# {HEADER_MARK}".encode()) for line in _head_lines(path, 1))


def _written_by_s2sad(path):
    """True for any file s2sad wrote: a module, DOT text, or an SVG graph."""
    from .pipeline import HEADER_MARK
    marks = tuple(f"{lead} {HEADER_MARK}".encode() for lead in ("#", "//", "<!--"))
    return any(line.startswith(marks) for line in _head_lines(path, 3))


def _check_output_path(out, source, force):
    """Refuse to write ``out`` if it is the source, a directory, or not written by s2sad."""
    if os.path.exists(source) and os.path.exists(out) and os.path.samefile(out, source):
        raise CliError("refusing to write the output into the source file itself",
                       where=_shown(out), hint="choose another file with -o")
    if os.path.isdir(out):
        raise CliError("the output path is a directory", where=_shown(out),
                       hint="give a file name, e.g. -o loss_grad.py")
    if os.path.exists(out) and not force and not _written_by_s2sad(out):
        raise CliError("refusing to overwrite a file that s2sad did not write "
                       "(it has no s2sad header)", where=_shown(out),
                       hint="pass --force to overwrite it anyway, or choose another -o")
    parent = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(parent):
        raise CliError("the output directory does not exist", where=_shown(parent))


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path, data):
    """Write ``data`` (bytes) to ``path`` through a temporary file in the same directory.

    Readers see the old file or the new one, never a partial one; on any
    failure the temporary file is removed and ``path`` is left untouched.
    """
    path = os.path.abspath(path)
    directory, name = os.path.split(path)
    mode = (os.stat(path).st_mode & 0o7777) if os.path.exists(path) else (0o666 & ~_umask())
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".s2sad-tmp", dir=directory)
    except OSError as exc:
        raise _write_error(exc, path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            _write_error(exc, path)
        raise


def _write_error(exc, path):
    """The OSError of a failed write, naming ``path`` (the output the user asked for),
    not the temporary file s2sad writes first (the name it carried)."""
    exc.filename, exc.filename2 = path, None
    return exc


def _write_stdout(data):
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # a replaced sys.stdout (tests): text is fine
        sys.stdout.write(data.decode("utf-8"))
    else:
        sys.stdout.flush()
        stream.write(data)
        stream.flush()


# --------------------------------------------------------------------------- the user's module

def _parse_target(spec):
    """``PATH.py:FUNC`` -> (path, function name)."""
    path, sep, func = spec.rpartition(":")
    if not sep or not path or not func:
        raise CliError(f"expected PATH.py:FUNCTION, got {spec!r}",
                       hint="for example: s2sad grad model.py:loss --wrt w")
    if not all(part.isidentifier() for part in func.split(".")):
        raise CliError(f"{func!r} is not a function name", where=path)
    return path, func


def _frame_in(tb, path):
    """The last traceback entry that lies in ``path`` (the user's file), if any."""
    found = None
    for entry in traceback.extract_tb(tb):
        if os.path.abspath(entry.filename) == path:
            found = entry
    return found


@contextlib.contextmanager
def user_module(path):
    """Import the module at ``path`` (its directory on ``sys.path`` meanwhile).

    The module is registered under its file stem for the duration, so helpers
    it defines are importable by that name (generated code imports them so);
    afterwards ``sys.path`` and every module this import added from the
    user's directory are restored, so several files can be loaded in turn.
    """
    shown = _shown(path)
    path = os.path.abspath(path)
    if not os.path.exists(path):
        raise CliError("no such file", where=shown)
    if not os.path.isfile(path):
        raise CliError("not a file", where=shown)
    if not path.endswith(".py"):
        raise CliError("not a Python source file (expected a .py file)", where=shown)
    directory = os.path.dirname(path)
    stem = os.path.splitext(os.path.basename(path))[0]
    name = stem if stem.isidentifier() else "s2sad_user_" + "".join(
        c if c.isalnum() else "_" for c in stem)
    saved_path = list(sys.path)
    saved_modules = dict(sys.modules)
    saved_bytecode = sys.dont_write_bytecode
    sys.path.insert(0, directory)
    sys.dont_write_bytecode = True   # leave no __pycache__ in the user's tree
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except SyntaxError as exc:
            line = exc.lineno or 0
            column = max((exc.offset or 1) - 1, 0)
            raise CliError(f"invalid Python syntax: {exc.msg}",
                           where=f"{shown}:{line}:{column + 1}",
                           detail=_source_detail(exc.text or "", column)) from None
        except SystemExit as exc:
            raise CliError(f"the module called sys.exit({exc.code!r}) while being imported",
                           where=shown, hint="guard that code with "
                                             "'if __name__ == \"__main__\":'") from None
        except Exception as exc:  # noqa: BLE001 - the user's module failed to import
            entry = _frame_in(exc.__traceback__, path)
            where, detail = shown, ""
            if entry:   # 1-based columns, as everywhere else
                code = linecache.getline(path, entry.lineno) or entry.line or ""
                column = getattr(entry, "colno", None)
                if column is None:   # no column (Python < 3.11): the statement's start
                    column = len(code) - len(code.lstrip())
                where = f"{shown}:{entry.lineno}:{column + 1}"
                detail = _source_detail(code, column) if code.strip() else ""
            raise CliError(f"importing the module raised {type(exc).__name__}: {exc}",
                           where=where, detail=detail,
                           hint="s2sad imports the module to read its functions; "
                                "fix the error or guard the code with "
                                "'if __name__ == \"__main__\":'") from None
        yield module
    finally:
        sys.dont_write_bytecode = saved_bytecode
        sys.path[:] = saved_path
        for key in list(sys.modules):
            if key in saved_modules:
                continue
            file = getattr(sys.modules[key], "__file__", None) or ""
            if key == name or (file and os.path.abspath(file).startswith(directory + os.sep)):
                del sys.modules[key]
        for key, saved in saved_modules.items():
            if sys.modules.get(key) is not saved:
                sys.modules[key] = saved


def _get_function(module, func_name, path):
    obj = module
    for part in func_name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            break
    if inspect.isclass(obj):
        methods = sorted(n for n, v in vars(obj).items()
                         if inspect.isfunction(v) and not n.startswith("__"))
        raise CliError(f"{func_name!r} is a class, not a function", where=_shown(path),
                       hint=f"name a function defined with 'def'" + (
                           f", or a method: {path}:{func_name}.{methods[0]} (its 'self' is "
                           f"a parameter)" if methods else ""))
    if obj is None or not callable(obj):
        functions = sorted(n for n, v in vars(module).items()
                           if inspect.isfunction(v) and v.__module__ == module.__name__)
        hint = (f"functions defined there: {', '.join(functions)}" if functions
                else "the module defines no functions")
        what = "no function" if obj is None else "no callable"
        raise CliError(f"{what} named {func_name!r} in the module", where=_shown(path), hint=hint)
    return obj


def _parse_wrt(text, func, path):
    """``--wrt x,w`` (names or indices) -> tuple of parameter names."""
    from .pipeline import resolve_wrt
    if text is None:
        items = [0]
    else:
        items = [item.strip() for item in text.split(",")]
        if not all(items):
            raise CliError(f"--wrt {text!r} has an empty name",
                           hint="separate names with commas and no spaces: --wrt x,w")
        items = [int(i) if i.lstrip("-").isdigit() else i for i in items]
    try:
        names, _ = resolve_wrt(func, tuple(items))
    except Exception as exc:
        from .errors import S2sadError
        if not isinstance(exc, S2sadError):
            raise
        from .errors import WrtError
        if not isinstance(exc, WrtError):   # about the function, not about --wrt
            raise CliError(exc.message, hint=exc.hint, **_def_line(func, path)) from None
        raise CliError(f"bad --wrt: {exc.message}", hint=exc.hint,
                       **_def_line(func, path)) from None
    return names


def _def_line(func, path):
    """``where``/``detail`` pointing at ``def func``."""
    try:
        lines, first = inspect.getsourcelines(func)
    except (OSError, TypeError):
        return {"where": _shown(path)}
    index = next((i for i, line in enumerate(lines) if line.lstrip().startswith("def ")), 0)
    text = lines[index].rstrip("\n")
    column = len(text) - len(text.lstrip())
    return {"where": f"{_shown(path)}:{first + index}:{column + 1}",
            "detail": _source_detail(text, column)}


def _source_detail(code, column, caret=True):
    text = code.rstrip("\n")
    stripped = text.lstrip()
    if not stripped:
        return ""
    indent = len(text) - len(stripped)
    lines = f"    {stripped}"
    if caret:
        lines += "\n    " + " " * max(column - indent, 0) + "^"
    return lines


# --------------------------------------------------------------------------- generation

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


def regenerate_command(source_rel, func_name, wrt, mode, flavor, output_rel=None):
    """The ``s2sad grad ...`` command recorded in headers (defaults left out)."""
    words = ["s2sad", "grad", f"{source_rel}:{func_name}", "--wrt", ",".join(wrt)]
    if mode != "reverse":
        words += ["--mode", mode]
    if flavor != FLAVORS[mode][0]:
        words += ["--flavor", flavor]
    if output_rel is not None:
        words += ["-o", output_rel]
    return " ".join(shlex.quote(w) for w in words)


def generate_module(source, func_name, wrt_text, mode, flavor, output=None, dump=False,
                    base=None):
    """Generate the derivative module of ``source:func_name``.

    Paths in the header are relative to ``base``, by default ``output``'s
    directory (the working directory when writing to stdout).  Returns
    ``(text, result, wrt names)``.
    """
    from . import pipeline
    flavor = resolve_flavor(mode, flavor)
    if base is None:
        base = os.path.dirname(os.path.abspath(output)) if output else os.getcwd()
    with user_module(source) as module:
        func = _get_function(module, func_name, source)
        wrt = _parse_wrt(wrt_text, func, source)
        source_rel = pipeline.display_path(os.path.abspath(source), base)
        output_rel = (pipeline.display_path(os.path.abspath(output), base)
                      if output else None)
        command = regenerate_command(source_rel, func_name, wrt, mode, flavor, output_rel)
        shown_mode = "forward over reverse" if flavor == "hvp" else mode
        lines = pipeline.header(func_name, source_rel, shown_mode, flavor, wrt, command,
                                relative_paths=True)
        if flavor == "hvp":   # Hessian-vector products: forward mode over the gradient code
            from .api import generate_hvp
            result = generate_hvp(func, wrt, lines, dump=dump)
        else:
            result = pipeline.generate(func, wrt, mode=mode, flavor=flavor, header_lines=lines,
                                       dump=dump)
        if dump:
            result.stages.setdefault("activity", _activity_stage(result, wrt))
        _refuse_unwritten_defaults([func] + list(getattr(result, "callees", {}).values()))
    return result.emitted.text, result, wrt


def _refuse_unwritten_defaults(functions):
    """A default that reads a name its module does not hold (a value of the enclosing
    function, a global deleted since) cannot be spelled in a written module: refused,
    located (in-process gradients are given the function's own default values)."""
    from .errors import UnsupportedSyntaxError
    from .syntax.parse import parse_function
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
    import gast
    return [n.id for n in gast.walk(node) if isinstance(n, gast.Name)
            and isinstance(n.ctx, gast.Load)]


def _activity_stage(result, wrt):
    from . import pipeline
    report = pipeline.activity_report(result.normal, wrt)
    comments = "".join(f"# {line}\n" for line in report.splitlines())
    normal = result.stages.get("normalize", "")
    return f"# activity with respect to {', '.join(wrt)}\n{comments}{normal}"


# --------------------------------------------------------------------------- commands

def cmd_grad(args):
    source, func_name = _parse_target(args.target)
    if args.output and not args.dump_after:
        _check_output_path(args.output, source, args.force)
    try:
        text, result, _ = generate_module(source, func_name, args.wrt, args.mode, args.flavor,
                                          output=args.output, dump=bool(args.dump_after))
    except S2sadError as exc:
        partial = getattr(exc, "stages", {})
        if args.dump_after in partial:   # show what ran before the failing pass
            _write_stdout(partial[args.dump_after].encode("utf-8"))
        raise
    if args.dump_after:
        if args.dump_after not in result.stages:
            raise CliError(f"the pass {args.dump_after!r} does not run in {args.mode} mode",
                           hint=f"passes that ran: {', '.join(sorted(result.stages))}")
        stage = result.stages[args.dump_after]
        _write_stdout(stage.encode("utf-8"))
        if args.output:
            print(f"s2sad: --dump-after given: {_shown(args.output)} was not written",
                  file=sys.stderr)
        return EXIT_OK
    data = text.encode("utf-8")
    if args.output:
        write_atomic(args.output, data)
    else:
        _write_stdout(data)
    return EXIT_OK


def _find_modules(paths):
    """Generated modules named by ``paths`` (files, or directories searched recursively)."""
    found, errors = [], []
    for path in paths:
        if os.path.isdir(path):
            hits = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if name.endswith(".py") and _has_s2sad_header(full):
                        hits.append(full)
            if not hits:
                errors.append(CliError("no s2sad-generated modules found in this directory",
                                       where=_shown(path)))
            found.extend(hits)
        elif os.path.isfile(path):
            if _has_s2sad_header(path):
                found.append(path)
            else:
                errors.append(CliError("not an s2sad-generated module (no s2sad header)",
                                       where=_shown(path)))
        else:
            errors.append(CliError("no such file or directory", where=_shown(path)))
    return found, errors


def recorded_command(text, path):
    """The parsed ``s2sad grad`` arguments recorded in a generated module's header."""
    from .pipeline import REGENERATE_MARK
    prefix = f"# {REGENERATE_MARK}"
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if line.startswith(prefix):
            command = line[len(prefix):].strip()
            try:
                words = shlex.split(command)
            except ValueError:
                words = []
            if words[:2] != ["s2sad", "grad"]:
                break
            parser = build_parser()
            with contextlib.redirect_stderr(io.StringIO()):
                try:
                    args = parser.parse_args(words[1:])
                except SystemExit:
                    break
            if args.dump_after or args.force:
                break
            return args
    raise CliError("the header records no 's2sad grad' command to regenerate it with",
                   where=_shown(path),
                   hint="regenerate it with 's2sad grad ... -o FILE' once; "
                        "modules made through the Python API cannot be checked")


def regenerate_file(path):
    """(bytes on disk, bytes regenerated from its header's command) of a generated module."""
    with open(path, "rb") as handle:
        current = handle.read()
    args = recorded_command(current.decode("utf-8", errors="replace"), path)
    directory = os.path.dirname(os.path.abspath(path))
    source_rel, func_name = _parse_target(args.target)
    source = os.path.join(directory, source_rel)
    text, _, _ = generate_module(source, func_name, args.wrt, args.mode, args.flavor,
                                 output=path if args.output else None, base=directory)
    return current, text.encode("utf-8")


def cmd_check(args):
    modules, errors = _find_modules(args.paths)
    stale, updated, fresh = [], [], 0
    for path in modules:
        try:
            current, new = regenerate_file(path)
        except CliError as exc:
            exc.message = f"cannot regenerate {_shown(path)}: {exc.message}"
            errors.append(exc)
            continue
        except Exception as exc:
            from .errors import S2sadError
            if not isinstance(exc, S2sadError):
                raise
            errors.append(_from_s2sad_error(exc, prefix=f"cannot regenerate {_shown(path)}: "))
            continue
        if current == new:
            fresh += 1
            continue
        shown = _shown(path)
        if args.update:
            write_atomic(path, new)
            updated.append(shown)
            print(f"updated {shown}", file=sys.stderr)
            continue
        stale.append(shown)
        diff = difflib.unified_diff(
            current.decode("utf-8", errors="replace").splitlines(keepends=True),
            new.decode("utf-8").splitlines(keepends=True),
            fromfile=f"{shown} (on disk)", tofile=f"{shown} (regenerated)")
        _write_stdout("".join(line if line.endswith("\n") else line + "\n\\ No newline at end "
                              "of file\n" for line in diff).encode("utf-8"))
    for error in errors:
        _print_error(error)
    summary = f"s2sad check: {fresh} up to date"
    if updated:
        summary += f", {len(updated)} updated"
    if stale:
        summary += f", {len(stale)} stale ({', '.join(stale)})"
    if errors:
        summary += f", {len(errors)} error{'s' if len(errors) > 1 else ''}"
    print(summary, file=sys.stderr)
    if stale and not errors:
        print("hint: run 's2sad check --update' with the same paths to regenerate them",
              file=sys.stderr)
    if errors:
        return EXIT_USER_ERROR
    return EXIT_STALE if stale else EXIT_OK


def cmd_graph(args):
    from . import graph, pipeline
    source, func_name = _parse_target(args.target)
    fmt = None
    if args.output:
        ext = os.path.splitext(args.output)[1].lower()
        if ext not in _GRAPH_FORMATS:
            raise CliError(f"unknown graph format {ext or '(no extension)'!r}",
                           where=_shown(args.output),
                           hint=f"use one of {', '.join(sorted(_GRAPH_FORMATS))}")
        fmt = _GRAPH_FORMATS[ext]
        _check_output_path(args.output, source, args.force)
        dot_program = shutil.which("dot") if fmt else None
        if fmt and dot_program is None:
            raise CliError(f"writing .{fmt} needs the Graphviz 'dot' program, which is not "
                           f"on PATH", where=_shown(args.output),
                           hint="install Graphviz (https://graphviz.org/download/, e.g. "
                                "'apt install graphviz'), or write DOT text with -o graph.dot")
    base = os.path.dirname(os.path.abspath(args.output)) if args.output else os.getcwd()
    with user_module(source) as module:
        func = _get_function(module, func_name, source)
        wrt = _parse_wrt(args.wrt, func, source)
        source_rel = pipeline.display_path(os.path.abspath(source), base)
        text = graph.function_dot(func, wrt, f"{source_rel}:{func_name}")
    data = text.encode("utf-8")
    if not args.output:
        _write_stdout(data)
    elif fmt is None:
        write_atomic(args.output, data)
    else:
        _render_with_graphviz(dot_program, fmt, data, args.output)
    return EXIT_OK


def _render_with_graphviz(dot_program, fmt, data, output):
    directory = os.path.dirname(os.path.abspath(output))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(output)}.",
                                   suffix=".s2sad-tmp", dir=directory)
    except OSError as exc:
        raise _write_error(exc, output)
    os.close(fd)
    try:
        proc = subprocess.run([dot_program, f"-T{fmt}", "-o", tmp], input=data,
                              capture_output=True, check=False)
        if proc.returncode != 0:
            message = proc.stderr.decode("utf-8", errors="replace").strip()
            raise CliError(f"Graphviz 'dot' failed (exit {proc.returncode}): {message}",
                           where=_shown(output))
        if fmt == "svg":  # mark it, so the next run may replace it without --force
            with open(tmp, "rb") as handle:
                svg = handle.read()
            mark = f"<!-- Generated by s2sad {__version__} (s2sad graph) -->\n".encode()
            first, newline, rest = svg.partition(b"\n")
            svg = first + newline + mark + rest if first.startswith(b"<?xml") else mark + svg
            with open(tmp, "wb") as handle:
                handle.write(svg)
        os.chmod(tmp, 0o666 & ~_umask())
        try:
            os.replace(tmp, output)
        except OSError as exc:
            raise _write_error(exc, output)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


# --------------------------------------------------------------------------- parser and main

def _para(text):
    return textwrap.fill(text, 79)


def build_parser():
    from .pipeline import PASSES
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="s2sad", formatter_class=formatter,
        description=_para("Source-to-source automatic differentiation for numeric Python: "
                          "write readable derivative modules, check they are up to date, "
                          "draw computational graphs."),
        epilog=EXIT_CODES_HELP + "\nRun 's2sad COMMAND --help' for the options of a command.")
    parser.add_argument("--version", action="version", version=f"s2sad {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    grad = sub.add_parser(
        "grad", formatter_class=formatter, help="write the derivative module of a function",
        description=_para("Differentiate FUNCTION in PATH.py and write a standalone module "
                    "(stdout without -o). Its header records the command that made it, "
                    "with paths relative to the module's directory, for 's2sad check'."),
        epilog=EXIT_CODES_HELP)
    grad.add_argument("target", metavar="PATH.py:FUNCTION", help="the function to differentiate")
    grad.add_argument("--wrt", metavar="NAMES",
                      help="comma-separated parameter names (or indices) to differentiate "
                           "with respect to; default: the first parameter")
    grad.add_argument("--mode", choices=("reverse", "forward"), default="reverse",
                      help="differentiation mode (default: reverse)")
    grad.add_argument("--flavor", choices=("value_and_grad", "vjp", "jvp", "hvp"),
                      help="reverse mode: value_and_grad (default), f(...) -> (value, "
                           "gradient), or vjp, f(...) -> (value, pullback); forward mode: "
                           "jvp (default), f(..., x_dot) -> (value, tangent), or hvp, "
                           "f(..., x_dot) -> ((value, gradient), Hessian @ x_dot), forward "
                           "over reverse")
    grad.add_argument("-o", "--output", metavar="OUT.py",
                      help="write here (atomically) instead of stdout; never the source file")
    grad.add_argument("--force", action="store_true",
                      help="overwrite OUT.py even if s2sad did not write it")
    passes = tuple(PASSES) + tuple(p for p in ("forward",) if p not in PASSES)
    grad.add_argument("--dump-after", metavar="PASS", choices=passes,
                      help=f"print the program after PASS ({', '.join(passes)}; "
                           f"reverse or forward as --mode says) and stop; "
                           f"nothing is written")
    grad.add_argument("--traceback", action="store_true",
                      help="show the Python traceback of an error")
    grad.set_defaults(run=cmd_grad)

    check = sub.add_parser(
        "check", formatter_class=formatter,
        help="fail when generated modules are stale (for CI)",
        description=_para("Find the s2sad-generated modules among PATHs (files, or directories "
                    "searched recursively), regenerate each in memory from the command "
                    "recorded in its header, and print a unified diff for every stale one."),
        epilog=EXIT_CODES_HELP)
    check.add_argument("paths", metavar="PATH", nargs="+", help="files or directories")
    check.add_argument("--update", action="store_true",
                       help="rewrite stale modules instead of failing (exit 0 when all "
                            "could be regenerated)")
    check.add_argument("--traceback", action="store_true",
                       help="show the Python traceback of an error")
    check.set_defaults(run=cmd_check)

    graph = sub.add_parser(
        "graph", formatter_class=formatter,
        help="draw the computational graph of a function",
        description=_para("The computational graph of the normalized function: inputs, "
                    "intermediates, operations and outputs; nodes active with respect to "
                    "--wrt are drawn in blue, non-differentiable reads dashed. DOT text "
                    "needs nothing else; .svg, .png and .pdf need Graphviz's 'dot' program."),
        epilog=EXIT_CODES_HELP)
    graph.add_argument("target", metavar="PATH.py:FUNCTION", help="the function to draw")
    graph.add_argument("--wrt", metavar="NAMES",
                       help="parameters activity is computed for (default: the first)")
    graph.add_argument("-o", "--output", metavar="GRAPH",
                       help="graph.dot (or .gv), graph.svg, graph.png or graph.pdf; "
                            "default: DOT on stdout")
    graph.add_argument("--force", action="store_true",
                       help="overwrite GRAPH even if s2sad did not write it")
    graph.add_argument("--traceback", action="store_true",
                       help="show the Python traceback of an error")
    graph.set_defaults(run=cmd_graph)
    return parser


def _from_s2sad_error(exc, prefix=""):
    loc = exc.location
    if loc is None:
        return CliError(prefix + exc.message, hint=exc.hint)
    where = f"{_shown(loc.filename)}:{loc.line}:{loc.column}"
    return CliError(prefix + exc.message, where=where,
                    detail=_source_detail(loc.code, loc.column - 1), hint=exc.hint)


def _print_error(error):
    head = f"{error.where}: error: {error.message}" if error.where else \
        f"s2sad: error: {error.message}"
    lines = [head]
    if error.detail:
        lines.append(error.detail)
    if error.hint:
        lines.append(f"hint: {error.hint}")
    print("\n".join(lines), file=sys.stderr)


def main(argv=None):
    """Entry point of ``s2sad`` and ``python -m s2sad``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from .errors import S2sadError
    try:
        return args.run(args)
    except CliError as exc:
        if args.traceback:
            traceback.print_exc()
        _print_error(exc)
        return EXIT_USER_ERROR
    except S2sadError as exc:
        if args.traceback:
            traceback.print_exc()
        _print_error(_from_s2sad_error(exc))
        return EXIT_USER_ERROR
    except OSError as exc:  # e.g. permission denied while writing
        if args.traceback:
            traceback.print_exc()
        where = _shown(exc.filename) if exc.filename else ""
        _print_error(CliError(exc.strerror or str(exc), where=where))
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("s2sad: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug in s2sad: say so, exit 3
        if args.traceback:
            traceback.print_exc()
        print(f"s2sad: internal error: {type(exc).__name__}: {exc}\n"
              f"this is a bug in s2sad; rerun with --traceback and report it",
              file=sys.stderr)
        return EXIT_INTERNAL_ERROR
